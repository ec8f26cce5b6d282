/**
 * Sequential monitoring's history updates: add a look (from counts, a mergeable summary or a run) to a
 * history file and replay it, or read one back. The types, the replay, the counts of a run and the file
 * live beside it (sequentialTypes, sequentialReplay, countsFromRun, historyFile); they are re-exported here.
 */
import { type AlwaysValidInput, alwaysValidInputFromSummary } from '../analysis/alwaysValid';
import type { RunSummary } from '../analysis/summary/types';
import type { RunAnalysis, RunData } from '../analysis/types';
import { sequentialCountsFrom } from './countsFromRun';
import { decisionMsg, SequentialHistoryError } from './errors';
import { readHistory, writeHistory } from './historyFile';
import { DEFAULT_EXPECTED_LOOKS } from './policyFields';
import { checkCounts, checkPairs, copyCounts } from './sequentialCounts';
import { replaySequential } from './sequentialReplay';
import type {
  LookInput,
  PairedCounts,
  SequentialCounts,
  SequentialEntry,
  SequentialHistory,
  SequentialSummary,
} from './sequentialTypes';

export { type LookCounts, sequentialCountsFrom } from './countsFromRun';
export { SequentialHistoryError } from './errors';
export { replaySequential } from './sequentialReplay';
export type {
  ArmCounts,
  LookInput,
  PairedCounts,
  SequentialCounts,
  SequentialEntry,
  SequentialHistory,
  SequentialLook,
  SequentialMetricSummary,
  SequentialSummary,
} from './sequentialTypes';

/** Options of {@link updateSequentialHistory}. */
export interface UpdateSequentialHistoryOptions {
  /** JSON file holding the looks so far; created (with its folder) when missing. */
  historyFile: string;
  /**
   * The look's id: the run it comes from, or the time window (e.g. "2025-06-01T10:00Z"); an id already in
   * the history is replaced in place, not added again.
   */
  runId: string;
  /** This look's calls per arm: n and how many succeeded. */
  counts: SequentialCounts;
  /** This look's quality pass counts per arm (monitored unpaired; prefer `qualityPairs`). */
  quality?: SequentialCounts;
  /** This look's paired quality table (b, c, n): monitored paired, as the fixed analysis does. */
  qualityPairs?: PairedCounts;
  /** This look's gate data (latency histogram, cost sums, …) for the gates' always-valid intervals. */
  gateInput?: AlwaysValidInput;
  /** Two-sided α valid over every look (default 0.05; a new file only — an existing one keeps its own). */
  alpha?: number;
  /**
   * Calls per arm expected by the time a verdict is needed (dataset size × planned runs, or the expected
   * traffic); the sequences are tightest there. Default: this first look's calls per arm × expectedLooks.
   * New file only.
   */
  nExpected?: number;
  /** Looks a verdict is expected within (default `DEFAULT_EXPECTED_LOOKS`); sets the default nExpected. */
  expectedLooks?: number;
  /** Legacy: total sample size (both arms) for the mixture SPRT; default 2 × nExpected. New file only. */
  tuning?: number;
  /** ISO time of the look (default now). */
  at?: string;
}

/**
 * Adds one look (a scheduled run, or one time window of production logs) to a sequential-monitoring history
 * file and replays the whole history through the always-valid tests: the mixture SPRT of the success rate
 * and quality (`createSequentialTest`; quality paired when the looks carry `qualityPairs`) and, when
 * the looks carry gate data, the gates' confidence sequences on the cumulative data
 * (`alwaysValidIntervals`: `summary.gates`). The job may look after every run or window and stop as
 * soon as a sequence clears its threshold, with the chance of a wrong call over all looks staying ≤ α. One
 * entry per id: re-running the same look replaces its entry (idempotent); the file is rewritten atomically.
 *
 * @throws {SequentialHistoryError} when the file is not a history file, or alpha/tuning/nExpected differ
 *   from the ones the history was started with
 * @throws {RangeError} when a count is not an integer or successes > n
 * @example
 * const s = await updateSequentialHistory({
 *   historyFile: 'runs/history/checkout-bot.json',
 *   runId: '2025-06-01',
 *   counts: { primary: { n: 500, successes: 450 }, canary: { n: 500, successes: 475 } },
 *   nExpected: 5000,
 * });
 * s.looks; // => 1
 * s.reason; // => '1 look taken; success rate: canary − primary +5.00 points (always-valid p = …'
 */
export async function updateSequentialHistory(
  opts: UpdateSequentialHistoryOptions,
): Promise<SequentialSummary> {
  const { historyFile, runId } = opts;
  checkUpdateOptions(opts);
  const existing = await readHistory(historyFile);
  const history = existing ? continuedHistory(historyFile, existing, opts) : newHistory(opts);
  const entry: LookInput = {
    runId,
    at: opts.at ?? new Date().toISOString(),
    counts: copyCounts(opts.counts),
    ...(opts.quality ? { quality: copyCounts(opts.quality) } : {}),
    ...(opts.qualityPairs ? { qualityPairs: { ...opts.qualityPairs } } : {}),
    ...(opts.gateInput ? { gateInput: opts.gateInput } : {}),
  };
  const i = history.entries.findIndex((e) => e.runId === runId);
  const inputs: LookInput[] = history.entries.map(lookInputOf);
  if (i >= 0) {
    const key = (e: LookInput) => JSON.stringify([e.counts, e.quality, e.qualityPairs, e.gateInput ?? null]);
    inputs[i] = key(inputs[i]) === key(entry) ? inputs[i] : entry;
  } else inputs.push(entry);
  const summary = replaySequential({
    alpha: history.alpha,
    tuning: history.tuning,
    nExpected: history.nExpected,
    inputs,
  });
  await writeHistory(historyFile, {
    version: 1,
    alpha: history.alpha,
    tuning: history.tuning,
    nExpected: summary.nExpected,
    entries: summary.entries,
  });
  return summary;
}

