import { describe, expect, it } from 'vitest';
import {
  type BootstrapSettings,
  bootstrapCI,
  quantileBootstrap,
  quantileStatistic,
  type StatisticFunction,
} from '../../src/stats/bootstrapCI';
import { binomialSfInclusive, chiSquareQuantile } from '../../src/stats/distributions';
import { createRng } from '../../src/stats/random';
import { quantileOfSorted } from '../../src/stats/select';
import { type BootstrapCase, type BootstrapFixture, mcTolerance } from '../helpers/bootstrapFixture';
import { expectClose, frozen, loadFixture } from '../helpers/fixtures';

const fx = loadFixture<BootstrapFixture>('bootstrap.json');

const mean = (a: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
};
/** A user statistic computing the type-7 quantile with a full sort: the slow, obviously-right reference. */
const sortQuantile = (a: Float64Array, p: number): number => quantileOfSorted(a.slice().sort(), p);
const combiners = {
  single: (q: number) => q,
  difference: (x: number, y: number) => y - x,
  ratio: (x: number, y: number) => y / x,
} as const;

function genericStatistic(c: BootstrapCase): StatisticFunction {
  const one = c.statistic === 'mean' ? mean : (a: Float64Array) => sortQuantile(a, c.p as number);
  const combine = combiners[c.combine] as (...q: number[]) => number;
  return (...arms) => combine(...arms.map(one));
}

function fastStatistic(c: BootstrapCase): StatisticFunction {
  if (c.statistic === 'mean') return genericStatistic(c);
  return quantileStatistic(c.p as number, combiners[c.combine] as (...q: number[]) => number);
}

const settings = (over: Partial<BootstrapSettings> = {}): BootstrapSettings => ({
  method: 'percentile',
  resamples: 9999,
  confidence: 0.95,
  seed: 1,
  paired: false,
  ...over,
});

describe('bootstrapCI agrees with scipy.stats.bootstrap (9999 resamples, within Monte-Carlo error)', () => {
  it.each(fx.bootstrap.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const ds = fx.datasets[c.dataset];
    const r = bootstrapCI({
      samples: ds.arms.map((a) => frozen(a)),
      statistic: fastStatistic(c),
      method: c.method,
      paired: c.paired,
      seed: 1,
    });
    expectClose(r.estimate, c.estimate, 1e-12, 0, 'estimate');
    expect(Math.abs(r.lower - c.lower), 'lower').toBeLessThanOrEqual(mcTolerance(c, c.lowerSd, fx.runs));
    expect(Math.abs(r.upper - c.upper), 'upper').toBeLessThanOrEqual(mcTolerance(c, c.upperSd, fx.runs));
    expect(r.method).toBe(c.method);
    expect(r.resamples).toBe(9999);
    if (c.acceleration !== undefined) {
      // The jackknife is deterministic: O(1) leave-one-out quantiles must equal scipy's n recomputations.
      expectClose(r.acceleration as number, c.acceleration, 1e-9, 1e-15, 'acceleration');
    }
  });

  const small = fx.bootstrap.filter(
    (c) => c.statistic === 'quantile' && fx.datasets[c.dataset].arms[0].length <= 200,
  );
  it.each(small.map((c) => [c.name, c] as const))(
    'generic statistic (full sort per resample): %s',
    (_n, c) => {
      const ds = fx.datasets[c.dataset];
      const r = bootstrapCI({
        samples: ds.arms,
        statistic: genericStatistic(c),
        method: c.method,
        paired: c.paired,
        seed: 2,
      });
      expect(Math.abs(r.lower - c.lower)).toBeLessThanOrEqual(mcTolerance(c, c.lowerSd, fx.runs));
      expect(Math.abs(r.upper - c.upper)).toBeLessThanOrEqual(mcTolerance(c, c.upperSd, fx.runs));
      if (c.acceleration !== undefined) expectClose(r.acceleration as number, c.acceleration, 1e-9, 1e-15);
    },
  );
});

