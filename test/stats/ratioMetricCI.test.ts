import { describe, expect, it } from 'vitest';
import { bootstrapCI } from '../../src/stats/bootstrapCI';
import { createRng } from '../../src/stats/random';
import { ratioMetricCI } from '../../src/stats/ratioMetricCI';
import { expectClose, frozen, loadFixture } from '../helpers/fixtures';

interface Arm {
  numerators: number[];
  denominators: number[];
}
interface Bounds {
  estimate?: number;
  lower: number;
  upper: number;
  standardError: number;
}
interface RatioCase {
  name: string;
  scale: number;
  confidence: number;
  primary: Arm;
  canary: Arm;
  expected: Record<'primary' | 'canary', Bounds & { estimate: number }>;
  bootstrap: Record<'primary' | 'canary', Bounds>;
}
const fx = loadFixture<{ ratio: RatioCase[] }>('bootstrap.json');
const arms = fx.ratio.flatMap((c) =>
  (['primary', 'canary'] as const).map((a) => [`${c.name} ${a}`, c, a] as const),
);

describe('ratioMetricCI (delta method) matches numpy’s textbook-form delta method', () => {
  it.each(arms)('%s', (_n, c, a) => {
    const data = { numerators: frozen(c[a].numerators), denominators: frozen(c[a].denominators) };
    const r = ratioMetricCI(data as never, { scale: c.scale });
    const e = c.expected[a];
    expectClose(r.estimate, e.estimate, 1e-12);
    expectClose(r.standardError, e.standardError, 1e-9);
    expectClose(r.lower, e.lower, 1e-9);
    expectClose(r.upper, e.upper, 1e-9);
    expect(r.n).toBe(c[a].numerators.length);
  });
});

describe('ratioMetricCI agrees with bootstraps of the ratio of sums', () => {
  // Delta and bootstrap intervals differ by O(skewness/√n); at n = 150–500 we allow 10% of the width.
  it.each(arms)('%s: scipy percentile bootstrap (49999 resamples)', (_n, c, a) => {
    const r = ratioMetricCI(c[a], { scale: c.scale });
    const b = c.bootstrap[a];
    const width = r.upper - r.lower;
    expect(Math.abs(r.lower - b.lower)).toBeLessThanOrEqual(0.1 * width);
    expect(Math.abs(r.upper - b.upper)).toBeLessThanOrEqual(0.1 * width);
    expectClose(r.standardError, b.standardError, 0.1);
  });

  it.each(arms)(
    '%s: our bootstrapCI (BCa, requests resampled with their numerator and denominator)',
    (_n, c, a) => {
      const r = ratioMetricCI(c[a], { scale: c.scale });
      const sum = (v: Float64Array) => v.reduce((s, x) => s + x, 0);
      const b = bootstrapCI({
        samples: [c[a].numerators, c[a].denominators],
        statistic: (y, x) => (sum(y) / sum(x)) * c.scale,
        paired: true,
        resamples: 2000,
        seed: 4,
      });
      expectClose(b.estimate, r.estimate, 1e-12);
      const width = r.upper - r.lower;
      expect(Math.abs(r.lower - b.lower)).toBeLessThanOrEqual(0.1 * width);
      expect(Math.abs(r.upper - b.upper)).toBeLessThanOrEqual(0.1 * width);
    },
  );
});

describe('ratioMetricCI', () => {
  it('runs the JSDoc example', () => {
    const r = ratioMetricCI(
      { numerators: [0.002, 0.004, 0.001, 0.003], denominators: [1000, 1800, 600, 1500] },
      { scale: 1000 },
    );
    expect(r.estimate).toBeCloseTo(0.01 / 4.9, 15);
    // By hand: residuals e = y − R x; SE = sqrt(Σe²/(n−1)/n)/x̄, x̄ = 1225.
    const R = 0.01 / 4900;
    const e = [0.002 - R * 1000, 0.004 - R * 1800, 0.001 - R * 600, 0.003 - R * 1500];
    const se = (Math.sqrt(e.reduce((s, v) => s + v * v, 0) / 3 / 4) / 1225) * 1000;
    expect(r.standardError).toBeCloseTo(se, 15);
    expect(r.lower).toBeCloseTo(0.0018546686572884666, 15);
    expect(r.upper).toBeCloseTo(0.0022269639957727574, 15);
    expect(r.method).toBe('delta');
  });

  it('is not the mean of per-request ratios', () => {
    const r = ratioMetricCI({ numerators: [1, 100], denominators: [1, 1000] });
    expect(r.estimate).toBeCloseTo(101 / 1001, 15);
  });

  it('covers the true ratio about 95% of the time (simulation: 400 datasets of n = 300, tolerance 3 SE = ±3.3%)', () => {
    // Tokens ~ lognormal; cost = tokens × price × lognormal noise with E = 1, so the true ratio is `price`.
    const rng = createRng(2024);
    const price = 0.002;
    const sigma = 0.4;
    let covered = 0;
    const reps = 400;
    for (let k = 0; k < reps; k++) {
      const x: number[] = [];
      const y: number[] = [];
      for (let i = 0; i < 300; i++) {
        const tokens = Math.exp(Math.log(800) + 0.7 * rng.normal());
        x.push(tokens);
        y.push(tokens * price * Math.exp(sigma * rng.normal() - sigma ** 2 / 2));
      }
      const r = ratioMetricCI({ numerators: y, denominators: x });
      if (r.lower <= price && price <= r.upper) covered++;
    }
    expect(Math.abs(covered / reps - 0.95)).toBeLessThanOrEqual(3 * Math.sqrt((0.95 * 0.05) / reps));
  });

  it.each([
    [
      'empty',
      { numerators: [], denominators: [] },
      {},
      /ratioMetricCI: numerators needs at least 2 values, got 0/,
    ],
    [
      'lengths',
      { numerators: [1, 2, 3], denominators: [1, 2] },
      {},
      /ratioMetricCI: numerators and denominators must have equal lengths, got 3 and 2/,
    ],
    [
      'NaN',
      { numerators: [1, 2], denominators: [1, Number.NaN] },
      {},
      /ratioMetricCI: denominators\[1\] must be finite, got NaN/,
    ],
    [
      'zero denominators',
      { numerators: [1, 2], denominators: [0, 0] },
      {},
      /ratioMetricCI: denominators must sum to a positive number, got 0/,
    ],
    [
      'confidence',
      { numerators: [1, 2], denominators: [1, 2] },
      { confidence: 1.2 },
      /ratioMetricCI: confidence must be in \(0, 1\), got 1.2/,
    ],
    [
      'scale',
      { numerators: [1, 2], denominators: [1, 2] },
      { scale: 0 },
      /ratioMetricCI: scale must be positive and finite, got 0/,
    ],
    ['data', null, {}, /ratioMetricCI: data must be an object/],
  ])('throws on bad input: %s', (_n, data, opts, message) => {
    expect(() => ratioMetricCI(data as never, opts)).toThrow(message);
  });
});
