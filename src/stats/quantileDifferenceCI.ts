import { readArms, readBootstrapSettings } from './bootstrapSettings';
import type { BootstrapMethod } from './bootstrapTypes';
import { intervalOfQuantileCombination, quantileBootstrap } from './quantileBootstrap';
import type { Interval } from './types';
import { checkProbability, describe } from './validate';

/** Options of {@link quantileDifferenceCI}; the same meaning and defaults as in {@link bootstrapCI}. */
export interface QuantileDifferenceCIOptions {
  /** 'bca' (default) or 'percentile'. */
  method?: BootstrapMethod;
  /** Bootstrap resamples, ≥ 100; default 9999. */
  resamples?: number;
  /** Confidence level in (0, 1); default 0.95. */
  confidence?: number;
  /** PRNG seed; default 0. */
  seed?: number;
  /** x[i] and y[i] come from the same prompt: resample pairs jointly. */
  paired?: boolean;
}

/** Result of {@link quantileDifferenceCI}. */
export interface QuantileDifferenceCIResult {
  /** Q_p(y) − Q_p(x), e.g. canary P95 minus primary P95 (seconds if the data are seconds). */
  difference: Interval;
  /** Q_p(y) / Q_p(x): 1.2 means the canary's quantile is 20% higher. */
  ratio: Interval;
  /** The quantiles of each arm on the data. */
  x: number;
  y: number;
  p: number;
  method: BootstrapMethod;
  resamples: number;
  confidence: number;
}

/**
 * Bootstrap confidence intervals for the difference Q_p(y) − Q_p(x) and the ratio Q_p(y)/Q_p(x) of two
 * type-7 sample quantiles, e.g. P95 latency of canary (y) against primary (x). Both intervals come from
 * the same resamples (one {@link bootstrapCI} run through the quantile fast path), BCa by default.
 * Equals `bootstrapCI({ samples: [x, y], statistic: quantileStatistic(p, (qx, qy) => qy - qx), ... })`
 * for the difference (and `qy / qx` for the ratio) with the same seed.
 *
 * @see Efron, B. & Tibshirani, R. (1993). An Introduction to the Bootstrap, ch. 14.
 * @see https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.bootstrap.html
 * @throws {TypeError} when x or y is not an array of numbers, or an option has the wrong type
 * @throws {RangeError} when x or y has fewer than 2 values or a non-finite value, p is outside [0, 1], paired
 *   arms differ in length, resamples < 100, confidence is outside (0, 1), or Q_p(x) is 0 on the data or on
 *   a resample (the ratio is then undefined)
 * @example
 * const primary = [1.1, 0.9, 1.3, 2.8, 1.0, 1.2, 0.8, 1.6, 1.4, 3.5, 1.1, 0.95];
 * const canary = [1.0, 0.85, 1.2, 2.2, 0.9, 1.1, 0.8, 1.5, 1.3, 2.6, 1.0, 0.9];
 * const r = quantileDifferenceCI(primary, canary, 0.9, { seed: 1, resamples: 2000 });
 * // r.x = 2.68, r.y = 2.13 (P90 s); r.difference ≈ { estimate: -0.55, lower: -2.22, upper: 1.03 };
 * // r.ratio ≈ { estimate: 0.795, lower: 0.350, upper: 1.772 }: 12 requests per arm cannot tell them apart
 */
export function quantileDifferenceCI(
  x: readonly number[],
  y: readonly number[],
  p: number,
  opts: QuantileDifferenceCIOptions = {},
): QuantileDifferenceCIResult {
  const fn = 'quantileDifferenceCI';
  if (opts === null || typeof opts !== 'object') {
    throw new TypeError(`${fn}: opts must be an object, got ${describe(opts)}`);
  }
  const settings = readBootstrapSettings(fn, opts);
  const arms = readArms(fn, [x, y], settings.paired, ['x', 'y']);
  checkProbability(fn, 'p', p);
  const qb = quantileBootstrap(arms, p, settings);
  if (qb.estimates[0] === 0) {
    throw new RangeError(`${fn}: the ratio needs Q_p(x) != 0, got Q_${p}(x) = 0`);
  }
  const diff = intervalOfQuantileCombination(fn, qb, (qx, qy) => qy - qx, settings);
  const ratio = intervalOfQuantileCombination(fn, qb, (qx, qy) => qy / qx, settings);
  return {
    difference: { estimate: diff.estimate, lower: diff.lower, upper: diff.upper },
    ratio: { estimate: ratio.estimate, lower: ratio.lower, upper: ratio.upper },
    x: qb.estimates[0],
    y: qb.estimates[1],
    p,
    method: settings.method,
    resamples: settings.resamples,
    confidence: settings.confidence,
  };
}
