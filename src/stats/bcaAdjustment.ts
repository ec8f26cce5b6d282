// BCa's adjustment of the percentile levels: bias correction ẑ₀, jackknife acceleration â, adjusted α₁, α₂.
import { normalCdf, normalQuantile } from './distributions';

/**
 * Bias correction ẑ₀ = Φ⁻¹((#{θ*_b < θ̂} + #{θ*_b ≤ θ̂}) / 2B): the share of replicates below the estimate,
 * ties counted half (scipy 1.10's `_bca_interval`). `sorted` is the bootstrap distribution in ascending order.
 * @see Efron, B. & Tibshirani, R. (1993). An Introduction to the Bootstrap, §14.3, Eq. 14.14.
 */
export function bcaBiasCorrection(sorted: Float64Array, estimate: number): number {
  const B = sorted.length;
  let less = 0;
  let lessEq = 0;
  for (let b = 0; b < B; b++) {
    if (sorted[b] < estimate) less++;
    if (sorted[b] <= estimate) lessEq++;
    else break;
  }
  return normalQuantile((less + lessEq) / (2 * B));
}

/**
 * Acceleration â = Σ_g Σ_i U³/n_g³ / (6 (Σ_g Σ_i U²/n_g²)^{3/2}), U = (n_g − 1)(θ̄_g − θ_(i)), summed over the
 * jackknife groups as scipy's `_bca_interval`; 0 when every jackknife value is equal (scipy gives NaN).
 * @see Efron, B. & Tibshirani, R. (1993). An Introduction to the Bootstrap, §14.3, Eq. 14.15; §15.4, Eq. 15.36.
 * @throws {RangeError} when a jackknife value is not finite
 */
export function jackknifeAcceleration(fn: string, jackknife: Float64Array[]): number {
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
  return den === 0 ? 0 : num / (6 * den ** 1.5);
}

/**
 * BCa's adjusted levels α₁ = Φ(ẑ₀ + (ẑ₀ + z_α)/(1 − â(ẑ₀ + z_α))) and α₂ likewise with z₁₋α, for a two-sided
 * interval with α in each tail.
 * @throws {RangeError} when a level is undefined (the estimate lies outside the bootstrap distribution)
 */
export function bcaLevels(fn: string, z0: number, a: number, alpha: number): [number, number] {
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
  return [alpha1, alpha2];
}
