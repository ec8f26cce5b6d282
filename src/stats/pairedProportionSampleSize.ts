import { normalQuantile } from './distributions';
import { checkNumber, checkOpenUnit, checkOptions } from './validate';

export interface PairedProportionSampleSizeOptions {
  /** P(primary passes, canary fails) per item: the rate of the b cell. */
  p10: number;
  /** P(primary fails, canary passes) per item: the rate of the c cell. */
  p01: number;
  /** Significance level: two-sided for the McNemar test, one-sided for non-inferiority (default 0.05). */
  alpha?: number;
  /** Power wanted (default 0.8). */
  power?: number;
  /**
   * Non-inferiority margin δ > 0. Without it the size is for McNemar's two-sided test of no difference;
   * with it, for Tango's one-sided non-inferiority test of p_canary − p_primary ≤ −δ.
   */
  margin?: number;
}

/**
 * Number of paired items (each graded for primary and canary) needed to detect a difference in pass rates,
 * given the discordance rates p10 (primary passes, canary fails) and p01 (canary passes, primary fails):
 * the true difference is Δ = p01 − p10 = p_canary − p_primary and ψ = p10 + p01.
 * - Without `margin`: Connor's formula for McNemar's two-sided test of Δ = 0,
 *   n = [z₁₋α/₂·√ψ + z_power·√(ψ − Δ²)]²/Δ².
 * - With `margin` δ: the size for Tango's score test of H0: Δ ≤ −δ (the test of
 *   {@link pairedProportionNonInferiority}), n = [z₁₋α·σ̃ + z_power·σ]²/(Δ + δ)², where σ² = ψ − Δ² and
 *   σ̃² = 2q̃ + δ₀(1 − δ₀), δ₀ = −δ, with q̃ Tango's restricted estimate of p10 computed from the expected
 *   cell rates (Nam 1997; Liu et al. 2002).
 * Rounded up. Returns `Infinity` when no sample can reach the power (Δ = 0 for McNemar, Δ ≤ −δ for
 * non-inferiority).
 *
 * @see Connor, R. J. (1987). Sample size for testing differences in proportions for the paired-sample design.
 *   Biometrics 43(1), 207–211. https://doi.org/10.2307/2531961
 * @see Nam, J. (1997). Establishing equivalence of two treatments and sample size requirements in
 *   matched-pairs design. Biometrics 53(4), 1422–1430; Liu, J.-p., Hsueh, H.-m., Hsieh, E. & Chen, J. J.
 *   (2002). Tests for equivalence or non-inferiority for paired binary data. Statistics in Medicine 21(2).
 * @throws {RangeError} when p10 or p01 is outside [0, 1), p10 + p01 > 1 or = 0, alpha or power is outside
 *   (0, 1), or margin is not in (0, 1)
 * @example
 * pairedProportionSampleSize({ p10: 0.1, p01: 0.2, alpha: 0.05, power: 0.8 });
 * // => 234 (ψ = 0.3, Δ = 0.1: (1.95996·√0.3 + 0.84162·√0.29)²/0.01 = 233.09)
 */
export function pairedProportionSampleSize(opts: PairedProportionSampleSizeOptions): number {
  const fn = 'pairedProportionSampleSize';
  checkOptions(fn, opts, '{ p10, p01, … }');
  const p10 = readRate(fn, 'p10', opts.p10);
  const p01 = readRate(fn, 'p01', opts.p01);
  const psi = p10 + p01;
  if (psi > 1) throw new RangeError(`${fn}: p10 + p01 must be <= 1, got ${psi}`);
  if (!(psi > 0)) throw new RangeError(`${fn}: p10 + p01 must be > 0 (some discordant pairs), got ${psi}`);
  const alpha = checkOpenUnit(fn, 'alpha', opts.alpha ?? 0.05);
  const power = checkOpenUnit(fn, 'power', opts.power ?? 0.8);
  const delta = p01 - p10;
  const sigma = Math.sqrt(Math.max(0, psi - delta * delta));
  const zPower = normalQuantile(power);
  if (opts.margin === undefined) {
    if (Math.abs(delta) <= 1e-12) return Number.POSITIVE_INFINITY; // no difference (up to rounding of p01 − p10)
    const root = normalQuantile(1 - alpha / 2) * Math.sqrt(psi) + zPower * sigma;
    return Math.max(1, Math.ceil((root * root) / (delta * delta)));
  }
  const margin = opts.margin;
  checkNumber(fn, 'margin', margin);
  if (!(margin > 0 && margin < 1)) throw new RangeError(`${fn}: margin must be in (0, 1), got ${margin}`);
  const gap = delta + margin;
  if (!(gap > 1e-12)) return Number.POSITIVE_INFINITY; // Δ ≤ −δ (up to rounding)
  const d0 = -margin;
  // Tango's restricted estimate of p10 under Δ = d0 with the expected cell rates in place of b/n and c/n:
  // larger root of 2q² + (−p10 − p01 + (2 − p01 + p10)·d0)·q − p10·d0(1 − d0) = 0.
  const B = -psi + (2 - p01 + p10) * d0;
  const C = -p10 * d0 * (1 - d0);
  const disc = Math.sqrt(Math.max(0, B * B - 8 * C));
  const q = B > 0 ? (-2 * C) / (B + disc) : (-B + disc) / 4;
  const sigmaNull = Math.sqrt(Math.max(0, 2 * q + d0 * (1 - d0)));
  const root = normalQuantile(1 - alpha) * sigmaNull + zPower * sigma;
  return Math.max(1, Math.ceil((root * root) / (gap * gap)));
}

function readRate(fn: string, name: string, v: unknown): number {
  checkNumber(fn, name, v);
  if (!(v >= 0 && v < 1)) throw new RangeError(`${fn}: ${name} must be in [0, 1), got ${v}`);
  return v;
}
