import { describe, expect, it } from 'vitest';
import { normalQuantile } from '../../src/stats/distributions';
import { createRng } from '../../src/stats/random';
import { type ArmBatchCounts, createSequentialTest } from '../../src/stats/sequentialTest';
import { expectClose, frozen, loadFixture, type Ref } from '../helpers/fixtures';

interface Look {
  pValue: Ref;
  ci: [Ref, Ref];
  estimate: Ref | null;
}
interface Case {
  name: string;
  kind: 'mean' | 'proportion';
  alpha: number;
  tau?: number;
  tuning?: number;
  batches: [unknown, unknown][];
  looks: Look[];
}
const fx = loadFixture<{ sequential: Case[] }>('decision_stats.json');

// The generator computes each look twice over: Johari et al.'s mixture likelihood ratio with τ, and
// GrowthBook's sequential_interval_halfwidth(s2 = V·N, N, ρ, α) with ρ from the tuning parameter.
describe('createSequentialTest matches the mixture-SPRT / asymptotic-CS formulas (generator: numpy)', () => {
  it.each(fx.sequential.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const common = { alpha: c.alpha, tau: c.tau, tuning: c.tuning };
    const means = createSequentialTest({ ...common, kind: 'mean' });
    const props = createSequentialTest({ ...common, kind: 'proportion' });
    c.batches.forEach(([p, q], k) => {
      const s =
        c.kind === 'mean'
          ? means.update(frozen(p as number[]), frozen(q as number[]))
          : props.update(p as ArmBatchCounts, q as ArmBatchCounts);
      const ref = c.looks[k];
      expectClose(s.pValue, ref.pValue, 1e-7, 1e-300, `look ${k + 1} pValue`);
      expectClose(s.ci[0], ref.ci[0], 1e-9, 1e-12, `look ${k + 1} ci[0]`);
      expectClose(s.ci[1], ref.ci[1], 1e-9, 1e-12, `look ${k + 1} ci[1]`);
      if (ref.estimate !== null) expectClose(s.estimate, ref.estimate, 1e-9, 1e-12, `look ${k + 1} estimate`);
      expect(s.looks).toBe(k + 1);
    });
  });
});

