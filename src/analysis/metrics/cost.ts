/** Cost: each arm's spend (ArmCost) and the cost per 1K tokens / per request comparisons (delta method on the sums). */
import { normalSf } from '../../stats/distributions';
import type { MetricComparison } from '../../types';
import { METRIC_UNITS, type Settings } from '../options';
import { SummaryError } from '../summary/errors';
import { costPerRequestSums, costPerTokenSums, ratioDifferenceFromSums } from '../summary/ratioFromSums';
import type { CallStats } from '../summary/types';
import type { ArmCost } from '../types';

/** What one arm spent (priced calls: fresh ones, and cache hits at their answer's original cost). */
export function armCost(a: CallStats, monthlyRequests: number): ArmCost {
  const k = a.cost;
  const perRequestUsd = k.n > 0 ? k.sumCost / k.n : 0;
  return {
    totalUsd: k.sumCost,
    requests: k.n,
    tokens: k.sumTokens,
    per1kTokensUsd: k.sumTokens > 0 ? (1000 * k.sumCost) / k.sumTokens : 0,
    perRequestUsd,
    monthlyUsd: perRequestUsd * monthlyRequests,
  };
}

const COST_METRICS = [
  {
    metric: 'cost_per_1k_tokens_usd',
    unit: METRIC_UNITS.cost_per_1k_tokens_usd,
    sums: costPerTokenSums,
    scale: 1000,
    what: 'total cost / total tokens',
  },
  {
    metric: 'cost_per_request_usd',
    unit: METRIC_UNITS.cost_per_request_usd,
    sums: costPerRequestSums,
    scale: 1,
    what: 'total cost / requests',
  },
];

/**
 * cost_per_1k_tokens_usd and cost_per_request_usd, when both arms have at least 2 priced calls; `notes`
 * (overall only; undefined for a segment) says what was not compared.
 */
export function costComparisons(
  p: CallStats,
  c: CallStats,
  s: Settings,
  notes: string[] | undefined,
): MetricComparison[] {
  const out: MetricComparison[] = [];
  if (p.cost.n < 2 || c.cost.n < 2) {
    notes?.push(
      `Cost not compared: fewer than 2 priced calls in an arm (${p.cost.n} primary, ${c.cost.n} canary).`,
    );
    return out;
  }
  for (const spec of COST_METRICS) {
    try {
      const r = ratioDifferenceFromSums(spec.sums(p.cost), spec.sums(c.cost), {
        scale: spec.scale,
        confidence: s.confidence,
      });
      const se = r.difference.standardError;
      const z = se > 0 ? r.difference.estimate / se : 0;
      out.push({
        metric: spec.metric,
        unit: spec.unit,
        better: 'lower',
        primary: { n: r.primary.n, estimate: r.primary.estimate, ci: [r.primary.lower, r.primary.upper] },
        canary: { n: r.canary.n, estimate: r.canary.estimate, ci: [r.canary.lower, r.canary.upper] },
        delta: {
          estimate: r.difference.estimate,
          ci: [r.difference.lower, r.difference.upper],
          relative: { estimate: r.relative.estimate, ci: [r.relative.lower, r.relative.upper] },
        },
        test: {
          method: `Delta method z-test of the difference of ratio metrics (${spec.what}) from each arm's sums, independent arms; relative change interval from the log ratio`,
          statistic: z,
          pValue: se > 0 ? Math.min(1, 2 * normalSf(Math.abs(z))) : 1,
        },
      });
    } catch (e) {
      if (!(e instanceof SummaryError)) throw e;
      notes?.push(`${spec.metric}: not compared (${e.message}).`);
    }
  }
  return out;
}
