import { describe, expect, it } from 'vitest';
import type { Alternative } from '../../src/stats/validate';
import { welchTTest } from '../../src/stats/welchTTest';
import { expectClose, frozen, loadFixture, type Ref } from '../helpers/fixtures';

const fx = loadFixture<{
  pairs: Record<string, { x: number[]; y: number[] }>;
  welch: {
    pair: string;
    alternative: Alternative;
    confidence: number;
    statistic: Ref;
    pValue: Ref;
    df: Ref;
    ci: Ref[];
  }[];
}>('stats.json');

describe('welchTTest matches scipy.stats.ttest_ind(equal_var=False)', () => {
  it.each(fx.welch.map((c) => [`${c.pair} ${c.alternative} @${c.confidence}`, c] as const))('%s', (_n, c) => {
    const { x, y } = fx.pairs[c.pair];
    const r = welchTTest(frozen(x), frozen(y), { alternative: c.alternative, confidence: c.confidence });
    expectClose(r.statistic, c.statistic, 1e-9, 0, 'statistic');
    expectClose(r.pValue, c.pValue, 1e-7, 1e-300, 'pValue');
    expectClose(r.df as number, c.df, 1e-9, 0, 'df');
    expectClose(r.ci?.[0] as number, c.ci[0], 1e-9, 1e-12, 'ci lower');
    expectClose(r.ci?.[1] as number, c.ci[1], 1e-9, 1e-12, 'ci upper');
    expect(r.alternative).toBe(c.alternative);
  });

  it('runs the JSDoc example', () => {
    const r = welchTTest([1, 2, 3, 4], [2, 4, 6, 8]);
    expect(r.pValue).toBeCloseTo(0.1516, 4);
    // means 2.5 and 5, s²/n = (5/3)/4 and (20/3)/4, se = √(25/12): t = −2.5/√(25/12) = −√3
    expect(r.statistic).toBeCloseTo(-Math.sqrt(3), 12);
    expect(r.df).toBeCloseTo(4.4118, 4);
  });

  it('rejects bad input', () => {
    expect(() => welchTTest([1], [1, 2])).toThrow('welchTTest: x needs at least 2 values, got 1');
    expect(() => welchTTest([1, 1], [2, 2])).toThrow('welchTTest: both samples have zero variance');
    expect(() => welchTTest([1, 2], [1, 2], { alternative: 'bigger' as Alternative })).toThrow(
      "welchTTest: alternative must be 'two-sided', 'less' or 'greater'",
    );
    expect(() => welchTTest([1, 2], [1, 3], { confidence: 1 })).toThrow(
      'welchTTest: confidence must be in (0, 1), got 1',
    );
  });
});
