import { normalSf } from './distributions';
import { averageRanks } from './rank';
import type { TestResult } from './types';
import { checkSample, readTestOptions, type TestOptions } from './validate';

/**
 * Mann–Whitney U test (Wilcoxon rank-sum) with the normal approximation, tie correction and continuity
 * correction. Statistic is U of x, U₁ = R₁ − n₁(n₁ + 1)/2. 'greater' means x tends to be larger than y.
 * Matches `scipy.stats.mannwhitneyu(x, y, method='asymptotic', use_continuity=True)`. When every value
 * is tied the variance is zero and, as scipy, the p-value is 1.
 *
 * @see Mann, H. B. & Whitney, D. R. (1947). Ann. Math. Statist. 18(1). https://doi.org/10.1214/aoms/1177730491
 * @throws {RangeError} when a sample is empty or holds a non-finite number
 * @example
 * mannWhitneyU([1, 2, 3], [4, 5, 6]); // => { statistic: 0, pValue: 0.0808556…, … }
 */
export function mannWhitneyU(x: readonly number[], y: readonly number[], opts?: TestOptions): TestResult {
  checkSample('mannWhitneyU', 'x', x, 1);
  checkSample('mannWhitneyU', 'y', y, 1);
  const { alternative } = readTestOptions('mannWhitneyU', opts);
  const n1 = x.length;
  const n2 = y.length;
  const n = n1 + n2;
  const all = new Float64Array(n);
  all.set(x);
  all.set(y, n1);
  const { ranks, tieTerm } = averageRanks(all);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i];
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const mu = (n1 * n2) / 2;
  const s = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  let u: number;
  let factor: number;
  if (alternative === 'greater') {
    u = u1;
    factor = 1;
  } else if (alternative === 'less') {
    u = u2;
    factor = 1;
  } else {
    u = Math.max(u1, u2);
    factor = 2;
  }
  const pValue = s === 0 ? 1 : Math.min(1, factor * normalSf((u - mu - 0.5) / s));
  return {
    method: 'Mann-Whitney U test (normal approximation, tie and continuity corrected)',
    statistic: u1,
    pValue,
    alternative,
  };
}
