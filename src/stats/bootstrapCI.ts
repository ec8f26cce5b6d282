import { normalCdf, normalQuantile } from './distributions';
import { createRng, type Rng } from './random';
import { lerp, quantileOfSorted, quantileSelectUnchecked } from './select';
import type { Interval } from './types';
import { checkCount, checkOpenUnit, checkProbability, checkSample, describe } from './validate';

/** How the bootstrap distribution becomes an interval. */
export type BootstrapMethod = 'percentile' | 'bca';

/**
 * A statistic of one or more arms. During the bootstrap it receives reused scratch buffers (one per arm,
 * in the order of `samples`): read them, reorder them if you like (e.g. sort in place), but don't keep them.
 */
export type StatisticFunction = (...arms: Float64Array[]) => number;

/** What {@link quantileStatistic} attaches to its function so that {@link bootstrapCI} can take a fast path. */
export interface QuantileSpec {
  /** Probability of the type-7 quantile taken of every arm. */
  readonly p: number;
  /** Turns the arms' quantiles (in arm order) into the statistic; absent means "one arm, its quantile". */
  readonly combine?: (...quantiles: number[]) => number;
}

/** A statistic built from one type-7 quantile per arm; callable like any statistic, and recognised by the bootstrap. */
export type QuantileStatistic = ((...arms: ArrayLike<number>[]) => number) & {
  readonly quantileSpec: QuantileSpec;
};

/**
 * A quantile statistic that {@link bootstrapCI} recognises: instead of calling a function on every resample it
 * finds each arm's order statistics by counting how often each original value was drawn and scanning the
 * counts from the nearer end (a counting selection over the sorted sample: O(n) per resample, no sort, no
 * partition), and it computes BCa's jackknife in O(1) per left-out value (removing one value shifts the order
 * statistics by at most one place). Called directly, it returns combine(Q_p(arm 0), Q_p(arm 1), …) and does
 * not modify its arguments.
 *
 * @see https://numpy.org/doc/stable/reference/generated/numpy.quantile.html (type 7, numpy's default)
 * @throws {RangeError} when p is outside [0, 1]; when called with an empty arm, or with several arms and no combine
 * @example
 * const p90Diff = quantileStatistic(0.9, (primary, canary) => canary - primary);
 * p90Diff([1, 2, 3, 4, 10], [2, 3, 4, 5, 11]); // => 0.9999999999999991 (8.6 − 7.6)
 */
export function quantileStatistic(
  p: number,
  combine?: (...quantiles: number[]) => number,
): QuantileStatistic {
  checkProbability('quantileStatistic', 'p', p);
  if (combine !== undefined && typeof combine !== 'function') {
    throw new TypeError(`quantileStatistic: combine must be a function, got ${describe(combine)}`);
  }
  const fn = (...arms: ArrayLike<number>[]): number => {
    if (combine === undefined && arms.length !== 1) {
      throw new RangeError(
        `quantileStatistic: without combine the statistic takes 1 arm, got ${arms.length}`,
      );
    }
    const qs = arms.map((arm, j) => {
      checkSample('quantileStatistic', `arms[${j}]`, arm);
      return quantileSelectUnchecked(Float64Array.from(arm), arm.length, p);
    });
    return combine === undefined ? qs[0] : combine(...qs);
  };
  return Object.assign(fn, { quantileSpec: Object.freeze({ p, combine }) });
}

/** Options of {@link bootstrapCI}. */
export interface BootstrapCIOptions {
  /** One sample per arm (at least 2 values each). Not mutated. */
  samples: readonly ArrayLike<number>[];
  /** statistic(...arms) → number; a {@link quantileStatistic} is recognised and takes the fast path. */
  statistic: StatisticFunction;
  /** 'bca' (default, as scipy) or 'percentile'. */
  method?: BootstrapMethod;
  /** Number of bootstrap resamples, ≥ 100; default 9999 (as scipy). */
  resamples?: number;
  /** Confidence level in (0, 1); default 0.95. */
  confidence?: number;
  /** Seed of the PRNG ({@link createRng}); default 0. The same seed gives the same interval. */
  seed?: number;
  /** Resample indices jointly across arms (same prompts in every arm); arms must then have equal lengths. */
  paired?: boolean;
}

