import { describe, expect, it } from 'vitest';
import { boundedMeanConfidenceSequence } from '../../src/stats/boundedMeanConfidenceSequence';
import { logBeta, logGamma } from '../../src/stats/logGamma';
import {
  asymptoticCsHalfWidth,
  normalMixtureBoundary,
  normalMixtureOptimalRatio,
} from '../../src/stats/normalMixtureBoundary';
import { proportionConfidenceSequence } from '../../src/stats/proportionConfidenceSequence';
import {
  type QuantileCell,
  quantileConfidenceSequence,
  valueCells,
} from '../../src/stats/quantileConfidenceSequence';
import { createRng } from '../../src/stats/random';
import { type RatioSums, ratioConfidenceSequence } from '../../src/stats/ratioConfidenceSequence';
import { wilsonInterval } from '../../src/stats/wilsonInterval';
import { loadConfidenceSequencesFixture } from '../helpers/confidenceSequencesFixture';
import { expectClose } from '../helpers/fixtures';

// Generator: test/fixtures/generate_confidence_sequences.py (scipy.special, scipy.optimize.brentq /
// minimize_scalar on the defining martingales; see its docstring for what is independent of the TS code).
const fx = loadConfidenceSequencesFixture();

describe('confidence sequences match the scipy generator', () => {
  it('logGamma / logBeta = scipy.special.gammaln / betaln', () => {
    for (const r of fx.logGamma) expectClose(logGamma(r.x), r.lgamma, 1e-13, 1e-14, `lgamma(${r.x})`);
    for (const r of fx.logBeta)
      expectClose(logBeta(r.a, r.b), r.lbeta, 1e-12, 1e-13, `lbeta(${r.a}, ${r.b})`);
  });

  it('normal-mixture boundary, its optimal ratio (scipy minimize_scalar) and the asymptotic half-width', () => {
    for (const r of fx.boundaries)
      expectClose(normalMixtureBoundary(r.v, { rho: r.rho, alpha: r.alpha }), r.u, 1e-13, 0, `u(${r.v})`);
    for (const r of fx.optimalRatios)
      expectClose(normalMixtureOptimalRatio(r.alpha), r.x, 1e-7, 0, `x*(${r.alpha})`);
    for (const r of fx.halfWidths) expectClose(asymptoticCsHalfWidth(r), r.half, 1e-7, 0, `half ${r.n}`);
  });

  it('beta-binomial proportion sequence (brentq on the mixture martingale)', () => {
    for (const r of fx.proportion) {
      const s = proportionConfidenceSequence(r.successes, r.n, r);
      const label = `${r.successes}/${r.n}`;
      expectClose(s.prior.a, r.a, 1e-7, 0, `${label} a`);
      expectClose(s.prior.b, r.b, 1e-7, 0, `${label} b`);
      expectClose(s.ci[0], r.lower, 1e-8, 1e-11, `${label} lower`);
      expectClose(s.ci[1], r.upper, 1e-8, 1e-11, `${label} upper`);
    }
  });

  it('betting sequence for a bounded mean (brentq on the bet-mixture capital)', () => {
    for (const r of fx.boundedMean) {
      const s = boundedMeanConfidenceSequence(r.cells, r);
      expectClose(s.ci[0], r.lower, 1e-7, 1e-9, `${JSON.stringify(r.cells)} lower`);
      expectClose(s.ci[1], r.upper, 1e-7, 1e-9, `${JSON.stringify(r.cells)} upper`);
    }
  });

  it('quantile sequence from counts (every count 0..n scanned)', () => {
    for (const r of fx.quantile) {
      const cells: QuantileCell[] = r.cells.map(([lower, upper, count]) => ({ lower, upper, count }));
      const s = quantileConfidenceSequence(cells, r);
      expect(s.countRange, r.name).toEqual([r.sLo, r.sHi]);
      expectClose(s.ci[0], r.lower, 0, 0, `${r.name} lower`);
      expectClose(s.ci[1], r.upper, 0, 0, `${r.name} upper`);
    }
  });

  it('ratio sequence (numpy sample covariances, delta method)', () => {
    for (const r of fx.ratio) {
      const s = ratioConfidenceSequence(r.primary, r.canary, r);
      expectClose(s.estimate, r.estimate, 1e-9, 1e-12, 'estimate');
      expectClose(s.standardError, r.standardError, 1e-6, 0, 'se');
      expectClose(s.ci[0], r.lower, 1e-7, 1e-10, 'lower');
      expectClose(s.ci[1], r.upper, 1e-7, 1e-10, 'upper');
    }
  });
});

