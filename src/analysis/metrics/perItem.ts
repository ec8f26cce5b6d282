/** The per-item metrics of an offline run: quality per scorer (and the published 'quality') and pairwise win rates. */
import type { CallRecord, MetricComparison, PairwiseRecord, ScoreRecord } from '../../types';
import type { PairwiseSummary, QualityComparison } from '../types';
import { pairwiseMetric, pairwiseSummaries } from './pairwise';
import { qualityComparisons, qualityMetric } from './quality';
import { type MetricContext, type SegmentKey, segmentCollector } from './shared';

/** What {@link perItemMetrics} found. */
export interface PerItemCore {
  comparisons: MetricComparison[];
  quality: QualityComparison[];
  qualityScorer?: string;
  pairwise: PairwiseSummary[];
}

/**
 * Quality per scorer and pairwise win rates: paired per item, overall or within a segment. Comparisons in
 * order: each `quality:<scorer>` (followed by `quality` for the published scorer), then each
 * `pairwise_win_rate:<judge>`.
 */
export function perItemMetrics(
  calls: CallRecord[],
  scores: readonly ScoreRecord[],
  pairwise: readonly PairwiseRecord[],
  ctx: MetricContext,
  segment: SegmentKey | undefined,
): PerItemCore {
  const { out, push } = segmentCollector(segment);
  const quality = qualityComparisons(calls, scores, ctx);
  let qualityScorer = ctx.s.qualityScorer;
  if (qualityScorer === undefined) qualityScorer = quality.find((q) => q.kind === 'pass')?.scorer;
  if (ctx.s.qualityScorer !== undefined && !quality.some((q) => q.scorer === ctx.s.qualityScorer) && !segment)
    ctx.notes.push(
      `Quality scorer '${ctx.s.qualityScorer}' has no paired scores in this run: no 'quality' metric is published.`,
    );
  for (const q of quality) {
    push(qualityMetric(q));
    if (q.scorer === qualityScorer) push({ ...qualityMetric(q), metric: 'quality' });
  }
  if (!segment && quality.length > 0 && qualityScorer === undefined)
    ctx.notes.push(
      "No pass/fail scorer in this run: no 'quality' metric is published (set qualityScorer to use a numeric one).",
    );
  const pw = pairwiseSummaries(pairwise, ctx);
  for (const p of pw) push(pairwiseMetric(p));
  return { comparisons: out, quality, qualityScorer, pairwise: pw };
}
