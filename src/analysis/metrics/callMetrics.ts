/** The metrics of one pair of CallStats (overall or one segment): success rate, latency and TTFT quantiles, cost. */
import type { MetricComparison } from '../../types';
import type { Settings } from '../options';
import type { CallStats } from '../summary/types';
import { costComparisons } from './cost';
import { latencyComparisons } from './latency';
import { type SegmentKey, segmentCollector } from './shared';
import { successRate } from './success';

/**
 * success_rate, latency_p50/p95/p99_ms, ttft_p50/p95_ms and cost_per_1k_tokens_usd / cost_per_request_usd,
 * in that order, each tagged with `segment` when given; notes (what was not measured) only overall.
 */
export function callMetrics(
  p: CallStats,
  c: CallStats,
  s: Settings,
  notes: string[],
  segment: SegmentKey | undefined,
): MetricComparison[] {
  const { out, push } = segmentCollector(segment);
  const overallNotes = segment ? undefined : notes;
  push(successRate(p, c, s));
  for (const mc of latencyComparisons(p, c, s, overallNotes)) push(mc);
  for (const mc of costComparisons(p, c, s, overallNotes)) push(mc);
  return out;
}
