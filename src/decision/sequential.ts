import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RunAnalysis, RunData } from '../analysis/types';
import { type ArmBatchCounts, createSequentialTest, type SequentialDecision } from '../stats/sequentialTest';

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
  /** Quality pass counts of this run, when given. */
  quality?: SequentialCounts;
  qualityCumulative?: SequentialCounts;
  qualityLook?: SequentialLook;
}

/** The JSON history file of a scheduled monitoring job. */
export interface SequentialHistory {
  version: 1;
  alpha: number;
  tuning: number;
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
  /** The run this look comes from; a run already in the history is replaced in place, not added again. */
  runId: string;
  /** This run's calls per arm: n and how many succeeded. */
  counts: SequentialCounts;
  /** This run's quality pass counts per arm (optional second monitored metric). */
  quality?: SequentialCounts;
  /** Two-sided α valid over every look (default 0.05; a new file only — an existing one keeps its own). */
  alpha?: number;
  /** Confidence-sequence tuning, total sample size where it is narrowest (default 5000; new file only). */
  tuning?: number;
  /** ISO time of the look (default now). */
  at?: string;
}

/**
 * Adds one scheduled run to a sequential-monitoring history file and replays the whole history through
 * an always-valid test (mixture SPRT / asymptotic confidence sequence, {@link createSequentialTest}), so
 * the job may look after every run and stop as soon as a confidence sequence excludes "no difference",
 * with the chance of a false alarm over all looks staying ≤ α. One entry per run id: re-running the same
 * run replaces its entry (idempotent), and the file is rewritten atomically.
 *
 * @throws {SequentialHistoryError} when the file is not a history file, or alpha/tuning differ from the
 *   ones the history was started with
 * @throws {RangeError} when a count is not an integer or successes > n
 * @example
 * const s = await updateSequentialHistory({
 *   historyFile: 'runs/history/checkout-bot.json',
 *   runId: '2025-06-01',
 *   counts: { primary: { n: 500, successes: 450 }, canary: { n: 500, successes: 475 } },
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
  const existing = await readHistory(historyFile);
  let history: SequentialHistory;
  if (existing) {
    for (const k of ['alpha', 'tuning'] as const) {
      if (opts[k] !== undefined && opts[k] !== existing[k])
        throw new SequentialHistoryError(
          historyFile,
          `${k} ${opts[k]} differs from the ${existing[k]} this history was started with; start a new history file to change it`,
        );
    }
    history = existing;
  } else {
    history = { version: 1, alpha: opts.alpha ?? 0.05, tuning: opts.tuning ?? 5000, entries: [] };
  }
  const entry = {
    runId,
    at: opts.at ?? new Date().toISOString(),
    counts: copyCounts(opts.counts),
    quality: opts.quality ? copyCounts(opts.quality) : undefined,
  };
  const i = history.entries.findIndex((e) => e.runId === runId);
  const inputs = history.entries.map((e) => ({
    runId: e.runId,
    at: e.at,
    counts: e.counts,
    quality: e.quality,
  }));
  if (i >= 0) {
    const same =
      JSON.stringify(inputs[i].counts) === JSON.stringify(entry.counts) &&
      JSON.stringify(inputs[i].quality) === JSON.stringify(entry.quality);
    inputs[i] = same ? inputs[i] : entry;
  } else inputs.push(entry);
  const summary = replaySequential({ alpha: history.alpha, tuning: history.tuning, inputs });
  const out: SequentialHistory = {
    version: 1,
    alpha: history.alpha,
    tuning: history.tuning,
    entries: summary.entries,
  };
  await mkdir(dirname(historyFile), { recursive: true });
  const tmp = `${historyFile}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(out, nanToNull, 2)}\n`);
  await rename(tmp, historyFile);
  return summary;
}

/**
 * The sequential summary of a history file without changing it (null when the file does not exist).
 * @throws {SequentialHistoryError} when the file is not a history file
 */
export async function readSequentialHistory(historyFile: string): Promise<SequentialSummary | null> {
  const h = await readHistory(historyFile);
  if (!h) return null;
  return replaySequential({ alpha: h.alpha, tuning: h.tuning, inputs: h.entries });
}

/**
 * Replays looks through the always-valid test (pure: no I/O).
 * @example
 * replaySequential({ alpha: 0.05, tuning: 5000, inputs: [{ runId: 'r1', at: '…', counts }] }).looks; // => 1
 */