/** Result of {@link bootstrapCI}: the statistic on the data and its two-sided interval. */
export interface BootstrapCIResult extends Interval {
  method: BootstrapMethod;
  resamples: number;
  confidence: number;
  /** Standard deviation (ddof 1) of the bootstrap distribution, as scipy's `standard_error`. */
  standardError: number;
  /** BCa only: bias correction ẑ₀ = Φ⁻¹(share of replicates below the estimate, ties counted half). */
  biasCorrection?: number;
  /** BCa only: acceleration â from the jackknife (scipy's `a_hat`). */
  acceleration?: number;
}

/**
 * Bootstrap confidence interval for any statistic of one or more arms: percentile, or bias-corrected and
 * accelerated (BCa, with jackknife acceleration). Follows `scipy.stats.bootstrap` (1.10): independent
 * resampling of each arm, or of indices jointly when `paired`; BCa's z₀ counts ties half; â uses the
 * jackknife of each arm separately and sums over arms, as scipy's `_bca_interval` does; the end points are
 * type-7 percentiles of the bootstrap distribution. Differences from scipy: a seeded xoshiro128** stream,
 * so numbers agree within Monte-Carlo error, not digit for digit; when every jackknife value is equal â is
 * taken as 0 (scipy returns NaN).
 *
 * Speed: resampling fills reused Float64Array buffers. A {@link quantileStatistic} skips them: unpaired, each
 * resample's two order statistics are drawn directly from their exact joint law (O(1) per resample); paired,
 * by counting draws per index and scanning from the nearer end (O(n), no sort); its jackknife is O(1) per
 * left-out value. For a generic statistic the jackknife calls it n times per arm (n − 1 values each).
 *
 * @see Efron, B. & Tibshirani, R. (1993). An Introduction to the Bootstrap, §14.3 (BCa, â by the jackknife);
 *   the per-arm jackknife of several samples as in scipy's `_bca_interval` (which cites §15.4, Eq. 15.36).
 * @see https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.bootstrap.html
 * @throws {TypeError} when samples is not an array of arrays, statistic is not a function, or an option has the wrong type
 * @throws {RangeError} when an arm has fewer than 2 values or a non-finite value, paired arms differ in length,
 *   resamples < 100, confidence is outside (0, 1), the statistic is not finite on the data or on a resample,
 *   or the BCa interval is undefined (estimate outside the bootstrap distribution)
 * @example
 * const r = bootstrapCI({
 *   samples: [[1.2, 0.8, 1.9, 1.1, 2.4, 0.7, 1.5, 1.3, 3.1, 1.0]],
 *   statistic: (x) => x.reduce((s, v) => s + v, 0) / x.length,
 *   resamples: 2000,
 *   seed: 1,
 * });
 * // => { estimate: 1.5, lower: 1.137708659660022, upper: 2.04, method: 'bca', resamples: 2000, ... }
 */
export function bootstrapCI(opts: BootstrapCIOptions): BootstrapCIResult {
  const fn = 'bootstrapCI';
  if (opts === null || typeof opts !== 'object') {
    throw new TypeError(
      `${fn}: options must be an object { samples, statistic, ... }, got ${describe(opts)}`,
    );
  }
  const settings = readBootstrapSettings(fn, opts);
  const arms = readArms(fn, opts.samples, settings.paired);
  const statistic = opts.statistic;
  if (typeof statistic !== 'function') {
    throw new TypeError(`${fn}: statistic must be a function, got ${describe(statistic)}`);
  }
  const spec = (statistic as Partial<QuantileStatistic>).quantileSpec;
  if (spec !== undefined) {
    if (spec.combine === undefined && arms.length !== 1) {
      throw new RangeError(
        `${fn}: statistic is quantileStatistic(${spec.p}) without combine, which takes 1 sample; got ${arms.length} samples`,
      );
    }
    const qb = quantileBootstrap(arms, spec.p, settings);
    const combine = spec.combine ?? ((q: number) => q);
    return intervalOfQuantileCombination(fn, qb, combine, settings);
  }
  return genericBootstrap(fn, arms, statistic as StatisticFunction, settings);
}

