import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  type AlwaysValidInput,
  type AlwaysValidMetric,
  alwaysValidInputFromSummary,
  alwaysValidIntervals,
  mergeAlwaysValidInputs,
} from '../analysis/alwaysValid';
import { summarizeCalls } from '../analysis/summary/build';
import type { RunSummary } from '../analysis/summary/types';
import type { RunAnalysis, RunData } from '../analysis/types';
import { formatMetricValue, formatPStatement } from '../format';
import { type ArmBatchCounts, createSequentialTest, type SequentialDecision } from '../stats/sequentialTest';
import type { AlwaysValidInterval } from '../types';
import { DEFAULT_EXPECTED_LOOKS } from './policy';

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

/** What {@link updateSequentialHistory} returns, and what `decide` reads. */
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

/** A history file that cannot be read or does not fit the options. */
export class SequentialHistoryError extends Error {
  readonly code = 'CANARYLAB_ERR_SEQUENTIAL_HISTORY';
  readonly file: string;
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'SequentialHistoryError';
    this.file = file;
  }
}

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
  /** Looks a verdict is expected within (default {@link DEFAULT_EXPECTED_LOOKS}); sets the default nExpected. */
  expectedLooks?: number;
  /** Legacy: total sample size (both arms) for the mixture SPRT; default 2 × nExpected. New file only. */
  tuning?: number;
  /** ISO time of the look (default now). */
  at?: string;
}

/**
 * Adds one look (a scheduled run, or one time window of production logs) to a sequential-monitoring history
 * file and replays the whole history through the always-valid tests: the mixture SPRT of the success rate
 * and quality ({@link createSequentialTest}; quality paired when the looks carry `qualityPairs`) and, when
 * the looks carry gate data, the gates' confidence sequences on the cumulative data
 * ({@link alwaysValidIntervals}: `summary.gates`). The job may look after every run or window and stop as
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
  if (typeof runId !== 'string' || runId === '')
    throw new RangeError('updateSequentialHistory: runId must be a non-empty string');
  checkCounts('counts', opts.counts);
  if (opts.quality) checkCounts('quality', opts.quality);
  if (opts.qualityPairs) checkPairs('qualityPairs', opts.qualityPairs);
  for (const k of ['nExpected', 'tuning', 'expectedLooks'] as const) {
    const v = opts[k];
    if (v !== undefined && !(typeof v === 'number' && v > 0 && Number.isFinite(v)))
      throw new RangeError(`updateSequentialHistory: ${k} must be a finite number > 0, got ${String(v)}`);
  }
  const existing = await readHistory(historyFile);
  let history: SequentialHistory;
  if (existing) {
    existing.nExpected ??= existing.tuning / 2; // files written before nExpected existed
    for (const k of ['alpha', 'tuning', 'nExpected'] as const) {
      if (opts[k] !== undefined && opts[k] !== existing[k])
        throw new SequentialHistoryError(
          historyFile,
          `${k} ${opts[k]} differs from the ${existing[k]} this history was started with; start a new history file to change it`,
        );
    }
    history = existing;
  } else {
    const first = Math.max(opts.counts.primary.n, opts.counts.canary.n, 1);
    const nExpected =
      opts.nExpected ??
      (opts.tuning !== undefined ? opts.tuning / 2 : first * (opts.expectedLooks ?? DEFAULT_EXPECTED_LOOKS));
    history = {
      version: 1,
      alpha: opts.alpha ?? 0.05,
      tuning: opts.tuning ?? 2 * nExpected,
      nExpected,
      entries: [],
    };
  }
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
  const out: SequentialHistory = {
    version: 1,
    alpha: history.alpha,
    tuning: history.tuning,
    nExpected: summary.nExpected,
    entries: summary.entries,
  };
  await mkdir(dirname(historyFile), { recursive: true });
  const tmp = `${historyFile}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(out, nanToNull, 2)}\n`);
  await rename(tmp, historyFile);
  return summary;
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

/** One look as given (before replay). */
export interface LookInput {
  runId: string;
  at: string;
  counts: SequentialCounts;
  quality?: SequentialCounts;
  qualityPairs?: PairedCounts;
  gateInput?: AlwaysValidInput;
}