export function replaySequential(a: {
  alpha: number;
  tuning: number;
  inputs: ReadonlyArray<{ runId: string; at: string; counts: SequentialCounts; quality?: SequentialCounts }>;
}): SequentialSummary {
  const make = () => createSequentialTest({ kind: 'proportion', alpha: a.alpha, tuning: a.tuning });
  const rate = make();
  const qual = make();
  const anyQuality = a.inputs.some((e) => e.quality);
  let cum = zeroCounts();
  let qcum = zeroCounts();
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
      const q = input.quality ?? zeroCounts();
      qcum = addCounts(qcum, q);
      const qs = qual.update(q.primary, q.canary);
      qualSeq.push([qs.ci[0], qs.ci[1]]);
      if (qualDecidedAt === undefined && qs.decision !== 'continue') qualDecidedAt = k + 1;
      if (input.quality) entry.quality = input.quality;
      entry.qualityCumulative = qcum;
      entry.qualityLook = {
        alwaysValidP: qs.pValue,
        ci: [qs.ci[0], qs.ci[1]],
        estimate: qs.estimate,
        decision: qs.decision,
      };
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
    const qs = qual.state();
    metrics.push({
      metric: 'quality',
      method: qs.method,
      alwaysValidP: qs.pValue,
      confidenceSequence: qualSeq,
      estimate: qs.estimate,
      cumulative: qcum,
      decision: qs.decision,
      decidedAtLook: qualDecidedAt,
    });
  }
  const looks = entries.length;
  const stopEarly = metrics.some((m) => m.decision !== 'continue');
  const harm = metrics.some((m) => m.decision === 'canary_lower');
  const conf = `${Math.round((1 - a.alpha) * 100)}%`;
  const pts = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(100 * x).toFixed(2)}` : String(x));
  const parts = metrics.map((m) => {
    const [lo, hi] = m.confidenceSequence.at(-1) ?? [Number.NaN, Number.NaN];
    const name = m.metric === 'success_rate' ? 'success rate' : 'quality pass rate';
    const verdict =
      m.decision === 'canary_lower'
        ? `the canary is worse (decided at look ${m.decidedAtLook})`
        : m.decision === 'canary_higher'
          ? `the canary is better (decided at look ${m.decidedAtLook})`
          : 'no difference shown yet';
    return (
      `${name}: canary − primary ${pts(m.estimate)} points (always-valid p = ${formatPValue(m.alwaysValidP)}, ` +
      `${conf} confidence sequence ${pts(lo)} to ${pts(hi)} points): ${verdict}`
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
    tuning: a.tuning,
    entries,
    alwaysValidP: metrics[0].alwaysValidP,
    confidenceSequence: rateSeq,
    metrics,
    stopEarly,
    harm,
    reason,
  };
}

/**
 * The counts a look needs, from a run's records (calls per arm; the quality scorer's pass/fail scores) or
 * from its analysis (success_rate and the first quality comparison).
 * @example
 * sequentialCountsFrom(await loadRun('runs/2025-06-01')); // => { counts: { primary: {…}, canary: {…} }, quality? }
 */
export function sequentialCountsFrom(
  source: RunData | RunAnalysis,
  opts: { qualityScorer?: string } = {},
): { counts: SequentialCounts; quality?: SequentialCounts } {
  if ('calls' in source) {
    const counts = zeroCounts();
    for (const c of source.calls) {
      counts[c.arm].n++;
      if (c.ok) counts[c.arm].successes++;
    }
    const passScores = source.scores.filter((s) => typeof s.pass === 'boolean' && !s.error);
    const scorer = opts.qualityScorer ?? passScores[0]?.scorer;
    if (!scorer) return { counts };
    const quality = zeroCounts();
    for (const s of passScores) {
      if (s.scorer !== scorer) continue;
      quality[s.arm].n++;
      if (s.pass) quality[s.arm].successes++;
    }
    return { counts, quality: quality.primary.n + quality.canary.n > 0 ? quality : undefined };
  }
  const sr = source.comparisons.find((c) => c.metric === 'success_rate' && !c.segment);
  if (!sr)
    throw new RangeError(`sequentialCountsFrom: analysis of ${source.runId} has no success_rate comparison`);
  const fromEstimate = (e: { n: number; estimate: number }): ArmCounts => ({
    n: e.n,
    successes: Math.round(e.estimate * e.n),
  });
  const counts = { primary: fromEstimate(sr.primary), canary: fromEstimate(sr.canary) };
  const q =
    source.quality.find(
      (x) => x.kind === 'pass' && (!opts.qualityScorer || x.scorer === opts.qualityScorer),
    ) ?? undefined;
  return q
    ? { counts, quality: { primary: fromEstimate(q.primary), canary: fromEstimate(q.canary) } }
    : { counts };
}

/**
 * The contract's short form: one look from a run (records or analysis) under its runId.
 * @example
 * await updateHistory('runs/history.json', analysis);
 */
export async function updateHistory(
  historyFile: string,
  source: RunData | RunAnalysis,
  opts: { qualityScorer?: string; alpha?: number; tuning?: number; at?: string } = {},
): Promise<SequentialSummary> {
  const { counts, quality } = sequentialCountsFrom(source, opts);
  return updateSequentialHistory({
    historyFile,
    runId: source.runId,
    counts,
    quality,
    alpha: opts.alpha,
    tuning: opts.tuning,
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
  h.entries.forEach((e, i) => {
    try {
      if (typeof e?.runId !== 'string') throw new RangeError('runId: expected a string');
      checkCounts('counts', e.counts);
      if (e.quality) checkCounts('quality', e.quality);
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

function formatPValue(p: number): string {
  return p < 0.001 ? p.toExponential(2) : p.toPrecision(3);
}

/** JSON.stringify replacer: NaN and ±Infinity become null (JSON has neither). */
export function nanToNull(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? null : v;
}
