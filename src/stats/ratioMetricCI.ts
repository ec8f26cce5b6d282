import { normalQuantile } from './distributions';
import type { Interval } from './types';
import { checkNumber, checkOpenUnit, checkSample, describe } from './validate';

/** Per-request numerators and denominators of a ratio-of-sums metric, e.g. cost (USD) and tokens. */
export interface RatioData {
  numerators: readonly number[];
  denominators: readonly number[];
}

/** Options of {@link ratioMetricCI}. */
export interface RatioMetricCIOptions {
  /** Confidence level in (0, 1); default 0.95. */
  confidence?: number;
  /** Multiplies the ratio and its interval, e.g. 1000 for "per 1K tokens"; default 1. */
  scale?: number;
}

/** Result of {@link ratioMetricCI} (estimate, bounds and standard error are all multiplied by `scale`). */
export interface RatioMetricCIResult extends Interval {
  standardError: number;
  n: number;
  scale: number;
  confidence: number;
  method: 'delta';
}

/**
 * Confidence interval for a ratio of sums R = Σyᵢ / Σxᵢ over requests (e.g. cost per 1K tokens = 1000 ·
 * Σ cost / Σ tokens; not the mean of per-request ratios), by the delta method (linearisation):
 * Var(R̂) ≈ (s_y² − 2R s_xy + R² s_x²) / (n x̄²) = Σ(yᵢ − R xᵢ)² / ((n − 1) n x̄²), sample (co)variances
 * with n − 1, and the interval R̂ ± z₁₋α/₂ · SE. Requests are the independent units, so a request's cost
 * and tokens may be as correlated as they like.
 *
 * @see Cochran, W. G. (1977). Sampling Techniques, 3rd ed., §6.3–6.4 (variance of the ratio estimator).
 * @see Deng, A., Knoblich, U. & Lu, J. (2018). Applying the Delta Method in Metric Analytics. KDD. https://arxiv.org/abs/1803.06336
 * @throws {TypeError} when numerators or denominators is not an array of numbers, or scale is not a number
 * @throws {RangeError} when they have fewer than 2 values, non-finite values or different lengths, the
 *   denominators do not sum to a positive number, scale is not positive and finite, or confidence is outside (0, 1)
 * @example
 * ratioMetricCI({ numerators: [0.002, 0.004, 0.001, 0.003], denominators: [1000, 1800, 600, 1500] }, { scale: 1000 });
 * // => { estimate: 0.002040816326530612, lower: ≈0.001855, upper: ≈0.002227, standardError: ≈0.0000950, n: 4, ... }
 * // (USD per 1K tokens: 0.010 USD over 4900 tokens)
 */
export function ratioMetricCI(data: RatioData, opts: RatioMetricCIOptions = {}): RatioMetricCIResult {
  const fn = 'ratioMetricCI';
  const { confidence, scale } = readRatioOptions(fn, opts);
  const parts = ratioParts(fn, data);
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const estimate = parts.ratio * scale;
  const se = parts.se * scale;
  return {
    estimate,
    lower: estimate - z * se,
    upper: estimate + z * se,
    standardError: se,
    n: parts.n,
    scale,
    confidence,
    method: 'delta',
  };
}

/** @internal Pieces of the delta method shared with ratioDifferenceCI. */
export interface RatioParts {
  n: number;
  /** Σy / Σx (unscaled). */
  ratio: number;
  /** Delta-method standard error of the ratio (unscaled). */
  se: number;
  /** Mean denominator x̄. */
  meanDenominator: number;
  /** Residuals yᵢ − R xᵢ: R̂ − R ≈ mean(residuals) / x̄. */
  residuals: Float64Array;
}

/** @internal Validates one arm's data and computes the ratio, residuals and standard error. */
export function ratioParts(fn: string, data: unknown, name = ''): RatioParts {
  const prefix = name === '' ? '' : `${name}.`;
  if (data === null || typeof data !== 'object') {
    throw new TypeError(
      `${fn}: ${name || 'data'} must be an object { numerators, denominators }, got ${describe(data)}`,
    );
  }
  const d = data as Partial<RatioData>;
  const y = checkSample(fn, `${prefix}numerators`, d.numerators, 2);
  const x = checkSample(fn, `${prefix}denominators`, d.denominators, 2);
  if (y.length !== x.length) {
    throw new RangeError(
      `${fn}: ${prefix}numerators and ${prefix}denominators must have equal lengths, got ${y.length} and ${x.length}`,
    );
  }
  const n = x.length;
  let sy = 0;
  let sx = 0;
  for (let i = 0; i < n; i++) {
    sy += y[i];
    sx += x[i];
  }
  if (!(sx > 0))
    throw new RangeError(`${fn}: ${prefix}denominators must sum to a positive number, got ${sx}`);
  const ratio = sy / sx;
  const meanDenominator = sx / n;
  const residuals = new Float64Array(n);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const r = y[i] - ratio * x[i];
    residuals[i] = r;
    ss += r * r;
  }
  const se = Math.sqrt(ss / (n - 1) / n) / meanDenominator;
  return { n, ratio, se, meanDenominator, residuals };
}

/** @internal Reads { confidence, scale } with defaults 0.95 and 1. */
export function readRatioOptions(fn: string, opts: unknown): { confidence: number; scale: number } {
  if (opts === null || typeof opts !== 'object') {
    throw new TypeError(`${fn}: opts must be an object, got ${describe(opts)}`);
  }
  const o = opts as RatioMetricCIOptions;
  const confidence = checkOpenUnit(fn, 'confidence', o.confidence ?? 0.95);
  const scale = o.scale ?? 1;
  checkNumber(fn, 'scale', scale);
  if (!(scale > 0 && Number.isFinite(scale))) {
    throw new RangeError(`${fn}: scale must be positive and finite, got ${scale}`);
  }
  return { confidence, scale };
}
