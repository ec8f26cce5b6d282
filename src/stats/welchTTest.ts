import { tCdf, tQuantile, tSf } from './distributions';
import type { TestResult } from './types';
import { checkSample, readTestOptions, type TestOptions } from './validate';
import { variance } from './variance';

/**
 * Welch's two-sample t-test (unequal variances). Statistic t = (x̄ − ȳ)/√(s²ₓ/nₓ + s²ᵧ/nᵧ) with
 * Welch–Satterthwaite degrees of freedom; `ci` is the confidence interval for mean(x) − mean(y)
 * (one-sided for one-sided alternatives). Matches `scipy.stats.ttest_ind(x, y, equal_var=False)`.
 *
 * @see Welch, B. L. (1947). Biometrika 34(1–2). https://doi.org/10.1093/biomet/34.1-2.28
 * @throws {RangeError} when a sample has fewer than 2 values, holds a non-finite number, or both samples
 *   have zero variance (the statistic is undefined)
 * @example
 * welchTTest([1, 2, 3, 4], [2, 4, 6, 8]).pValue; // => 0.1516 (t = −√3 = −1.7321, df = 4.4118)
 */
export function welchTTest(x: readonly number[], y: readonly number[], opts?: TestOptions): TestResult {
  checkSample('welchTTest', 'x', x, 2);
  checkSample('welchTTest', 'y', y, 2);
  const { alternative, confidence } = readTestOptions('welchTTest', opts);
  const nx = x.length;
  const ny = y.length;
  let mx = 0;
  for (const v of x) mx += v;
  mx /= nx;
  let my = 0;
  for (const v of y) my += v;
  my /= ny;
  const vx = variance(x) / nx;
  const vy = variance(y) / ny;
  const se2 = vx + vy;
  if (se2 === 0) throw new RangeError('welchTTest: both samples have zero variance, t is undefined');
  const se = Math.sqrt(se2);
  const diff = mx - my;
  const t = diff / se;
  const df = (se2 * se2) / ((vx * vx) / (nx - 1) + (vy * vy) / (ny - 1));
  const alpha = 1 - confidence;
  let pValue: number;
  let ci: [number, number];
  if (alternative === 'two-sided') {
    pValue = Math.min(1, 2 * tSf(Math.abs(t), df));
    const q = tQuantile(1 - alpha / 2, df);
    ci = [diff - q * se, diff + q * se];
  } else if (alternative === 'less') {
    pValue = tCdf(t, df);
    ci = [Number.NEGATIVE_INFINITY, diff + tQuantile(confidence, df) * se];
  } else {
    pValue = tSf(t, df);
    ci = [diff - tQuantile(confidence, df) * se, Number.POSITIVE_INFINITY];
  }
  return { method: 'Welch two-sample t-test', statistic: t, pValue, alternative, df, ci, estimate: diff };
}
