import { normalQuantile } from './distributions';
import type { Interval } from './types';
import { checkCount, checkOpenUnit } from './validate';

/**
 * Wilson score interval for a binomial proportion: the interval the success-rate gates use, well behaved
 * at 0 and 100% where the Wald interval collapses. With z = Φ⁻¹(1 − α/2):
 * centre = (x + z²/2)/(n + z²), half-width = z/(n + z²)·√(x(n − x)/n + z²/4).
 * Matches statsmodels `proportion_confint(x, n, method='wilson')`.
 *
 * @see Wilson, E. B. (1927). JASA 22(158). https://doi.org/10.1080/01621459.1927.10502953
 * @throws {RangeError} when n < 1, successes is not an integer in [0, n], or confidence is outside (0, 1)
 * @example
 * wilsonInterval(0, 10); // => { estimate: 0, lower: 0, upper: 0.2775327998628899 }
 */
export function wilsonInterval(successes: number, n: number, opts: { confidence?: number } = {}): Interval {
  checkCount('wilsonInterval', 'n', n, 1);
  checkCount('wilsonInterval', 'successes', successes, 0);
  if (successes > n) throw new RangeError(`wilsonInterval: successes must be <= n (${n}), got ${successes}`);
  const confidence = checkOpenUnit('wilsonInterval', 'confidence', opts.confidence ?? 0.95);
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const z2 = z * z;
  const denom = n + z2;
  const centre = (successes + z2 / 2) / denom;
  const half = (z / denom) * Math.sqrt((successes * (n - successes)) / n + z2 / 4);
  return {
    estimate: successes / n,
    lower: successes === 0 ? 0 : Math.max(0, centre - half),
    upper: successes === n ? 1 : Math.min(1, centre + half),
  };
}
