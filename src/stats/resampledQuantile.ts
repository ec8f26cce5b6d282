// The type-7 quantile of one bootstrap resample without building it (from uniform order statistics, or from
// draw counts), and of every leave-one-out sample in O(1) each: the inner loops of the quantile fast path,
// kept in one module with the gamma variates they draw (no cross-module call per resample).
import type { Rng } from './random';
import { lerp } from './select';

/**
 * The 'order-statistic' strategy of {@link quantileBootstrap}: replicates[j][b] for every resample b and arm
 * j, drawn resample by resample (all arms of resample b before resample b + 1).
 */
export function orderStatisticReplicates(
  rng: Rng,
  sorted: Float64Array[],
  p: number,
  replicates: Float64Array[],
): void {
  const k = sorted.length;
  const B = replicates[0].length;
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < k; j++) replicates[j][b] = orderStatisticQuantile(rng, sorted[j], p);
  }
}

/**
 * Type-7 quantile of one bootstrap resample of `sorted`, from the uniform order statistics: the k-th smallest
 * drawn position is ⌊nV_(k)⌋ with V_(k) ~ Beta(k, n − k + 1), and V_(k+1) = V_(k) + (1 − V_(k))·Beta(1, n − k).
 * @see David, H. A. & Nagaraja, H. N. (2003). Order Statistics, 3rd ed., §2.2 and §2.5.
 */
function orderStatisticQuantile(rng: Rng, sorted: Float64Array, p: number): number {
  const n = sorted.length;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const t = h - lo;
  const k = lo + 1; // 1-based rank of the lower order statistic
  const gk = gammaVariate(rng, k);
  const v = gk / (gk + gammaVariate(rng, n - k + 1));
  const a = sorted[Math.min(n - 1, Math.floor(n * v))];
  if (t === 0 || k >= n) return a;
  // Minimum of the n − k uniforms above v: v + (1 − v)·Beta(1, n − k), Beta(1, m) = 1 − U^{1/m}.
  const u = 1 - rng.next(); // (0, 1]
  const w = v - (1 - v) * Math.expm1(Math.log(u) / (n - k));
  const b = sorted[Math.min(n - 1, Math.floor(n * w))];
  return lerp(a, b, t);
}

/** Original indices in ascending order of value (ties by index). */
export function sortOrder(a: Float64Array): Int32Array {
  const n = a.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order.sort((x, y) => a[x] - a[y] || x - y);
}

/** Sorted position of every value (the inverse of {@link sortOrder}). */
export function rankPositions(a: Float64Array): Int32Array {
  const order = sortOrder(a);
  const rank = new Int32Array(a.length);
  for (let r = 0; r < order.length; r++) rank[order[r]] = r;
  return rank;
}

/**
 * Type-7 quantile of the resample described by `counts` (how many times each original index was drawn;
 * `order[r]` is the index of the r-th smallest value): the order statistics at ⌊h⌋ and ⌊h⌋+1, scanning
 * from whichever end is nearer, so P95 reads only about 5% of the counts.
 */
export function countedQuantile(
  counts: Int32Array,
  order: Int32Array,
  sorted: Float64Array,
  p: number,
): number {
  const n = sorted.length;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const t = h - lo;
  let a: number;
  let b: number;
  if (2 * lo >= n) {
    // From the top: sorted[k] holds resample position q when k is the first key (going down) at which the
    // number of draws at or above k exceeds n − 1 − q.
    const needB = n - 2 - lo;
    const needA = n - 1 - lo;
    let above = 0;
    let k = n - 1;
    above += counts[order[k]];
    while (above <= needB) above += counts[order[--k]];
    b = sorted[k];
    while (above <= needA) above += counts[order[--k]];
    a = sorted[k];
  } else {
    let below = 0;
    let k = 0;
    below += counts[order[k]];
    while (below <= lo) below += counts[order[++k]];
    a = sorted[k];
    if (t === 0) return a;
    while (below <= lo + 1) below += counts[order[++k]];
    b = sorted[k];
  }
  return lerp(a, b, t);
}

/**
 * Type-7 quantile of each leave-one-out sample in O(1): without sorted position r the remaining order
 * statistic at position m is sorted[m] for m < r and sorted[m + 1] otherwise, so only three values occur.
 * Returned in the original order of the values (out[i] leaves out value i).
 */
export function leaveOneOutQuantiles(sorted: Float64Array, rank: Int32Array, p: number): Float64Array {
  const n = sorted.length;
  const m = n - 1;
  const h = (m - 1) * p;
  const lo = Math.floor(h);
  const t = h - lo;
  const at = (pos: number, r: number): number => sorted[pos < r ? pos : pos + 1];
  const value = (r: number): number => (lo >= m - 1 ? at(m - 1, r) : lerp(at(lo, r), at(lo + 1, r), t));
  const removedLow = value(0); // any r ≤ lo
  const removedNext = lo + 1 < n ? value(lo + 1) : Number.NaN; // r = lo + 1
  const removedHigh = lo + 2 < n ? value(lo + 2) : Number.NaN; // any r ≥ lo + 2
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = rank[i];
    out[i] = r <= lo ? removedLow : r === lo + 1 ? removedNext : removedHigh;
  }
  return out;
}

/**
 * Gamma(shape, 1) variate for shape ≥ 1 by Marsaglia & Tsang's squeeze-rejection method. Draws normals and
 * uniforms from `rng` (a seeded stream), so the same seed gives the same variates.
 * @see Marsaglia, G. & Tsang, W. W. (2000). A simple method for generating gamma variables. ACM TOMS 26(3).
 */
function gammaVariate(rng: Rng, shape: number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}
