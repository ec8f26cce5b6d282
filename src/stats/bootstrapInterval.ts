// From a bootstrap distribution to an interval: the standard error, percentile end points, or BCa's.
import { bcaBiasCorrection, bcaLevels, jackknifeAcceleration } from './bcaAdjustment';
import type { BootstrapCIResult, BootstrapSettings } from './bootstrapTypes';
import { quantileOfSorted } from './select';

/**
 * @internal End points from the bootstrap distribution: type-7 percentiles at α/2 and 1 − α/2, or at BCa's
 * adjusted levels α₁ = Φ(ẑ₀ + (ẑ₀ + z_α)/(1 − â(ẑ₀ + z_α))), α₂ likewise with z₁₋α, exactly as scipy's
 * `_bca_interval`: â = Σ_g Σ_i U³/n_g³ / (6 (Σ_g Σ_i U²/n_g²)^{3/2}), U = (n_g − 1)(θ̄_g − θ_(i)).
 */
export function intervalFromReplicates(
  fn: string,
  estimate: number,
  replicates: Float64Array,
  jackknife: Float64Array[] | null,
  s: BootstrapSettings,
): Omit<BootstrapCIResult, 'estimate'> {
  const B = replicates.length;
  const standardError = replicateStandardError(fn, replicates);
  const sorted = replicates.slice().sort();
  const alpha = (1 - s.confidence) / 2;
  const base = { method: s.method, resamples: B, confidence: s.confidence, standardError };
  if (s.method === 'percentile' || jackknife === null) {
    return { ...base, lower: quantileOfSorted(sorted, alpha), upper: quantileOfSorted(sorted, 1 - alpha) };
  }
  const z0 = bcaBiasCorrection(sorted, estimate);
  const a = jackknifeAcceleration(fn, jackknife);
  const [alpha1, alpha2] = bcaLevels(fn, z0, a, alpha);
  return {
    ...base,
    lower: quantileOfSorted(sorted, alpha1),
    upper: quantileOfSorted(sorted, alpha2),
    biasCorrection: z0,
    acceleration: a,
  };
}

/**
 * Standard deviation (ddof 1) of the replicates, as scipy's `standard_error`.
 * @throws {RangeError} when a replicate is not finite (naming the resample)
 */
function replicateStandardError(fn: string, replicates: Float64Array): number {
  const B = replicates.length;
  let mean = 0;
  for (let b = 0; b < B; b++) {
    const v = replicates[b];
    if (!Number.isFinite(v)) {
      throw new RangeError(`${fn}: statistic must be finite on every resample, got ${v} on resample ${b}`);
    }
    mean += v;
  }
  mean /= B;
  let ss = 0;
  for (let b = 0; b < B; b++) ss += (replicates[b] - mean) ** 2;
  return Math.sqrt(ss / (B - 1));
}