const lookInputOf = (e: SequentialEntry): LookInput => ({
  runId: e.runId,
  at: e.at,
  counts: e.counts,
  ...(e.quality ? { quality: e.quality } : {}),
  ...(e.qualityPairs ? { qualityPairs: e.qualityPairs } : {}),
  ...(e.gateInput ? { gateInput: e.gateInput } : {}),
});

/**
 * Replays looks through the always-valid tests (pure: no I/O). Quality is monitored paired (per-item
 * differences, {b, c, n}) when every look with quality data carries `qualityPairs`, else unpaired.
 * @example
 * replaySequential({ alpha: 0.05, nExpected: 2500, inputs: [{ runId: 'r1', at: '…', counts }] }).looks; // => 1
 */
export function replaySequential(a: {
  alpha: number;
  /** Total both arms for the mixture SPRT (default 2 × nExpected). */
  tuning?: number;
  /** Calls per arm the sequences are tuned for (default tuning / 2, else the first look's calls per arm × expectedLooks). */
  nExpected?: number;
  /** Looks a verdict is expected within (default {@link DEFAULT_EXPECTED_LOOKS}). */
  expectedLooks?: number;
  inputs: ReadonlyArray<LookInput>;
}): SequentialSummary {
  const first = a.inputs[0];
  const nExpected =
    a.nExpected ??
    (a.tuning !== undefined
      ? a.tuning / 2
      : Math.max(first?.counts.primary.n ?? 0, first?.counts.canary.n ?? 0, 1) *
        (a.expectedLooks ?? DEFAULT_EXPECTED_LOOKS));
  const tuning = a.tuning ?? 2 * nExpected;
  const rate = createSequentialTest({ kind: 'proportion', alpha: a.alpha, tuning });
  const anyQuality = a.inputs.some((e) => e.quality || e.qualityPairs);
  const paired = anyQuality && a.inputs.every((e) => e.qualityPairs || !e.quality);
  const unpairedQual = createSequentialTest({ kind: 'proportion', alpha: a.alpha, tuning });
  const pairedQual = createSequentialTest({ kind: 'paired', alpha: a.alpha, tuning: nExpected });
  let cum = zeroCounts();
  let qcum = zeroCounts();
  let gateCum: AlwaysValidInput | undefined;
  const entries: SequentialEntry[] = [];
  const rateSeq: Array<[number, number]> = [];
  const qualSeq: Array<[number, number]> = [];
  let rateDecidedAt: number | undefined;
  let qualDecidedAt: number | undefined;
  a.inputs.forEach((input, k) => {
    cum = addCounts(cum, input.counts);
    const s = rate.update(input.counts.primary as ArmBatchCounts, input.counts.canary as ArmBatchCounts);
    rateSeq.push([s.ci[0], s.ci[1]]);
    if (rateDecidedAt === undefined && s.decision !== 'continue') rateDecidedAt = k + 1;
    const entry: SequentialEntry = {
      runId: input.runId,
      at: input.at,
      counts: input.counts,
      cumulative: cum,
      successRate: {
        alwaysValidP: s.pValue,
        ci: [s.ci[0], s.ci[1]],
        estimate: s.estimate,
        decision: s.decision,
      },
    };
    if (anyQuality) {
      let qs: ReturnType<typeof rate.state>;
      if (paired) {
        qs = pairedQual.update(input.qualityPairs ?? { b: 0, c: 0, n: 0 });
        if (input.qualityPairs) entry.qualityPairs = input.qualityPairs;
      } else {
        const q = input.quality ?? zeroCounts();
        qcum = addCounts(qcum, q);
        qs = unpairedQual.update(q.primary, q.canary);
        if (input.quality) entry.quality = input.quality;
        entry.qualityCumulative = qcum;
      }
      if (paired && input.quality) entry.quality = input.quality;
      qualSeq.push([qs.ci[0], qs.ci[1]]);
      if (qualDecidedAt === undefined && qs.decision !== 'continue') qualDecidedAt = k + 1;
      entry.qualityLook = {
        alwaysValidP: qs.pValue,
        ci: [qs.ci[0], qs.ci[1]],
        estimate: qs.estimate,
        decision: qs.decision,
      };
    }
    if (input.gateInput) {
      entry.gateInput = input.gateInput;
      gateCum = gateCum ? mergeAlwaysValidInputs(gateCum, input.gateInput) : input.gateInput;
    }
    entries.push(entry);
  });
  const rs = rate.state();
  const metrics: SequentialMetricSummary[] = [
    {
      metric: 'success_rate',
      method: rs.method,
      alwaysValidP: rs.pValue,
      confidenceSequence: rateSeq,
      estimate: rs.estimate,
      cumulative: cum,
      decision: rs.decision,
      decidedAtLook: rateDecidedAt,
    },
  ];
  if (anyQuality) {
    const qs = (paired ? pairedQual : unpairedQual).state();
    metrics.push({
      metric: 'quality',
      method: qs.method,
      alwaysValidP: qs.pValue,
      confidenceSequence: qualSeq,
      estimate: qs.estimate,
      cumulative: paired ? pairedCumulative(a.inputs) : qcum,
      decision: qs.decision,
      decidedAtLook: qualDecidedAt,
    });
  }
  const looks = entries.length;
  // The gates: success counts always exist; latency/cost/quality pairs when the looks carried them.
  const gateInput: AlwaysValidInput = { ...(gateCum ?? {}) };
  if (!gateInput.success && looks > 0) gateInput.success = { calls: cum.canary.n, ok: cum.canary.successes };
  if (!gateInput.qualityPairs && paired) {
    const pairs = a.inputs.reduce(
      (acc, e) => ({
        b: acc.b + (e.qualityPairs?.b ?? 0),
        c: acc.c + (e.qualityPairs?.c ?? 0),
        n: acc.n + (e.qualityPairs?.n ?? 0),
      }),
      { b: 0, c: 0, n: 0 },
    );
    if (pairs.n > 0) gateInput.qualityPairs = pairs;
  }
  const gates = looks > 0 ? alwaysValidIntervals(gateInput, { alpha: a.alpha, nExpected, looks }) : {};
  const stopEarly = metrics.some((m) => m.decision !== 'continue');
  const harm = metrics.some((m) => m.decision === 'canary_lower');
  const conf = `${Math.round((1 - a.alpha) * 100)}%`;
  // A difference of two rates, in percentage points ('+1.25 pts').
  const pts = (x: number) => formatMetricValue(x, 'proportion', { signed: true });
  const parts = metrics.map((m) => {
    const [lo, hi] = m.confidenceSequence.at(-1) ?? [Number.NaN, Number.NaN];
    const name =
      m.metric === 'success_rate' ? 'success rate' : paired ? 'quality (paired)' : 'quality pass rate';
    const verdict =
      m.decision === 'canary_lower'
        ? `the canary is worse (decided at look ${m.decidedAtLook})`
        : m.decision === 'canary_higher'
          ? `the canary is better (decided at look ${m.decidedAtLook})`
          : 'no difference shown yet';
    return (
      `${name}: canary − primary ${pts(m.estimate)} (${formatPStatement(m.alwaysValidP, 'always-valid p')}, ` +
      `${conf} confidence sequence ${pts(lo)} to ${pts(hi)}): ${verdict}`
    );
  });
  const reason =
    `${looks} ${looks === 1 ? 'look' : 'looks'} taken; ${parts.join('; ')}` +
    (stopEarly
      ? '. The daily check can stop early: the result stays valid however often it was looked at.'
      : '. Keep monitoring: the always-valid p-values allow a look after every run without inflating false alarms.');
  return {
    looks,
    alpha: a.alpha,
    tuning,
    nExpected,
    ...(Object.keys(gates).length > 0 ? { gates } : {}),
    entries,
    alwaysValidP: metrics[0].alwaysValidP,
    confidenceSequence: rateSeq,
    metrics,
    stopEarly,
    harm,
    reason,
  };
}

