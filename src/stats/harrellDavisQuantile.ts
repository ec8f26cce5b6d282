import { betaCdf } from './distributions';
import { checkProbability, checkSample, sortedCopy } from './validate';

/**
 * Harrell–Davis quantile estimator: a weighted sum of all order statistics with Beta(p(n+1), (1−p)(n+1))
 * weights, W_i = I_{i/n}(a, b) − I_{(i−1)/n}(a, b). Smoother and often more efficient than a single
 * order statistic for the tail quantiles of small latency samples. Matches `scipy.stats.mstats.hdquantiles`
 * (which returns the minimum at p = 0 and the maximum at p = 1).
 *
 * @see Harrell, F. E. & Davis, C. E. (1982). A new distribution-free quantile estimator. Biometrika 69(3).
 * @throws {RangeError} when values is empty or has a non-finite number, or p is outside [0, 1]
 * @example
 * harrellDavisQuantile([1, 2, 3, 4, 5], 0.5); // => 3 (symmetric weights on a symmetric sample)
 */
export function harrellDavisQuantile(values: readonly number[], p: number): number {
  checkSample('harrellDavisQuantile', 'values', values);
  checkProbability('harrellDavisQuantile', 'p', p);
  const x = sortedCopy(values);
  const n = x.length;
  if (n === 1) return x[0];
  if (p === 0) return x[0];
  if (p === 1) return x[n - 1];
  const a = p * (n + 1);
  const b = (1 - p) * (n + 1);
  let prev = 0;
  let sum = 0;
  for (let i = 1; i <= n; i++) {
    const cur = i === n ? 1 : betaCdf(i / n, a, b);
    sum += (cur - prev) * x[i - 1];
    prev = cur;
  }
  return sum;
}
