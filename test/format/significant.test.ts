// formatSignificant: the notebooks' table cells. Expected strings derived by hand: round to `digits`
// significant digits, then write the number as JavaScript does (no grouping, trailing zeros dropped,
// exponent form below 1e-6 and from 1e21).
import { describe, expect, it } from 'vitest';
import { formatSignificant } from '../../src/format';

describe('formatSignificant', () => {
  it('rounds to the significant digits and drops trailing zeros', () => {
    expect(formatSignificant(0.123456, 4)).toBe('0.1235'); // 0.1234|56 rounds up
    expect(formatSignificant(1234.5678, 4)).toBe('1235'); // 1234|.5678 rounds up
    expect(formatSignificant(123456.7, 4)).toBe('123500'); // 1.235e5, written out in full
    expect(formatSignificant(-2.71838, 3)).toBe('-2.72'); // ASCII '-', not the formatter's '−'
    expect(formatSignificant(0.1 + 0.2, 4)).toBe('0.3'); // 0.3000 → '0.3'
    expect(formatSignificant(0.000123456, 2)).toBe('0.00012');
  });

  it('keeps JavaScript exponent form at the extremes', () => {
    expect(formatSignificant(1e-7, 4)).toBe('1e-7');
    expect(formatSignificant(5.55e21, 2)).toBe('5.6e+21'); // 5.55e21 is stored just above 5.55e21
  });
});
