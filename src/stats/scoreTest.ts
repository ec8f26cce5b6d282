/**
 * Shared pieces of the score-test non-inferiority functions (Tango for paired proportions,
 * Farrington–Manning / Miettinen–Nurminen for independent ones): the z value of a score statistic and the
 * inversion of a decreasing score statistic into a one-sided lower confidence bound, and the result both
 * build from them.
 */
import { bisectDecreasing } from './bisect';
import { normalQuantile, normalSf } from './distributions';
import { type NonInferiorityResult, nonInferiorityResult } from './pairedNonInferiority';

/** numerator/√variance, or ±∞ / 0 by the numerator's sign when the restricted variance is 0. */
export function scoreZ(numerator: number, variance: number): number {
  if (!(variance > 0)) {
    return numerator > 0 ? Number.POSITIVE_INFINITY : numerator < 0 ? Number.NEGATIVE_INFINITY : 0;
  }
  return numerator / Math.sqrt(variance);
}

/**
 * Lower bound δ₀ in (−1, estimate) with z(δ₀) = zc, for a score statistic z(δ) that falls from +∞ near
 * δ = −1 to 0 at δ = estimate (bisection to floating-point resolution); −1 when estimate is −1.
 */
export function scoreLowerBound(z: (delta: number) => number, estimate: number, zc: number): number {
  if (!(estimate > -1)) return -1;
  const lo = -1;
  const hi = estimate;
  return bisectDecreasing(z, zc, lo, hi);
}

/**
 * The non-inferiority result of a score statistic z(δ) of the difference canary − primary: statistic
 * z(−margin), one-sided p = 1 − Φ(statistic), `lowerBound` = {@link scoreLowerBound} at z₁₋α, and
 * `nonInferior` = lowerBound > −margin.
 */
export function scoreNonInferiority(o: {
  method: string;
  z: (delta: number) => number;
  estimate: number;
  margin: number;
  alpha: number;
}): NonInferiorityResult {
  const { method, z, estimate, margin, alpha } = o;
  const statistic = z(-margin);
  const pValue = normalSf(statistic);
  const zc = normalQuantile(1 - alpha);
  const lowerBound = scoreLowerBound(z, estimate, zc);
  return nonInferiorityResult({ method, estimate, lowerBound, statistic, pValue, margin, alpha });
}