describe('quantile fast path', () => {
  const rng = createRng(11);
  const lognormal = (n: number) => Array.from({ length: n }, () => Math.exp(0.5 * rng.normal()));
  // Token counts: many ties, the case where leave-one-out order statistics are easiest to get wrong.
  const tokens = (n: number) => Array.from({ length: n }, () => 100 + rng.int(8));
  const x = lognormal(257);
  const y = lognormal(257);
  const t1 = tokens(120);
  const t2 = tokens(120);

  it.each([
    [0.95, 'unpaired'],
    [0.5, 'unpaired'],
    [0, 'unpaired'],
    [1, 'unpaired'],
    [0.95, 'paired'],
    [0.37, 'paired'],
    [1, 'paired'],
  ] as const)('O(1) jackknife equals the naive jackknife (p=%s, %s)', (p, mode) => {
    for (const [a, b] of [
      [x, y],
      [t1, t2],
    ]) {
      const paired = mode === 'paired';
      const fast = bootstrapCI({
        samples: [a, b],
        statistic: quantileStatistic(p, (qa, qb) => qb - qa),
        paired,
        resamples: 200,
      });
      const slow = bootstrapCI({
        samples: [a, b],
        statistic: (u, v) => sortQuantile(v, p) - sortQuantile(u, p),
        paired,
        resamples: 200,
      });
      expectClose(fast.acceleration as number, slow.acceleration as number, 1e-9, 1e-14);
    }
  });

  it('paired: counting selection gives exactly the replicates of the generic path (same draws)', () => {
    for (const p of [0.95, 0.5, 0.01]) {
      const opts = { samples: [x, y], paired: true, seed: 5, resamples: 999 } as const;
      const fast = bootstrapCI({ ...opts, statistic: quantileStatistic(p, (qa, qb) => qb / qa) });
      const slow = bootstrapCI({ ...opts, statistic: (u, v) => sortQuantile(v, p) / sortQuantile(u, p) });
      expect(fast).toEqual(slow);
    }
  });

  it('unpaired order-statistic sampling gives the exact bootstrap law of an order statistic (chi-square, α=0.001)', () => {
    // n = 41, p = 0.5: h = 20 exactly, so each replicate is the 21st smallest of the resample, whose law is
    // P(X* ≤ s_j) = P(Bin(41, (j+1)/41) ≥ 21). Distinct data make value ↔ sorted position one to one.
    const n = 41;
    const data = Float64Array.from({ length: n }, (_, i) => i + 1);
    const B = 20000;
    for (const strategy of ['order-statistic', 'counting'] as const) {
      const qb = quantileBootstrap([data], 0.5, settings({ resamples: B, seed: 3 }), strategy);
      const observed = new Array<number>(n).fill(0);
      for (const v of qb.replicates[0]) observed[v - 1]++;
      const cdf = (j: number) => (j < 0 ? 0 : binomialSfInclusive(21, n, (j + 1) / n));
      // Pool positions into bins with expected count ≥ 5.
      let chi2 = 0;
      let bins = 0;
      let o = 0;
      let e = 0;
      for (let j = 0; j < n; j++) {
        o += observed[j];
        e += B * (cdf(j) - cdf(j - 1));
        if (e >= 5 && B * (1 - cdf(j)) >= 5) {
          chi2 += (o - e) ** 2 / e;
          bins++;
          o = 0;
          e = 0;
        }
      }
      chi2 += e > 0 ? (o - e) ** 2 / e : 0;
      bins++;
      expect(chi2, strategy).toBeLessThan(chiSquareQuantile(0.999, bins - 1));
    }
  });

  it('unpaired order-statistic sampling matches counting selection in law (two-sample KS, α=0.001)', () => {
    const B = 20000;
    for (const p of [0.95, 0.99, 0.1]) {
      const a = quantileBootstrap(
        [Float64Array.from(x)],
        p,
        settings({ resamples: B, seed: 1 }),
        'order-statistic',
      );
      const b = quantileBootstrap([Float64Array.from(x)], p, settings({ resamples: B, seed: 2 }), 'counting');
      const u = a.replicates[0].slice().sort();
      const v = b.replicates[0].slice().sort();
      let i = 0;
      let j = 0;
      let d = 0;
      while (i < B && j < B) {
        const t = Math.min(u[i], v[j]);
        while (i < B && u[i] <= t) i++;
        while (j < B && v[j] <= t) j++;
        d = Math.max(d, Math.abs(i - j) / B);
      }
      // c(0.001) = 1.949: P(D > 1.949·√(2/B)) ≈ 0.001 for equal laws (conservative for discrete ones).
      expect(d, `p=${p}`).toBeLessThan(1.949 * Math.sqrt(2 / B));
    }
  });

  // Its speed (~15 ms here, vs scipy's ~11 s) is measured by `npm run bench` (bench/bootstrapCI.bench.ts).
  it('BCa of a P95 difference, two arms of 10,000, 9999 resamples, brackets the estimate', () => {
    const a = lognormal(10_000);
    const b = lognormal(10_000);
    const r = bootstrapCI({
      samples: [a, b],
      statistic: quantileStatistic(0.95, (qa, qb) => qb - qa),
      seed: 1,
    });
    expect(r.lower).toBeLessThan(r.estimate);
    expect(r.upper).toBeGreaterThan(r.estimate);
  });
});

