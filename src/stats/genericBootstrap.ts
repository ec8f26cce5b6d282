// The bootstrap of an arbitrary statistic: resamples into reused buffers, and BCa's jackknife by leaving
// out one value (or one pair) at a time.
import { intervalFromReplicates } from './bootstrapInterval';
import type { BootstrapCIResult, BootstrapSettings, StatisticFunction } from './bootstrapTypes';
import { createRng } from './random';
import { drawIndices, gather } from './resampleIndices';

/** @internal The statistic on the data, on every resample and (BCa) on every leave-one-out sample, as an interval. */
export function genericBootstrap(
  fn: string,
  arms: Float64Array[],
  statistic: StatisticFunction,
  s: BootstrapSettings,
): BootstrapCIResult {
  const bufs = arms.map((a) => new Float64Array(a.length));
  for (let j = 0; j < arms.length; j++) bufs[j].set(arms[j]);
  const estimate = statistic(...bufs);
  if (!Number.isFinite(estimate)) {
    throw new RangeError(`${fn}: statistic must be finite on the data, got ${estimate}`);
  }
  const replicates = resampledStatistic(arms, bufs, statistic, s);
  const jackknife = s.method === 'bca' ? jackknifedStatistic(arms, bufs, statistic, s.paired) : null;
  return { estimate, ...intervalFromReplicates(fn, estimate, replicates, jackknife, s) };
}

/**
 * The statistic on each of `s.resamples` resamples, drawn from `createRng(s.seed)`: paired, one set of
 * indices per resample shared by all arms; unpaired, one set per arm in arm order.
 */
function resampledStatistic(
  arms: Float64Array[],
  bufs: Float64Array[],
  statistic: StatisticFunction,
  s: BootstrapSettings,
): Float64Array {
  const k = arms.length;
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
    replicates[b] = statistic(...bufs);
  }
  return replicates;
}

/**
 * Jackknife values for BCa's acceleration, as scipy's `_bca_interval`: paired, one group (the i-th pair
 * left out of every arm); unpaired, one group per arm (that arm's i-th value left out, the others whole).
 */
function jackknifedStatistic(
  arms: Float64Array[],
  bufs: Float64Array[],
  statistic: StatisticFunction,
  paired: boolean,
): Float64Array[] {
  const k = arms.length;
  // Leave-one-out buffers (n − 1 values) stand in for the full buffer of the arm(s) being jackknifed.
  const loo = arms.map((a) => new Float64Array(a.length - 1));
  const args = bufs.slice();
  const leaveOut = (j: number, i: number): void => {
    const a = arms[j];
    loo[j].set(a.subarray(0, i), 0);
    loo[j].set(a.subarray(i + 1), i);
  };
  const jackknife: Float64Array[] = [];
  if (paired) {
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
  return jackknife;
}