// ---------------------------------------------------------------------------------------------------------
// Internal building blocks, exported for quantileDifferenceCI (not part of the public API).

/** @internal Validated common options. */
export interface BootstrapSettings {
  method: BootstrapMethod;
  resamples: number;
  confidence: number;
  seed: number;
  paired: boolean;
}

/** @internal Reads and validates method / resamples / confidence / seed / paired with their defaults. */
export function readBootstrapSettings(
  fn: string,
  opts: {
    method?: unknown;
    resamples?: unknown;
    confidence?: unknown;
    seed?: unknown;
    paired?: unknown;
  },
): BootstrapSettings {
  const method = opts.method ?? 'bca';
  if (method !== 'percentile' && method !== 'bca') {
    throw new RangeError(`${fn}: method must be 'percentile' or 'bca', got ${describe(method)}`);
  }
  const resamples = checkCount(fn, 'resamples', opts.resamples ?? 9999, 100);
  const confidence = checkOpenUnit(fn, 'confidence', opts.confidence ?? 0.95);
  const seed = opts.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new TypeError(`${fn}: seed must be a finite number, got ${describe(seed)}`);
  }
  const paired = opts.paired ?? false;
  if (typeof paired !== 'boolean')
    throw new TypeError(`${fn}: paired must be a boolean, got ${describe(paired)}`);
  return { method, resamples, confidence, seed, paired };
}

/** @internal Validates the arms (≥ 2 finite values each, equal lengths when paired) and copies them. */
export function readArms(
  fn: string,
  samples: unknown,
  paired: boolean,
  names?: readonly string[],
): Float64Array[] {
  if (!Array.isArray(samples) || samples.length === 0) {
    throw new TypeError(
      `${fn}: samples must be a non-empty array of samples (one per arm), got ${describe(samples)}`,
    );
  }
  const arms = samples.map((s, j) => Float64Array.from(checkSample(fn, names?.[j] ?? `samples[${j}]`, s, 2)));
  if (paired) {
    for (let j = 1; j < arms.length; j++) {
      if (arms[j].length !== arms[0].length) {
        const a = names?.[0] ?? 'samples[0]';
        const b = names?.[j] ?? `samples[${j}]`;
        throw new RangeError(
          `${fn}: ${a} and ${b} must have equal lengths when paired, got ${arms[0].length} and ${arms[j].length}`,
        );
      }
    }
  }
  return arms;
}

/**
 * Draws the indices of one resample: n independent uniform integers in [0, n). Every path (generic and
 * quantile) draws through here, in the same order, so the same seed resamples the same multisets whatever
 * the statistic. For n ≤ 2¹⁶ each 32-bit output of the generator yields two 16-bit halves, each mapped to
 * [0, n) by Lemire's multiply-and-reject method (exactly uniform; rejects a half with probability
 * (2¹⁶ mod n)/2¹⁶), which halves the calls into the generator, the cost that dominates a bootstrap.
 * @see Lemire, D. (2019). Fast random integer generation in an interval. ACM TOMACS 29(1). https://doi.org/10.1145/3230636
 */
