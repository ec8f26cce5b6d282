import { mean as ssMean } from 'simple-statistics';
import { checkSample } from './validate';

/**
 * Arithmetic mean, with compensated (Kahan–Babuška) summation from simple-statistics.
 *
 * @see https://simple-statistics.github.io/docs/#mean
 * @throws {RangeError} when values is empty or holds a non-finite number
 * @example
 * mean([1, 2, 3, 4]); // => 2.5
 */
export function mean(values: readonly number[]): number {
  checkSample('mean', 'values', values);
  return ssMean(values as number[]);
}
