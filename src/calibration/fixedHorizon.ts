import { normalCdf, normalQuantile } from '../stats/distributions';
import type { GeneratorTruth } from './generate';

/**
 * Power of the default policy's two binding gates at a fixed number of items per arm, by the normal
 * approximation, for a canary whose truth is on the good side of both:
 * - success rate s against t = 99.5% on its Wilson interval: the lower bound clears t with probability
 *   Φ((√n·(s − t) − z·√(t(1 − t)))/√(s(1 − s))) (the Wilson bound exceeds t exactly when
 *   √n·(p̂ − t) > z·√(t(1 − t)); p̂ ≈ N(s, s(1 − s)/n));
 * - quality non-inferiority at margin m on n·s_p·s_c paired items with discordance d and true difference Δ:
 *   Φ((Δ + m)/√((d − Δ²)/n') − z) (the variance of a paired difference in {−1, 0, 1} is d − Δ²).
 * P95 latency and cost are far from their thresholds in the generator's good scenarios (power > 0.999 at
 * the sizes involved), so the product of these two is the power to promote. z = Φ⁻¹(1 − α/2), the gates'
 * two-sided 95% intervals.
 *
 * @example
 * promotePower({ truth, n: 1319 }); // ≈ measured promote rate of the fixed n = 1,319 cell
 */
export function promotePower(a: {
  truth: GeneratorTruth;
  n: number;
  confidence?: number;
  successThreshold?: number;
  margin?: number;
}): number {
  const z = normalQuantile(1 - (1 - (a.confidence ?? 0.95)) / 2);
  const t = a.successThreshold ?? 0.995;
  const m = a.margin ?? 0.02;
  const s = a.truth.canary.successRate;
  const pSuccess = normalCdf(
    (Math.sqrt(a.n) * (s - t) - z * Math.sqrt(t * (1 - t))) / Math.sqrt(s * (1 - s)),
  );
  const delta = a.truth.canary.qualityPass - a.truth.primary.qualityPass;
  const nPairs = a.n * a.truth.canary.successRate * a.truth.primary.successRate;
  const sd = Math.sqrt(Math.max(a.truth.discordance - delta * delta, 1e-12) / nPairs);
  const pQuality = normalCdf((delta + m) / sd - z);
  return pSuccess * pQuality;
}

/**
 * The smallest fixed number of items per arm at which {@link promotePower} reaches `power` (bisection on
 * integers); Infinity when it never does below 10⁷.
 *
 * @example
 * fixedHorizonN({ truth, power: 0.9 });
 */
export function fixedHorizonN(a: { truth: GeneratorTruth; power: number; confidence?: number }): number {
  const f = (n: number) => promotePower({ truth: a.truth, n, confidence: a.confidence });
  let hi = 1;
  while (f(hi) < a.power) {
    hi *= 2;
    if (hi > 1e7) return Number.POSITIVE_INFINITY;
  }
  let lo = Math.max(1, Math.floor(hi / 2));
  if (f(lo) >= a.power) return lo;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (f(mid) >= a.power) hi = mid;
    else lo = mid;
  }
  return hi;
}
