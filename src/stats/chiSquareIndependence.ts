import { chiSquareSf } from './distributions';
import type { TestResult } from './types';
import { checkSample } from './validate';

/**
 * Pearson's χ² test of independence for an r × c contingency table, without Yates' correction: are error
 * rates the same across batches (rows = batches, columns = ok / error)? Expected counts are
 * row total × column total / grand total; df = (r − 1)(c − 1). Matches
 * `scipy.stats.chi2_contingency(table, correction=False)`.
 *
 * @see https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.chi2_contingency.html
 * @throws {RangeError} when the table is not rectangular with at least 2 rows and 2 columns, a count is
 *   negative, or a row or column sums to zero (its expected counts would be zero)
 * @example
 * chiSquareIndependence([[10, 20], [20, 10]]).statistic; // => 6.666666666666667
 */
export function chiSquareIndependence(
  table: readonly (readonly number[])[],
): TestResult & { df: number; expected: number[][] } {
  const fn = 'chiSquareIndependence';
  if (!Array.isArray(table) || table.length < 2) {
    throw new RangeError(`${fn}: table must be an array of at least 2 rows`);
  }
  const cols = Array.isArray(table[0]) ? table[0].length : 0;
  if (cols < 2) throw new RangeError(`${fn}: table rows need at least 2 columns`);
  const rows = table as readonly (readonly number[])[];
  const rowSums = rows.map((row, i) => {
    checkSample(fn, `table[${i}]`, row, 1);
    if (row.length !== cols)
      throw new RangeError(`${fn}: table[${i}] has ${row.length} columns, expected ${cols}`);
    let s = 0;
    row.forEach((v, j) => {
      if (v < 0) throw new RangeError(`${fn}: table[${i}][${j}] must be >= 0, got ${v}`);
      s += v;
    });
    if (s === 0) throw new RangeError(`${fn}: row ${i} sums to zero`);
    return s;
  });
  const colSums = new Array<number>(cols).fill(0);
  for (const row of rows) for (let j = 0; j < cols; j++) colSums[j] += row[j];
  colSums.forEach((s, j) => {
    if (s === 0) throw new RangeError(`${fn}: column ${j} sums to zero`);
  });
  const total = rowSums.reduce((a, b) => a + b, 0);
  let statistic = 0;
  const expected = rows.map((row, i) =>
    row.map((o, j) => {
      const e = (rowSums[i] * colSums[j]) / total;
      statistic += ((o - e) * (o - e)) / e;
      return e;
    }),
  );
  const df = (rows.length - 1) * (cols - 1);
  return {
    method: 'Chi-square test of independence (no continuity correction)',
    statistic,
    pValue: chiSquareSf(statistic, df),
    alternative: 'two-sided',
    df,
    expected,
  };
}
