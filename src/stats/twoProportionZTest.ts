import { normalCdf, normalQuantile, normalSf } from './distributions';
import type { TestResult } from './types';
import { checkCount, readTestOptions, type TestOptions } from './validate';

/**
 * Two-proportion z-test for p₁ − p₂ (for example success rates of primary and canary on independent
 * traffic). The statistic uses the pooled proportion, z = (p̂₁ − p̂₂)/√(p̂(1 − p̂)(1/n₁ + 1/n₂)), as
 * statsmodels `proportions_ztest([s1, s2], [n1, n2])`; `ci` is the unpooled Wald interval for the
 * difference, as statsmodels `confint_proportions_2indep(..., method='wald')` (one-sided bounds for
 * one-sided alternatives). When both arms are all successes or all failures the pooled variance is zero:
 * there is no evidence of a difference, statistic 0 and p-value 1.
 *
 * @see https://www.statsmodels.org/stable/generated/statsmodels.stats.proportion.proportions_ztest.html
 * @throws {RangeError} when a count is not an integer, n < 1, or successes > n
 * @example
 * twoProportionZTest(90, 100, 80, 100).statistic; // => 1.9802950859533485
 */
export function twoProportionZTest(
  s1: number,
  n1: number,
  s2: number,
  n2: number,
  opts?: TestOptions,
): TestResult {
  const fn = 'twoProportionZTest';
  checkCount(fn, 'n1', n1, 1);
  checkCount(fn, 'n2', n2, 1);
  checkCount(fn, 's1', s1, 0);
  checkCount(fn, 's2', s2, 0);
  if (s1 > n1) throw new RangeError(`${fn}: s1 must be <= n1 (${n1}), got ${s1}`);
  if (s2 > n2) throw new RangeError(`${fn}: s2 must be <= n2 (${n2}), got ${s2}`);
  const { alternative, confidence } = readTestOptions(fn, opts);
  const p1 = s1 / n1;
  const p2 = s2 / n2;
  const diff = p1 - p2;
  const pooled = (s1 + s2) / (n1 + n2);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const seWald = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  const method = 'Two-proportion z-test (pooled), Wald interval for the difference';
  const alpha = 1 - confidence;
  let ci: [number, number];
  if (alternative === 'two-sided') {
    const q = normalQuantile(1 - alpha / 2);
    ci = [diff - q * seWald, diff + q * seWald];
  } else if (alternative === 'less') {
    ci = [Number.NEGATIVE_INFINITY, diff + normalQuantile(confidence) * seWald];
  } else {
    ci = [diff - normalQuantile(confidence) * seWald, Number.POSITIVE_INFINITY];
  }
  if (sePooled === 0) return { method, statistic: 0, pValue: 1, alternative, ci, estimate: diff };
  const z = diff / sePooled;
  let pValue: number;
  if (alternative === 'two-sided') pValue = Math.min(1, 2 * normalSf(Math.abs(z)));
  else if (alternative === 'less') pValue = normalCdf(z);
  else pValue = normalSf(z);
  return { method, statistic: z, pValue, alternative, ci, estimate: diff };
}
