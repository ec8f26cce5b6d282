// The one number formatter (src/format.ts). Every expected string is written by hand from the rules in the
// module's header: U+2212 '−' for negatives, '+' only when signed and > 0, proportions × 100 with 2
// decimals (1 for chart labels), a non-zero value below 10^−digits keeps 2 significant digits.
import { describe, expect, it } from 'vitest';
import { formatPercent as chartPercent, unitStyle } from '../../src/charts/theme';
import {
  formatInterval,
  formatMetricValue,
  formatNumber,
  formatPercent,
  formatPoints,
  formatPStatement,
  formatPValue,
  formatRelative,
  formatSigned,
  formatUsd,
  unitLabel,
} from '../../src/format';

describe('formatNumber', () => {
  it('groups integers, keeps 3–4 significant digits otherwise', () => {
    expect(formatNumber(12345)).toBe('12,345');
    expect(formatNumber(-12345)).toBe('−12,345');
    expect(formatNumber(1.23456)).toBe('1.235'); // 4 significant digits
    expect(formatNumber(2.5)).toBe('2.5'); // '2.500' without trailing zeros
    expect(formatNumber(999.96)).toBe('1,000'); // rounds up to 1000: grouped, not '1' from stripping zeros
    expect(formatNumber(1234.56)).toBe('1,235');
    expect(formatNumber(0.012345)).toBe('0.0123'); // 3 significant digits below 1
    expect(formatNumber(0.00001234)).toBe('1.23e-5'); // scientific below 1e-4
    expect(formatNumber(0.2, { digits: 2 })).toBe('0.20'); // fixed decimals on request
    expect(formatNumber(-1234.5, { digits: 2 })).toBe('−1,234.50');
    expect(formatNumber(0.001, { digits: 2 })).toBe('0.0010'); // below 0.01: 2 significant digits
    expect(formatNumber(Number.NaN)).toBe('—');
    expect(formatNumber(Number.NEGATIVE_INFINITY)).toBe('−∞');
  });
});

describe('formatMetricValue, unit by unit', () => {
  it("'proportion' and 'ratio': percent with 2 decimals; signed is a difference in points", () => {
    expect(formatMetricValue(0.9953, 'ratio')).toBe('99.53%');
    expect(formatMetricValue(0.9953, 'proportion')).toBe('99.53%');
    expect(formatMetricValue(0, 'proportion')).toBe('0.00%');
    expect(formatMetricValue(-0.005, 'ratio', { signed: true })).toBe('−0.50 pts');
    expect(formatMetricValue(0.0012, 'ratio', { signed: true })).toBe('+0.12 pts');
    expect(formatMetricValue(0, 'ratio', { signed: true })).toBe('0.00 pts'); // zero is unsigned
    expect(formatMetricValue(0.994, 'ratio', { digits: 1 })).toBe('99.4%'); // chart labels
    // ' pts' stays with bare: the column says '%', and a difference of rates is not a percent.
    expect(formatMetricValue(0.01, 'ratio', { signed: true, bare: true })).toBe('+1.00 pts');
  });

  it('tiny rates keep two significant digits instead of 0.00%', () => {
    // 1.234e-5 × 100 = 0.001234 %, below 0.01 → toPrecision(2) = '0.0012'
    expect(formatMetricValue(1.234e-5, 'proportion')).toBe('0.0012%');
    // 7e-5 × 100 = 0.007 % → '0.0070'
    expect(formatMetricValue(7e-5, 'ratio')).toBe('0.0070%');
    // with 1 decimal the limit is 0.1 %: 0.0005 → 0.05 % → '0.050%'
    expect(formatMetricValue(0.0005, 'ratio', { digits: 1 })).toBe('0.050%');
    // exactly 0.01 % is not tiny: '0.01%'
    expect(formatMetricValue(0.0001, 'ratio')).toBe('0.01%');
  });

  it("'points': already in percentage points", () => {
    expect(formatMetricValue(0, 'points')).toBe('0.00 pts');
    expect(formatMetricValue(0.12, 'points', { signed: true })).toBe('+0.12 pts');
    expect(formatMetricValue(-1.5, 'points', { signed: true })).toBe('−1.50 pts');
    expect(formatPoints(3.456, { bare: true })).toBe('3.46');
  });

  it("'usd' / 'USD': thousands separators and cents, 3 significant digits below a cent", () => {
    expect(formatMetricValue(4018, 'usd')).toBe('$4,018.00');
    expect(formatMetricValue(4018, 'USD')).toBe('$4,018.00');
    expect(formatMetricValue(0.5, 'usd')).toBe('$0.50');
    expect(formatMetricValue(0.0042, 'USD')).toBe('$0.00420');
    expect(formatMetricValue(-12.346, 'usd')).toBe('−$12.35');
    expect(formatMetricValue(1.5, 'usd', { signed: true })).toBe('+$1.50');
    expect(formatMetricValue(0, 'usd')).toBe('$0.00');
    expect(formatUsd(1234567.891)).toBe('$1,234,567.89');
  });

  it("'usd_per_1k_tokens' / 'USD/1K tokens': 3 significant digits per 1K tokens", () => {
    expect(formatMetricValue(0.0025, 'usd_per_1k_tokens')).toBe('$0.00250/1K tok');
    expect(formatMetricValue(0.0025, 'USD/1K tokens')).toBe('$0.00250/1K tok');
    expect(formatMetricValue(0.0025, 'USD/1K tokens', { bare: true })).toBe('$0.00250');
    expect(formatMetricValue(-0.0001, 'usd_per_1k_tokens', { signed: true })).toBe('−$0.000100/1K tok');
    expect(formatMetricValue(0, 'usd_per_1k_tokens')).toBe('$0/1K tok');
  });

  it("'ms': whole milliseconds with separators", () => {
    expect(formatMetricValue(2843.2, 'ms')).toBe('2,843 ms');
    expect(formatMetricValue(2843.5, 'ms', { bare: true })).toBe('2,844');
    expect(formatMetricValue(-120.4, 'ms', { signed: true })).toBe('−120 ms');
    expect(formatMetricValue(35, 'ms', { signed: true })).toBe('+35 ms');
  });

  it("'count', empty and free-text units", () => {
    expect(formatMetricValue(1500, 'count')).toBe('1,500');
    expect(formatMetricValue(2.5, '')).toBe('2.5');
    expect(formatMetricValue(812.25, 'tokens')).toBe('812.3 tokens'); // 4 significant digits
    expect(formatMetricValue(3e-5, 'ratio²')).toBe('3.00e-5');
    expect(formatMetricValue(-0.2, '', { signed: true, digits: 2 })).toBe('−0.20'); // a score difference
    expect(formatMetricValue(Number.NaN, 'ms')).toBe('—');
  });
});

