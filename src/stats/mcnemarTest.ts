import { binomialCdf, binomialSfInclusive, chiSquareSf } from './distributions';
import type { TestResult } from './types';
import { type Alternative, checkCount } from './validate';

/**
 * McNemar's test for paired pass/fail outcomes (the same items graded for both models). Only the
 * discordant pairs matter: b = items where the first model passed and the second failed, c = the reverse.
 * - exact (default): binomial test of b out of b + c against ½. Two-sided p = min(1, 2·P(X ≤ min(b, c)))
 *   and statistic min(b, c), as statsmodels `mcnemar(table, exact=True)`; one-sided: 'greater' tests
 *   whether b exceeds c (p = P(X ≥ b)), 'less' whether b falls short (p = P(X ≤ b)), statistic b
 *   (as `scipy.stats.binomtest(b, b + c, 0.5, alternative)`).
 * - `exact: false`: χ² = (|b − c| − 1)²/(b + c) with 1 df (continuity corrected), two-sided only, as
 *   statsmodels `mcnemar(table, exact=False, correction=True)`.
 * With no discordant pairs there is no evidence either way: statistic 0 and p-value 1.
 *
 * @see McNemar, Q. (1947). Psychometrika 12(2). https://doi.org/10.1007/BF02295996
 * @throws {RangeError} when b or c is not a non-negative integer, or a one-sided alternative is asked of the χ² form
 * @example
 * mcnemarTest({ b: 10, c: 2 }).pValue; // => 0.0385742… (= 2·(1 + 12 + 66)/4096)
 */
export function mcnemarTest(
  counts: { b: number; c: number },
  opts: { exact?: boolean; alternative?: Alternative } = {},
): TestResult {
  const b = checkCount('mcnemarTest', 'b', counts?.b, 0);
  const c = checkCount('mcnemarTest', 'c', counts?.c, 0);
  const exact = opts.exact ?? true;
  const alternative = opts.alternative ?? 'two-sided';
  if (alternative !== 'two-sided' && alternative !== 'less' && alternative !== 'greater') {
    throw new RangeError(
      `mcnemarTest: alternative must be 'two-sided', 'less' or 'greater', got ${String(alternative)}`,
    );
  }
  const n = b + c;
  if (exact) {
    const method = 'McNemar exact (binomial) test';
    if (n === 0) return { method, statistic: 0, pValue: 1, alternative };
    if (alternative === 'two-sided') {
      const k = Math.min(b, c);
      return { method, statistic: k, pValue: Math.min(1, 2 * binomialCdf(k, n, 0.5)), alternative };
    }
    const pValue = alternative === 'greater' ? binomialSfInclusive(b, n, 0.5) : binomialCdf(b, n, 0.5);
    return { method, statistic: b, pValue, alternative };
  }
  if (alternative !== 'two-sided') {
    throw new RangeError(
      "mcnemarTest: the chi-square form is two-sided only; use exact: true for 'less'/'greater'",
    );
  }
  const method = 'McNemar chi-square test with continuity correction';
  if (n === 0) return { method, statistic: 0, pValue: 1, alternative, df: 1 };
  const dev = Math.abs(b - c) - 1;
  const statistic = (dev * dev) / n;
  return { method, statistic, pValue: chiSquareSf(statistic, 1), alternative, df: 1 };
}
