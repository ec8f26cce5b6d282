import { describe, expect, it } from 'vitest';
import { proportionNonInferiority } from '../../src/stats/proportionNonInferiority';
import { expectClose, loadFixture, type Ref } from '../helpers/fixtures';

interface Case {
  successesPrimary: number;
  nPrimary: number;
  successesCanary: number;
  nCanary: number;
  margin: number;
  alpha: number;
  method: 'farrington-manning' | 'miettinen-nurminen';
  estimate: Ref;
  statistic: Ref;
  pValue: Ref;
  lowerBound: Ref;
  nonInferior: boolean;
}
const fx = loadFixture<{ proportionNonInferiority: Case[] }>('decision_stats.json');

describe('proportionNonInferiority matches statsmodels test_proportions_2indep(method="score", value=-margin)', () => {
  it.each(
    fx.proportionNonInferiority.map(
      (c) =>
        [
          `${c.successesCanary}/${c.nCanary} vs ${c.successesPrimary}/${c.nPrimary} margin=${c.margin} ${c.method}`,
          c,
        ] as const,
    ),
  )('%s', (_n, c) => {
    const { successesPrimary, nPrimary, successesCanary, nCanary } = c;
    const r = proportionNonInferiority(
      { successesPrimary, nPrimary, successesCanary, nCanary },
      { margin: c.margin, alpha: c.alpha, method: c.method },
    );
    expectClose(r.estimate, c.estimate, 1e-12, 1e-15, 'estimate');
    expectClose(r.statistic, c.statistic, 1e-9, 0, 'statistic');
    expectClose(r.pValue, c.pValue, 1e-7, 1e-300, 'pValue');
    expectClose(r.lowerBound, c.lowerBound, 1e-9, 1e-12, 'lowerBound');
    expect(r.nonInferior).toBe(c.nonInferior);
    expect(r.nonInferior).toBe(r.pValue < c.alpha);
  });
});

describe('proportionNonInferiority', () => {
  it('runs the JSDoc example (Farrington–Manning by default)', () => {
    const r = proportionNonInferiority(
      { successesPrimary: 950, nPrimary: 1000, successesCanary: 940, nCanary: 1000 },
      { margin: 0.03, alpha: 0.05 },
    );
    expect(r.method).toContain('Farrington-Manning');
    expect(r.estimate).toBeCloseTo(-0.01, 15);
    expect(r.statistic).toBeCloseTo(1.92567, 5);
    expect(r.pValue).toBeCloseTo(0.02707, 5);
    expect(r.lowerBound).toBeCloseTo(-0.02701, 5);
    expect(r).toMatchObject({ nonInferior: true, margin: 0.03, alpha: 0.05 });
  });

  it('published intervals for 7/34 vs 1/34 (95% two-sided = one-sided bound at alpha 0.025)', () => {
    const counts = { successesPrimary: 1, nPrimary: 34, successesCanary: 7, nCanary: 34 };
    // R PropCIs::diffscoreci(7, 34, 1, 34, 0.95) = (0.0270416, 0.3452912) (Miettinen–Nurminen), as recorded
    // in statsmodels' test_confint_2indep_propcis; Fagerland, Lydersen & Laake's score interval without the
    // N/(N − 1) factor starts at 0.028.
    const mn = proportionNonInferiority(counts, { margin: 0.1, alpha: 0.025, method: 'miettinen-nurminen' });
    expect(mn.lowerBound).toBeCloseTo(0.0270416, 6);
    const fm = proportionNonInferiority(counts, { margin: 0.1, alpha: 0.025 });
    expect(fm.lowerBound).toBeCloseTo(0.028, 3);
  });

  it('Miettinen–Nurminen differs from Farrington–Manning only by the factor N/(N − 1) on the variance', () => {
    const counts = { successesPrimary: 45, nPrimary: 50, successesCanary: 40, nCanary: 50 };
    const fm = proportionNonInferiority(counts, { margin: 0.1 });
    const mn = proportionNonInferiority(counts, { margin: 0.1, method: 'miettinen-nurminen' });
    expect(mn.statistic).toBeCloseTo(fm.statistic * Math.sqrt(99 / 100), 12);
  });

  it('rejects bad input naming the function and the argument', () => {
    const ok = { successesPrimary: 9, nPrimary: 10, successesCanary: 8, nCanary: 10 };
    const f = proportionNonInferiority;
    expect(() => f(ok, { margin: 0 })).toThrow('proportionNonInferiority: margin must be > 0, got 0');
    expect(() => f(ok, { margin: 0.1, alpha: -0.1 })).toThrow(
      'proportionNonInferiority: alpha must be in (0, 1)',
    );
    expect(() => f({ ...ok, nCanary: 0, successesCanary: 0 }, { margin: 0.1 })).toThrow(
      'proportionNonInferiority: nCanary must be >= 1, got 0',
    );
    expect(() => f({ ...ok, successesPrimary: 11 }, { margin: 0.1 })).toThrow(
      'proportionNonInferiority: successesPrimary must be <= nPrimary (10), got 11',
    );
    expect(() => f(ok, { margin: 0.1, method: 'wald' as never })).toThrow(
      'proportionNonInferiority: method must be',
    );
  });
});
