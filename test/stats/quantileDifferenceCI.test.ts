import { describe, expect, it } from 'vitest';
import { bootstrapCI, quantileStatistic } from '../../src/stats/bootstrapCI';
import { quantileDifferenceCI } from '../../src/stats/quantileDifferenceCI';
import { type BootstrapCase, mcTolerance } from '../helpers/bootstrapFixture';
import { expectClose, frozen, loadFixture } from '../helpers/fixtures';

const fx = loadFixture<{
  runs: number;
  datasets: Record<string, { arms: number[][] }>;
  bootstrap: BootstrapCase[];
}>('bootstrap.json');

const cases = fx.bootstrap.filter((c) => c.statistic === 'quantile' && c.combine !== 'single');

describe('quantileDifferenceCI agrees with scipy.stats.bootstrap of Q_p(y) − Q_p(x) and Q_p(y)/Q_p(x)', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const [x, y] = fx.datasets[c.dataset].arms;
    const r = quantileDifferenceCI(frozen(x), frozen(y), c.p as number, {
      method: c.method,
      paired: c.paired,
      seed: 1,
    });
    const got = c.combine === 'difference' ? r.difference : r.ratio;
    expectClose(got.estimate, c.estimate, 1e-12);
    expect(Math.abs(got.lower - c.lower)).toBeLessThanOrEqual(mcTolerance(c, c.lowerSd, fx.runs));
    expect(Math.abs(got.upper - c.upper)).toBeLessThanOrEqual(mcTolerance(c, c.upperSd, fx.runs));
    expect(r.method).toBe(c.method);
    expect(r.resamples).toBe(9999);
  });
});

describe('quantileDifferenceCI', () => {
  const primary = [1.1, 0.9, 1.3, 2.8, 1.0, 1.2, 0.8, 1.6, 1.4, 3.5, 1.1, 0.95];
  const canary = [1.0, 0.85, 1.2, 2.2, 0.9, 1.1, 0.8, 1.5, 1.3, 2.6, 1.0, 0.9];

  it('runs the JSDoc example', () => {
    const r = quantileDifferenceCI(primary, canary, 0.9, { seed: 1, resamples: 2000 });
    // P90 by hand (type 7, h = 11·0.9 = 9.9, sorted): primary 1.6 + 0.9·(2.8 − 1.6) = 2.68; canary 1.5 + 0.9·0.7 = 2.13.
    expect(r.x).toBeCloseTo(2.68, 12);
    expect(r.y).toBeCloseTo(2.13, 12);
    expect(r.difference.estimate).toBeCloseTo(-0.55, 12);
    expect(r.ratio.estimate).toBeCloseTo(2.13 / 2.68, 12);
    // Pinned for seed 1 (regression); the scipy comparisons above check the method itself.
    expect(r.difference.lower).toBeCloseTo(-2.22, 10);
    expect(r.difference.upper).toBeCloseTo(1.03, 10);
    expect(r.ratio.lower).toBeCloseTo(0.3498542274052478, 10);
    expect(r.ratio.upper).toBeCloseTo(1.7720002014443195, 10);
    expect(r.difference).toEqual({
      estimate: r.difference.estimate,
      lower: expect.any(Number),
      upper: expect.any(Number),
    });
    expect(r.difference.lower).toBeLessThanOrEqual(r.difference.estimate);
    expect(r.ratio.upper).toBeGreaterThanOrEqual(r.ratio.estimate);
  });

  it('equals bootstrapCI with quantileStatistic and the same seed (both statistics from the same resamples)', () => {
    for (const paired of [false, true]) {
      for (const method of ['percentile', 'bca'] as const) {
        const opts = { method, paired, seed: 9, resamples: 1000 };
        const r = quantileDifferenceCI(primary, canary, 0.75, opts);
        const d = bootstrapCI({
          samples: [primary, canary],
          statistic: quantileStatistic(0.75, (a, b) => b - a),
          ...opts,
        });
        const q = bootstrapCI({
          samples: [primary, canary],
          statistic: quantileStatistic(0.75, (a, b) => b / a),
          ...opts,
        });
        expect(r.difference).toEqual({ estimate: d.estimate, lower: d.lower, upper: d.upper });
        expect(r.ratio).toEqual({ estimate: q.estimate, lower: q.lower, upper: q.upper });
      }
    }
  });

  it.each([
    [
      'empty x',
      () => quantileDifferenceCI([], [1, 2], 0.5),
      /quantileDifferenceCI: x needs at least 2 values, got 0/,
    ],
    [
      'short y',
      () => quantileDifferenceCI([1, 2], [1], 0.5),
      /quantileDifferenceCI: y needs at least 2 values, got 1/,
    ],
    [
      'paired lengths',
      () => quantileDifferenceCI([1, 2, 3], [1, 2], 0.5, { paired: true }),
      /quantileDifferenceCI: x and y must have equal lengths when paired, got 3 and 2/,
    ],
    [
      'p',
      () => quantileDifferenceCI([1, 2], [1, 2], 95),
      /quantileDifferenceCI: p must be in \[0, 1\], got 95/,
    ],
    [
      'resamples',
      () => quantileDifferenceCI([1, 2], [1, 2], 0.5, { resamples: 99 }),
      /quantileDifferenceCI: resamples must be >= 100, got 99/,
    ],
    [
      'confidence',
      () => quantileDifferenceCI([1, 2], [1, 2], 0.5, { confidence: 95 }),
      /quantileDifferenceCI: confidence must be in \(0, 1\), got 95/,
    ],
    [
      'zero quantile',
      () => quantileDifferenceCI([0, 0, 1], [1, 2, 3], 0.5),
      /quantileDifferenceCI: the ratio needs Q_p\(x\) != 0/,
    ],
  ])('throws on bad input: %s', (_n, f, message) => {
    expect(f).toThrow(message);
  });
});
