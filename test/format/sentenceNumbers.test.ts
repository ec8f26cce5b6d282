// formatPScientific, formatShortPercent, formatFixed, formatWindowWidth (src/format.ts): numbers inside sentences of the SRM check and the analysis.
// Expected strings written by hand from the rule: 3 significant digits, scientific (2 decimals of mantissa)
// below 0.001, '0' for zero, '—' when not finite.
import { describe, expect, it } from 'vitest';
import {
  formatFixed,
  formatPScientific,
  formatPValue,
  formatShortPercent,
  formatWindowWidth,
} from '../../src/format';

describe('formatPScientific', () => {
  it('3 significant digits from 0.001 up', () => {
    expect(formatPScientific(0.5)).toBe('0.500');
    expect(formatPScientific(1)).toBe('1.00');
    expect(formatPScientific(0.0123456)).toBe('0.0123');
    expect(formatPScientific(0.001)).toBe('0.00100'); // the boundary itself is not scientific
  });

  it('scientific below 0.001, where formatPValue would say only "< 0.0001"', () => {
    expect(formatPScientific(0.000999)).toBe('9.99e-4');
    // χ² = 526.3 on 1 df (9,000 / 1,000 against a 5% share): scipy.stats.chisquare gives p = 1.7936e-116.
    expect(formatPScientific(1.7936e-116)).toBe('1.79e-116');
    expect(formatPValue(1.7936e-116)).toBe('< 0.0001');
    expect(formatPScientific(5e-324)).toBe('4.94e-324'); // the smallest double keeps its exponent
  });

  it("'0' for an exact zero, '—' for what is not a number", () => {
    expect(formatPScientific(0)).toBe('0');
    expect(formatPScientific(Number.NaN)).toBe('—');
    expect(formatPScientific(Number.POSITIVE_INFINITY)).toBe('—');
  });
});

// formatShortPercent: the analysis's method and note sentences ('coverage ≥ 95%', 'family-wise error rate 5%').
// Hand-derived: 100·x rounded to 2 decimals, trailing zeros dropped.
describe('formatShortPercent', () => {
  it('drops trailing zeros, keeps at most 2 decimals', () => {
    expect(formatShortPercent(0.95)).toBe('95%');
    expect(formatShortPercent(1 - 0.95)).toBe('5%'); // 0.05000000000000004 → 5.00 → '5'
    expect(formatShortPercent(0.999)).toBe('99.9%');
    expect(formatShortPercent(0.0125)).toBe('1.25%');
    expect(formatShortPercent(0.12345)).toBe('12.35%'); // 12.345000000000001 rounds up
    expect(formatShortPercent(0)).toBe('0%');
    expect(formatShortPercent(Number.NaN)).toBe('—');
  });
});

// formatFixed: the SRM reason's χ² ('χ² = 526.32'). Hand-derived: toFixed's text, no grouping, no
// significant-digit rescue for tiny values (formatNumber would write '1,234.57' and '0.0021').
describe('formatFixed', () => {
  it('exactly the given decimals, no grouping', () => {
    // 500²/9,500 + 500²/500 = 26.3158 + 500 = 526.3158 (the SRM example)
    expect(formatFixed(500 ** 2 / 9500 + 500 ** 2 / 500, 2)).toBe('526.32');
    expect(formatFixed(1234.567, 2)).toBe('1234.57');
    expect(formatFixed(0.0021, 2)).toBe('0.00');
    expect(formatFixed(0, 2)).toBe('0.00');
    expect(formatFixed(Number.NaN, 2)).toBe('—');
  });
});

// formatWindowWidth: the analysis notes' 'per 1-hour window of start time'. Hand-derived from the units.
describe('formatWindowWidth', () => {
  it('the largest whole unit: hours, minutes, seconds, else ms', () => {
    expect(formatWindowWidth(3_600_000)).toBe('1-hour');
    expect(formatWindowWidth(7_200_000)).toBe('2-hour');
    expect(formatWindowWidth(5_400_000)).toBe('90-minute'); // 1.5 h is not whole hours
    expect(formatWindowWidth(300_000)).toBe('5-minute');
    expect(formatWindowWidth(30_000)).toBe('30-second');
    expect(formatWindowWidth(250)).toBe('250-ms');
  });
});
