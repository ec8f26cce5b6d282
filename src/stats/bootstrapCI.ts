// bootstrapCI: the bootstrap confidence interval of any statistic (percentile or BCa). The pieces live beside
// it — settings (bootstrapSettings), resampling (resampleIndices, genericBootstrap), the quantile fast path
// (quantileStatistic, quantileBootstrap, resampledQuantile), end points (bootstrapInterval, bcaAdjustment) —
// and are re-exported here so every existing import of this file keeps working.

import { readArms, readBootstrapSettings } from './bootstrapSettings';
import type { BootstrapCIResult, BootstrapMethod, StatisticFunction } from './bootstrapTypes';
import { genericBootstrap } from './genericBootstrap';
import { intervalOfQuantileCombination, quantileBootstrap } from './quantileBootstrap';
import type { QuantileStatistic } from './quantileStatistic';
import { checkOptions, describe } from './validate';

export { intervalFromReplicates } from './bootstrapInterval';
export { readArms, readBootstrapSettings } from './bootstrapSettings';
export type {
  BootstrapCIResult,
  BootstrapMethod,
  BootstrapSettings,
  StatisticFunction,
} from './bootstrapTypes';
export {
  intervalOfQuantileCombination,
  type QuantileBootstrap,
  quantileBootstrap,
} from './quantileBootstrap';
export { type QuantileSpec, type QuantileStatistic, quantileStatistic } from './quantileStatistic';

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
  checkOptions(fn, opts, '{ samples, statistic, ... }');
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