describe('the other helpers', () => {
  it('formatRelative, formatPValue, formatInterval, formatSigned, formatPercent, unitLabel', () => {
    expect(formatRelative(0.123)).toBe('+12.3%');
    expect(formatRelative(-0.0456)).toBe('−4.6%'); // 4.56 → 1 decimal
    expect(formatRelative(0)).toBe('0.0%');
    expect(formatRelative(0.00004)).toBe('+0.0040%'); // 0.004 % is below 0.1 %: 2 significant digits
    expect(formatPValue(0.00003)).toBe('< 0.0001');
    expect(formatPValue(0.0123)).toBe('0.012');
    expect(formatPValue(0.456)).toBe('0.46');
    expect(formatPValue(undefined)).toBe('—');
    expect(formatPStatement(0.0123)).toBe('p = 0.012');
    expect(formatPStatement(0.00001, 'always-valid p')).toBe('always-valid p < 0.0001'); // not 'p = < 0.0001'
    expect(formatInterval([0.1, 0.2], (x) => formatPercent(x))).toBe('[10.00%, 20.00%]');
    expect(formatInterval([Number.NaN, Number.NaN], formatNumber)).toBe('—');
    expect(formatSigned(-2, (v) => `${v} ms`)).toBe('−2 ms');
    expect(formatSigned(0, (v) => `${v} ms`)).toBe('0 ms');
    expect(unitLabel('ratio')).toBe('%');
    expect(unitLabel('USD/1K tokens')).toBe('USD / 1K tokens');
    expect(unitLabel('points')).toBe('pts');
    expect(unitLabel('ms')).toBe('ms');
  });
});

describe('one formatter behind the report, the charts and the decision', () => {
  it('chart labels use it with one decimal for percentages', () => {
    expect(chartPercent(0.995)).toBe('99.5%');
    expect(chartPercent(0.99512, 2)).toBe('99.51%');
    expect(formatUsd(4018)).toBe('$4,018.00');
    expect(unitStyle('points').fmt(0)).toBe('0.00 pts');
    expect(unitStyle('usd').fmt(4018)).toBe(formatMetricValue(4018, 'usd'));
    expect(unitStyle('ms').fmt(2345.6)).toBe('2,346 ms');
  });
});
