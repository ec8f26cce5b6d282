// The bootstrap's quantile fast path: per-arm quantiles of every resample and leave-one-out sample, and the
// interval of any combination of them (used by bootstrapCI for a quantileStatistic and by quantileDifferenceCI).
import { intervalFromReplicates } from './bootstrapInterval';
import type { BootstrapCIResult, BootstrapSettings } from './bootstrapTypes';
import { createRng, type Rng } from './random';
import {
  countedQuantile,
  leaveOneOutQuantiles,
  orderStatisticReplicates,
  rankPositions,
  sortOrder,
} from './resampledQuantile';
import { countDraws, drawIndices } from './resampleIndices';
import { quantileOfSorted } from './select';
import { describe } from './validate';

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
  const sorted = arms.map((a) => a.slice().sort());
  const estimates = sorted.map((x) => quantileOfSorted(x, p));
  const B = s.resamples;
  const replicates = arms.map(() => new Float64Array(B));
  const rng = createRng(s.seed);
  if (strategy === 'order-statistic') {
    orderStatisticReplicates(rng, sorted, p, replicates);
  } else {
    countingReplicates(rng, arms, sorted, p, s.paired, replicates);
  }
  let leaveOneOut: Float64Array[] | null = null;
  if (s.method === 'bca') {
    leaveOneOut = arms.map((a, j) => leaveOneOutQuantiles(sorted[j], rankPositions(a), p));
  }
  return { estimates, replicates, leaveOneOut, paired: s.paired };
}

/** The 'counting' strategy: fills replicates[j][b] for every resample b, drawing as the generic path does. */
function countingReplicates(
  rng: Rng,
  arms: Float64Array[],
  sorted: Float64Array[],
  p: number,
  paired: boolean,
  replicates: Float64Array[],
): void {
  const k = arms.length;
  const B = replicates[0].length;
  // Counts are kept per original index (paired arms share one vector: one increment per draw) and read
  // through each arm's sort order, so no arm needs its draws translated to sorted positions.
  const orders = arms.map(sortOrder);
  const counts = paired ? [new Int32Array(arms[0].length)] : arms.map((a) => new Int32Array(a.length));
  const idx = new Int32Array(Math.max(...arms.map((a) => a.length)));
  for (let b = 0; b < B; b++) {
    if (paired) {
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
  const jackknife =
    s.method === 'bca' && qb.leaveOneOut !== null ? combinedJackknife(qb, qb.leaveOneOut, combine) : null;
  return { estimate, ...intervalFromReplicates(fn, estimate, replicates, jackknife, s) };
}

/** combine() over the leave-one-out quantiles, grouped as {@link intervalOfQuantileCombination} describes. */
function combinedJackknife(
  qb: QuantileBootstrap,
  loo: Float64Array[],
  combine: (...quantiles: number[]) => number,
): Float64Array[] {
  const k = qb.estimates.length;
  const q = new Array<number>(k);
  const jackknife: Float64Array[] = [];
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
  return jackknife;
}
