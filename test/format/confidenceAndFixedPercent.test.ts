import { describe, expect, it } from 'vitest';
import { formatConfidence, formatFixedPercent, formatPercent, formatSettingPercent } from '../../src/format';

describe('formatConfidence: a confidence level as a whole percent', () => {
  it('rounds 100 × level to an integer (hand-derived)', () => {
    expect(formatConfidence(0.95)).toBe('95%');
    expect(formatConfidence(1 - 0.05)).toBe('95%'); // 0.95 − ε in binary: 94.99999999999999 rounds to 95
    expect(formatConfidence(0.999)).toBe('100%'); // 99.9 rounds up
    expect(formatConfidence(0.9)).toBe('90%');
    expect(formatConfidence(0.975)).toBe('98%'); // 97.5 rounds half up
  });
});

describe('formatFixedPercent: the calibration tables’ fixed-decimal shares', () => {
  it('keeps exactly the given decimals, also for tiny values', () => {
    expect(formatFixedPercent(0.27)).toBe('27.0%');
    expect(formatFixedPercent(0.995)).toBe('99.5%');
    expect(formatFixedPercent(1)).toBe('100.0%');
    expect(formatFixedPercent(0)).toBe('0.0%');
    // 1/200 runs: 0.5%; the Wilson lower bound of 1/200 (≈ 0.00088) reads 0.1, where formatPercent keeps 2 digits
    expect(formatFixedPercent(1 / 200)).toBe('0.5%');
    expect(formatFixedPercent(0.00088, { bare: true })).toBe('0.1');
    expect(formatPercent(0.00088, { digits: 1 })).toBe('0.088%');
    expect(formatFixedPercent(0.12345, { digits: 2 })).toBe('12.35%'); // 12.345 → toFixed(2); 0.12345·100 = 12.345000000000001
  });

  it('reads — for values that are not finite, and a negative share as toFixed writes it', () => {
    expect(formatFixedPercent(Number.NaN)).toBe('—');
    expect(formatFixedPercent(Number.POSITIVE_INFINITY)).toBe('—');
    expect(formatFixedPercent(-0.03)).toBe('-3.0%');
  });
});

describe('formatSettingPercent: a policy threshold written back as a percent', () => {
  it('keeps up to 6 significant digits and drops trailing zeros (hand-derived)', () => {
    expect(formatSettingPercent(-1.5)).toBe('-150%');
    expect(formatSettingPercent(0.2)).toBe('20%');
    expect(formatSettingPercent(-1)).toBe('-100%');
    // 12.3456789 to 6 significant digits is 12.3457
    expect(formatSettingPercent(0.123456789)).toBe('12.3457%');
    // 0.07 × 100 = 7.000000000000001 in binary: 6 significant digits give 7
    expect(formatSettingPercent(0.07)).toBe('7%');
  });
});
