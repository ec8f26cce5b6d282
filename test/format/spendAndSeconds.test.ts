// formatSpend and formatSeconds (src/format.ts): the running spend and the elapsed time as the progress line,
// the run summary and the budget messages print them. Expected strings written by hand from the rule:
// '$' + exactly 4 decimals (round half per Number#toFixed), seconds with 1 decimal; no thousands separators.
import { describe, expect, it } from 'vitest';
import { formatSeconds, formatSpend } from '../../src/format';

describe('formatSpend', () => {
  it("'$' and exactly four decimals, no grouping", () => {
    expect(formatSpend(0)).toBe('$0.0000');
    expect(formatSpend(0.01234)).toBe('$0.0123'); // 0.01234 → 4 decimals: 0.0123
    expect(formatSpend(0.00005)).toBe('$0.0001'); // 5e-5 rounds up at the 4th decimal
    expect(formatSpend(1234.5)).toBe('$1234.5000'); // no thousands separator, unlike formatUsd
    expect(formatSpend(2)).toBe('$2.0000');
  });
});

describe('formatSeconds', () => {
  it('milliseconds as seconds with one decimal', () => {
    expect(formatSeconds(0)).toBe('0.0 s');
    expect(formatSeconds(12_345)).toBe('12.3 s'); // 12.345 s → 12.3
    expect(formatSeconds(950)).toBe('0.9 s'); // 0.95 is 0.94999… in binary: toFixed(1) gives 0.9
    expect(formatSeconds(1_234_567)).toBe('1234.6 s'); // no grouping
  });
});
