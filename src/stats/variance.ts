import { sampleVariance } from 'simple-statistics';
import { checkSample } from './validate';

/**
 * Sample variance with Bessel's correction, Σ(x − x̄)² / (n − 1) (two-pass, as numpy `var(ddof=1)`).
 *
 * @see https://simple-statistics.github.io/docs/#samplevariance
 * @throws {RangeError} when values has fewer than 2 values or holds a non-finite number
 * @example
 * variance([1, 2, 3, 4]); // => 1.6666666666666667 (= 5/3)
 */
export function variance(values: readonly number[]): number {
  checkSample('variance', 'values', values, 2);
  return sampleVariance(values as number[]);
}
