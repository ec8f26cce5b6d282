/** The data of sequential monitoring: counts per arm, the looks of a history file and its replayed summary. */
import type { AlwaysValidInput, AlwaysValidMetric } from '../analysis/alwaysValid';
import type { SequentialDecision } from '../stats/sequentialTest';
import type { AlwaysValidInterval } from '../types';

/** Pass/fail counts of one arm. */
export interface ArmCounts {
  n: number;
  successes: number;
}

/** Pass/fail counts of both arms. */
export interface SequentialCounts {
  primary: ArmCounts;
  canary: ArmCounts;
}

/** The running state of one monitored metric at one look. */
export interface SequentialLook {
  /** Always-valid p-value of "no difference" (running minimum: never increases). */
  alwaysValidP: number;
  /** Confidence sequence for canary − primary (running intersection: only shrinks). */
  ci: [number, number];
  /** Cumulative canary rate − primary rate (NaN until both arms have data). */
  estimate: number;
  decision: SequentialDecision;
}

/** One look: one run's counts, the cumulative counts, and the state of each metric after it. */
export interface SequentialEntry {
  runId: string;
  /** ISO time of the look. */
  at: string;
  /** This run's own counts (success = call ok). */
  counts: SequentialCounts;
  /** Cumulative counts up to and including this look. */
  cumulative: SequentialCounts;
  successRate: SequentialLook;
  /** Quality pass counts of this run, when given (per arm; monitored unpaired). */
  quality?: SequentialCounts;
  /** Paired quality pass/fail table of this look (b = primary only passed, c = canary only, n pairs). */
  qualityPairs?: PairedCounts;
  qualityCumulative?: SequentialCounts;
  qualityLook?: SequentialLook;
  /** This look's mergeable gate data (counts, latency histogram, cost sums, quality pairs). */
  gateInput?: AlwaysValidInput;
}

/** A paired pass/fail table: b = primary only passed, c = canary only passed, n pairs. */
export interface PairedCounts {
  b: number;
  c: number;
  n: number;
}

/** The JSON history file of a scheduled monitoring job. */
export interface SequentialHistory {
  version: 1;
  alpha: number;
  /** Total sample size (both arms) the mixture SPRT of success/quality is tuned for (2 × nExpected). */
  tuning: number;
  /**
   * Calls per arm (pairs for quality) the gates' confidence sequences are tuned for: given when the history
   * starts (dataset size × planned runs, or expected traffic), else the first look's calls per arm. Fixed
   * for the life of the file (files written before it existed use tuning / 2).
   */
  nExpected?: number;
  entries: SequentialEntry[];
}

/** The monitored state of one metric over all looks. */
export interface SequentialMetricSummary {
  metric: 'success_rate' | 'quality';
  method: string;
  alwaysValidP: number;
  /** The confidence sequence after each look, [lo, hi] of canary − primary. */
  confidenceSequence: Array<[number, number]>;
  estimate: number;
  cumulative: SequentialCounts;
  decision: SequentialDecision;
  /** First look (1-based) at which the confidence sequence excluded 0. */
  decidedAtLook?: number;
}

/** What `updateSequentialHistory` returns, and what `decide` reads. */
export interface SequentialSummary {
  looks: number;
  alpha: number;
  tuning: number;
  /** Calls per arm the gates' confidence sequences are tuned for. */
  nExpected: number;
  /**
   * The always-valid interval of each gate metric on the CUMULATIVE data of every look (looks = entries),
   * when the looks carry gate data; `decide` judges required/important gates on them.
   */
  gates?: Partial<Record<AlwaysValidMetric, AlwaysValidInterval>>;
  /** The history's entries (left out of decision.json). */
  entries: SequentialEntry[];
  /** Success rate's always-valid p-value after the last look. */
  alwaysValidP: number;
  /** Success rate's confidence sequence after each look. */
  confidenceSequence: Array<[number, number]>;
  metrics: SequentialMetricSummary[];
  /** Some metric's confidence sequence excludes 0: the daily check may stop here. */
  stopEarly: boolean;
  /** Some metric's confidence sequence lies wholly below 0 (canary worse). */
  harm: boolean;
  /** One sentence starting with "N looks taken". */
  reason: string;
}

/** One look as given (before replay). */
export interface LookInput {
  runId: string;
  at: string;
  counts: SequentialCounts;
  quality?: SequentialCounts;
  qualityPairs?: PairedCounts;
  gateInput?: AlwaysValidInput;
}
