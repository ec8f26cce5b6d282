import { describe, expect, it } from 'vitest';
import { normalSf } from '../../src/stats/distributions';
import {
  pairedProportionNonInferiority,
  tangoStatistic,
} from '../../src/stats/pairedProportionNonInferiority';
import { createRng } from '../../src/stats/random';
import { expectClose, loadFixture, type Ref } from '../helpers/fixtures';

interface Case {
  b: number;
  c: number;
  n: number;
  margin: number;
  alpha: number;
  estimate: Ref;
  statistic: Ref;
  pValue: Ref;
  lowerBound: Ref;
  nonInferior: boolean;
}
const fx = loadFixture<{ pairedProportionNonInferiority: Case[] }>('decision_stats.json');

// The generator computes Tango's restricted MLE from the quadratic, checks it against a direct numerical
// maximization of the multinomial likelihood, and checks the bound against the closed-form quartic of
// Yang, Sun & Hardin (2013): three routes to the same numbers.
describe("pairedProportionNonInferiority matches Tango's score test (generator: numpy/scipy)", () => {
  it.each(
    fx.pairedProportionNonInferiority.map(
      (c) => [`b=${c.b} c=${c.c} n=${c.n} margin=${c.margin}`, c] as const,
    ),
  )('%s', (_n, c) => {
    const r = pairedProportionNonInferiority(
      { b: c.b, c: c.c, n: c.n },
      { margin: c.margin, alpha: c.alpha },
    );
    expectClose(r.estimate, c.estimate, 1e-12, 1e-15, 'estimate');
    expectClose(r.statistic, c.statistic, 1e-9, 1e-12, 'statistic');
    expectClose(r.pValue, c.pValue, 1e-7, 1e-300, 'pValue');
    expectClose(r.lowerBound, c.lowerBound, 1e-9, 1e-12, 'lowerBound');
    expect(r.nonInferior).toBe(c.nonInferior);
    expect(r.nonInferior).toBe(r.pValue < c.alpha);
  });
});

describe('pairedProportionNonInferiority', () => {
  it('hand-derived case (the JSDoc example): b = 1, c = 2, n = 10, margin 0.2', () => {
    // δ = −0.2. Restricted MLE of q = P(primary pass, canary fail): 2n·q² + B·q + C = 0 with
    // B = −b − c + (2n − c + b)·δ = −3 + 19·(−0.2) = −6.8 and C = −b·δ(1 − δ) = −1·(−0.2)(1.2) = 0.24;
    // discriminant 6.8² − 4·20·0.24 = 46.24 − 19.2 = 27.04 = 5.2², so q̃ = (6.8 + 5.2)/40 = 0.3
    // (check: b/q + c/(q + δ) − 2(n − b − c)/(1 − 2q − δ) = 1/0.3 + 2/0.1 − 14/0.6 = 0).
    // Variance n·(2q̃ + δ(1 − δ)) = 10·(0.6 − 0.24) = 3.6; z = (c − b − nδ)/√3.6 = 3/√3.6 = √2.5.
    expect(tangoStatistic(1, 2, 10, -0.2)).toBeCloseTo(Math.sqrt(2.5), 14);
    const r = pairedProportionNonInferiority({ b: 1, c: 2, n: 10 }, { margin: 0.2 });
    expect(r.statistic).toBeCloseTo(Math.sqrt(2.5), 14);
    expect(r.pValue).toBeCloseTo(normalSf(Math.sqrt(2.5)), 15);
    expect(r.pValue).toBeCloseTo(0.05692, 5);
    expect(r.lowerBound).toBeCloseTo(-0.2135, 4);
    expect(r).toMatchObject({ nonInferior: false, estimate: 0.1, margin: 0.2, alpha: 0.05 });
    // the bound is where Tango's z equals z₀.₉₅
    expect(tangoStatistic(1, 2, 10, r.lowerBound)).toBeCloseTo(1.6448536269514722, 9);
  });

  it('bound at the edge: every discordant item went the primary way (b = n) gives −1', () => {
    const r = pairedProportionNonInferiority({ b: 20, c: 0, n: 20 }, { margin: 0.1 });
    expect(r.estimate).toBe(-1);
    expect(r.lowerBound).toBe(-1);
    expect(r.nonInferior).toBe(false);
  });

  it('keeps its level at the margin (seeded simulation, n = 300, p10 = 0.1, p01 = 0.05)', () => {
    // Δ = p01 − p10 = −0.05 = −margin: the chance of declaring non-inferiority should be ≈ alpha.
    const rng = createRng(11);
    const reps = 2000;
    let rejections = 0;
    for (let r = 0; r < reps; r++) {
      let b = 0;
      let c = 0;
      for (let i = 0; i < 300; i++) {
        const u = rng.next();
        if (u < 0.1) b++;
        else if (u < 0.15) c++;
      }
      if (pairedProportionNonInferiority({ b, c, n: 300 }, { margin: 0.05 }).nonInferior) rejections++;
    }
    const rate = rejections / reps;
    console.log(`Tango non-inferiority at the margin: rejection rate ${rate} (alpha 0.05)`);
    expect(rate).toBeLessThan(0.05 + 3 * Math.sqrt((0.05 * 0.95) / reps));
    expect(rate).toBeGreaterThan(0.02);
  });

  it('rejects bad input naming the function and the argument', () => {
    const f = pairedProportionNonInferiority;
    expect(() => f({ b: 1, c: 2, n: 10 }, { margin: 0 })).toThrow(
      'pairedProportionNonInferiority: margin must be > 0, got 0',
    );
    expect(() => f({ b: 1, c: 2, n: 10 }, { margin: 1 })).toThrow(
      'pairedProportionNonInferiority: margin must be < 1',
    );
    expect(() => f({ b: 1, c: 2, n: 10 }, { margin: 0.1, alpha: 1.5 })).toThrow(
      'pairedProportionNonInferiority: alpha must be in (0, 1), got 1.5',
    );
    expect(() => f({ b: 1, c: 2, n: 0 }, { margin: 0.1 })).toThrow(
      'pairedProportionNonInferiority: n must be >= 1',
    );
    expect(() => f({ b: 6, c: 5, n: 10 }, { margin: 0.1 })).toThrow(
      'pairedProportionNonInferiority: b + c must be <= n',
    );
    expect(() => f({ b: -1, c: 5, n: 10 }, { margin: 0.1 })).toThrow(
      'pairedProportionNonInferiority: b must be >= 0',
    );
    expect(() => f({ b: 1, c: 0.5, n: 10 }, { margin: 0.1 })).toThrow(
      'pairedProportionNonInferiority: c must be an integer',
    );
  });
});
