import { normalCdf, normalSf } from './distributions';
import { averageRanks } from './rank';
import type { TestResult } from './types';
import { checkSample, readTestOptions, type TestOptions } from './validate';

/**
 * Wilcoxon signed-rank test for paired samples (the same prompts answered by both models). Differences
 * d = x − y; zero differences are dropped (Wilcoxon's method); normal approximation with tie correction
 * and no continuity correction. Statistic: for 'two-sided' the smaller of the positive- and negative-rank
 * sums, otherwise the positive-rank sum (scipy's convention). Matches
 * `scipy.stats.wilcoxon(x, y, zero_method='wilcox', correction=False, method='approx')`.
 *
 * @see Wilcoxon, F. (1945). Biometrics Bulletin 1(6). https://doi.org/10.2307/3001968
 * @throws {RangeError} when x and y differ in length, hold a non-finite number, or every difference is zero
 * @example
 * wilcoxonSignedRank([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]); // => { statistic: 0, pValue: 0.0431144…, … }
 */
export function wilcoxonSignedRank(
  x: readonly number[],
  y: readonly number[],
  opts?: TestOptions,
): TestResult {
  checkSample('wilcoxonSignedRank', 'x', x, 1);
  checkSample('wilcoxonSignedRank', 'y', y, 1);
  if (x.length !== y.length) {
    throw new RangeError(
      `wilcoxonSignedRank: x and y must have the same length, got ${x.length} and ${y.length}`,
    );
  }
  const { alternative } = readTestOptions('wilcoxonSignedRank', opts);
  const d: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const v = x[i] - y[i];
    if (v !== 0) d.push(v);
  }
  const count = d.length;
  if (count === 0)
    throw new RangeError('wilcoxonSignedRank: every difference is zero, the test is undefined');
  const abs = d.map(Math.abs);
  const { ranks, tieTerm } = averageRanks(abs);
  let rPlus = 0;
  let rMinus = 0;
  for (let i = 0; i < count; i++) {
    if (d[i] > 0) rPlus += ranks[i];
    else rMinus += ranks[i];
  }
  const statistic = alternative === 'two-sided' ? Math.min(rPlus, rMinus) : rPlus;
  const mn = count * (count + 1) * 0.25;
  const se = Math.sqrt((count * (count + 1) * (2 * count + 1) - 0.5 * tieTerm) / 24);
  const z = (statistic - mn) / se;
  let pValue: number;
  if (alternative === 'two-sided') pValue = Math.min(1, 2 * normalSf(Math.abs(z)));
  else if (alternative === 'greater') pValue = normalSf(z);
  else pValue = normalCdf(z);
  return {
    method: 'Wilcoxon signed-rank test (normal approximation, tie corrected, zeros dropped)',
    statistic,
    pValue,
    alternative,
  };
}
