import { describe, expect, it } from 'vitest';
import { bootstrapCI } from '../../src/stats/bootstrapCI';
import { ratioDifferenceCI } from '../../src/stats/ratioDifferenceCI';
import { ratioMetricCI } from '../../src/stats/ratioMetricCI';
import { expectClose, loadFixture } from '../helpers/fixtures';

interface Arm {
  numerators: number[];
  denominators: number[];
}
interface Bounds {
  estimate: number;
  lower: number;
  upper: number;
  standardError?: number;
}
type Part = 'primary' | 'canary' | 'difference' | 'relative';
interface RatioCase {
  name: string;
  paired: boolean;
  scale: number;
  primary: Arm;
  canary: Arm;
  expected: Record<Part, Bounds>;
  bootstrap: Record<Part, Omit<Bounds, 'estimate'>>;
}
const fx = loadFixture<{ ratio: RatioCase[] }>('bootstrap.json');
const cases = fx.ratio.map((c) => [c.name, c] as const);

describe('ratioDifferenceCI matches the numpy delta method (absolute, and log-ratio for relative)', () => {
  it.each(cases)('%s', (_n, c) => {
    const r = ratioDifferenceCI(c.primary, c.canary, { scale: c.scale, paired: c.paired });
    for (const part of ['primary', 'canary', 'difference', 'relative'] as const) {
      const e = c.expected[part];
      const got = r[part];
      // Differences near zero: compare on the scale of the interval's width.
      const atol = 1e-9 * (e.upper - e.lower);
      expectClose(got.estimate, e.estimate, 1e-9, atol, `${part}.estimate`);
      expectClose(got.lower, e.lower, 1e-9, atol, `${part}.lower`);
      expectClose(got.upper, e.upper, 1e-9, atol, `${part}.upper`);
    }
    expect(r.paired).toBe(c.paired);
  });
});

describe('ratioDifferenceCI agrees with bootstraps (delta vs bootstrap: within 10% of the width)', () => {
  it.each(cases)('%s: scipy percentile bootstrap, 49999 resamples', (_n, c) => {
    const r = ratioDifferenceCI(c.primary, c.canary, { scale: c.scale, paired: c.paired });
    for (const part of ['difference', 'relative'] as const) {
      const b = c.bootstrap[part];
      const width = r[part].upper - r[part].lower;
      expect(Math.abs(r[part].lower - b.lower), `${part}.lower`).toBeLessThanOrEqual(0.1 * width);
      expect(Math.abs(r[part].upper - b.upper), `${part}.upper`).toBeLessThanOrEqual(0.1 * width);
    }
  });

  it('paired synthetic: our bootstrapCI over pairs of requests agrees too, and ignoring the pairing widens the interval', () => {
    const c = fx.ratio.find((k) => k.paired) as RatioCase;
    const sum = (v: Float64Array) => v.reduce((s, x) => s + x, 0);
    const b = bootstrapCI({
      samples: [c.primary.numerators, c.primary.denominators, c.canary.numerators, c.canary.denominators],
      statistic: (yp, xp, yc, xc) => (sum(yc) / sum(xc) - sum(yp) / sum(xp)) * c.scale,
      paired: true,
      method: 'percentile',
      resamples: 2000,
      seed: 8,
    });
    const r = ratioDifferenceCI(c.primary, c.canary, { scale: c.scale, paired: true });
    const width = r.difference.upper - r.difference.lower;
    expect(Math.abs(r.difference.lower - b.lower)).toBeLessThanOrEqual(0.1 * width);
    expect(Math.abs(r.difference.upper - b.upper)).toBeLessThanOrEqual(0.1 * width);
    const unpaired = ratioDifferenceCI(c.primary, c.canary, { scale: c.scale });
    expect(unpaired.difference.standardError).toBeGreaterThan(r.difference.standardError);
  });
});

describe('ratioDifferenceCI', () => {
  const primary = { numerators: [2, 4, 1, 3, 5, 2], denominators: [1000, 1800, 600, 1500, 2100, 900] };
  const canary = { numerators: [3, 5, 2, 4, 6, 2], denominators: [1100, 1900, 700, 1400, 2200, 800] };

  it('runs the JSDoc example', () => {
    const r = ratioDifferenceCI(primary, canary, { scale: 1000 });
    expect(r.relative.estimate).toBeCloseTo(22 / 8100 / (17 / 7900) - 1, 12);
    expect(r.relative.estimate).toBeCloseTo(0.2621641249092228, 12);
    expect(r.relative.lower).toBeCloseTo(0.15705814258978218, 12);
    expect(r.relative.upper).toBeCloseTo(0.3768178275312992, 12);
  });

  it('unpaired arms combine the two ratioMetricCI standard errors', () => {
    const r = ratioDifferenceCI(primary, canary, { scale: 1000 });
    const p = ratioMetricCI(primary, { scale: 1000 });
    const c = ratioMetricCI(canary, { scale: 1000 });
    expect(r.primary).toEqual({
      estimate: p.estimate,
      lower: p.lower,
      upper: p.upper,
      standardError: p.standardError,
      n: 6,
    });
    expectClose(r.difference.standardError, Math.hypot(p.standardError, c.standardError), 1e-12);
    expectClose(r.difference.estimate, c.estimate - p.estimate, 1e-12);
  });

  it('relative interval is asymmetric and stays above −100%', () => {
    const r = ratioDifferenceCI(primary, canary, { confidence: 0.999999 });
    expect(r.relative.lower).toBeGreaterThan(-1);
    expect(r.relative.upper - r.relative.estimate).toBeGreaterThan(r.relative.estimate - r.relative.lower);
  });

  it.each([
    [
      'primary short',
      [{ numerators: [1], denominators: [1] }, canary, {}],
      /ratioDifferenceCI: primary.numerators needs at least 2 values, got 1/,
    ],
    [
      'canary lengths',
      [primary, { numerators: [1, 2], denominators: [1] }, {}],
      /ratioDifferenceCI: canary.denominators needs at least 2 values, got 1/,
    ],
    [
      'paired lengths',
      [primary, { numerators: [1, 2], denominators: [1, 2] }, { paired: true }],
      /ratioDifferenceCI: primary and canary must have equal lengths when paired, got 6 and 2/,
    ],
    [
      'zero ratio',
      [{ numerators: [0, 0], denominators: [1, 2] }, canary, {}],
      /ratioDifferenceCI: the primary ratio must be positive, got 0/,
    ],
    [
      'confidence',
      [primary, canary, { confidence: -1 }],
      /ratioDifferenceCI: confidence must be in \(0, 1\), got -1/,
    ],
    ['paired type', [primary, canary, { paired: 1 }], /ratioDifferenceCI: paired must be a boolean, got 1/],
  ])('throws on bad input: %s', (_n, args, message) => {
    expect(() => (ratioDifferenceCI as (...a: unknown[]) => unknown)(...args)).toThrow(message);
  });
});
