/**
 * The log-spaced latency histogram of the summary contract (types.ts): bucket i = floor(100·log2(x) + 0.5),
 * representative 2^(i/100), ≤ 0.347% relative error. Building, merging, quantiles and order statistics.
 */
import { SummaryError, summaryMsg } from './errors';
import { BUCKETS_PER_DOUBLING, type LogHistogram } from './types';

const B = BUCKETS_PER_DOUBLING;

export { SummaryError } from './errors';

/**
 * The bucket of a positive value: floor(100·log2(x) + 0.5) (see types.ts for why this exact expression).
 *
 * @throws {SummaryError} SUMMARY_BAD_VALUE when x is not finite and > 0
 * @example
 * bucketIndex(1024); // => 1000 (powers of two sit at bucket centres)
 */
export function bucketIndex(x: number): number {
  if (!(x > 0 && Number.isFinite(x)))
    throw new SummaryError('SUMMARY_BAD_VALUE', summaryMsg.badBucketValue(x));
  return Math.floor(B * Math.log2(x) + 0.5);
}

/** Lower edge, representative (centre in log scale) and upper edge of bucket i. */
export function bucketBounds(i: number): { lower: number; value: number; upper: number } {
  return { lower: 2 ** ((i - 0.5) / B), value: 2 ** (i / B), upper: 2 ** ((i + 0.5) / B) };
}

/** Largest relative error of a bucket's representative: 2^(1/200) − 1 ≈ 0.347%. */
export const HISTOGRAM_RELATIVE_ERROR = 2 ** (0.5 / B) - 1;

/** An empty histogram. */
export function emptyHistogram(): LogHistogram {
  return { count: 0, zeros: 0, min: null, max: null, sum: 0, buckets: [] };
}

/**
 * Accumulates values into a sparse bucket map before freezing into a {@link LogHistogram}: O(1) per value.
 *
 * @example
 * const a = new HistogramBuilder(); a.add(812.5); a.add(0); a.toHistogram().count; // => 2
 */
export class HistogramBuilder {
  private readonly counts = new Map<number, number>();
  private count = 0;
  private zeros = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;
  private sum = 0;

  /** @throws {SummaryError} SUMMARY_BAD_VALUE for a negative or non-finite value */
  add(x: number): void {
    if (!(x >= 0 && Number.isFinite(x)))
      throw new SummaryError('SUMMARY_BAD_VALUE', summaryMsg.badHistogramValue(x));
    this.count++;
    this.sum += x;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    if (x === 0) {
      this.zeros++;
      return;
    }
    const i = bucketIndex(x);
    this.counts.set(i, (this.counts.get(i) ?? 0) + 1);
  }

  toHistogram(): LogHistogram {
    const buckets = [...this.counts.entries()].sort((a, b) => a[0] - b[0]);
    return {
      count: this.count,
      zeros: this.zeros,
      min: this.count > 0 ? this.min : null,
      max: this.count > 0 ? this.max : null,
      sum: this.sum,
      buckets,
    };
  }
}

/** The histogram of a list of values (convenience over {@link HistogramBuilder}). */
export function histogramOf(values: Iterable<number>): LogHistogram {
  const b = new HistogramBuilder();
  for (const v of values) b.add(v);
  return b.toHistogram();
}

/**
 * The histogram of the union of two disjoint samples: exact for counts, buckets, min and max (associative
 * and commutative); `sum` adds in double precision.
 */
export function mergeHistograms(a: LogHistogram, b: LogHistogram): LogHistogram {
  const buckets: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < a.buckets.length || j < b.buckets.length) {
    const x = a.buckets[i];
    const y = b.buckets[j];
    if (y === undefined || (x !== undefined && x[0] < y[0])) {
      buckets.push([x[0], x[1]]);
      i++;
    } else if (x === undefined || y[0] < x[0]) {
      buckets.push([y[0], y[1]]);
      j++;
    } else {
      buckets.push([x[0], x[1] + y[1]]);
      i++;
      j++;
    }
  }
  const pick = (u: number | null, v: number | null, f: (p: number, q: number) => number) =>
    u === null ? v : v === null ? u : f(u, v);
  return {
    count: a.count + b.count,
    zeros: a.zeros + b.zeros,
    min: pick(a.min, b.min, Math.min),
    max: pick(a.max, b.max, Math.max),
    sum: a.sum + b.sum,
    buckets,
  };
}

/**
 * Checks a histogram's invariants (count = zeros + Σ buckets, ascending unique indices, positive integer
 * counts, min/max present iff count > 0).
 *
 * @throws {SummaryError} SUMMARY_BAD_HISTOGRAM naming `where` and the field
 */