/** Per-arm quality pass counts summed over the looks that gave them (reported beside the paired test). */
function pairedCumulative(inputs: ReadonlyArray<LookInput>): SequentialCounts {
  let cum = zeroCounts();
  for (const e of inputs) if (e.quality) cum = addCounts(cum, e.quality);
  return cum;
}

/**
 * The counts a look needs, from a run's records (calls per arm; the quality scorer's pass/fail scores,
 * per arm and paired by item and repeat; the gates' data from the calls' mergeable summary) or from its analysis (success_rate, the pass/fail quality
 * comparison's discordant pairs, and the summary's latency histogram and cost sums when it has one).
 * @example
 * sequentialCountsFrom(await loadRun('runs/2025-06-01')); // => { counts: { primary: {…}, canary: {…} }, quality?, qualityPairs? }
 */
export function sequentialCountsFrom(
  source: RunData | RunAnalysis,
  opts: { qualityScorer?: string } = {},
): {
  counts: SequentialCounts;
  quality?: SequentialCounts;
  qualityPairs?: PairedCounts;
  gateInput?: AlwaysValidInput;
} {
  if ('calls' in source) {
    const counts = zeroCounts();
    for (const c of source.calls) {
      counts[c.arm].n++;
      if (c.ok) counts[c.arm].successes++;
    }
    // The gates' data (canary latency histogram, cost sums) from the mergeable summary of the calls.
    const gateInput = alwaysValidInputFromSummary(summarizeCalls(source.calls));
    const passScores = source.scores.filter((s) => typeof s.pass === 'boolean' && !s.error);
    const scorer = opts.qualityScorer ?? passScores[0]?.scorer;
    if (!scorer) return { counts, gateInput };
    const quality = zeroCounts();
    const byKey = { primary: new Map<string, boolean>(), canary: new Map<string, boolean>() };
    for (const s of passScores) {
      if (s.scorer !== scorer) continue;
      quality[s.arm].n++;
      if (s.pass) quality[s.arm].successes++;
      byKey[s.arm].set(`${s.itemId}\u0000${s.repeat ?? 0}`, s.pass === true);
    }
    const pairs = { b: 0, c: 0, n: 0 };
    for (const [k, p] of byKey.primary) {
      const q = byKey.canary.get(k);
      if (q === undefined) continue;
      pairs.n++;
      if (p && !q) pairs.b++;
      if (q && !p) pairs.c++;
    }
    if (quality.primary.n + quality.canary.n === 0) return { counts, gateInput };
    if (pairs.n > 0) gateInput.qualityPairs = { ...pairs };
    return { counts, quality, ...(pairs.n > 0 ? { qualityPairs: pairs } : {}), gateInput };
  }
  const sr = source.comparisons.find((c) => c.metric === 'success_rate' && !c.segment);
  if (!sr)
    throw new RangeError(`sequentialCountsFrom: analysis of ${source.runId} has no success_rate comparison`);
  const fromEstimate = (e: { n: number; estimate: number }): ArmCounts => ({
    n: e.n,
    successes: Math.round(e.estimate * e.n),
  });
  const summary = (source as { summary?: Pick<RunSummary, 'primary' | 'canary'> }).summary;
  const counts = summary
    ? {
        primary: { n: summary.primary.calls, successes: summary.primary.ok },
        canary: { n: summary.canary.calls, successes: summary.canary.ok },
      }
    : { primary: fromEstimate(sr.primary), canary: fromEstimate(sr.canary) };
  const q =
    source.quality.find(
      (x) => x.kind === 'pass' && (!opts.qualityScorer || x.scorer === opts.qualityScorer),
    ) ?? undefined;
  const qualityPairs = q?.discordant ? { b: q.discordant.b, c: q.discordant.c, n: q.n } : undefined;
  const gateInput = summary ? alwaysValidInputFromSummary(summary, q) : undefined;
  return {
    counts,
    ...(q ? { quality: { primary: fromEstimate(q.primary), canary: fromEstimate(q.canary) } } : {}),
    ...(qualityPairs ? { qualityPairs } : {}),
    ...(gateInput ? { gateInput } : {}),
  };
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

async function readHistory(file: string): Promise<SequentialHistory | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new SequentialHistoryError(file, `cannot read the file (${(e as NodeJS.ErrnoException).code})`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new SequentialHistoryError(file, `not valid JSON (${(e as Error).message})`);
  }
  const h = v as Partial<SequentialHistory> | null;
  if (!h || typeof h !== 'object' || h.version !== 1 || !Array.isArray(h.entries))
    throw new SequentialHistoryError(
      file,
      'not a sequential history file (expected { version: 1, entries: [...] })',
    );
  if (!(typeof h.alpha === 'number' && h.alpha > 0 && h.alpha < 1))
    throw new SequentialHistoryError(
      file,
      `alpha: expected a number in (0, 1), got ${JSON.stringify(h.alpha)}`,
    );
  if (!(typeof h.tuning === 'number' && h.tuning > 0))
    throw new SequentialHistoryError(file, `tuning: expected a number > 0, got ${JSON.stringify(h.tuning)}`);
  if (h.nExpected !== undefined && !(typeof h.nExpected === 'number' && h.nExpected > 0))
    throw new SequentialHistoryError(
      file,
      `nExpected: expected a number > 0, got ${JSON.stringify(h.nExpected)}`,
    );
  h.entries.forEach((e, i) => {
    try {
      if (typeof e?.runId !== 'string') throw new RangeError('runId: expected a string');
      checkCounts('counts', e.counts);
      if (e.quality) checkCounts('quality', e.quality);
      if (e.qualityPairs) checkPairs('qualityPairs', e.qualityPairs);
      if (e.gateInput !== undefined) checkGateInput(e.gateInput);
    } catch (err) {
      throw new SequentialHistoryError(file, `entries[${i}].${(err as Error).message}`);
    }
  });
  return h as SequentialHistory;
}

