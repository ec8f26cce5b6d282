import { checkSample } from './validate';
import { variance } from './variance';

/**
 * Sample standard deviation, √(Σ(x − x̄)² / (n − 1)) (numpy `std(ddof=1)`).
 *
 * @see https://en.wikipedia.org/wiki/Standard_deviation#Corrected_sample_standard_deviation
 * @throws {RangeError} when values has fewer than 2 values or holds a non-finite number
 * @example
 * standardDeviation([2, 4, 4, 4, 5, 5, 7, 9]); // => 2.138089935299395 (= √(32/7))
 */
export function standardDeviation(values: readonly number[]): number {
  checkSample('standardDeviation', 'values', values, 2);
  return Math.sqrt(variance(values));
}
