import { normalQuantile } from './distributions';
import { type RatioData, ratioParts, readRatioOptions } from './ratioMetricCI';
import type { Interval } from './types';
import { describe } from './validate';

/** Options of {@link ratioDifferenceCI}. */
export interface RatioDifferenceCIOptions {
  /** Confidence level in (0, 1); default 0.95. */
  confidence?: number;
  /** Multiplies the ratios and the absolute difference, e.g. 1000 for "per 1K tokens"; default 1. */
  scale?: number;
  /** Request i of primary and of canary answered the same prompt: include their covariance. Default false. */
  paired?: boolean;
}

/** One arm's ratio with its delta-method interval (scaled). */
export interface RatioArm extends Interval {
  standardError: number;
  n: number;
}

/** Result of {@link ratioDifferenceCI}. */
export interface RatioDifferenceCIResult {
  primary: RatioArm;
  canary: RatioArm;
  /** R_canary − R_primary (scaled), with standard error. */
  difference: Interval & { standardError: number };
  /** R_canary / R_primary − 1 (0.2 = canary costs 20% more), interval from the log ratio. */
  relative: Interval;
  scale: number;
  confidence: number;
  paired: boolean;
  method: 'delta';
}

/**
 * Canary against primary for a ratio-of-sums metric (e.g. cost per 1K tokens): the absolute difference
 * R_c − R_p and the relative difference R_c/R_p − 1, both by the delta method. Each arm's R̂ − R is
 * linearised as mean(yᵢ − R xᵢ)/x̄ (see {@link ratioMetricCI}); arms are independent unless `paired`, where
 * Cov(R̂_c, R̂_p) ≈ Σ eᶜᵢ eᵖᵢ / ((n − 1) n x̄_c x̄_p) is added. The absolute interval is Δ̂ ± z·SE; the relative
 * interval applies the delta method to log(R_c/R_p), SE² = SE_c²/R_c² + SE_p²/R_p² − 2Cov/(R_c R_p), and maps
 * back with exp(·) − 1, so it is asymmetric and never below −100% (not Fieller's interval).
 *
 * @see Deng, A., Knoblich, U. & Lu, J. (2018). Applying the Delta Method in Metric Analytics. KDD. https://arxiv.org/abs/1803.06336
 * @see Cochran, W. G. (1977). Sampling Techniques, 3rd ed., §6.3–6.4.
 * @throws {TypeError} when an arm is not { numerators, denominators } of numbers, or an option has the wrong type
 * @throws {RangeError} as {@link ratioMetricCI} for either arm (naming primary or canary); when paired arms
 *   differ in length; when a ratio is not positive (the relative difference needs R_p > 0 and R_c > 0)
 * @example
 * const primary = { numerators: [2, 4, 1, 3, 5, 2], denominators: [1000, 1800, 600, 1500, 2100, 900] };
 * const canary = { numerators: [3, 5, 2, 4, 6, 2], denominators: [1100, 1900, 700, 1400, 2200, 800] };
 * ratioDifferenceCI(primary, canary, { scale: 1000 }).relative;
 * // => { estimate: 0.2621641249092228, lower: ≈0.157, upper: ≈0.377 } (canary +26% per 1K tokens)
 */
export function ratioDifferenceCI(
  primary: RatioData,
  canary: RatioData,
  opts: RatioDifferenceCIOptions = {},
): RatioDifferenceCIResult {
  const fn = 'ratioDifferenceCI';
  const { confidence, scale } = readRatioOptions(fn, opts);
  const paired = opts.paired ?? false;
  if (typeof paired !== 'boolean')
    throw new TypeError(`${fn}: paired must be a boolean, got ${describe(paired)}`);
  const p = ratioParts(fn, primary, 'primary');
  const c = ratioParts(fn, canary, 'canary');
  let cov = 0;
  if (paired) {
    if (p.n !== c.n) {
      throw new RangeError(
        `${fn}: primary and canary must have equal lengths when paired, got ${p.n} and ${c.n}`,
      );
    }
    let s = 0;
    for (let i = 0; i < p.n; i++) s += p.residuals[i] * c.residuals[i];
    cov = s / (p.n - 1) / p.n / (p.meanDenominator * c.meanDenominator);
  }
  if (!(p.ratio > 0)) throw new RangeError(`${fn}: the primary ratio must be positive, got ${p.ratio}`);
  if (!(c.ratio > 0)) throw new RangeError(`${fn}: the canary ratio must be positive, got ${c.ratio}`);
  return ratioDifferenceFromArms({ primary: p, canary: c, covariance: cov, scale, confidence, paired });
}

/** One arm's ratio estimate with its (unscaled) delta-method standard error. */
export interface RatioArmEstimate {
  n: number;
  ratio: number;
  se: number;
}

/**
 * The delta-method intervals of {@link ratioDifferenceCI} from each arm's ratio and standard error (and the
 * covariance of the two ratios, 0 for independent arms): shared by ratioDifferenceCI and by the
 * summary-based ratioDifferenceFromSums, which has the sums but not the per-request values. The callers
 * check that both ratios are positive.
 */
export function ratioDifferenceFromArms(args: {
  primary: RatioArmEstimate;
  canary: RatioArmEstimate;
  covariance: number;
  scale: number;
  confidence: number;
  paired: boolean;
}): RatioDifferenceCIResult {
  const { primary: p, canary: c, covariance: cov, scale, confidence, paired } = args;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const arm = (r: RatioArmEstimate): RatioArm => {
    const est = r.ratio * scale;
    const se = r.se * scale;
    return { estimate: est, lower: est - z * se, upper: est + z * se, standardError: se, n: r.n };
  };
  const diff = (c.ratio - p.ratio) * scale;
  const seDiff = Math.sqrt(Math.max(0, c.se ** 2 + p.se ** 2 - 2 * cov)) * scale;
  const logRatio = Math.log(c.ratio / p.ratio);
  const seLog = Math.sqrt(
    Math.max(0, (c.se / c.ratio) ** 2 + (p.se / p.ratio) ** 2 - (2 * cov) / (c.ratio * p.ratio)),
  );
  return {
    primary: arm(p),
    canary: arm(c),
    difference: { estimate: diff, lower: diff - z * seDiff, upper: diff + z * seDiff, standardError: seDiff },
    relative: {
      estimate: c.ratio / p.ratio - 1,
      lower: Math.expm1(logRatio - z * seLog),
      upper: Math.expm1(logRatio + z * seLog),
    },
    scale,
    confidence,
    paired,
    method: 'delta',
  };
}
