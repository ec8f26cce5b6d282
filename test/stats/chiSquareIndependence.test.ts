import { describe, expect, it } from 'vitest';
import { chiSquareIndependence } from '../../src/stats/chiSquareIndependence';
import { expectClose, loadFixture, type Ref } from '../helpers/fixtures';

const fx = loadFixture<{
  independence: { table: number[][]; statistic: Ref; pValue: Ref; df: number; expected: Ref[][] }[];
}>('stats.json');

describe('chiSquareIndependence matches scipy.stats.chi2_contingency(correction=False)', () => {
  it.each(fx.independence.map((c) => [JSON.stringify(c.table), c] as const))('%s', (_n, c) => {
    const r = chiSquareIndependence(Object.freeze(c.table.map((row) => Object.freeze(row.slice()))));
    expectClose(r.statistic, c.statistic, 1e-9, 1e-15, 'statistic');
    expectClose(r.pValue, c.pValue, 1e-7, 1e-300, 'pValue');
    expect(r.df).toBe(c.df);
    r.expected.forEach((row, i) => {
      row.forEach((e, j) => {
        expectClose(e, c.expected[i][j], 1e-12, 0, `expected[${i}][${j}]`);
      });
    });
  });

  it('runs the JSDoc example: each cell off by 5 from 15, χ² = 4·25/15', () => {
    expect(
      chiSquareIndependence([
        [10, 20],
        [20, 10],
      ]).statistic,
    ).toBeCloseTo(100 / 15, 12);
  });

  it('rejects bad input', () => {
    expect(() => chiSquareIndependence([[1, 2]])).toThrow(
      'chiSquareIndependence: table must be an array of at least 2 rows',
    );
    expect(() => chiSquareIndependence([[1, 2], [3]])).toThrow('table[1] has 1 columns, expected 2');
    expect(() =>
      chiSquareIndependence([
        [0, 0],
        [3, 4],
      ]),
    ).toThrow('row 0 sums to zero');
    expect(() =>
      chiSquareIndependence([
        [0, 1],
        [0, 4],
      ]),
    ).toThrow('column 0 sums to zero');
  });
});
