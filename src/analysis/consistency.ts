/**
 * The error-rate consistency comparison (metric `error_rate_consistency`): each arm's between-window
 * standard deviation of the error rate beyond binomial noise, in percentage points, from per-window counts.
 * Owned by the decision's consistency gate (issue 17); analyzeRun pushes it into the comparisons.
 */
import { errorRateConsistency, type WindowCounts } from '../stats/errorRateConsistency';
import type { MetricComparison } from '../types';

export type { WindowCounts };

/** The metric name and unit of the consistency comparison (τ in percentage points). */
export const CONSISTENCY_METRIC = 'error_rate_consistency';
export const CONSISTENCY_UNIT = 'points';

/**
 * Both arms' {@link errorRateConsistency} as a MetricComparison: `canary`/`primary` hold τ (percentage points)
 * with its Q-profile interval and `n` = the number of windows; `delta` is canary − primary τ with the
 * conservative interval [lo_c − hi_p, hi_c − lo_p]; the test is the canary's Cochran Q homogeneity test.
 * Returns null when an arm has fewer than 2 windows.
 *
 * @example
 * errorRateConsistencyComparison({ primary: hourlyP, canary: hourlyC, confidence: 0.95 })?.canary.ci;
 */
export function errorRateConsistencyComparison(a: {
  primary: readonly WindowCounts[];
  canary: readonly WindowCounts[];
  confidence: number;
}): MetricComparison | null {
  if (a.primary.length < 2 || a.canary.length < 2) return null;
  const p = errorRateConsistency(a.primary, { confidence: a.confidence });
  const c = errorRateConsistency(a.canary, { confidence: a.confidence });
  return {
    metric: CONSISTENCY_METRIC,
    unit: CONSISTENCY_UNIT,
    better: 'lower',
    primary: { n: p.windows, estimate: p.estimate, ci: [p.ci[0], p.ci[1]] },
    canary: { n: c.windows, estimate: c.estimate, ci: [c.ci[0], c.ci[1]] },
    delta: { estimate: c.estimate - p.estimate, ci: [c.ci[0] - p.ci[1], c.ci[1] - p.ci[0]] },
    test: {
      method: `Canary: ${c.method}; ${c.failures} failures in ${c.calls} calls`,
      statistic: c.statistic,
      pValue: c.pValue,
    },
  };
}
