import { normalQuantile } from './distributions';
import { checkOpenUnit, checkOptions, checkProbability, describe } from './validate';

export interface SamplesForProportionIntervalOptions {
  /** The rate expected (for example the success rate observed so far), in [0, 1]. */
  rate: number;
  /** The threshold the interval has to clear, in (0, 1), e.g. 0.995 for a 99.5% success-rate gate. */
  threshold: number;
  /** Confidence level of the two-sided Wilson interval the gate uses (default 0.95). */
  confidence?: number;
  /**
   * 'above' (default): the lower bound must exceed the threshold (success rates); 'below': the upper bound
   * must fall under it (error rates).
   */
  direction?: 'above' | 'below';
  /**
   * Probability that the interval clears the threshold when the true rate is `rate` (default 0.5: the n at
   * which an observed rate equal to `rate` just clears it).
   */
  power?: number;
}

/**
 * How many requests until a Wilson interval can clear a threshold, for example until the success-rate
 * gate "> 99.5%" passes, given the rate one expects to observe. The Wilson interval holds exactly the p with
 * |p̂ − p| ≤ z·√(p(1 − p)/n), so its lower bound exceeds a threshold t < p̂ exactly when
 * n > z²·t(1 − t)/(p̂ − t)², z = Φ⁻¹(1 − (1 − confidence)/2). With `power` π the answer is the smallest n
 * with √n·|r − t| > z·√(t(1 − t)) + z_π·√(r(1 − r)) (normal approximation to the distribution of p̂ when
 * the true rate is r), which is the former for π = ½. Returns `Infinity` when the rate is not on the good
 * side of the threshold (no number of requests can then clear it).
 *
 * @see Wilson, E. B. (1927). JASA 22(158). https://doi.org/10.1080/01621459.1927.10502953
 * @see Newcombe, R. G. (1998). Two-sided confidence intervals for the single proportion: comparison of seven
 *   methods. Statistics in Medicine 17(8), 857–872.
 * @throws {RangeError} when rate is outside [0, 1], threshold, confidence or power is outside (0, 1), or
 *   direction is unknown
 * @example
 * samplesForProportionInterval({ rate: 1, threshold: 0.995 }); // => 765 (n > 1.96²·0.995/0.005 = 764.45)
 */
export function samplesForProportionInterval(opts: SamplesForProportionIntervalOptions): number {
  const fn = 'samplesForProportionInterval';
  checkOptions(fn, opts, '{ rate, threshold, … }');
  let rate = checkProbability(fn, 'rate', opts.rate);
  let threshold = checkOpenUnit(fn, 'threshold', opts.threshold);
  const confidence = checkOpenUnit(fn, 'confidence', opts.confidence ?? 0.95);
  const power = checkOpenUnit(fn, 'power', opts.power ?? 0.5);
  const direction = opts.direction ?? 'above';
  if (direction !== 'above' && direction !== 'below') {
    throw new RangeError(`${fn}: direction must be 'above' or 'below', got ${describe(direction)}`);
  }
  if (direction === 'below') {
    rate = 1 - rate;
    threshold = 1 - threshold;
  }
  if (!(rate > threshold)) return Number.POSITIVE_INFINITY;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const zPower = power === 0.5 ? 0 : normalQuantile(power);
  const root =
    (z * Math.sqrt(threshold * (1 - threshold)) + zPower * Math.sqrt(rate * (1 - rate))) / (rate - threshold);
  if (!(root > 0)) return 1;
  return Math.floor(root * root) + 1;
}
