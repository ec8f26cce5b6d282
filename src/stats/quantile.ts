import { quantileOfSorted, quantileSelectUnchecked } from './select';
import { checkProbability, checkSample, sortedCopy } from './validate';

/**
 * Sample quantile by linear interpolation between order statistics: numpy's default `'linear'` method,
 * Hyndman & Fan's type 7 (R's default). For sorted x of length n, h = (n − 1)p and
 * Q(p) = x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]).
 *
 * @see https://numpy.org/doc/stable/reference/generated/numpy.quantile.html
 * @see Hyndman, R. J. & Fan, Y. (1996). Sample quantiles in statistical packages. The American Statistician 50(4).
 * @param values sample (not mutated)
 * @param p probability in [0, 1]
 * @throws {RangeError} when values is empty, contains a non-finite number, or p is outside [0, 1]
 * @example
 * quantile([1, 2, 3, 4, 10], 0.9); // => 7.6
 */
export function quantile(values: readonly number[], p: number): number {
  checkSample('quantile', 'values', values);
  checkProbability('quantile', 'p', p);
  // One quantile needs no sort: Floyd–Rivest selection on a copy, O(n) expected.
  return quantileSelectUnchecked(Float64Array.from(values), values.length, p);
}

/**
 * Several type-7 quantiles of one sample with a single sort.
 *
 * @throws {RangeError} as {@link quantile}, naming the offending `ps[i]`
 * @example
 * percentiles([1, 2, 3, 4, 10], [0.5, 0.9]); // => [3, 7.6]
 */
export function percentiles(values: readonly number[], ps: readonly number[]): number[] {
  checkSample('percentiles', 'values', values);
  if (!Array.isArray(ps)) throw new TypeError('percentiles: ps must be an array of probabilities');
  ps.forEach((p, i) => {
    checkProbability('percentiles', `ps[${i}]`, p);
  });
  const sorted = sortedCopy(values);
  return ps.map((p) => quantileOfSorted(sorted, p));
}

/** Type-7 quantile of an already ascending-sorted sample (no checks; internal building block). */
export { quantileOfSorted as quantileSorted } from './select';