export function checkHistogram(h: LogHistogram, where: string): void {
  const bad = (field: string, expected: string, got: unknown) =>
    new SummaryError('SUMMARY_BAD_HISTOGRAM', summaryMsg.badField(where, field, expected, got));
  if (h === null || typeof h !== 'object') throw bad('', 'a histogram object', h);
  const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  if (!isCount(h.count)) throw bad('count', 'an integer >= 0', h.count);
  if (!isCount(h.zeros)) throw bad('zeros', 'an integer >= 0', h.zeros);
  if (!Array.isArray(h.buckets)) throw bad('buckets', 'an array of [index, count]', h.buckets);
  let total = h.zeros;
  let last = Number.NEGATIVE_INFINITY;
  h.buckets.forEach((e, k) => {
    if (
      !Array.isArray(e) ||
      e.length !== 2 ||
      !Number.isInteger(e[0]) ||
      !Number.isInteger(e[1]) ||
      e[1] <= 0
    )
      throw bad(`buckets[${k}]`, '[integer index, integer count > 0]', e);
    if (e[0] <= last) throw bad(`buckets[${k}]`, 'indices in ascending order, each once', e);
    last = e[0];
    total += e[1];
  });
  if (total !== h.count) throw bad('count', `zeros + Σ bucket counts = ${total}`, h.count);
  if (h.count > 0 && !(typeof h.min === 'number' && typeof h.max === 'number' && h.min <= h.max))
    throw bad('min/max', 'numbers with min <= max', [h.min, h.max]);
}

/** Where the k-th smallest value (1-based) lies: its bucket's bounds clamped to [min, max], and its representative. */
export interface OrderStatisticBounds {
  lower: number;
  value: number;
  upper: number;
}

/**
 * A cursor over a histogram's order statistics in increasing rank (ranks must not decrease between calls).
 * O(buckets) over all calls together.
 */
function rankCursor(h: LogHistogram): (k: number) => OrderStatisticBounds {
  const min = h.min as number;
  const max = h.max as number;
  let b = -1; // -1: the zeros
  let cum = h.zeros;
  return (k: number) => {
    if (!(Number.isInteger(k) && k >= 1 && k <= h.count))
      throw new SummaryError('SUMMARY_BAD_RANK', summaryMsg.rankOutside(k, h.count));
    while (cum < k) {
      b++;
      cum += h.buckets[b][1];
    }
    if (k === 1) return { lower: min, value: min, upper: min };
    if (k === h.count) return { lower: max, value: max, upper: max };
    if (b === -1) return { lower: 0, value: 0, upper: 0 };
    const bb = bucketBounds(h.buckets[b][0]);
    const clamp = (v: number) => Math.min(max, Math.max(min, v));
    return { lower: clamp(bb.lower), value: clamp(bb.value), upper: clamp(bb.upper) };
  };
}

/**
 * The k-th smallest value (1-based) as far as the histogram knows it: exact for rank 1 (min), rank n (max)
 * and zeros; else the bucket's representative, within 0.347% of the true value, which lies in [lower, upper].
 *
 * @throws {SummaryError} SUMMARY_BAD_RANK when k is not an integer in 1..count
 */
export function orderStatistic(h: LogHistogram, k: number): OrderStatisticBounds {
  return rankCursor(h)(k);
}

/**
 * A quantile from a histogram: type 7 (linear interpolation between order statistics at h = (n − 1)p + 1,
 * R's default and numpy's 'linear') or type 1 (the inverse ECDF, x₍⌈np⌉₎). Each order statistic is read as
 * its bucket's representative, so the result is within 0.347% (relative) of the exact quantile of the raw
 * values.
 *
 * @throws {SummaryError} SUMMARY_EMPTY when the histogram is empty; SUMMARY_BAD_OPTION for p outside [0, 1]
 * @example
 * histogramQuantile(histogramOf([100, 200, 300, 400]), 0.5); // => ≈ 250 (exact: 250)
 */
export function histogramQuantile(h: LogHistogram, p: number, opts: { type?: 1 | 7 } = {}): number {
  if (!(p >= 0 && p <= 1)) throw new SummaryError('SUMMARY_BAD_OPTION', summaryMsg.badQuantileP(p));
  if (h.count === 0) throw new SummaryError('SUMMARY_EMPTY', summaryMsg.emptyHistogram('histogramQuantile'));
  const n = h.count;
  const at = rankCursor(h);
  if ((opts.type ?? 7) === 1) return at(Math.min(n, Math.max(1, Math.ceil(n * p)))).value;
  const pos = (n - 1) * p + 1;
  const k = Math.floor(pos);
  const frac = pos - k;
  const lo = at(k).value;
  if (frac === 0 || k >= n) return lo;
  const hi = at(k + 1).value;
  return lo + frac * (hi - lo);
}

/**
 * The ECDF of a histogram as points (value, share ≤ value): one per non-empty bucket (at the bucket's
 * representative, the last one at max) plus the zeros. For charts.
 */
export function histogramEcdf(h: LogHistogram): Array<{ x: number; cdf: number }> {
  const out: Array<{ x: number; cdf: number }> = [];
  if (h.count === 0) return out;
  let cum = h.zeros;
  if (h.zeros > 0) out.push({ x: 0, cdf: cum / h.count });
  const min = h.min as number;
  const max = h.max as number;
  h.buckets.forEach(([i, c], k) => {
    cum += c;
    const v = k === h.buckets.length - 1 ? max : Math.min(max, Math.max(min, bucketBounds(i).value));
    out.push({ x: v, cdf: cum / h.count });
  });
  return out;
}
