import { describe, expect, it } from 'vitest';
import { noncentralTSf, nonInferioritySampleSize } from '../../src/stats/nonInferioritySampleSize';
import { pairedNonInferiority } from '../../src/stats/pairedNonInferiority';
import { createRng } from '../../src/stats/random';
import { expectClose, loadFixture, type Ref } from '../helpers/fixtures';

interface Case {
  sd: number;
  margin: number;
  trueDifference: number;
  alpha: number;
  power: number;
  n: number;
  powerAtN: Ref;
}
const fx = loadFixture<{
  nonInferioritySampleSize: Case[];
  noncentralT: { c: number; df: number; ncp: number; sf: Ref }[];
}>('decision_stats.json');

describe('noncentralTSf matches scipy.stats.nct.sf', () => {
  it.each(fx.noncentralT.map((c) => [`c=${c.c} df=${c.df} ncp=${c.ncp}`, c] as const))('%s', (_n, c) => {
    expectClose(noncentralTSf(c.c, c.df, c.ncp), c.sf, 1e-9, 1e-300, 'sf');
  });
});

describe('nonInferioritySampleSize matches statsmodels TTestPower().solve_power(..., alternative="larger")', () => {
  it.each(
    fx.nonInferioritySampleSize.map(
      (c) => [`sd=${c.sd} margin=${c.margin} true=${c.trueDifference}`, c] as const,
    ),
  )('%s', (_n, c) => {
    const { sd, margin, trueDifference, alpha, power } = c;
    expect(nonInferioritySampleSize({ sd, margin, trueDifference, alpha, power })).toBe(c.n);
  });
});

describe('nonInferioritySampleSize', () => {
  it('runs the JSDoc example: 27 (normal approximation 24.7, noncentral-t power 0.7981 at 26, 0.8118 at 27)', () => {
    expect(nonInferioritySampleSize({ sd: 1, margin: 0.5, alpha: 0.05, power: 0.8 })).toBe(27);
    // ((z₀.₉₅ + z₀.₈)·σ/δ)² = ((1.644854 + 0.841621)/0.5)² = 24.73
    expect(((1.6448536269514722 + 0.8416212335729143) / 0.5) ** 2).toBeCloseTo(24.73, 2);
  });

  it('pairedNonInferiority reaches the power at that n (seeded simulation)', () => {
    const opts = { sd: 0.2, margin: 0.05, trueDifference: 0.01, alpha: 0.05, power: 0.8 };
    const n = nonInferioritySampleSize(opts);
    const rng = createRng(17);
    const reps = 2000;
    let shown = 0;
    for (let r = 0; r < reps; r++) {
      const primary = Array.from({ length: n }, () => rng.normal() * 0.3 + 0.7);
      const canary = primary.map((p) => p + 0.01 + rng.normal() * 0.2);
      if (pairedNonInferiority(primary, canary, { margin: 0.05, alpha: 0.05 }).nonInferior) shown++;
    }
    console.log(`nonInferioritySampleSize n = ${n}: simulated power ${shown / reps} (target 0.8)`);
    expect(Math.abs(shown / reps - 0.8)).toBeLessThan(3 * Math.sqrt((0.8 * 0.2) / reps));
  });

  it('never, when the canary truly is inferior by the margin or more', () => {
    expect(nonInferioritySampleSize({ sd: 1, margin: 0.5, trueDifference: -0.5 })).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it('rejects bad input naming the function and the argument', () => {
    const f = nonInferioritySampleSize;
    expect(() => f({ sd: 0, margin: 1 })).toThrow('nonInferioritySampleSize: sd must be > 0, got 0');
    expect(() => f({ sd: 1, margin: -1 })).toThrow('nonInferioritySampleSize: margin must be > 0, got -1');
    expect(() => f({ sd: 1, margin: Number.NaN })).toThrow(
      'nonInferioritySampleSize: margin must be a number',
    );
    expect(() => f({ sd: 1, margin: 1, alpha: 2 })).toThrow(
      'nonInferioritySampleSize: alpha must be in (0, 1), got 2',
    );
    expect(() => f({ sd: 1, margin: 1, trueDifference: Number.POSITIVE_INFINITY })).toThrow(
      'nonInferioritySampleSize: trueDifference must be a finite number',
    );
  });
});
