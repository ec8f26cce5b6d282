import { checkOpenUnit, checkPositive, describe } from './validate';

/** Options of {@link normalMixtureBoundary}. */
export interface NormalMixtureBoundaryOptions {
  /** Mixture precision ρ > 0 (the mixing distribution over λ is N(0, 1/ρ)), in intrinsic-time units. */
  rho: number;
  /** Two-sided crossing probability, valid over all times at once (default 0.05). */
  alpha?: number;
}

/**
 * Two-sided normal-mixture uniform boundary (Robbins' mixture): for a process S_t with
 * exp(λS_t − λ²V_t/2) a supermartingale for every λ (sub-Gaussian increments, intrinsic time V_t), mixing
 * λ ~ N(0, 1/ρ) gives the supermartingale √(ρ/(V + ρ))·exp(S²/(2(V + ρ))), and Ville's inequality gives
 * P(∃t: |S_t| ≥ u(V_t)) ≤ α with
 *
 *   u(v) = √((v + ρ)·ln((v + ρ)/(ρ·α²))).
 *
 * This is the boundary behind every asymptotic confidence sequence of canarylab (Howard et al. 2021, eq. (14)
 * and Proposition 6; Waudby-Smith et al. 2023 for its use with plug-in variances).
 *
 * @see Howard, S. R., Ramdas, A., McAuliffe, J. & Sekhon, J. (2021). Time-uniform, nonparametric,
 *   nonasymptotic confidence sequences. Annals of Statistics 49(2). https://arxiv.org/abs/1810.08240
 * @throws {RangeError} when v < 0 or is not finite, rho is not a finite number > 0, or alpha ∉ (0, 1)
 * @example
 * normalMixtureBoundary(100, { rho: 10, alpha: 0.05 }); // => √(110·ln(110/(10·0.0025))) = 30.3781…
 */
export function normalMixtureBoundary(v: number, opts: NormalMixtureBoundaryOptions): number {
  const fn = 'normalMixtureBoundary';
  if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v))
    throw new RangeError(`${fn}: v (intrinsic time) must be a finite number >= 0, got ${describe(v)}`);
  const rho = checkPositive(fn, 'rho', opts?.rho);
  const alpha = checkOpenUnit(fn, 'alpha', opts?.alpha ?? 0.05);
  return Math.sqrt((v + rho) * (Math.log1p(v / rho) - 2 * Math.log(alpha)));
}

/**
 * The ratio x* = m/ρ at which the two-sided normal-mixture boundary u(m) of {@link normalMixtureBoundary}
 * is smallest at a chosen intrinsic time m. Writing ρ = m/x, u(m)² = m·(1 + 1/x)·(ln(1 + x) + 2·ln(1/α));
 * its derivative in x vanishes where x = 2·ln(1/α) + ln(1 + x), solved here by fixed-point iteration (a
 * contraction: the right side has slope 1/(1 + x) < 1). Howard et al. (2021, §3.5) give the first step of
 * this iteration, x ≈ 2·ln(1/α) + ln(1 + 2·ln(1/α)), which is also GrowthBook's tuning formula.
 * x* = 8.2120 at α = 0.05 (first step 7.9362).
 *
 * @see Howard et al. (2021), https://arxiv.org/abs/1810.08240
 * @throws {RangeError} when alpha ∉ (0, 1)
 * @example
 * normalMixtureOptimalRatio(0.05); // => 8.21197… (ρ = m / 8.3335 is tightest at intrinsic time m)
 */
export function normalMixtureOptimalRatio(alpha = 0.05): number {
  checkOpenUnit('normalMixtureOptimalRatio', 'alpha', alpha);
  const c = -2 * Math.log(alpha);
  let x = c + Math.log1p(c);
  for (let i = 0; i < 200; i++) {
    const next = c + Math.log1p(x);
    if (Math.abs(next - x) <= 1e-15 * x) return next;
    x = next;
  }
  return x;
}

/**
 * Half-width of the asymptotic (1 − α) confidence sequence of a mean-like estimate θ̂ with estimated
 * variance `variance` after `n` observations, tuned to be tightest at `nExpected` observations: with
 * r = x*·n/nExpected (x* from {@link normalMixtureOptimalRatio}), half = √(variance·(1 + r)/r·ln((1 + r)/α²)).
 * It is the normal-mixture boundary with intrinsic time 1/variance and ρ = (nExpected/n)/(variance·x*),
 * so the sequence is narrowest when n = nExpected, whatever the variance (Waudby-Smith et al. 2023, eq. (9)
 * with their ρ² = x* / nExpected).
 *
 * @see Waudby-Smith, I., Arbour, D., Sinha, R., Kennedy, E. H. & Ramdas, A. (2023). Time-uniform central
 *   limit theory and asymptotic confidence sequences. https://arxiv.org/abs/2103.06476
 * @throws {RangeError} when variance < 0, n or nExpected is not > 0, or alpha ∉ (0, 1)
 * @example
 * asymptoticCsHalfWidth({ variance: 1e-4, n: 1000, nExpected: 1000, alpha: 0.05 }); // => 0.030351…
 */
export function asymptoticCsHalfWidth(a: {
  variance: number;
  n: number;
  nExpected: number;
  alpha?: number;
}): number {
  const fn = 'asymptoticCsHalfWidth';
  if (typeof a?.variance !== 'number' || !(a.variance >= 0) || !Number.isFinite(a.variance))
    throw new RangeError(`${fn}: variance must be a finite number >= 0, got ${describe(a?.variance)}`);
  const n = checkPositive(fn, 'n', a.n);
  const nExpected = checkPositive(fn, 'nExpected', a.nExpected);
  const alpha = checkOpenUnit(fn, 'alpha', a.alpha ?? 0.05);
  const r = (normalMixtureOptimalRatio(alpha) * n) / nExpected;
  return Math.sqrt(((a.variance * (1 + r)) / r) * (Math.log1p(r) - 2 * Math.log(alpha)));
}
