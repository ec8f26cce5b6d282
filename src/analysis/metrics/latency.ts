/** Latency P50/P95/P99 and TTFT P50/P95 comparisons read from the arms' log-spaced histograms. */
import { formatShortPercent } from '../../format';
import type { ArmEstimate, MetricComparison } from '../../types';
import { METRIC_UNITS, type Settings } from '../options';
import { quantileDifferenceFromHistograms } from '../summary/quantileIntervals';
import type { CallStats } from '../summary/types';

const LATENCY_QUANTILES = [
  ['latency_p50_ms', 0.5],
  ['latency_p95_ms', 0.95],
  ['latency_p99_ms', 0.99],
] as const;
const TTFT_QUANTILES = [
  ['ttft_p50_ms', 0.5],
  ['ttft_p95_ms', 0.95],
] as const;

/**
 * The latency quantiles, then the TTFT quantiles when either arm recorded a time to first token; a metric
 * that cannot be measured is null. `notes` (overall only; undefined for a segment) says what was left out.
 */
export function latencyComparisons(
  p: CallStats,
  c: CallStats,
  s: Settings,
  notes: string[] | undefined,
): (MetricComparison | null)[] {
  const out: (MetricComparison | null)[] = [];
  for (const [name, q] of LATENCY_QUANTILES)
    out.push(quantileComparison(name, q, p, c, 'latencyMs', s, notes));
  if (p.ttftMs.count > 0 || c.ttftMs.count > 0) {
    for (const [name, q] of TTFT_QUANTILES) out.push(quantileComparison(name, q, p, c, 'ttftMs', s, notes));
  } else {
    notes?.push('No time to first token was recorded (non-streaming calls): TTFT metrics are absent.');
  }
  return out;
}

function quantileComparison(
  metric: string,
  q: number,
  p: CallStats,
  c: CallStats,
  field: 'latencyMs' | 'ttftMs',
  s: Settings,
  notes: string[] | undefined,
): MetricComparison | null {
  const hp = p[field];
  const hc = c[field];
  if (hp.count < 2 || hc.count < 2) {
    notes?.push(
      `${metric}: not measured, fewer than 2 ok calls with a value in an arm (${hp.count} primary, ${hc.count} canary).`,
    );
    return null;
  }
  const r = quantileDifferenceFromHistograms(hp, hc, q, s.confidence);
  const arm = (x: typeof r.primary): ArmEstimate => ({
    n: x.n,
    estimate: x.estimate,
    ci: [x.lower, x.upper],
  });
  const delta: MetricComparison['delta'] = {
    estimate: r.difference.estimate,
    ci: [r.difference.lower, r.difference.upper],
  };
  if (Number.isFinite(r.relative.estimate))
    delta.relative = { estimate: r.relative.estimate, ci: [r.relative.lower, r.relative.upper] };
  return {
    metric,
    unit: METRIC_UNITS.latency,
    better: 'lower',
    primary: arm(r.primary),
    canary: arm(r.canary),
    delta,
    test: Number.isNaN(r.pValue)
      ? {
          method: `Distribution-free order-statistic interval per arm from the latency histograms; no interval of the difference: an arm has too few values for a bounded ${formatShortPercent(s.confidence)} interval of this quantile (p-value set to 1)`,
          statistic: 0,
          pValue: 1,
        }
      : {
          method: `Distribution-free order-statistic interval per arm from the latency histograms (coverage ≥ ${formatShortPercent(s.confidence)}); ${r.method}; p-value: z-test of the difference`,
          statistic: r.z,
          pValue: r.pValue,
        },
  };
}
