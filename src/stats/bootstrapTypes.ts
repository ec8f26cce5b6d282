// The shapes the bootstrap files share: method, statistic, result and the validated settings.
import type { Interval } from './types';

/** How the bootstrap distribution becomes an interval. */
export type BootstrapMethod = 'percentile' | 'bca';

/**
 * A statistic of one or more arms. During the bootstrap it receives reused scratch buffers (one per arm,
 * in the order of `samples`): read them, reorder them if you like (e.g. sort in place), but don't keep them.
 */
export type StatisticFunction = (...arms: Float64Array[]) => number;

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

/** @internal Validated common options. */
export interface BootstrapSettings {
  method: BootstrapMethod;
  resamples: number;
  confidence: number;
  seed: number;
  paired: boolean;
}