describe('honest intervals where the old sequential test had none', () => {
  it('all successes: a finite lower end solving p^n = α·B(a + n, b)/B(a, b)', () => {
    // Derivation: with S = n, M_n(p) = B(a + n, b)/B(a, b)/pⁿ is decreasing in p and M_n(1) = E_prior[pⁿ] ≤ 1,
    // so the upper end is 1 and the lower end is where M_n = 1/α: p = (α·B(a + n, b)/B(a, b))^(1/n).
    const s = proportionConfidenceSequence(1319, 1319, { nExpected: 1319, priorMean: 0.995 });
    const { a, b } = s.prior;
    const closed = Math.exp((Math.log(0.05) + logBeta(a + 1319, b) - logBeta(a, b)) / 1319);
    expect(s.ci[0]).toBeCloseTo(closed, 10);
    expect(s.ci[1]).toBe(1);
    expect(s.ci[0]).toBeGreaterThan(0.995); // certifies the 99.5% gate at a single look...
    expect(s.ci[0]).toBeLessThan(wilsonInterval(1319, 1319).lower); // ...but is wider than the fixed Wilson interval
  });

  it('no discordant pair: the quality sequence is a finite interval around 0, shrinking with n', () => {
    const w = (n: number) => boundedMeanConfidenceSequence([[0, n]], { nExpected: 1319 }).ci;
    const [lo, hi] = w(1319);
    expect(lo).toBeLessThan(0);
    expect(hi).toBeCloseTo(-lo, 12);
    expect(hi).toBeGreaterThan(0);
    expect(hi).toBeLessThan(0.01);
    expect(w(5000)[1]).toBeLessThan(hi);
  });

  it('is tightest near the expected sample size it was tuned for', () => {
    const width = (nExpected: number) => {
      const s = proportionConfidenceSequence(3900, 5000, { nExpected, priorMean: 0.8 });
      return s.ci[1] - s.ci[0];
    };
    expect(width(5000)).toBeLessThan(width(500));
    expect(width(5000)).toBeLessThan(width(50000));
    const half = (nExpected: number) => asymptoticCsHalfWidth({ variance: 1e-4, n: 2000, nExpected });
    expect(half(2000)).toBeLessThan(half(1900));
    expect(half(2000)).toBeLessThan(half(2100));
  });

  it('quantile bounds are bucket edges and ±Infinity while the data cannot bound it', () => {
    const s = quantileConfidenceSequence(valueCells([5, 1, 3]), { p: 0.95, nExpected: 100 });
    expect(s.ci).toEqual([Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]);
    expect(quantileConfidenceSequence([], { p: 0.5, nExpected: 10 }).n).toBe(0);
  });

  it('rejects bad input naming the function and the argument', () => {
    expect(() => proportionConfidenceSequence(3, 2, { nExpected: 10 })).toThrow(
      'proportionConfidenceSequence: successes must be <= n (2), got 3',
    );
    expect(() => proportionConfidenceSequence(1, 2, { nExpected: 0 })).toThrow(
      'proportionConfidenceSequence: nExpected must be a finite number > 0, got 0',
    );
    expect(() => boundedMeanConfidenceSequence([[2, 1]], { nExpected: 10 })).toThrow(
      'boundedMeanConfidenceSequence: cells[0][0] must be a number in [-1, 1], got 2',
    );
    expect(() =>
      quantileConfidenceSequence(
        [
          { lower: 2, upper: 3, count: 1 },
          { lower: 1, upper: 1, count: 1 },
        ],
        { p: 0.5, nExpected: 10 },
      ),
    ).toThrow('quantileConfidenceSequence: cells[1].lower (1) overlaps the previous cell (upper 3)');
    const ok: RatioSums = { n: 5, sumX: 1, sumY: 10, sumXX: 1, sumYY: 30, sumXY: 3 };
    expect(() => ratioConfidenceSequence({ ...ok, n: 1 }, ok, { nExpected: 10 })).toThrow(
      'ratioConfidenceSequence: primary.n must be an integer >= 2, got 1',
    );
    expect(() => normalMixtureBoundary(-1, { rho: 1 })).toThrow('normalMixtureBoundary: v (intrinsic time)');
  });
});

// Time-uniform coverage by seeded simulation through the real code: the true value must lie in the
// sequence at EVERY one of 30 looks in ≥ 1 − α of the runs (allowing 3 binomial standard errors of noise).
const REPS = 300;
const LOOKS = 30;
const maxMiss = (alpha: number) => alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / REPS);

