import { describe, expect, it } from 'vitest';
import { leveneTest } from '../../src/stats/leveneTest';
import { expectClose, loadFixture, type Ref } from '../helpers/fixtures';

const fx = loadFixture<{ levene: { name: string; groups: number[][]; statistic: Ref; pValue: Ref }[] }>(
  'stats.json',
);

describe("leveneTest matches scipy.stats.levene(center='median')", () => {
  it.each(fx.levene.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const r = leveneTest(Object.freeze(c.groups.map((g) => Object.freeze(g.slice()))));
    expectClose(r.statistic, c.statistic, 1e-9, 1e-15, 'statistic');
    expectClose(r.pValue, c.pValue, 1e-7, 1e-300, 'pValue');
  });

  // Hand-derived: medians 2.5 and 5 → z = [1.5, .5, .5, 1.5] (mean 1) and [3, 1, 1, 3] (mean 2), grand mean 1.5;
  // between = 4·0.5² + 4·0.5² = 2, within = 4·0.5² + 4·1² = 5, W = (8 − 2)/(2 − 1) · 2/5 = 2.4.
  it('runs the JSDoc example', () => {
    expect(
      leveneTest([
        [1, 2, 3, 4],
        [2, 4, 6, 8],
      ]).statistic,
    ).toBeCloseTo(2.4, 12);
  });

  it('constant groups: nothing differs, W = 0 and p = 1', () => {
    const r = leveneTest([
      [1, 1],
      [5, 5, 5],
    ]);
    expect(r.statistic).toBe(0);
    expect(r.pValue).toBe(1);
  });

  it('rejects bad input', () => {
    expect(() => leveneTest([[1, 2]])).toThrow('leveneTest: groups must be an array of at least 2 samples');
    expect(() => leveneTest([[1, 2], [3]])).toThrow('leveneTest: groups[1] needs at least 2 values, got 1');
  });
});
