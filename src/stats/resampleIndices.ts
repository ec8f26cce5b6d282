// The resampling core: drawing one resample's indices (every bootstrap path draws through here), and
// turning drawn indices into a resample (gather) or into per-index counts.
import type { Rng } from './random';

/**
 * Draws the indices of one resample: n independent uniform integers in [0, n). Every path (generic and
 * quantile) draws through here, in the same order, so the same seed resamples the same multisets whatever
 * the statistic. For n ≤ 2¹⁶ each 32-bit output of the generator yields two 16-bit halves, each mapped to
 * [0, n) by Lemire's multiply-and-reject method (exactly uniform; rejects a half with probability
 * (2¹⁶ mod n)/2¹⁶), which halves the calls into the generator, the cost that dominates a bootstrap.
 * @see Lemire, D. (2019). Fast random integer generation in an interval. ACM TOMACS 29(1). https://doi.org/10.1145/3230636
 */
export function drawIndices(rng: Rng, idx: Int32Array, n: number): void {
  if (n > 65536) {
    for (let i = 0; i < n; i++) idx[i] = rng.int(n);
    return;
  }
  const threshold = 65536 % n;
  let i = 0;
  while (i < n) {
    const u = rng.nextUint32();
    let m = (u >>> 16) * n;
    if ((m & 0xffff) >= threshold) idx[i++] = m >>> 16;
    if (i < n) {
      m = (u & 0xffff) * n;
      if ((m & 0xffff) >= threshold) idx[i++] = m >>> 16;
    }
  }
}

/** Copies the resample `src[idx[0..n)]` into `dst`. */
export function gather(dst: Float64Array, src: Float64Array, idx: Int32Array, n: number): void {
  for (let i = 0; i < n; i++) dst[i] = src[idx[i]];
}

/** Adds one to `counts[i]` for every drawn index i. */
export function countDraws(counts: Int32Array, idx: Int32Array, n: number): void {
  for (let i = 0; i < n; i++) counts[idx[i]]++;
}
