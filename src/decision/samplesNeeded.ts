/** How many more samples per arm (or windows, for error-rate consistency) would decide an inconclusive gate. */
import { samplesForProportionInterval } from '../stats/samplesForProportionInterval';

/** For a proportion judged on its Wilson interval: the exact n at which the observed rate would clear it. */
export function wilsonAdditionalSamples(a: {
  rate: number;
  threshold: number;
  direction: 'above' | 'below';
  confidence: number;
  n: number;
}): number | undefined {
  const total = samplesForProportionInterval({
    rate: a.rate,
    threshold: a.threshold,
    direction: a.direction,
    confidence: a.confidence,
  });
  return Number.isFinite(total) ? Math.max(1, total - a.n) : undefined;
}

/**
 * Samples per arm still needed before the interval clears the threshold, assuming the estimate stays put
 * and the half-width on the threshold's side shrinks as 1/√n: n_total = n·(halfWidth/distance)².
 */
export function additionalSamples(a: {
  observed: number;
  lo: number;
  hi: number;
  threshold: number;
  n: number;
}): number | undefined {
  const distance = Math.abs(a.observed - a.threshold);
  if (!(distance > 0) || !(a.n > 0)) return undefined;
  const halfWidth = a.threshold < a.observed ? a.observed - a.lo : a.hi - a.observed;
  if (!Number.isFinite(halfWidth)) return undefined;
  const total = Math.ceil(a.n * (halfWidth / distance) ** 2);
  return Math.max(1, total - a.n);
}

/**
 * Windows still needed before the consistency interval (τ, Q-profile) clears the threshold, assuming τ̂ and
 * the window size stay put: on the τ² scale the distance from τ̂² to the interval's end on the threshold's
 * side shrinks as 1/√k (the χ² quantiles of k − 1 df spread as √(2(k − 1))), so
 * k_total = k·((end² − τ̂²)/(threshold² − τ̂²))².
 */
export function consistencyAdditionalWindows(a: {
  observed: number;
  lo: number;
  hi: number;
  threshold: number;
  k: number;
}): number | undefined {
  const t2 = a.observed * a.observed;
  const distance = Math.abs(a.threshold * a.threshold - t2);
  if (!(distance > 0) || !(a.k > 0)) return undefined;
  const end = a.threshold < a.observed ? a.lo : a.hi;
  const spread = Math.abs(end * end - t2);
  if (!Number.isFinite(spread)) return undefined;
  const total = Math.ceil(a.k * (spread / distance) ** 2);
  return Math.max(1, total - a.k);
}

/**
 * A rate in [0, 1] whose absolute gate reads the exact Wilson sample size: 'proportion', or 'ratio' as the
 * analysis names success_rate's unit (narrower than format's isProportionUnit, on purpose).
 */
export function isWilsonRateUnit(unit: string): boolean {
  return unit === 'proportion' || unit === 'ratio';
}
