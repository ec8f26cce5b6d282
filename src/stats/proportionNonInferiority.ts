import { bisectDecreasing } from './bisect';
import {
  type NonInferiorityOptions,
  type NonInferiorityResult,
  readNonInferiorityOptions,
} from './pairedNonInferiority';
import { scoreNonInferiority, scoreZ } from './scoreTest';
import { checkCount } from './validate';

/** Success counts of two independent arms (for example success rates on separate traffic). */
export interface TwoArmCounts {
  successesPrimary: number;
  nPrimary: number;
  successesCanary: number;
  nCanary: number;
}

/** Options of {@link proportionNonInferiority}: the margin, alpha, and which score variance to use. */
export interface ProportionNonInferiorityOptions extends NonInferiorityOptions {
  /**
   * 'farrington-manning' (default): the restricted-MLE variance as it is; 'miettinen-nurminen': the same
   * multiplied by N/(N − 1), N = nPrimary + nCanary (statsmodels' `correction=True`).
   */
  method?: 'farrington-manning' | 'miettinen-nurminen';
}

/**
 * Maximum likelihood estimate of the primary's rate p₂ under H0: p₁ − p₂ = δ (p₁ the canary's), maximizing
 * the two binomial log-likelihoods over p₂ ∈ [max(0, −δ), min(1, 1 − δ)]. The profile log-likelihood is
 * concave, so bisection on its derivative finds the maximum (interior root or boundary) to full precision;
 * it equals Farrington & Manning's closed-form cubic root.
 */
function restrictedPrimaryRate(s1: number, n1: number, s2: number, n2: number, delta: number): number {
  const f1 = n1 - s1;
  const f2 = n2 - s2;
  const slope = (p2: number): number => {
    const p1 = p2 + delta;
    let g = 0;
    if (s1 > 0) g += s1 / p1;
    if (f1 > 0) g -= f1 / (1 - p1);
    if (s2 > 0) g += s2 / p2;
    if (f2 > 0) g -= f2 / (1 - p2);
    return g;
  };
  const lo = Math.max(0, -delta);
  const hi = Math.min(1, 1 - delta);
  return bisectDecreasing(slope, 0, lo, hi);
}

function scoreStatistic(
  s1: number,
  n1: number,
  s2: number,
  n2: number,
  delta: number,
  correction: number,
): number {
  const p2 = restrictedPrimaryRate(s1, n1, s2, n2, delta);
  const p1 = p2 + delta;
  const variance = ((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2) * correction;
  const numerator = s1 / n1 - s2 / n2 - delta;
  return scoreZ(numerator, variance);
}

/**
 * Non-inferiority test for two independent proportions (canary vs primary on separate traffic), with the
 * Farrington–Manning score test: H0: p_canary − p_primary ≤ −δ against H1: > −δ,
 * z = (p̂_c − p̂_p + δ)/√(p̃_c(1 − p̃_c)/n_c + p̃_p(1 − p̃_p)/n_p), where p̃ are the maximum likelihood
 * rates restricted to p_c − p_p = −δ; one-sided p = 1 − Φ(z). `lowerBound` inverts the same score
 * statistic: the one-sided (1 − α) lower bound of p_c − p_p (the lower end of the two-sided 1 − 2α score
 * interval), and `nonInferior` is `lowerBound > −margin` (equivalently p < α).
 * `method: 'miettinen-nurminen'` multiplies the variance by N/(N − 1), N = n_c + n_p.
 * The two-sided 1 − 2α Miettinen–Nurminen interval is R's `PropCIs::diffscoreci` (checked: 7/34 vs 1/34
 * gives 0.0270416 at 95%). statsmodels `test_proportions_2indep(..., compare='diff', method='score')` is
 * not a reference for margins ≠ 0: its restricted-MLE cubic has a wrong coefficient (statsmodels issue
 * #10269, up to at least 0.14.6) and it always applies the N/(N − 1) factor (issue #8704); the restricted
 * estimate here maximizes the restricted likelihood directly.
 *
 * @see Farrington, C. P. & Manning, G. (1990). Test statistics and sample size formulae for comparative
 *   binomial trials with null hypothesis of non-zero risk difference or non-unity relative risk.
 *   Statistics in Medicine 9(12), 1447–1454. https://doi.org/10.1002/sim.4780091208
 * @see Miettinen, O. & Nurminen, M. (1985). Comparative analysis of two rates. Statistics in Medicine 4(2).
 * @throws {RangeError} when a count is not an integer, an arm has n < 1 or more successes than n, margin is
 *   not in (0, 1), alpha is outside (0, 1), or method is unknown
 * @example
 * proportionNonInferiority(
 *   { successesPrimary: 950, nPrimary: 1000, successesCanary: 940, nCanary: 1000 },
 *   { margin: 0.03, alpha: 0.05 },
 * ); // => { nonInferior: true, estimate: −0.01, statistic: 1.92567…, pValue: 0.02707…, lowerBound: −0.02701…, margin: 0.03, … }
 */
export function proportionNonInferiority(
  counts: TwoArmCounts,
  opts: ProportionNonInferiorityOptions,
): NonInferiorityResult {
  const fn = 'proportionNonInferiority';
  const nPrimary = checkCount(fn, 'nPrimary', counts?.nPrimary, 1);
  const nCanary = checkCount(fn, 'nCanary', counts?.nCanary, 1);
  const sPrimary = checkCount(fn, 'successesPrimary', counts?.successesPrimary, 0);
  const sCanary = checkCount(fn, 'successesCanary', counts?.successesCanary, 0);
  if (sPrimary > nPrimary) {
    throw new RangeError(`${fn}: successesPrimary must be <= nPrimary (${nPrimary}), got ${sPrimary}`);
  }
  if (sCanary > nCanary) {
    throw new RangeError(`${fn}: successesCanary must be <= nCanary (${nCanary}), got ${sCanary}`);
  }
  const { margin, alpha } = readNonInferiorityOptions(fn, opts, 1);
  const variant = opts.method ?? 'farrington-manning';
  if (variant !== 'farrington-manning' && variant !== 'miettinen-nurminen') {
    throw new RangeError(
      `${fn}: method must be 'farrington-manning' or 'miettinen-nurminen', got ${String(variant)}`,
    );
  }
  const total = nPrimary + nCanary;
  const correction = variant === 'miettinen-nurminen' ? total / (total - 1) : 1;
  const z = (delta: number) => scoreStatistic(sCanary, nCanary, sPrimary, nPrimary, delta, correction);
  return scoreNonInferiority({
    method:
      variant === 'farrington-manning'
        ? 'Farrington-Manning score test for two proportions (non-inferiority)'
        : 'Miettinen-Nurminen score test for two proportions (non-inferiority)',
    z,
    estimate: sCanary / nCanary - sPrimary / nPrimary,
    margin,
    alpha,
  });
}
