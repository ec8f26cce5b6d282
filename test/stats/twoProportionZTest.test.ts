import { describe, expect, it } from 'vitest';
import { twoProportionZTest } from '../../src/stats/twoProportionZTest';
import type { Alternative } from '../../src/stats/validate';
import { expectClose, loadFixture, type Ref } from '../helpers/fixtures';

const fx = loadFixture<{
  twoProportion: {
    s1: number;
    n1: number;
    s2: number;
    n2: number;
    alternative: Alternative;
    confidence: number;
    statistic: Ref;
    pValue: Ref;
    ci: Ref[];
  }[];
}>('stats.json');

describe('twoProportionZTest matches statsmodels proportions_ztest + confint_proportions_2indep(wald)', () => {
  it.each(
    fx.twoProportion.map(
      (c) => [`${c.s1}/${c.n1} vs ${c.s2}/${c.n2} ${c.alternative} @${c.confidence}`, c] as const,
    ),
  )('%s', (_n, c) => {
    const r = twoProportionZTest(c.s1, c.n1, c.s2, c.n2, {
      alternative: c.alternative,
      confidence: c.confidence,
    });
    expectClose(r.statistic, c.statistic, 1e-9, 0, 'statistic');
    expectClose(r.pValue, c.pValue, 1e-7, 1e-300, 'pValue');
    expectClose(r.ci?.[0] as number, c.ci[0], 1e-9, 1e-12, 'ci lower');
    expectClose(r.ci?.[1] as number, c.ci[1], 1e-9, 1e-12, 'ci upper');
  });

  it('runs the JSDoc example; all successes in both arms give no evidence', () => {
    expect(twoProportionZTest(90, 100, 80, 100).statistic).toBeCloseTo(1.980295085953348, 12);
    const r = twoProportionZTest(50, 50, 70, 70);
    expect(r.statistic).toBe(0);
    expect(r.pValue).toBe(1);
  });

  it('rejects bad input', () => {
    expect(() => twoProportionZTest(5, 0, 1, 2)).toThrow('twoProportionZTest: n1 must be >= 1, got 0');
    expect(() => twoProportionZTest(5, 4, 1, 2)).toThrow('twoProportionZTest: s1 must be <= n1 (4), got 5');
  });
});
