import { describe, expect, it } from 'vitest';
import { chiSquareGoodnessOfFit } from '../../src/stats/chiSquareGoodnessOfFit';
import { expectClose, frozen, loadFixture, type Ref } from '../helpers/fixtures';

const fx = loadFixture<{
  goodnessOfFit: { observed: number[]; ratios: number[]; statistic: Ref; pValue: Ref; df: number }[];
}>('stats.json');

describe('chiSquareGoodnessOfFit (SRM check) matches scipy.stats.chisquare', () => {
  it.each(fx.goodnessOfFit.map((c) => [`${c.observed.join('/')} vs ${c.ratios.join(':')}`, c] as const))(
    '%s',
    (_n, c) => {
      const r = chiSquareGoodnessOfFit(frozen(c.observed), frozen(c.ratios));
      expectClose(r.statistic, c.statistic, 1e-9, 1e-15, 'statistic');
      expectClose(r.pValue, c.pValue, 1e-7, 1e-300, 'pValue');
      expect(r.df).toBe(c.df);
    },
  );

  it('runs the JSDoc example: (5050 − 5000)²/5000·2 = 1, p = P(χ²₁ > 1)', () => {
    const r = chiSquareGoodnessOfFit([5050, 4950], [1, 1]);
    expect(r.statistic).toBeCloseTo(1, 12);
    expect(r.pValue).toBeCloseTo(0.3173105078629141, 12);
  });

  it('rejects bad input', () => {
    expect(() => chiSquareGoodnessOfFit([1, 2], [1])).toThrow(
      'chiSquareGoodnessOfFit: expectedRatios needs at least 2',
    );
    expect(() => chiSquareGoodnessOfFit([1, 2, 3], [1, 1])).toThrow('must have the same length, got 3 and 2');
    expect(() => chiSquareGoodnessOfFit([1, 2], [1, 0])).toThrow(
      'chiSquareGoodnessOfFit: expectedRatios[1] must be > 0',
    );
    expect(() => chiSquareGoodnessOfFit([0, 0], [1, 1])).toThrow('observed counts sum to zero');
  });
});
