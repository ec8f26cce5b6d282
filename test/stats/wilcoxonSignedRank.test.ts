import { describe, expect, it } from 'vitest';
import type { Alternative } from '../../src/stats/validate';
import { wilcoxonSignedRank } from '../../src/stats/wilcoxonSignedRank';
import { expectClose, frozen, loadFixture, type Ref } from '../helpers/fixtures';

const fx = loadFixture<{
  paired: Record<string, { x: number[]; y: number[] }>;
  wilcoxon: { pair: string; alternative: Alternative; statistic: Ref; pValue: Ref }[];
}>('stats.json');

describe("wilcoxonSignedRank matches scipy.stats.wilcoxon(zero_method='wilcox', correction=False, method='approx')", () => {
  it.each(fx.wilcoxon.map((c) => [`${c.pair} ${c.alternative}`, c] as const))('%s', (_n, c) => {
    const { x, y } = fx.paired[c.pair];
    const r = wilcoxonSignedRank(frozen(x), frozen(y), { alternative: c.alternative });
    expectClose(r.statistic, c.statistic, 1e-9, 0, 'statistic');
    expectClose(r.pValue, c.pValue, 1e-7, 1e-300, 'pValue');
  });

  it('runs the JSDoc example', () => {
    const r = wilcoxonSignedRank([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]);
    expect(r.statistic).toBe(0);
    expect(r.pValue).toBeCloseTo(0.0431144, 6);
  });

  it('rejects bad input', () => {
    expect(() => wilcoxonSignedRank([1, 2], [1])).toThrow(
      'wilcoxonSignedRank: x and y must have the same length, got 2 and 1',
    );
    expect(() => wilcoxonSignedRank([1, 2], [1, 2])).toThrow('wilcoxonSignedRank: every difference is zero');
  });
});