function drawIndices(rng: Rng, idx: Int32Array, n: number): void {
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

function genericBootstrap(
  fn: string,
  arms: Float64Array[],
  statistic: StatisticFunction,
  s: BootstrapSettings,
): BootstrapCIResult {
  const k = arms.length;
  const bufs = arms.map((a) => new Float64Array(a.length));
  const call = (): number => statistic(...bufs);
  const refill = (): void => {
    for (let j = 0; j < k; j++) bufs[j].set(arms[j]);
  };
  refill();
  const estimate = call();
  if (!Number.isFinite(estimate)) {
    throw new RangeError(`${fn}: statistic must be finite on the data, got ${estimate}`);
  }

  const rng = createRng(s.seed);
  const B = s.resamples;
  const replicates = new Float64Array(B);
  const idx = new Int32Array(Math.max(...arms.map((a) => a.length)));
  for (let b = 0; b < B; b++) {
    if (s.paired) {
      const n = arms[0].length;
      drawIndices(rng, idx, n);
      for (let j = 0; j < k; j++) gather(bufs[j], arms[j], idx, n);
    } else {
      for (let j = 0; j < k; j++) {
        const n = arms[j].length;
        drawIndices(rng, idx, n);
        gather(bufs[j], arms[j], idx, n);
      }
    }
    replicates[b] = call();
  }

  let jackknife: Float64Array[] | null = null;
  if (s.method === 'bca') {
    // Leave-one-out buffers (n − 1 values) stand in for the full buffer of the arm(s) being jackknifed.
    const loo = arms.map((a) => new Float64Array(a.length - 1));
    const args = bufs.slice();
    const leaveOut = (j: number, i: number): void => {
      const a = arms[j];
      loo[j].set(a.subarray(0, i), 0);
      loo[j].set(a.subarray(i + 1), i);
    };
    jackknife = [];
    if (s.paired) {
      const n = arms[0].length;
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < k; j++) leaveOut(j, i);
        out[i] = statistic(...loo);
      }
      jackknife.push(out);
    } else {
      for (let g = 0; g < k; g++) {
        const n = arms[g].length;
        const out = new Float64Array(n);
        args[g] = loo[g];
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < k; j++) if (j !== g) bufs[j].set(arms[j]);
          leaveOut(g, i);
          out[i] = statistic(...args);
        }
        args[g] = bufs[g];
        jackknife.push(out);
      }
    }
  }
  return { estimate, ...intervalFromReplicates(fn, estimate, replicates, jackknife, s) };
}

function gather(dst: Float64Array, src: Float64Array, idx: Int32Array, n: number): void {
  for (let i = 0; i < n; i++) dst[i] = src[idx[i]];
}

/** @internal Per-arm quantiles of every resample and of every leave-one-out sample. */
export interface QuantileBootstrap {
  /** Q_p of each arm on the data. */
  estimates: number[];
  /** replicates[j][b]: Q_p of arm j in resample b. */
  replicates: Float64Array[];
  /** leaveOneOut[j][i]: Q_p of arm j without its i-th value (paired: without the i-th pair). BCa only. */
  leaveOneOut: Float64Array[] | null;
  paired: boolean;
}

/**
 * @internal The quantile fast path. Each arm is sorted once; a resample's type-7 quantile needs only its
 * order statistics at positions ⌊h⌋ and ⌊h⌋ + 1 (h = (n − 1)p), drawn one of two ways:
 *
 * - 'order-statistic' (default when unpaired): a resample draws positions ⌊nV_i⌋ of the sorted arm with
 *   V_i iid uniform, and ⌊n·⌋ is monotone, so its k-th smallest position is ⌊nV_(k)⌋, where the k-th
 *   uniform order statistic V_(k) ~ Beta(k, n − k + 1) and, given it, V_(k+1) = V_(k) + (1 − V_(k))(1 − U^{1/(n−k)}).
 *   Exactly the bootstrap distribution, at O(1) per resample instead of O(n) (David & Nagaraja,
 *   Order Statistics, 3rd ed., §2.2 and the Markov property of uniform order statistics, §2.5).
 * - 'counting' (always when paired, where arms share indices): draw the n indices, count how often each
 *   index was drawn, and scan the counts in each arm's sorted order from the nearer end: O(n) per resample
 *   (the draws), no sort, no partition. Uses the same draws as the generic path, so both give identical
 *   replicates for the same seed.
 */
