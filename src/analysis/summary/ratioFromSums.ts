/**
 * Ratio-of-sums metrics (cost per 1K tokens, cost per request) and their canary − primary difference by the
 * delta method, from the five sums of a summary instead of per-request arrays.
 */
import { type RatioDifferenceCIResult, ratioDifferenceFromArms } from '../../stats/ratioDifferenceCI';
import { SummaryError, summaryMsg } from './errors';
import type { CostSums } from './types';

/** The sums of one arm for a ratio R = Σnum / Σden: n, Σnum, Σden, Σnum², Σden², Σnum·den. */
export interface RatioSums {
  n: number;
  sumNum: number;
  sumDen: number;
  sumNum2: number;
  sumDen2: number;
  sumNumDen: number;
}

/** Cost per token: num = cost, den = tokens. */
export const costPerTokenSums = (c: CostSums): RatioSums => ({
  n: c.n,
  sumNum: c.sumCost,
  sumDen: c.sumTokens,
  sumNum2: c.sumCost2,
  sumDen2: c.sumTokens2,
  sumNumDen: c.sumCostTokens,
});

/** Cost per request: num = cost, den ≡ 1. */
export const costPerRequestSums = (c: CostSums): RatioSums => ({
  n: c.n,
  sumNum: c.sumCost,
  sumDen: c.n,
  sumNum2: c.sumCost2,
  sumDen2: c.n,
  sumNumDen: c.sumCost,
});

/**
 * R = Σnum/Σden and its delta-method standard error from sums:
 * Σ(numᵢ − R·denᵢ)² = Σnum² − 2R·Σnum·den + R²·Σden², SE = √(that / ((n − 1)·n)) / mean(den) — the same
 * estimator as ratioMetricCI (Cochran 1977 §6.3) on the raw values, up to rounding (the sum of squared
 * residuals is clamped at 0 against cancellation).
 *
 * @throws {SummaryError} SUMMARY_TOO_FEW when n < 2 or Σden ≤ 0 (`which` names the arm)
 */
export function ratioFromSums(s: RatioSums, which = ''): { n: number; ratio: number; se: number } {
  if (!(s.n >= 2)) throw new SummaryError('SUMMARY_TOO_FEW', summaryMsg.tooFewPriced(which, s.n));
  if (!(s.sumDen > 0)) throw new SummaryError('SUMMARY_TOO_FEW', summaryMsg.zeroDenominator(which, s.sumDen));
  const ratio = s.sumNum / s.sumDen;
  const ss = Math.max(0, s.sumNum2 - 2 * ratio * s.sumNumDen + ratio * ratio * s.sumDen2);
  const se = Math.sqrt(ss / (s.n - 1) / s.n) / (s.sumDen / s.n);
  return { n: s.n, ratio, se };
}

/**
 * canary − primary of a ratio metric and the relative change (log-ratio interval), independent arms, by
 * the delta method from each arm's sums: ratioDifferenceCI(…, { paired: false }) without the raw values.
 *
 * @throws {SummaryError} SUMMARY_TOO_FEW when an arm has fewer than 2 calls or a ratio that is not positive
 * @example
 * ratioDifferenceFromSums(costPerTokenSums(p.cost), costPerTokenSums(c.cost), { scale: 1000, confidence: 0.95 });
 */
export function ratioDifferenceFromSums(
  primary: RatioSums,
  canary: RatioSums,
  opts: { scale?: number; confidence?: number } = {},
): RatioDifferenceCIResult {
  const scale = opts.scale ?? 1;
  const confidence = opts.confidence ?? 0.95;
  const p = ratioFromSums(primary, 'primary');
  const c = ratioFromSums(canary, 'canary');
  if (!(p.ratio > 0))
    throw new SummaryError('SUMMARY_TOO_FEW', summaryMsg.ratioNotPositive('primary', p.ratio));
  if (!(c.ratio > 0))
    throw new SummaryError('SUMMARY_TOO_FEW', summaryMsg.ratioNotPositive('canary', c.ratio));
  return ratioDifferenceFromArms({ primary: p, canary: c, covariance: 0, scale, confidence, paired: false });
}
