import { betaQuantile } from './distributions';
import type { Interval } from './types';
import { checkCount, checkOpenUnit } from './validate';

/**
 * Clopper–Pearson "exact" interval for a binomial proportion, from beta quantiles:
 * lower = B⁻¹(α/2; x, n − x + 1), upper = B⁻¹(1 − α/2; x + 1, n − x), with 0 and 1 at the edges.
 * Conservative (coverage ≥ nominal). Matches statsmodels `proportion_confint(x, n, method='beta')`.
 *
 * @see Clopper, C. J. & Pearson, E. S. (1934). Biometrika 26(4). https://doi.org/10.1093/biomet/26.4.404
 * @throws {RangeError} when n < 1, successes is not an integer in [0, n], or confidence is outside (0, 1)
 * @example
 * clopperPearsonInterval(10, 10); // => { estimate: 1, lower: 0.6915028921812392, upper: 1 } (lower = 0.025^(1/10))
 */
export function clopperPearsonInterval(
  successes: number,
  n: number,
  opts: { confidence?: number } = {},
): Interval {
  checkCount('clopperPearsonInterval', 'n', n, 1);
  checkCount('clopperPearsonInterval', 'successes', successes, 0);
  if (successes > n) {
    throw new RangeError(`clopperPearsonInterval: successes must be <= n (${n}), got ${successes}`);
  }
  const confidence = checkOpenUnit('clopperPearsonInterval', 'confidence', opts.confidence ?? 0.95);
  const alpha = 1 - confidence;
  return {
    estimate: successes / n,
    lower: successes === 0 ? 0 : betaQuantile(alpha / 2, successes, n - successes + 1),
    upper: successes === n ? 1 : betaQuantile(1 - alpha / 2, successes + 1, n - successes),
  };
}