describe('bootstrapCI behaviour', () => {
  const data = [1.2, 0.8, 1.9, 1.1, 2.4, 0.7, 1.5, 1.3, 3.1, 1.0];
  const meanFn = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;

  it('runs the JSDoc examples', () => {
    const r = bootstrapCI({
      samples: [[1.2, 0.8, 1.9, 1.1, 2.4, 0.7, 1.5, 1.3, 3.1, 1.0]],
      statistic: (x) => x.reduce((s, v) => s + v, 0) / x.length,
      resamples: 2000,
      seed: 1,
    });
    expect(r.estimate).toBeCloseTo(1.5, 12);
    expect(r.lower).toBeCloseTo(1.137708659660022, 12);
    expect(r.upper).toBeCloseTo(2.04, 12);
    // Independent check: BCa for the mean of 10 values sits near the t interval 1.5 ± 2.262·0.2427.
    expect(r.lower).toBeGreaterThan(1.5 - 2.262 * 0.2427 - 0.1);
    expect(r.upper).toBeLessThan(1.5 + 2.262 * 0.2427 + 0.1);
    const p90Diff = quantileStatistic(0.9, (primary, canary) => canary - primary);
    expect(p90Diff([1, 2, 3, 4, 10], [2, 3, 4, 5, 11])).toBeCloseTo(1, 12);
  });

  it('is reproducible: the same seed gives the same interval, another seed a different one', () => {
    const a = bootstrapCI({ samples: [data], statistic: meanFn, seed: 42, resamples: 500 });
    const b = bootstrapCI({ samples: [data], statistic: meanFn, seed: 42, resamples: 500 });
    const c = bootstrapCI({ samples: [data], statistic: meanFn, seed: 43, resamples: 500 });
    expect(b).toEqual(a);
    expect(c.lower === a.lower && c.upper === a.upper).toBe(false);
  });

  it('standard error matches the analytic bootstrap SE of a mean, sqrt(Σ(x−x̄)²)/n, within 5%', () => {
    const r = bootstrapCI({ samples: [data], statistic: meanFn, method: 'percentile', seed: 3 });
    const m = 1.5;
    const exact = Math.sqrt(data.reduce((s, v) => s + (v - m) ** 2, 0)) / data.length;
    expectClose(r.standardError, exact, 0.05);
  });

  it('does not mutate its inputs, and lets the statistic reorder its buffers', () => {
    const x = frozen([5, 3, 9, 1, 7, 2, 8, 6]);
    const y = frozen([4, 4, 10, 2, 6, 1, 9, 7]);
    const sorting: StatisticFunction = (a, b) => {
      a.sort();
      b.sort();
      return b[6] - a[6];
    };
    const copying: StatisticFunction = (a, b) => b.slice().sort()[6] - a.slice().sort()[6];
    for (const paired of [false, true]) {
      const r1 = bootstrapCI({ samples: [x, y], statistic: sorting, paired, resamples: 300 });
      const r2 = bootstrapCI({ samples: [x, y], statistic: copying, paired, resamples: 300 });
      expect(r1).toEqual(r2);
    }
    expect(x).toEqual([5, 3, 9, 1, 7, 2, 8, 6]);
  });

  it('gives a zero-width interval for constant data (percentile and BCa)', () => {
    for (const method of ['percentile', 'bca'] as const) {
      const r = bootstrapCI({ samples: [[2, 2, 2, 2]], statistic: meanFn, method, resamples: 100 });
      expect([r.lower, r.estimate, r.upper]).toEqual([2, 2, 2]);
    }
    const q = bootstrapCI({ samples: [[3, 3, 3]], statistic: quantileStatistic(0.95), resamples: 100 });
    expect([q.lower, q.upper, q.acceleration]).toEqual([3, 3, 0]);
  });

  it('reports confidence and a wider interval at a higher confidence', () => {
    const r90 = bootstrapCI({ samples: [data], statistic: meanFn, confidence: 0.9, method: 'percentile' });
    const r99 = bootstrapCI({ samples: [data], statistic: meanFn, confidence: 0.99, method: 'percentile' });
    expect(r90.confidence).toBe(0.9);
    expect(r99.upper - r99.lower).toBeGreaterThan(r90.upper - r90.lower);
  });

  it.each([
    ['empty arm', { samples: [[]] }, /bootstrapCI: samples\[0\] needs at least 2 values, got 0/],
    ['one value', { samples: [[1, 2], [3]] }, /bootstrapCI: samples\[1\] needs at least 2 values, got 1/],
    ['no arms', { samples: [] }, /bootstrapCI: samples must be a non-empty array/],
    ['NaN', { samples: [[1, Number.NaN]] }, /bootstrapCI: samples\[0\]\[1\] must be finite, got NaN/],
    [
      'paired lengths',
      {
        samples: [
          [1, 2, 3],
          [1, 2],
        ],
        paired: true,
      },
      /bootstrapCI: samples\[0\] and samples\[1\] must have equal lengths when paired, got 3 and 2/,
    ],
    ['resamples < 100', { resamples: 50 }, /bootstrapCI: resamples must be >= 100, got 50/],
    ['resamples not integer', { resamples: 100.5 }, /bootstrapCI: resamples must be an integer/],
    ['confidence 1', { confidence: 1 }, /bootstrapCI: confidence must be in \(0, 1\), got 1/],
    ['confidence 0', { confidence: 0 }, /bootstrapCI: confidence must be in \(0, 1\), got 0/],
    ['confidence NaN', { confidence: Number.NaN }, /bootstrapCI: confidence must be a number, got NaN/],
    ['method', { method: 'basic' }, /bootstrapCI: method must be 'percentile' or 'bca', got "basic"/],
    ['seed', { seed: Number.POSITIVE_INFINITY }, /bootstrapCI: seed must be a finite number/],
    ['paired type', { paired: 'yes' }, /bootstrapCI: paired must be a boolean/],
    ['statistic', { statistic: 3 }, /bootstrapCI: statistic must be a function, got 3/],
    [
      'NaN statistic',
      { statistic: () => Number.NaN },
      /bootstrapCI: statistic must be finite on the data, got NaN/,
    ],
    [
      'quantileStatistic without combine on 2 arms',
      {
        samples: [
          [1, 2],
          [3, 4],
        ],
        statistic: quantileStatistic(0.5),
      },
      /bootstrapCI: statistic is quantileStatistic\(0.5\) without combine, which takes 1 sample; got 2 samples/,
    ],
  ])('throws on bad input: %s', (_n, over, message) => {
    const opts = { samples: [[1, 2, 3]], statistic: meanFn, ...over } as unknown as Parameters<
      typeof bootstrapCI
    >[0];
    expect(() => bootstrapCI(opts)).toThrow(message);
  });

  it('throws when the statistic is not finite on a resample', () => {
    const statistic = (a: Float64Array) => 1 / (a[0] - a[1]);
    expect(() => bootstrapCI({ samples: [[1, 2, 3]], statistic, resamples: 100 })).toThrow(
      /bootstrapCI: statistic must be finite on every resample, got (-)?Infinity on resample \d+/,
    );
  });

  it('quantileStatistic validates p and its arms', () => {
    expect(() => quantileStatistic(1.5)).toThrow(/quantileStatistic: p must be in \[0, 1\], got 1.5/);
    expect(() => quantileStatistic(0.5)([])).toThrow(
      /quantileStatistic: arms\[0\] needs at least 1 value, got 0/,
    );
    expect(() => quantileStatistic(0.5)([1], [2])).toThrow(
      /quantileStatistic: without combine the statistic takes 1 arm, got 2/,
    );
    const arr = frozen([3, 1, 2]);
    expect(quantileStatistic(0.5)(arr)).toBe(2);
    expect(arr).toEqual([3, 1, 2]);
  });
});