function checkCounts(name: string, c: SequentialCounts): void {
  for (const arm of ['primary', 'canary'] as const) {
    const x = c?.[arm];
    if (!x || !Number.isSafeInteger(x.n) || x.n < 0 || !Number.isSafeInteger(x.successes) || x.successes < 0)
      throw new RangeError(
        `${name}.${arm}: expected { n, successes } with integers >= 0, got ${JSON.stringify(x)}`,
      );
    if (x.successes > x.n)
      throw new RangeError(`${name}.${arm}.successes: expected <= n (${x.n}), got ${x.successes}`);
  }
}

/** Light shape check of a stored look's gate data, so a damaged file fails with the field's name. */
function checkGateInput(g: AlwaysValidInput): void {
  if (g === null || typeof g !== 'object' || Array.isArray(g))
    throw new RangeError('gateInput: expected an object { success?, latencyMs?, cost?, qualityPairs? }');
  const int = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  if (
    g.success !== undefined &&
    !(int(g.success?.calls) && int(g.success?.ok) && g.success.ok <= g.success.calls)
  )
    throw new RangeError(
      `gateInput.success: expected { calls, ok } integers with ok <= calls, got ${JSON.stringify(g.success)}`,
    );
  if (g.latencyMs !== undefined) {
    const h = g.latencyMs;
    const ok =
      h !== null &&
      int(h.count) &&
      int(h.zeros) &&
      Array.isArray(h.buckets) &&
      h.buckets.every((b) => Array.isArray(b) && Number.isSafeInteger(b[0]) && int(b[1]));
    if (!ok)
      throw new RangeError(
        'gateInput.latencyMs: expected { count, zeros, buckets: [index, count][] } with integer counts',
      );
  }
  if (g.cost !== undefined) {
    for (const arm of ['primary', 'canary'] as const) {
      const c = g.cost?.[arm];
      const keys = ['n', 'sumCost', 'sumTokens', 'sumCost2', 'sumTokens2', 'sumCostTokens'] as const;
      if (!c || !keys.every((k) => typeof c[k] === 'number' && Number.isFinite(c[k])))
        throw new RangeError(`gateInput.cost.${arm}: expected finite ${keys.join(', ')}`);
    }
  }
  if (g.qualityPairs !== undefined) checkPairs('gateInput.qualityPairs', g.qualityPairs);
}

function checkPairs(name: string, p: PairedCounts): void {
  for (const k of ['b', 'c', 'n'] as const) {
    if (!Number.isSafeInteger(p?.[k]) || p[k] < 0)
      throw new RangeError(`${name}.${k}: expected an integer >= 0, got ${JSON.stringify(p?.[k])}`);
  }
  if (p.b + p.c > p.n) throw new RangeError(`${name}: expected b + c <= n (${p.n}), got ${p.b + p.c}`);
}

const zeroCounts = (): SequentialCounts => ({
  primary: { n: 0, successes: 0 },
  canary: { n: 0, successes: 0 },
});
const copyCounts = (c: SequentialCounts): SequentialCounts => ({
  primary: { n: c.primary.n, successes: c.primary.successes },
  canary: { n: c.canary.n, successes: c.canary.successes },
});
const addCounts = (a: SequentialCounts, b: SequentialCounts): SequentialCounts => ({
  primary: { n: a.primary.n + b.primary.n, successes: a.primary.successes + b.primary.successes },
  canary: { n: a.canary.n + b.canary.n, successes: a.canary.successes + b.canary.successes },
});

/** JSON.stringify replacer: NaN and ±Infinity become null (JSON has neither). */
export function nanToNull(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? null : v;
}
