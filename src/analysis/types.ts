/**
 * The shapes of the analysis stage (records → runs/<runId>/comparison.json). Charts, the report and the
 * CLI read {@link RunAnalysis}; the decision stage reads its `comparisons`.
 */
import type { JudgeReliability } from '../scoring/judgeReliability';
import type { PairwiseSummary } from '../scoring/pairwiseSummaryType';
import type { NonInferiorityResult } from '../stats/pairedNonInferiority';
import type { TestResult } from '../stats/types';
import type { ArmEstimate, MetricComparison } from '../types';
import type { RunSummary } from './summary/types';

export type { TestResult };

/** A test's result as the analysis reports it: method, statistic, p-value (+ alternative and df when known). */
export type AnalysisTest = Pick<TestResult, 'method' | 'statistic' | 'pValue'> &
  Partial<Pick<TestResult, 'alternative' | 'df'>>;

export type { RunData, RunItem } from '../types';

/** Options of `analyzeRun`. */
export interface AnalyzeOptions {
  /** Two-sided confidence of every interval; default 0.95 (the default policy's). */
  confidence?: number;
  /** Seed of every bootstrap; default 0. The same seed gives the same analysis. */
  seed?: number;
  /** Bootstrap resamples; default 2000. */
  resamples?: number;
  /** Scorer whose comparison is published as metric 'quality'; default: the first pass/fail scorer. */
  qualityScorer?: string;
  /** Non-inferiority margin of quality (pass-rate points, or score units for numeric scorers); default 0.02. */
  nonInferiorityMargin?: number;
  /** Requests per month per arm for the projected monthly spend; default 1,000,000. */
  monthlyRequests?: number;
  /**
   * Error-rate window width in ms (windows of start time, aligned at multiples of the width). Default for
   * offline runs: the smallest of 1 s, 2 s, 5 s, 10 s, 15 s, 30 s, 1 min, … 1 day giving at most 20 windows
   * over the run's span (`chooseWindowWidth`); logs default to one hour.
   */
  windowMs?: number;
  /**
   * Calls per arm (pairs for quality) the gates' always-valid confidence sequences (`alwaysValid`) are tuned
   * to be tightest at: the dataset size × planned runs, or the expected traffic. Default: each metric's own
   * n in this analysis (right for one analysis; when re-analysing cumulative data at every look, pass the
   * same value every time — re-tuning to the current n at each look would void the always-valid guarantee).
   */
  expectedSamples?: number;
  /**
   * Approximate calls per error-rate window (older configs): the width becomes span × windowSize / calls of
   * the larger arm, in whole ms. Ignored when windowMs is set.
   */
  windowSize?: number;
  /** Per-segment comparisons (meta.tier, meta.tags); default true when the items carry them. */
  segments?: boolean;
}

/** What one arm spent (non-cached calls only: a cached call costs nothing and says nothing about price). */
export interface ArmCost {
  totalUsd: number;
  /** Non-cached calls counted. */
  requests: number;
  /** Prompt + completion tokens of those calls. */
  tokens: number;
  per1kTokensUsd: number;
  perRequestUsd: number;
  /** perRequestUsd × monthlyRequests. */
  monthlyUsd: number;
}

/** The paired comparison of one scorer on the items both arms were scored on. */
export interface QualityComparison {
  scorer: string;
  /** 'pass': pass/fail outcomes (McNemar, Tango); 'score': numeric scores (Wilcoxon, paired t). */
  kind: 'pass' | 'score';
  /** Pass rate (Wilson) or mean score (t interval) of each arm on the paired items. */
  primary: ArmEstimate;
  canary: ArmEstimate;
  /** canary − primary on the paired items, two-sided interval (Tango score interval / paired t). */
  delta: { estimate: number; ci: [number, number] };
  /** Paired items (item × repeat scored for both arms). */
  n: number;
  /** Calls of each arm with no usable score (failed call, scorer error, or the other arm missing). */
  excluded: { primary: number; canary: number };
  /** Pass/fail only: b = primary passed, canary failed; c = canary passed, primary failed. */
  discordant?: { b: number; c: number };
  /** McNemar exact (pass) or Wilcoxon signed-rank (score), two-sided. */
  test: AnalysisTest;
  /** Score only: paired t-test of the mean difference, two-sided. */
  pairedT?: AnalysisTest;
  /** Non-inferiority at the configured margin (Tango for pass/fail, paired t for scores), one-sided α = (1 − confidence)/2. */
  nonInferiority: NonInferiorityResult;
}

/** Judge reliability (position flip rate, self-consistency, agreement, length bias), measured by the scoring stage. */
export type { JudgeReliability } from '../scoring/judgeReliability';
/** One pairwise judge's verdicts (defined beside `pairwiseSummary`, which computes it). */
export type { PairwiseSummary } from '../scoring/pairwiseSummaryType';

/** A segment the data has: `tier` (meta.tier) or `tag` (one of meta.tags). */
export interface SegmentInfo {
  key: 'tier' | 'tag';
  value: string;
  /** Items in the segment. */
  items: number;
}

/** Everything the analysis found: the body of runs/<runId>/comparison.json. */
export interface RunAnalysis {
  runId: string;
  /** Metric names in `METRICS`; segment ones carry `segment` and `test.adjustedPValue` (Holm). */
  comparisons: MetricComparison[];
  /** Failed calls by error kind ('unknown' when a failed call has none). */
  errors: { primary: Record<string, number>; canary: Record<string, number> };
  /** Calls left out of the quality comparison (failed calls, scorer errors, unpaired). */
  excludedFromQuality: { primary: number; canary: number };
  cost: { primary: ArmCost; canary: ArmCost; monthlyRequests: number };
  errorWindows: {
    /** Window width, ms (windows of start time; the counts are in `summary.<arm>.windows`). */
    widthMs: number;
    /** Error rate of each window with calls, in time order. */
    primary: number[];
    canary: number[];
    /** χ² independence of window × ok/fail; p-value 1 with statistic 0 when it is undefined (one window, no errors). */
    homogeneity: { primary: TestResult; canary: TestResult };
    /** Sample variance of the per-window error rates (0 with fewer than 2 windows). */
    variance: { primary: number; canary: number };
  };
  /**
   * The mergeable summary every success, latency, cost and window metric was computed from (counts,
   * histograms, sums; src/analysis/summary/types.ts). Its size does not grow with the number of calls.
   */
  summary: RunSummary;
  quality: QualityComparison[];
  /** The first judge's pairwise verdicts; every judge's are in `pairwiseJudges`. */
  pairwise?: PairwiseSummary;
  pairwiseJudges: PairwiseSummary[];
  judgeReliability?: JudgeReliability;
  /** The segments analysed (empty when the items have no tier or tags, or segments are off). */
  segments: SegmentInfo[];
  /** Plain sentences: exclusions, small samples, how differences were paired, Holm adjustment. */
  notes: string[];
}