export function quantileBootstrap(
  arms: Float64Array[],
  p: number,
  s: BootstrapSettings,
  strategy: 'order-statistic' | 'counting' = s.paired ? 'counting' : 'order-statistic',
): QuantileBootstrap {
  if (s.paired && strategy !== 'counting') {
    throw new RangeError(
      `quantileBootstrap: paired resampling needs strategy 'counting', got ${describe(strategy)}`,
    );
  }
  const k = arms.length;
  const sorted = arms.map((a) => a.slice().sort());
  const estimates = sorted.map((x) => quantileOfSorted(x, p));
  const B = s.resamples;
  const replicates = arms.map(() => new Float64Array(B));
  const rng = createRng(s.seed);
  if (strategy === 'order-statistic') {
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < k; j++) replicates[j][b] = orderStatisticQuantile(rng, sorted[j], p);
    }
  } else {
    // Counts are kept per original index (paired arms share one vector: one increment per draw) and read
    // through each arm's sort order, so no arm needs its draws translated to sorted positions.
    const orders = arms.map(sortOrder);
    const counts = s.paired ? [new Int32Array(arms[0].length)] : arms.map((a) => new Int32Array(a.length));
    const idx = new Int32Array(Math.max(...arms.map((a) => a.length)));
    for (let b = 0; b < B; b++) {
      if (s.paired) {
        const n = arms[0].length;
        drawIndices(rng, idx, n);
        countDraws(counts[0], idx, n);
        for (let j = 0; j < k; j++) replicates[j][b] = countedQuantile(counts[0], orders[j], sorted[j], p);
        counts[0].fill(0);
      } else {
        for (let j = 0; j < k; j++) {
          const n = arms[j].length;
          drawIndices(rng, idx, n);
          countDraws(counts[j], idx, n);
          replicates[j][b] = countedQuantile(counts[j], orders[j], sorted[j], p);
          counts[j].fill(0);
        }
      }
    }
  }
  let leaveOneOut: Float64Array[] | null = null;
  if (s.method === 'bca') {
    leaveOneOut = arms.map((a, j) => leaveOneOutQuantiles(sorted[j], rankPositions(a), p));
  }
  return { estimates, replicates, leaveOneOut, paired: s.paired };
}

/** Type-7 quantile of one bootstrap resample of `sorted`, from the uniform order statistics (see above). */
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

/**
 * Gamma(shape, 1) variate for shape ≥ 1 by Marsaglia & Tsang's squeeze-rejection method.
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

/**
 * @internal Interval of combine(Q_p(arm 0), Q_p(arm 1), …) from a {@link quantileBootstrap}. The jackknife
 * follows scipy: unpaired, each arm is jackknifed alone (others at full-sample quantiles), one group per arm;
 * paired, the i-th pair leaves every arm at once.
 */
export function intervalOfQuantileCombination(
  fn: string,
  qb: QuantileBootstrap,
  combine: (...quantiles: number[]) => number,
  s: BootstrapSettings,
): BootstrapCIResult {
  const k = qb.estimates.length;
  const estimate = combine(...qb.estimates);
  if (!Number.isFinite(estimate)) {
    throw new RangeError(`${fn}: statistic must be finite on the data, got ${estimate}`);
  }
  const B = qb.replicates[0].length;
  const replicates = new Float64Array(B);
  const q = new Array<number>(k);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < k; j++) q[j] = qb.replicates[j][b];
    replicates[b] = combine(...q);
  }
  let jackknife: Float64Array[] | null = null;
  const loo = qb.leaveOneOut;
  if (s.method === 'bca' && loo !== null) {
    jackknife = [];
    if (qb.paired) {
      const n = loo[0].length;
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < k; j++) q[j] = loo[j][i];
        out[i] = combine(...q);
      }
      jackknife.push(out);
    } else {
      for (let g = 0; g < k; g++) {
        for (let j = 0; j < k; j++) q[j] = qb.estimates[j];
        const n = loo[g].length;
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          q[g] = loo[g][i];
          out[i] = combine(...q);
        }
        jackknife.push(out);
      }
    }
  }
  return { estimate, ...intervalFromReplicates(fn, estimate, replicates, jackknife, s) };
}

/** Original indices in ascending order of value (ties by index). */
function sortOrder(a: Float64Array): Int32Array {
  const n = a.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order.sort((x, y) => a[x] - a[y] || x - y);
}

/** Sorted position of every value (the inverse of {@link sortOrder}). */
function rankPositions(a: Float64Array): Int32Array {
  const order = sortOrder(a);
  const rank = new Int32Array(a.length);
  for (let r = 0; r < order.length; r++) rank[order[r]] = r;
  return rank;
}

