/**
 * Records → MetricComparison[] (runs/<runId>/comparison.json). Success rate, latency and TTFT quantiles,
 * cost, error-rate windows and segments come from the mergeable summary of the calls (analyzeSummaries, the
 * same path as production logs); paired per-item quality and pairwise verdicts stay per item
 * (src/analysis/metrics/perItem.ts).
 */

import type { CallRecord } from '../types';
import { analyzeSummaries, type PerItemResults } from './analyzeSummaries';
import { AnalysisError, analysisMsg } from './errors';
import { perItemMetrics } from './metrics/perItem';
import { perItemSegmentComparisons } from './metrics/segments';
import { ARMS, keyOf, splitArms } from './metrics/shared';
import { readOptions, type Settings } from './options';
import { chooseWindowWidth, segmentsFromItems, summarizeCalls } from './summary/build';
import { SummaryError } from './summary/errors';
import type { RunSummary } from './summary/types';
import type { AnalyzeOptions, RunAnalysis, RunData, SegmentInfo } from './types';

export {
  ANALYZE_DEFAULTS,
  AnalysisError,
  analyzeSummaries,
  METRIC_UNITS,
  type PerItemResults,
  type SummaryAnalysisInput,
} from './analyzeSummaries';
export { windowRates } from './metrics/errorWindows';
export type {
  AnalysisTest,
  AnalyzeOptions,
  ArmCost,
  JudgeReliability,
  PairwiseSummary,
  QualityComparison,
  RunAnalysis,
  RunData,
  RunItem,
  SegmentInfo,
  TestResult,
} from './types';

/**
 * Turns a run's records into the comparisons the decision reads, and everything the charts and the
 * report show. Pure and deterministic: the same records, options and seed give the same analysis.
 * The calls are first summarised (`summarizeRunCalls`: counts, histograms, sums, time windows) and
 * every success, latency, cost and window metric is computed from that summary by analyzeSummaries, the
 * same code that analyses production logs; quality and pairwise verdicts are compared per item.
 * Failed calls count against the success rate and are left out of latency and quality (never counted as
 * wrong answers); cached calls are priced at their answer's original cost. Segment comparisons (meta.tier,
 * each of meta.tags) carry `segment` and a Holm-adjusted p-value across every segment × metric test.
 *
 * @throws {AnalysisError} ANALYSIS_NO_CALLS when an arm has no calls; ANALYSIS_BAD_OPTION for an option
 *   out of range; ANALYSIS_BAD_RECORD for a call with an invalid latency or start time
 * @example
 * const analysis = analyzeRun(await loadRun('runs/2025-01-01'), { monthlyRequests: 3_000_000 });
 * decide(analysis.comparisons, DEFAULT_POLICY).verdict;
 */
export function analyzeRun(run: RunData, opts: AnalyzeOptions = {}): RunAnalysis {
  const s = readOptions(opts);
  const calls = dedupeCalls(run.calls ?? []);
  const byArm = splitArms(calls);
  for (const arm of ARMS) {
    if (byArm[arm].length === 0)
      throw new AnalysisError('ANALYSIS_NO_CALLS', analysisMsg.noCalls(run.runId, arm));
  }
  const items = run.items ?? [];
  const hasSegments = items.some((it) => it.meta?.tier !== undefined || (it.meta?.tags?.length ?? 0) > 0);
  const segmentsOn = opts.segments !== false && hasSegments;
  const summary = summarizeRunCalls(run.runId, calls, s, segmentsOn ? items : []);

  // Per item: quality and pairwise, overall and per segment.
  const scores = run.scores ?? [];
  const pairwise = run.pairwise ?? [];
  const notes: string[] = [];
  const core = perItemMetrics(calls, scores, pairwise, { s, notes, seedOffset: 0 }, undefined);
  const { segmentItems, segmentComparisons } = segmentsOn
    ? perItemSegmentComparisons({ calls, scores, pairwise, items, s })
    : { segmentItems: [] as SegmentInfo[], segmentComparisons: [] };
  const published = core.quality.find((q) => q.scorer === core.qualityScorer);
  const perItem: PerItemResults = {
    quality: core.quality,
    qualityScorer: core.qualityScorer,
    pairwise: core.pairwise,
    comparisons: core.comparisons,
    segmentComparisons,
    excludedFromQuality: published
      ? { ...published.excluded }
      : {
          primary: byArm.primary.filter((c) => !c.ok).length,
          canary: byArm.canary.filter((c) => !c.ok).length,
        },
    notes,
  };
  return analyzeSummaries(
    { runId: run.runId, summary, perItem, segmentItems, segments: segmentsOn },
    { ...opts, windowMs: summary.windowing.widthMs },
  );
}

/** The window width of `windowSize` calls per window: the run's time span × windowSize / the larger arm's calls. */
function windowMsFromSize(calls: readonly CallRecord[], windowSize: number): number {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  const perArm = { primary: 0, canary: 0 };
  for (const c of calls) {
    const t = Date.parse(c.startedAt);
    if (t < first) first = t;
    if (t > last) last = t;
    perArm[c.arm]++;
  }
  const span = Number.isFinite(last - first) ? last - first : 0;
  const nMax = Math.max(perArm.primary, perArm.canary);
  return Math.max(1, Math.round((span * windowSize) / nMax));
}

/**
 * The mergeable summary of a run's calls (one per item, arm and repeat): what comparison.json stores. The
 * window width is `windowMs`, else derived from `windowSize` (calls per window), else chosen to give about
 * 20 windows over the run (`chooseWindowWidth`).
 *
 * @throws {AnalysisError} ANALYSIS_BAD_RECORD naming the call when a latency or start time is invalid
 */
export function summarizeRunCalls(
  runId: string,
  calls: readonly CallRecord[],
  s: Pick<Settings, 'windowMs' | 'windowSize'>,
  items: RunData['items'] = [],
): RunSummary {
  let windowMs = s.windowMs;
  if (windowMs === undefined && s.windowSize !== undefined && calls.length > 0)
    windowMs = windowMsFromSize(calls, s.windowSize);
  try {
    return summarizeCalls(calls, {
      windowMs,
      segmentsOf: items && items.length > 0 ? segmentsFromItems(items) : undefined,
      origin: { source: `run:${runId}`, engine: 'js', rows: calls.length, invalidLines: 0 },
    });
  } catch (e) {
    if (e instanceof SummaryError)
      throw new AnalysisError('ANALYSIS_BAD_RECORD', analysisMsg.inRun(runId, e.message));
    throw e;
  }
}

export { chooseWindowWidth };

/** One record per (item, arm, repeat): the last one wins, as in calls.jsonl after a retry. */
function dedupeCalls(calls: readonly CallRecord[]): CallRecord[] {
  const m = new Map<string, CallRecord>();
  for (const c of calls) m.set(`${c.arm}\u0000${keyOf(c.itemId, c.repeat)}`, c);
  return [...m.values()];
}
