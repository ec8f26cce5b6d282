/**
 * Selection (the k-th smallest value without sorting) and type-7 quantiles computed by selection, for the
 * hot loops of the bootstrap where sorting every resample would cost O(n log n) instead of O(n).
 *
 * Algorithm: Floyd & Rivest's SELECT (expected n + min(k, n − k) + o(n) comparisons), in place.
 *
 * @see Floyd, R. W. & Rivest, R. L. (1975). Algorithm 489: SELECT. CACM 18(3). https://doi.org/10.1145/360680.360694
 * @see https://numpy.org/doc/stable/reference/generated/numpy.quantile.html (method 'linear' = type 7)
 * @example
 * const buf = Float64Array.from([5, 1, 4, 2, 3]);
 * selectInPlace(buf, 1); // => 2 (buf is now partially ordered)
 * quantileInPlace(Float64Array.from([1, 2, 3, 4, 10]), 0.9); // => 7.6
 */
import { checkCount, checkProbability, checkSample } from './validate';

/**
 * Rearranges `values` so that `values[k]` is the k-th smallest (0-based), everything before it is ≤ it and
 * everything after it is ≥ it, and returns that value. Mutates `values`: pass a scratch buffer.
 * @throws {RangeError} when values is empty or has a non-finite value, or k is not an index of values
 */
export function selectInPlace(values: Float64Array, k: number): number {
  checkSample('selectInPlace', 'values', values);
  checkCount('selectInPlace', 'k', k, 0);
  if (k >= values.length) {
    throw new RangeError(`selectInPlace: k must be < values.length (${values.length}), got ${k}`);
  }
  floydRivest(values, k, 0, values.length - 1);
  return values[k];
}

/**
 * Type-7 (numpy 'linear') quantile of `values` by selection, O(n) expected. Mutates (reorders) `values`.
 * @throws {RangeError} when values is empty or has a non-finite value, or p is outside [0, 1]
 */
export function quantileInPlace(values: Float64Array, p: number): number {
  checkSample('quantileInPlace', 'values', values);
  checkProbability('quantileInPlace', 'p', p);
  return quantileSelectUnchecked(values, values.length, p);
}

/**
 * Type-7 quantile of the first `n` entries of `buf` by selection (reorders them). No argument checks:
 * the internal building block of the bootstrap.
 */
export function quantileSelectUnchecked(buf: Float64Array, n: number, p: number): number {
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  if (lo >= n - 1) {
    floydRivest(buf, n - 1, 0, n - 1);
    return buf[n - 1];
  }
  floydRivest(buf, lo, 0, n - 1);
  const a = buf[lo];
  const t = h - lo;
  if (t === 0) return a;
  // After selection every value right of lo is ≥ a; the next order statistic is their minimum.
  let b = buf[lo + 1];
  for (let i = lo + 2; i < n; i++) if (buf[i] < b) b = buf[i];
  return lerp(a, b, t);
}

/** Type-7 quantile of an ascending-sorted array (no checks). */
export function quantileOfSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  if (lo >= n - 1) return sorted[n - 1];
  return lerp(sorted[lo], sorted[lo + 1], h - lo);
}

/**
 * Linear interpolation a + t(b − a) written as numpy's `_lerp` does (from the nearer end), so our quantiles
 * agree with `np.percentile` to the last bit in most cases.
 */
export function lerp(a: number, b: number, t: number): number {
  if (t === 0) return a;
  const d = b - a;
  return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

function floydRivest(arr: Float64Array, k: number, left: number, right: number): void {
  while (right > left) {
    if (right - left > 600) {
      // Recurse on a small sample to pick pivots that bracket k tightly.
      const n = right - left + 1;
      const m = k - left + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (m - n / 2 < 0 ? -1 : 1);
      const newLeft = Math.max(left, Math.floor(k - (m * s) / n + sd));
      const newRight = Math.min(right, Math.floor(k + ((n - m) * s) / n + sd));
      floydRivest(arr, k, newLeft, newRight);
    }
    const t = arr[k];
    let i = left;
    let j = right;
    swap(arr, left, k);
    if (arr[right] > t) swap(arr, left, right);
    while (i < j) {
      swap(arr, i, j);
      i++;
      j--;
      while (arr[i] < t) i++;
      while (arr[j] > t) j--;
    }
    if (arr[left] === t) swap(arr, left, j);
    else {
      j++;
      swap(arr, j, right);
    }
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
}

function swap(arr: Float64Array, i: number, j: number): void {
  const t = arr[i];
  arr[i] = arr[j];
  arr[j] = t;
}
