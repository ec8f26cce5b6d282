/**
 * Summaries → MetricComparison[]: success rate, latency and TTFT quantiles, cost, error-rate windows and
 * segments, computed from the mergeable summaries of src/analysis/summary (never from raw rows). The one
 * analysis path of offline runs (analyzeRun builds the summary from calls.jsonl) and of production logs
 * (DuckDB / ClickHouse SQL produce the summary). Each metric family lives in src/analysis/metrics/.
 */
import type { MetricComparison } from '../types';
import { addAlwaysValid } from './alwaysValid';
import { AnalysisError, analysisMsg } from './errors';
import { callMetrics } from './metrics/callMetrics';
import { armCost } from './metrics/cost';
import { errorWindowMetrics } from './metrics/errorWindows';
import { summarySegmentComparisons } from './metrics/segments';
import { ARMS } from './metrics/shared';
import { readOptions } from './options';
import { SummaryError } from './summary/errors';
import { checkSummary } from './summary/merge';
import type { RunSummary } from './summary/types';
import { closingNotes } from './summaryNotes';
import type { AnalyzeOptions, PairwiseSummary, QualityComparison, RunAnalysis, SegmentInfo } from './types';

export { AnalysisError } from './errors';
export { ANALYZE_DEFAULTS, METRIC_UNITS, readOptions, type Settings } from './options';

/** Per-item results of an offline run (a few thousand items) that stay per item: quality and pairwise. */
export interface PerItemResults {
  quality: QualityComparison[];
  /** The scorer published as metric 'quality'. */
  qualityScorer?: string;
  pairwise: PairwiseSummary[];
  /** Their comparisons (quality:*, quality, pairwise_win_rate:*), overall. */
  comparisons: MetricComparison[];
  /** Their per-segment comparisons (carrying `segment`); adjusted by Holm together with the summaries'. */
  segmentComparisons: MetricComparison[];
  excludedFromQuality?: { primary: number; canary: number };
  notes: string[];
}

/** Input of {@link analyzeSummaries}. */
export interface SummaryAnalysisInput {
  runId: string;
  /** The mergeable summary of both arms (types.ts in src/analysis/summary). */
  summary: RunSummary;
  /** Quality and pairwise results computed per item (offline runs); absent for logs. */
  perItem?: PerItemResults;
  /** Items per segment when known (offline runs); default: the larger arm's calls in the segment. */
  segmentItems?: ReadonlyArray<SegmentInfo>;
  /** Compare segments (default true when the summary has any). */
  segments?: boolean;
}

/** Refuses a malformed summary (ANALYSIS_BAD_SUMMARY) or one with an arm without calls (ANALYSIS_NO_CALLS). */
function checkAnalysable(summary: RunSummary, runId: string): void {
  try {
    checkSummary(summary);
  } catch (e) {
    if (e instanceof SummaryError)
      throw new AnalysisError('ANALYSIS_BAD_SUMMARY', analysisMsg.inRun(runId, e.message));
    throw e;
  }
  for (const arm of ARMS)
    if (summary[arm].calls === 0)
      throw new AnalysisError('ANALYSIS_NO_CALLS', analysisMsg.noCalls(runId, arm));
}

/**
 * Turns summaries into the comparisons the decision reads and everything charts and the report show: per
 * arm success rate (Wilson; two-proportion z), latency P50/P95/P99 and TTFT P50/P95 from the histograms
 * (order-statistic intervals; Price–Bonett difference), cost per 1K tokens and per request (delta method
 * from the sums), error rate per time window (χ² homogeneity, variance with a bootstrap over windows), and
 * the same per segment with Holm-adjusted p-values. comparison.json keeps the summary: its size does not
 * grow with the number of calls.
 *
 * @throws {AnalysisError} ANALYSIS_NO_CALLS when an arm has no calls; ANALYSIS_BAD_OPTION for an option out
 *   of range; ANALYSIS_BAD_SUMMARY (with the field) for a malformed summary
 * @example
 * const analysis = analyzeSummaries({ runId: 'logs-2026-12-01', summary }, { monthlyRequests: 3_000_000 });
 * decide(analysis.comparisons, DEFAULT_POLICY).verdict;
 */
export function analyzeSummaries(input: SummaryAnalysisInput, opts: AnalyzeOptions = {}): RunAnalysis {
  const s = readOptions(opts, 'analyzeSummaries');
  const { summary, runId, perItem } = input;
  checkAnalysable(summary, runId);
  const notes: string[] = [];
  const comparisons: MetricComparison[] = [];
  comparisons.push(...callMetrics(summary.primary, summary.canary, s, notes, undefined));
  if (perItem) comparisons.push(...perItem.comparisons);
  // Always-valid confidence sequences of the gate metrics (issue 17; docs/SEQUENTIAL.md).
  addAlwaysValid({
    comparisons,
    summary,
    quality: perItem?.quality.find((q) => q.scorer === perItem.qualityScorer),
    confidence: s.confidence,
    expectedSamples: opts.expectedSamples,
  });
  const windows = errorWindowMetrics(summary, s, notes);
  comparisons.push(...windows.comparisons);
  const segmented = summarySegmentComparisons({
    summary,
    s,
    notes,
    enabled: input.segments,
    segmentItems: input.segmentItems,
    perItemComparisons: perItem?.segmentComparisons,
  });
  comparisons.push(...segmented.comparisons);
  const errors = { primary: { ...summary.primary.failures }, canary: { ...summary.canary.failures } };
  notes.push(...closingNotes({ summary, s, errors, monthlyRequestsSet: opts.monthlyRequests !== undefined }));
  if (perItem) notes.push(...perItem.notes);
  return {
    runId,
    comparisons,
    errors,
    excludedFromQuality: perItem?.excludedFromQuality ?? {
      primary: summary.primary.calls - summary.primary.ok,
      canary: summary.canary.calls - summary.canary.ok,
    },
    cost: {
      primary: armCost(summary.primary, s.monthlyRequests),
      canary: armCost(summary.canary, s.monthlyRequests),
      monthlyRequests: s.monthlyRequests,
    },
    errorWindows: windows.errorWindows,
    summary,
    quality: perItem?.quality ?? [],
    pairwise: perItem?.pairwise[0],
    pairwiseJudges: perItem?.pairwise ?? [],
    segments: segmented.segments,
    notes,
  };
}