describe('time-uniform coverage over 30 looks (seeded simulation)', () => {
  it('proportion at 99.5% (near the success gate), 200 calls per look', () => {
    const rng = createRng(17001);
    const p = 0.995;
    let missed = 0;
    let wilsonMissed = 0;
    for (let r = 0; r < REPS; r++) {
      let s = 0;
      let n = 0;
      let miss = false;
      let wmiss = false;
      for (let k = 0; k < LOOKS; k++) {
        for (let i = 0; i < 200; i++) if (rng.next() < p) s++;
        n += 200;
        const cs = proportionConfidenceSequence(s, n, { nExpected: 1319, priorMean: 0.995 });
        if (p < cs.ci[0] || p > cs.ci[1]) miss = true;
        const w = wilsonInterval(s, n);
        if (p < w.lower || p > w.upper) wmiss = true;
      }
      if (miss) missed++;
      if (wmiss) wilsonMissed++;
    }
    console.log(
      `proportion p = 0.995, ${REPS} runs x ${LOOKS} looks: sequence missed ${missed / REPS}, Wilson re-checked missed ${wilsonMissed / REPS}`,
    );
    expect(missed / REPS).toBeLessThanOrEqual(maxMiss(0.05));
    expect(wilsonMissed / REPS).toBeGreaterThan(missed / REPS);
  });

  it('paired quality difference (15% discordant, true difference +2 points), 50 pairs per look', () => {
    const rng = createRng(17002);
    // P(d = +1) = 0.085, P(d = −1) = 0.065: mean 0.02
    let missed = 0;
    for (let r = 0; r < REPS; r++) {
      const counts = [0, 0, 0];
      let miss = false;
      for (let k = 0; k < LOOKS; k++) {
        for (let i = 0; i < 50; i++) {
          const u = rng.next();
          counts[u < 0.085 ? 2 : u < 0.15 ? 0 : 1]++;
        }
        const cs = boundedMeanConfidenceSequence(
          [
            [-1, counts[0]],
            [0, counts[1]],
            [1, counts[2]],
          ],
          { nExpected: 1500 },
        );
        if (0.02 < cs.ci[0] || 0.02 > cs.ci[1]) miss = true;
      }
      if (miss) missed++;
    }
    console.log(`paired differences, ${REPS} runs x ${LOOKS} looks: sequence missed ${missed / REPS}`);
    expect(missed / REPS).toBeLessThanOrEqual(maxMiss(0.05));
  });

  it('P95 of log-normal latencies from log-bucket counts (the summary histogram), 100 calls per look', () => {
    const rng = createRng(17003);
    const truth = Math.exp(6.5 + 0.4 * 1.6448536269514722);
    let missed = 0;
    let exactMissed = 0;
    for (let r = 0; r < REPS; r++) {
      const buckets = new Map<number, number>();
      const values: number[] = [];
      let miss = false;
      for (let k = 0; k < LOOKS; k++) {
        for (let i = 0; i < 100; i++) {
          const x = Math.exp(6.5 + 0.4 * rng.normal());
          values.push(x);
          const b = Math.floor(100 * Math.log2(x) + 0.5);
          buckets.set(b, (buckets.get(b) ?? 0) + 1);
        }
        const cells = [...buckets.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([i, count]) => ({ lower: 2 ** ((i - 0.5) / 100), upper: 2 ** ((i + 0.5) / 100), count }));
        const cs = quantileConfidenceSequence(cells, { p: 0.95, nExpected: 1500 });
        if (truth < cs.ci[0] || truth > cs.ci[1]) miss = true;
      }
      if (miss) missed++;
      const exact = quantileConfidenceSequence(valueCells(values), { p: 0.95, nExpected: 1500 });
      if (truth < exact.ci[0] || truth > exact.ci[1]) exactMissed++;
    }
    console.log(`P95 from log buckets, ${REPS} runs x ${LOOKS} looks: sequence missed ${missed / REPS}`);
    expect(missed / REPS).toBeLessThanOrEqual(maxMiss(0.05));
    expect(exactMissed / REPS).toBeLessThanOrEqual(maxMiss(0.05));
  });

  it('cost-per-token ratio (asymptotic), 100 calls per arm per look', () => {
    const rng = createRng(17004);
    // cost = tokens × price × (1 + 0.2·U), U uniform and independent of tokens: E[cost]/E[tokens] = 1.1·price,
    // so the true relative change of the canary (price × 0.7) is exactly −30%.
    const truth = -0.3;
    let missed = 0;
    const add = (s: RatioSums, price: number) => {
      for (let i = 0; i < 100; i++) {
        const y = 100 + Math.floor(800 * rng.next());
        const x = y * price * (1 + 0.2 * rng.next());
        s.n++;
        s.sumX += x;
        s.sumY += y;
        s.sumXX += x * x;
        s.sumYY += y * y;
        s.sumXY += x * y;
      }
    };
    for (let r = 0; r < REPS; r++) {
      const p: RatioSums = { n: 0, sumX: 0, sumY: 0, sumXX: 0, sumYY: 0, sumXY: 0 };
      const c: RatioSums = { ...p };
      let miss = false;
      for (let k = 0; k < LOOKS; k++) {
        add(p, 8e-6);
        add(c, 8e-6 * 0.7);
        const cs = ratioConfidenceSequence(p, c, { nExpected: 1500 });
        if (truth < cs.ci[0] || truth > cs.ci[1]) miss = true;
      }
      if (miss) missed++;
    }
    console.log(`cost ratio, ${REPS} runs x ${LOOKS} looks: sequence missed ${missed / REPS}`);
    expect(missed / REPS).toBeLessThanOrEqual(maxMiss(0.05));
  });
});
