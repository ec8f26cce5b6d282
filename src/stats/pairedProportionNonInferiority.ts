import {
  type NonInferiorityOptions,
  type NonInferiorityResult,
  readNonInferiorityOptions,
} from './pairedNonInferiority';
import { scoreNonInferiority, scoreZ } from './scoreTest';
import { checkCount } from './validate';

/**
 * Paired pass/fail counts of a non-inferiority comparison (the same n items graded for both models).
 * - b: items the primary passed and the canary failed;
 * - c: items the canary passed and the primary failed;
 * - n: all paired items (b + c + the items both passed + the items both failed).
 * The difference tested is (c − b)/n = p_canary − p_primary.
 */
export interface PairedProportionCounts {
  b: number;
  c: number;
  n: number;
}

/**
 * Tango's score statistic Z(δ) = (c − b − nδ)/√(n(2q̃ + δ(1 − δ))) for H0: p_canary − p_primary = δ, where
 * q̃ is the maximum likelihood estimate of P(primary passes, canary fails) restricted to the null, the root
 * of 2n·q² + (−b − c + (2n − c + b)δ)·q − b·δ(1 − δ) = 0 that Tango gives (the larger one).
 */
export function tangoStatistic(b: number, c: number, n: number, delta: number): number {
  const A = 2 * n;
  const B = -b - c + (2 * n - c + b) * delta;
  const C = -b * delta * (1 - delta);
  const root = Math.sqrt(Math.max(0, B * B - 4 * A * C));
  // Larger root of A·q² + B·q + C, written without cancellation when B > 0.
  const q = B > 0 ? (-2 * C) / (B + root) : (-B + root) / (2 * A);
  const variance = n * (2 * q + delta * (1 - delta));
  const numerator = c - b - n * delta;
  return scoreZ(numerator, variance);
}

/**
 * Non-inferiority test for paired pass/fail outcomes (the same items graded for primary and canary) with
 * Tango's score test and score interval. Tests H0: p_canary − p_primary ≤ −δ against H1: > −δ, with
 * z = Z(−δ) from `tangoStatistic` and one-sided p = 1 − Φ(z). `lowerBound` is the one-sided
 * (1 − α) Tango score bound: the δ₀ < (c − b)/n with Z(δ₀) = z₁₋α (found by bisection); `nonInferior` is
 * `lowerBound > −margin` (equivalently p < α). Tango's interval keeps close to nominal coverage with few
 * discordant pairs and never leaves [−1, 1], where the Wald interval does both badly.
 * When b = n (the canary failed every item the primary passed, and nothing else happened) the bound is −1.
 *
 * @see Tango, T. (1998). Equivalence test and confidence interval for the difference in proportions for the
 *   paired-sample design. Statistics in Medicine 17(8), 891–908 (and the 1999 correction, 18, 3511).
 *   https://doi.org/10.1002/(SICI)1097-0258(19980430)17:8%3C891::AID-SIM780%3E3.0.CO;2-B
 * @throws {RangeError} when b, c or n is not a non-negative integer, n < 1, b + c > n, margin is not in
 *   (0, 1), or alpha is outside (0, 1)
 * @example
 * pairedProportionNonInferiority({ b: 1, c: 2, n: 10 }, { margin: 0.2 });
 * // restricted MLE q̃ = 0.3, variance 10·(0.6 − 0.24) = 3.6, z = 3/√3.6 = √2.5 = 1.5811
 * // => { nonInferior: false, pValue: 0.05692…, lowerBound: −0.2135…, margin: 0.2, … }
 */
export function pairedProportionNonInferiority(
  counts: PairedProportionCounts,
  opts: NonInferiorityOptions,
): NonInferiorityResult {
  const fn = 'pairedProportionNonInferiority';
  const n = checkCount(fn, 'n', counts?.n, 1);
  const b = checkCount(fn, 'b', counts?.b, 0);
  const c = checkCount(fn, 'c', counts?.c, 0);
  if (b + c > n) throw new RangeError(`${fn}: b + c must be <= n (${n}), got ${b + c}`);
  const { margin, alpha } = readNonInferiorityOptions(fn, opts, 1);
  return scoreNonInferiority({
    method: "Tango's score test for paired proportions (non-inferiority)",
    z: (d: number) => tangoStatistic(b, c, n, d),
    estimate: (c - b) / n,
    margin,
    alpha,
  });
}