function countDraws(counts: Int32Array, idx: Int32Array, n: number): void {
  for (let i = 0; i < n; i++) counts[idx[i]]++;
}

/**
 * Type-7 quantile of the resample described by `counts` (how many times each original index was drawn;
 * `order[r]` is the index of the r-th smallest value): the order statistics at ⌊h⌋ and ⌊h⌋+1, scanning
 * from whichever end is nearer, so P95 reads only about 5% of the counts.
 */
function countedQuantile(counts: Int32Array, order: Int32Array, sorted: Float64Array, p: number): number {
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
function leaveOneOutQuantiles(sorted: Float64Array, rank: Int32Array, p: number): Float64Array {
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
 * @internal End points from the bootstrap distribution: type-7 percentiles at α/2 and 1 − α/2, or at BCa's
 * adjusted levels α₁ = Φ(ẑ₀ + (ẑ₀ + z_α)/(1 − â(ẑ₀ + z_α))), α₂ likewise with z₁₋α, exactly as scipy's
 * `_bca_interval`: â = Σ_g Σ_i U³/n_g³ / (6 (Σ_g Σ_i U²/n_g²)^{3/2}), U = (n_g − 1)(θ̄_g − θ_(i)).
 */
export function intervalFromReplicates(
  fn: string,
  estimate: number,
  replicates: Float64Array,
  jackknife: Float64Array[] | null,
  s: BootstrapSettings,
): Omit<BootstrapCIResult, 'estimate'> {
  const B = replicates.length;
  let mean = 0;
  for (let b = 0; b < B; b++) {
    const v = replicates[b];
    if (!Number.isFinite(v)) {
      throw new RangeError(`${fn}: statistic must be finite on every resample, got ${v} on resample ${b}`);
    }
    mean += v;
  }
  mean /= B;
  let ss = 0;
  for (let b = 0; b < B; b++) ss += (replicates[b] - mean) ** 2;
  const standardError = Math.sqrt(ss / (B - 1));
  const sorted = replicates.slice().sort();
  const alpha = (1 - s.confidence) / 2;
  const base = { method: s.method, resamples: B, confidence: s.confidence, standardError };
  if (s.method === 'percentile' || jackknife === null) {
    return { ...base, lower: quantileOfSorted(sorted, alpha), upper: quantileOfSorted(sorted, 1 - alpha) };
  }

  let less = 0;
  let lessEq = 0;
  for (let b = 0; b < B; b++) {
    if (sorted[b] < estimate) less++;
    if (sorted[b] <= estimate) lessEq++;
    else break;
  }
  const z0 = normalQuantile((less + lessEq) / (2 * B));

  let num = 0;
  let den = 0;
  for (const theta of jackknife) {
    const n = theta.length;
    let m = 0;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(theta[i])) {
        throw new RangeError(`${fn}: statistic must be finite on every jackknife sample, got ${theta[i]}`);
      }
      m += theta[i];
    }
    m /= n;
    let s3 = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const u = (n - 1) * (m - theta[i]);
      s2 += u * u;
      s3 += u * u * u;
    }
    num += s3 / n ** 3;
    den += s2 / n ** 2;
  }
  const a = den === 0 ? 0 : num / (6 * den ** 1.5);
  const zAlpha = normalQuantile(alpha);
  const num1 = z0 + zAlpha;
  const num2 = z0 - zAlpha;
  const alpha1 = normalCdf(z0 + num1 / (1 - a * num1));
  const alpha2 = normalCdf(z0 + num2 / (1 - a * num2));
  if (Number.isNaN(alpha1) || Number.isNaN(alpha2)) {
    throw new RangeError(
      `${fn}: the BCa interval is undefined here (the estimate lies outside the bootstrap distribution); use method 'percentile'`,
    );
  }
  return {
    ...base,
    lower: quantileOfSorted(sorted, alpha1),
    upper: quantileOfSorted(sorted, alpha2),
    biasCorrection: z0,
    acceleration: a,
  };
}
