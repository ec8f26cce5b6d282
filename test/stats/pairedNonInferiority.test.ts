import { describe, expect, it } from 'vitest';
import { tQuantile, tSf } from '../../src/stats/distributions';
import { noncentralTSf } from '../../src/stats/nonInferioritySampleSize';
import { pairedNonInferiority } from '../../src/stats/pairedNonInferiority';
import { createRng } from '../../src/stats/random';
import { expectClose, frozen, loadFixture, type Ref } from '../helpers/fixtures';

interface Case {
  name: string;
  primary: number[];
  canary: number[];
  margin: number;
  alpha: number;
  estimate: Ref;
  statistic: Ref;
  pValue: Ref;
  df: number;
  lowerBound: Ref;
  nonInferior: boolean;
}
const fx = loadFixture<{ pairedNonInferiority: Case[] }>('decision_stats.json');

describe('pairedNonInferiority matches scipy ttest_1samp(d + margin, 0, alternative="greater")', () => {
  it.each(fx.pairedNonInferiority.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const r = pairedNonInferiority(frozen(c.primary), frozen(c.canary), { margin: c.margin, alpha: c.alpha });
    expectClose(r.estimate, c.estimate, 1e-9, 1e-15, 'estimate');
    expectClose(r.statistic, c.statistic, 1e-9, 0, 'statistic');
    expectClose(r.pValue, c.pValue, 1e-7, 1e-300, 'pValue');
    expectClose(r.lowerBound, c.lowerBound, 1e-9, 1e-15, 'lowerBound');
    expect(r.df).toBe(c.df);
    expect(r.nonInferior).toBe(c.nonInferior);
    expect(r.nonInferior).toBe(r.pValue < c.alpha);
    expect(r.margin).toBe(c.margin);
  });
});

describe('pairedNonInferiority', () => {
  it('runs the JSDoc example: d = [0, 1, 0, −1], t = √6 with 3 df', () => {
    const r = pairedNonInferiority([3, 4, 5, 6], [3, 5, 5, 5], { margin: 1, alpha: 0.05 });
    // d̄ = 0, s_d² = (0 + 1 + 0 + 1)/3 = 2/3, se = √(2/3/4) = 1/√6, t = (0 + 1)·√6.
    expect(r.statistic).toBeCloseTo(Math.sqrt(6), 12);
    expect(r.pValue).toBeCloseTo(tSf(Math.sqrt(6), 3), 15);
    expect(r.pValue).toBeCloseTo(0.04586, 5);
    // lower bound = 0 − t₀.₉₅,₃·(1/√6) = −2.3533634/2.4494897 = −0.9607566
    expect(r.lowerBound).toBeCloseTo(-0.9607566, 7);
    expect(r).toMatchObject({ nonInferior: true, margin: 1, alpha: 0.05, estimate: 0 });
  });

  it('defaults alpha to 0.05 and a larger alpha only raises the bound', () => {
    const p = [1, 2, 3, 4, 5];
    const c = [1.2, 1.7, 3.1, 3.6, 5.2];
    const a = pairedNonInferiority(p, c, { margin: 0.5 });
    expect(a.alpha).toBe(0.05);
    const b = pairedNonInferiority(p, c, { margin: 0.5, alpha: 0.2 });
    expect(b.lowerBound).toBeGreaterThan(a.lowerBound);
    expect(b.pValue).toBe(a.pValue);
  });

  it('identical differences: no doubt either way', () => {
    const r = pairedNonInferiority([1, 2, 3], [1, 2, 3], { margin: 0.1 });
    expect(r).toMatchObject({ estimate: 0, lowerBound: 0, pValue: 0, nonInferior: true });
    const worse = pairedNonInferiority([1, 2, 3], [0.5, 1.5, 2.5], { margin: 0.1 });
    expect(worse).toMatchObject({ pValue: 1, nonInferior: false, lowerBound: -0.5 });
  });

  it('holds its level at the margin and has power above it (seeded simulation)', () => {
    // True mean difference exactly −margin: rejection rate ≈ alpha. True difference 0 (sd of d = 0.5):
    // power = P(T′₂₉ > t₀.₉₅,₂₉) with noncentrality 0.2·√30/0.5, the exact noncentral-t value.
    const rng = createRng(7);
    const reps = 2000;
    const n = 30;
    let atMargin = 0;
    let atZero = 0;
    for (let r = 0; r < reps; r++) {
      const p = Array.from({ length: n }, () => rng.normal());
      const noise = Array.from({ length: n }, () => rng.normal() * 0.5);
      if (
        pairedNonInferiority(
          p,
          p.map((v, i) => v - 0.2 + noise[i]),
          { margin: 0.2 },
        ).nonInferior
      )
        atMargin++;
      if (
        pairedNonInferiority(
          p,
          p.map((v, i) => v + noise[i]),
          { margin: 0.2 },
        ).nonInferior
      )
        atZero++;
    }
    const se = Math.sqrt((0.05 * 0.95) / reps);
    expect(atMargin / reps).toBeLessThan(0.05 + 3 * se);
    expect(atMargin / reps).toBeGreaterThan(0.05 - 3 * se);
    const power = noncentralTSf(tQuantile(0.95, n - 1), n - 1, (0.2 * Math.sqrt(n)) / 0.5);
    expect(power).toBeCloseTo(0.69, 2);
    expect(Math.abs(atZero / reps - power)).toBeLessThan(3 * Math.sqrt((power * (1 - power)) / reps));
  });

  it('rejects bad input naming the function and the argument', () => {
    const p = [1, 2, 3];
    expect(() => pairedNonInferiority(p, p, { margin: 0 })).toThrow(
      'pairedNonInferiority: margin must be > 0, got 0',
    );
    expect(() => pairedNonInferiority(p, p, { margin: -1 })).toThrow(
      'pairedNonInferiority: margin must be > 0',
    );
    expect(() => pairedNonInferiority(p, p, { margin: Number.NaN })).toThrow(
      'pairedNonInferiority: margin must be a number',
    );
    expect(() => pairedNonInferiority(p, p, {} as never)).toThrow(
      'pairedNonInferiority: margin must be a number',
    );
    expect(() => pairedNonInferiority(p, p, { margin: 1, alpha: 1 })).toThrow(
      'pairedNonInferiority: alpha must be in (0, 1), got 1',
    );
    expect(() => pairedNonInferiority(p, p, { margin: 1, alpha: 0 })).toThrow('pairedNonInferiority: alpha');
    expect(() => pairedNonInferiority(p, [1, 2], { margin: 1 })).toThrow(
      'pairedNonInferiority: canary must have the same length as primary',
    );
    expect(() => pairedNonInferiority([], [], { margin: 1 })).toThrow(
      'pairedNonInferiority: primary needs at least 2',
    );
    expect(() => pairedNonInferiority([1, Number.NaN], [1, 2], { margin: 1 })).toThrow(
      'pairedNonInferiority: primary[1] must be finite',
    );
  });
});
