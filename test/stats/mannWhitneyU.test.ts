import { describe, expect, it } from 'vitest';
import { mannWhitneyU } from '../../src/stats/mannWhitneyU';
import type { Alternative } from '../../src/stats/validate';
import { expectClose, frozen, loadFixture, type Ref } from '../helpers/fixtures';

const fx = loadFixture<{
  pairs: Record<string, { x: number[]; y: number[] }>;
  mannWhitney: { pair: string; alternative: Alternative; statistic: Ref; pValue: Ref }[];
}>('stats.json');

describe("mannWhitneyU matches scipy.stats.mannwhitneyu(method='asymptotic')", () => {
  it.each(fx.mannWhitney.map((c) => [`${c.pair} ${c.alternative}`, c] as const))('%s', (_n, c) => {
    const { x, y } = fx.pairs[c.pair];
    const r = mannWhitneyU(frozen(x), frozen(y), { alternative: c.alternative });
    expectClose(r.statistic, c.statistic, 1e-9, 0, 'statistic');
    expectClose(r.pValue, c.pValue, 1e-7, 1e-300, 'pValue');
  });

  it('runs the JSDoc example; all-tied data give p = 1', () => {
    const r = mannWhitneyU([1, 2, 3], [4, 5, 6]);
    expect(r.statistic).toBe(0);
    expect(r.pValue).toBeCloseTo(0.0808556, 6);
    expect(mannWhitneyU([2, 2], [2, 2, 2]).pValue).toBe(1);
  });

  it('rejects bad input', () => {
    expect(() => mannWhitneyU([], [1])).toThrow('mannWhitneyU: x needs at least 1 value, got 0');
    expect(() => mannWhitneyU([1], [Number.NaN])).toThrow('mannWhitneyU: y[0] must be finite, got NaN');
  });
});
