/**
 * Shared pieces of the score-test non-inferiority functions (Tango for paired proportions,
 * Farrington–Manning / Miettinen–Nurminen for independent ones): the z value of a score statistic and the
 * inversion of a decreasing score statistic into a one-sided lower confidence bound.
 */

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
  let lo = -1;
  let hi = estimate;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (mid <= lo || mid >= hi) break;
    if (z(mid) > zc) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