/** @throws {RangeError} when the run id is empty, a count is not an integer, or a tuning option is not > 0 */
function checkUpdateOptions(opts: UpdateSequentialHistoryOptions): void {
  if (typeof opts.runId !== 'string' || opts.runId === '') throw new RangeError(decisionMsg.runIdEmpty());
  checkCounts('counts', opts.counts);
  if (opts.quality) checkCounts('quality', opts.quality);
  if (opts.qualityPairs) checkPairs('qualityPairs', opts.qualityPairs);
  for (const k of ['nExpected', 'tuning', 'expectedLooks'] as const) {
    const v = opts[k];
    if (v !== undefined && !(typeof v === 'number' && v > 0 && Number.isFinite(v)))
      throw new RangeError(decisionMsg.optionNotPositive(k, v));
  }
}

/**
 * An existing history, to which the options must fit: alpha, tuning and nExpected are fixed for its life.
 * @throws {SequentialHistoryError} when an option differs from the one the history was started with
 */
function continuedHistory(
  historyFile: string,
  existing: SequentialHistory,
  opts: UpdateSequentialHistoryOptions,
): SequentialHistory {
  existing.nExpected ??= existing.tuning / 2; // files written before nExpected existed
  for (const k of ['alpha', 'tuning', 'nExpected'] as const) {
    if (opts[k] !== undefined && opts[k] !== existing[k])
      throw new SequentialHistoryError(historyFile, decisionMsg.historyDiffers(k, opts[k], existing[k]));
  }
  return existing;
}

/** A new, empty history tuned from the options, else from the first look's calls per arm × expectedLooks. */
function newHistory(opts: UpdateSequentialHistoryOptions): SequentialHistory {
  const first = Math.max(opts.counts.primary.n, opts.counts.canary.n, 1);
  const nExpected =
    opts.nExpected ??
    (opts.tuning !== undefined ? opts.tuning / 2 : first * (opts.expectedLooks ?? DEFAULT_EXPECTED_LOOKS));
  return {
    version: 1,
    alpha: opts.alpha ?? 0.05,
    tuning: opts.tuning ?? 2 * nExpected,
    nExpected,
    entries: [],
  };
}

/**
 * The simple way to add a look from a mergeable summary — one run, or one hour window of production logs:
 * success counts from the summary's calls/ok, the gates' data (canary latency histogram, cost sums) from it
 * too, and the paired quality table when given.
 * @throws {SequentialHistoryError} / {RangeError} as {@link updateSequentialHistory}
 * @example
 * await appendSequentialLook({ historyFile: 'runs/history/bot.json', id: '2025-06-01T10:00Z', summary: hourSummary });
 */
export async function appendSequentialLook(a: {
  historyFile: string;
  /** The look's id: run id or window start. Re-appending the same id replaces that look. */
  id: string;
  summary: Pick<RunSummary, 'primary' | 'canary'>;
  qualityPairs?: PairedCounts;
  alpha?: number;
  nExpected?: number;
  at?: string;
}): Promise<SequentialSummary> {
  const { primary, canary } = a.summary;
  const gateInput = alwaysValidInputFromSummary(a.summary);
  if (a.qualityPairs) gateInput.qualityPairs = { ...a.qualityPairs };
  return updateSequentialHistory({
    historyFile: a.historyFile,
    runId: a.id,
    counts: {
      primary: { n: primary.calls, successes: primary.ok },
      canary: { n: canary.calls, successes: canary.ok },
    },
    qualityPairs: a.qualityPairs,
    gateInput,
    alpha: a.alpha,
    nExpected: a.nExpected,
    at: a.at,
  });
}

/**
 * The sequential summary of a history file without changing it (null when the file does not exist).
 * @throws {SequentialHistoryError} when the file is not a history file
 */
export async function readSequentialHistory(historyFile: string): Promise<SequentialSummary | null> {
  const h = await readHistory(historyFile);
  if (!h) return null;
  return replaySequential({
    alpha: h.alpha,
    tuning: h.tuning,
    nExpected: h.nExpected,
    inputs: h.entries.map(lookInputOf),
  });
}

/**
 * The contract's short form: one look from a run (records or analysis) under its runId.
 * @example
 * await updateHistory('runs/history.json', analysis, { nExpected: 5000 });
 */
export async function updateHistory(
  historyFile: string,
  source: RunData | RunAnalysis,
  opts: {
    qualityScorer?: string;
    alpha?: number;
    tuning?: number;
    nExpected?: number;
    expectedLooks?: number;
    at?: string;
  } = {},
): Promise<SequentialSummary> {
  const { counts, quality, qualityPairs, gateInput } = sequentialCountsFrom(source, opts);
  return updateSequentialHistory({
    historyFile,
    runId: source.runId,
    counts,
    quality,
    qualityPairs,
    gateInput,
    alpha: opts.alpha,
    tuning: opts.tuning,
    nExpected: opts.nExpected,
    expectedLooks: opts.expectedLooks,
    at: opts.at,
  });
}

const lookInputOf = (e: SequentialEntry): LookInput => ({
  runId: e.runId,
  at: e.at,
  counts: e.counts,
  ...(e.quality ? { quality: e.quality } : {}),
  ...(e.qualityPairs ? { qualityPairs: e.qualityPairs } : {}),
  ...(e.gateInput ? { gateInput: e.gateInput } : {}),
});