describe('createSequentialTest', () => {
  it('runs the JSDoc example (proportions, τ = 0.1)', () => {
    const seq = createSequentialTest({ kind: 'proportion', alpha: 0.05, tau: 0.1 });
    const s = seq.update({ successes: 450, n: 500 }, { successes: 475, n: 500 });
    // V = 0.9·0.1/500 + 0.95·0.05/500 = 2.75e-4, r = 0.01/V, ln Λ = −½ ln(1 + r) + r/(1 + r)·0.05²/(2V)
    const v = 2.75e-4;
    const r = 0.01 / v;
    const logLambda = -0.5 * Math.log1p(r) + ((r / (1 + r)) * 0.0025) / (2 * v);
    expect(logLambda).toBeCloseTo(2.6135, 4);
    expect(s.pValue).toBeCloseTo(Math.exp(-logLambda), 12);
    expect(s.pValue).toBeCloseTo(0.0733, 4);
    expect(s.ci[0]).toBeCloseTo(-0.0021, 4);
    expect(s.ci[1]).toBeCloseTo(0.1021, 4);
    expect(s).toMatchObject({ decision: 'continue', n: 1000, looks: 1 });
    expect(s.method).toBe('Mixture SPRT, difference in proportions (normal mixture, tau = 0.1)');
    expect(s.estimate).toBeCloseTo(0.05, 12);
    expect(seq.state()).toEqual(s);
  });

  it('p ≤ alpha exactly when 0 is outside the interval (the two come from one boundary)', () => {
    const rng = createRng(5);
    for (let e = 0; e < 50; e++) {
      const seq = createSequentialTest({ kind: 'mean', tuning: 400 });
      for (let k = 0; k < 10; k++) {
        const s = seq.update(
          Array.from({ length: 20 }, () => rng.normal()),
          Array.from({ length: 20 }, () => rng.normal() + 0.15),
        );
        expect(s.pValue <= 0.05).toBe(s.ci[0] > 0 || s.ci[1] < 0);
      }
    }
  });

  it('before enough data a look changes only the counts; empty batches are allowed', () => {
    const seq = createSequentialTest({ kind: 'mean', tuning: 100 });
    const s = seq.update([1], []);
    expect(s).toMatchObject({ n: 1, nPrimary: 1, nCanary: 0, pValue: 1, decision: 'continue' });
    expect(s.estimate).toBeNaN();
    expect(s.ci).toEqual([Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]);
  });

  it('zero failures in both arms: an honest finite interval, not −100 to +100 points', () => {
    // Issue 17: the update used to be skipped when the plug-in variance was 0. Now each arm's rate enters the
    // variance as (x + 1)/(n + 2) = 1320/1321, so V = 2·(1320/1321)(1/1321)/1319 = 1.1468e-6, and with
    // r = N·ρ² = 2638·(2 ln 20 + ln(1 + 2 ln 20))/2638 = 7.9362 (tuned for the 2,638 calls),
    // half = √(V·(1 + r)/r·(2 ln 20 + ln(1 + r))) = √(1.1468e-6 · 1.12601 · 8.1805) = 0.0032500.
    const p = createSequentialTest({ kind: 'proportion', tuning: 2638 });
    const s = p.update({ successes: 1319, n: 1319 }, { successes: 1319, n: 1319 });
    const v = (2 * (1320 / 1321) * (1 / 1321)) / 1319;
    const r = 2 * Math.log(20) + Math.log(1 + 2 * Math.log(20));
    const half = Math.sqrt(((v * (1 + r)) / r) * (2 * Math.log(20) + Math.log1p(r)));
    expect(half).toBeCloseTo(0.00325, 5);
    expect(s.ci[0]).toBeCloseTo(-half, 12);
    expect(s.ci[1]).toBeCloseTo(half, 12);
    expect(s).toMatchObject({ estimate: 0, pValue: 1, decision: 'continue', looks: 1 });
  });

  it('tuning is required: no constant default expected sample size', () => {
    expect(() => createSequentialTest({ kind: 'mean' })).toThrow(
      'createSequentialTest: give tuning (the expected total sample size',
    );
  });

  it('paired quality uses the per-item differences: the hand-computed look and about half the unpaired width', () => {
    // The demo's pass/fail table at n = 1,319: b = 40 (primary only), c = 97 (canary only).
    // θ̂ = 57/1319 = 0.043215; Var(d) = (b + c)/n − θ̂² = 0.103866 − 0.001868 = 0.101999; V = Var(d)/n.
    const seq = createSequentialTest({ kind: 'paired', tuning: 1319 });
    const s = seq.update({ b: 40, c: 97, n: 1319 });
    const theta = 57 / 1319;
    const v = (137 / 1319 - theta * theta) / 1319;
    const r = 2 * Math.log(20) + Math.log(1 + 2 * Math.log(20)); // N·ρ² at N = tuning
    const half = Math.sqrt(((v * (1 + r)) / r) * (2 * Math.log(20) + Math.log1p(r)));
    expect(s.estimate).toBeCloseTo(theta, 12);
    expect(s.ci[0]).toBeCloseTo(theta - half, 12);
    expect(s.ci[1]).toBeCloseTo(theta + half, 12);
    expect(s.decision).toBe('canary_higher');
    // The same outcomes as per-arm counts, unpaired: primary 458 of 1319 pass, canary 515 (34.7% vs 39.0%).
    const unpaired = createSequentialTest({ kind: 'proportion', tuning: 2638 });
    const u = unpaired.update({ successes: 458, n: 1319 }, { successes: 515, n: 1319 });
    expect(u.estimate).toBeCloseTo(theta, 12);
    expect(half).toBeLessThan(0.6 * ((u.ci[1] - u.ci[0]) / 2));
    // the same pairs given as differences give the same look
    const diffs = [...Array(40).fill(-1), ...Array(97).fill(1), ...Array(1182).fill(0)];
    const d = createSequentialTest({ kind: 'paired', tuning: 1319 }).update(diffs);
    expect(d.estimate).toBeCloseTo(theta, 12);
    // differences use the sample variance (n − 1): within 0.1% of the counts' variance
    expect((d.ci[1] - d.ci[0]) / (s.ci[1] - s.ci[0])).toBeCloseTo(1, 3);
    expect(() => seq.update([1, 0])).toThrow('either differences or { b, c, n } counts');
    // no discordant pair: still a finite interval
    const z = createSequentialTest({ kind: 'paired', tuning: 1000 }).update({ b: 0, c: 0, n: 1000 });
    expect(Number.isFinite(z.ci[0]) && z.ci[0] < 0 && z.ci[1] > 0).toBe(true);
  });

  it('A/A for paired pass/fail counts (15% discordant) stays ≤ alpha over 20 looks', () => {
    const rng = createRng(4242);
    const experiments = 1000;
    let rejected = 0;
    for (let e = 0; e < experiments; e++) {
      const seq = createSequentialTest({ kind: 'paired', tuning: 2000 });
      let s = seq.state();
      for (let k = 0; k < 20; k++) {
        let b = 0;
        let c = 0;
        for (let i = 0; i < 100; i++) {
          const u = rng.next();
          if (u < 0.075) b++;
          else if (u < 0.15) c++;
        }
        s = seq.update({ b, c, n: 100 });
      }
      if (s.pValue <= 0.05) rejected++;
    }
    console.log(`A/A paired, ${experiments} experiments x 20 looks: ever rejects ${rejected / experiments}`);
    expect(rejected / experiments).toBeLessThanOrEqual(0.05 + 3 * Math.sqrt((0.05 * 0.95) / experiments));
  });

  it('the decision sticks, and the interval collapses (not empties) if the effect drifts', () => {
    const seq = createSequentialTest({ kind: 'mean', tau: 0.5 });
    const rng = createRng(9);
    const batch = (shift: number) => Array.from({ length: 200 }, () => rng.normal() * 0.1 + shift);
    const first = seq.update(batch(0), batch(1));
    expect(first.decision).toBe('canary_higher');
    let s = first;
    for (let k = 0; k < 30; k++) s = seq.update(batch(1), batch(-1));
    expect(s.decision).toBe('canary_higher');
    expect(s.pValue).toBe(first.pValue);
    // the later intervals sit around −2, far below the first one: the running interval is pinned at its low end
    expect(s.ci[0]).toBe(first.ci[0]);
    expect(s.ci[1]).toBe(first.ci[0]);
  });

  it('A/A: the chance of ever rejecting over 20 looks stays ≤ alpha, where peeking at a z-test does not', () => {
    // 2,000 seeded A/A experiments, 20 looks of 50 scores per arm; reject "ever" at α = 0.05.
    const rng = createRng(20261127);
    const experiments = 2000;
    const looks = 20;
    const batch = 50;
    const z = normalQuantile(0.975);
    let seqRejected = 0;
    let peekRejected = 0;
    for (let e = 0; e < experiments; e++) {
      const seq = createSequentialTest({ kind: 'mean', alpha: 0.05, tuning: looks * batch * 2 });
      let peeked = false;
      let s = seq.state();
      for (let k = 0; k < looks; k++) {
        const p = new Array<number>(batch);
        const c = new Array<number>(batch);
        for (let i = 0; i < batch; i++) {
          p[i] = rng.normal();
          c[i] = rng.normal();
        }
        s = seq.update(p, c);
        if (Math.abs(s.estimate / s.standardError) > z) peeked = true;
      }
      if (s.pValue <= 0.05) seqRejected++;
      if (peeked) peekRejected++;
    }
    const seqRate = seqRejected / experiments;
    const peekRate = peekRejected / experiments;
    console.log(
      `A/A, ${experiments} experiments x ${looks} looks: mixture SPRT ever rejects ${seqRate}, ` +
        `z-test peeked at every look ${peekRate} (alpha 0.05)`,
    );
    expect(seqRate).toBeLessThanOrEqual(0.05 + 3 * Math.sqrt((0.05 * 0.95) / experiments));
    expect(peekRate).toBeGreaterThan(0.08);
  });

  it('A/A for proportions (counts per batch) also stays ≤ alpha', () => {
    const rng = createRng(77);
    const experiments = 1000;
    let rejected = 0;
    for (let e = 0; e < experiments; e++) {
      const seq = createSequentialTest({ kind: 'proportion', alpha: 0.05, tuning: 2000 });
      let s = seq.state();
      for (let k = 0; k < 20; k++) {
        let a = 0;
        let b = 0;
        for (let i = 0; i < 50; i++) {
          if (rng.next() < 0.9) a++;
          if (rng.next() < 0.9) b++;
        }
        s = seq.update({ successes: a, n: 50 }, { successes: b, n: 50 });
      }
      if (s.pValue <= 0.05) rejected++;
    }
    console.log(
      `A/A proportions, ${experiments} experiments x 20 looks: ever rejects ${rejected / experiments}`,
    );
    expect(rejected / experiments).toBeLessThanOrEqual(0.05 + 3 * Math.sqrt((0.05 * 0.95) / experiments));
  });

  it('has power: a real effect (0.2 sd, up to 1,000 per arm) is found, and the interval covers it', () => {
    const rng = createRng(3);
    const experiments = 200;
    let found = 0;
    let covered = 0;
    let stoppedAt = 0;
    for (let e = 0; e < experiments; e++) {
      const seq = createSequentialTest({ kind: 'mean', alpha: 0.05, tuning: 2000 });
      let s = seq.state();
      for (let k = 0; k < 20 && s.decision === 'continue'; k++) {
        s = seq.update(
          Array.from({ length: 50 }, () => rng.normal()),
          Array.from({ length: 50 }, () => rng.normal() + 0.2),
        );
      }
      if (s.decision === 'canary_higher') {
        found++;
        stoppedAt += s.nCanary;
      }
      if (s.ci[0] <= 0.2 && 0.2 <= s.ci[1]) covered++;
    }
    console.log(
      `effect 0.2 sd: found in ${found}/${experiments}, mean stop at ${(stoppedAt / found).toFixed(0)} per arm`,
    );
    expect(found / experiments).toBeGreaterThan(0.85);
    expect(covered / experiments).toBeGreaterThan(0.9);
  });

  it('rejects bad input naming the function and the argument', () => {
    expect(() => createSequentialTest({ kind: 'median' } as never)).toThrow(
      "createSequentialTest: kind must be 'mean', 'proportion' or 'paired'",
    );
    expect(() => createSequentialTest({ kind: 'mean', alpha: 0, tuning: 10 })).toThrow(
      'createSequentialTest: alpha must be in (0, 1), got 0',
    );
    expect(() => createSequentialTest({ kind: 'mean', tau: 1, rho: 1 })).toThrow(
      'createSequentialTest: give only one of tau, rho, tuning',
    );
    expect(() => createSequentialTest({ kind: 'mean', tau: -1 })).toThrow(
      'createSequentialTest: tau must be',
    );
    const m = createSequentialTest({ kind: 'mean', tuning: 10 });
    expect(() => m.update([1, Number.NaN], [1])).toThrow(
      'createSequentialTest.update: primary[1] must be finite',
    );
    const p = createSequentialTest({ kind: 'proportion', tuning: 10 });
    expect(() => p.update({ successes: 3, n: 2 }, { successes: 0, n: 1 })).toThrow(
      'createSequentialTest.update: primary.successes must be <= primary.n (2), got 3',
    );
  });
});
