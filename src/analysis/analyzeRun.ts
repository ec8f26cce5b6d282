/**
 * Records → MetricComparison[] (runs/<runId>/comparison.json). Success rate, latency and TTFT quantiles,
 * cost, error-rate windows and segments come from the mergeable summary of the calls (analyzeSummaries, the
 * same path as production logs); paired per-item quality and pairwise verdicts stay per item.
 */

import { pairwiseSummary } from '../scoring/judgeReliability';
import { tQuantile, tSf } from '../stats/distributions';
import { mcnemarTest } from '../stats/mcnemarTest';
import { pairedNonInferiority } from '../stats/pairedNonInferiority';
import { pairedProportionNonInferiority } from '../stats/pairedProportionNonInferiority';
import type { TestResult } from '../stats/types';
import { variance } from '../stats/variance';
import { wilcoxonSignedRank } from '../stats/wilcoxonSignedRank';
import { wilsonInterval } from '../stats/wilsonInterval';
import type { Arm, ArmEstimate, CallRecord, MetricComparison, PairwiseRecord, ScoreRecord } from '../types';
import {
  AnalysisError,
  analyzeSummaries,
  METRIC_UNITS,
  type PerItemResults,
  readOptions,
  type Settings,
} from './analyzeSummaries';
import { chooseWindowWidth, segmentsFromItems, summarizeCalls } from './summary/build';
import { SummaryError } from './summary/histogram';
import type { RunSummary } from './summary/types';
import type {
  AnalyzeOptions,
  PairwiseSummary,
  QualityComparison,
  RunAnalysis,
  RunData,
  SegmentInfo,
} from './types';

export {
  ANALYZE_DEFAULTS,
  AnalysisError,
  analyzeSummaries,
  METRIC_UNITS,
  type PerItemResults,
  type SummaryAnalysisInput,
} from './analyzeSummaries';
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

const ARMS: readonly Arm[] = ['primary', 'canary'];
const keyOf = (itemId: string, repeat: number | undefined) => `${itemId}\u0000${repeat ?? 0}`;

/**
 * Turns a run's records into the comparisons the decision reads, and everything the charts and the
 * report show. Pure and deterministic: the same records, options and seed give the same analysis.
 * The calls are first summarised ({@link summarizeRunCalls}: counts, histograms, sums, time windows) and
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
      throw new AnalysisError(
        'ANALYSIS_NO_CALLS',
        `analyzeRun: run ${run.runId} has no ${arm} calls; both arms are needed for a comparison`,
      );
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
  const segmentComparisons: MetricComparison[] = [];
  const segmentItems: SegmentInfo[] = [];
  if (segmentsOn) {
    const groups = new Map<string, { key: 'tier' | 'tag'; value: string; ids: Set<string> }>();
    for (const it of items) {
      const add = (key: 'tier' | 'tag', value: string) => {
        const g = groups.get(`${key}\u0000${value}`) ?? { key, value, ids: new Set<string>() };
        g.ids.add(it.id);
        groups.set(`${key}\u0000${value}`, g);
      };
      if (typeof it.meta?.tier === 'string') add('tier', it.meta.tier);
      for (const t of it.meta?.tags ?? []) if (typeof t === 'string') add('tag', t);
    }
    let gi = 0;
    for (const g of groups.values()) {
      gi++;
      segmentItems.push({ key: g.key, value: g.value, items: g.ids.size });
      const segCalls = calls.filter((c) => g.ids.has(c.itemId));
      const arms = splitArms(segCalls);
      if (arms.primary.length === 0 || arms.canary.length === 0) continue;
      const r = perItemMetrics(
        segCalls,
        scores.filter((x) => g.ids.has(x.itemId)),
        pairwise.filter((x) => g.ids.has(x.itemId)),
        { s, notes: [], seedOffset: 1000 * gi },
        { key: g.key, value: g.value },
      );
      segmentComparisons.push(...r.comparisons);
    }
  }
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
  if (windowMs === undefined && s.windowSize !== undefined && calls.length > 0) {
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
    windowMs = Math.max(1, Math.round((span * s.windowSize) / nMax));
  }
  try {
    return summarizeCalls(calls, {
      windowMs,
      segmentsOf: items && items.length > 0 ? segmentsFromItems(items) : undefined,
      origin: { source: `run:${runId}`, engine: 'js', rows: calls.length, invalidLines: 0 },
    });
  } catch (e) {
    if (e instanceof SummaryError)
      throw new AnalysisError('ANALYSIS_BAD_RECORD', `run ${runId}: ${e.message}`);
    throw e;
  }
}

export { chooseWindowWidth };

// ---------------------------------------------------------------------------------------------------------

interface MetricContext {
  s: Settings;
  notes: string[];
  /** Non-zero for a segment (its notes are not published). */
  seedOffset: number;
}

interface PerItemCore {
  comparisons: MetricComparison[];
  quality: QualityComparison[];
  qualityScorer?: string;
  pairwise: PairwiseSummary[];
}

/** Quality per scorer and pairwise win rates: paired per item, overall or within a segment. */
function perItemMetrics(
  calls: CallRecord[],
  scores: readonly ScoreRecord[],
  pairwise: readonly PairwiseRecord[],
  ctx: MetricContext,
  segment: { key: string; value: string } | undefined,
): PerItemCore {
  const out: MetricComparison[] = [];
  const push = (mc: MetricComparison | null) => {
    if (!mc) return;
    if (segment) mc.segment = { ...segment };
    out.push(mc);
  };
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

function wilson(x: number, n: number, confidence: number): ArmEstimate {
  const w = wilsonInterval(x, n, { confidence });
  return { n, estimate: w.estimate, ci: [w.lower, w.upper] };
}

function safeTest(fn: () => TestResult, method: string): TestResult {
  try {
    return fn();
  } catch {
    // Every difference zero / every value equal: no evidence of a difference.
    return {
      method: `${method} (undefined: no differences)`,
      statistic: 0,
      pValue: 1,
      alternative: 'two-sided',
    };
  }
}

// --- quality --------------------------------------------------------------------------------------------

function qualityComparisons(
  calls: CallRecord[],
  scores: readonly ScoreRecord[],
  ctx: MetricContext,
): QualityComparison[] {
  const { s } = ctx;
  const callKeys: Record<Arm, Set<string>> = { primary: new Set(), canary: new Set() };
  const okKeys: Record<Arm, Set<string>> = { primary: new Set(), canary: new Set() };
  for (const c of calls) {
    callKeys[c.arm].add(keyOf(c.itemId, c.repeat));
    if (c.ok) okKeys[c.arm].add(keyOf(c.itemId, c.repeat));
  }
  const scorers: string[] = [];
  const byScorer = new Map<string, Record<Arm, Map<string, ScoreRecord>>>();
  const scorerErrors = new Map<string, Record<Arm, number>>();
  for (const r of scores) {
    if (!byScorer.has(r.scorer)) {
      scorers.push(r.scorer);
      byScorer.set(r.scorer, { primary: new Map(), canary: new Map() });
      scorerErrors.set(r.scorer, { primary: 0, canary: 0 });
    }
    const k = keyOf(r.itemId, r.repeat);
    // Only scores of ok calls of this run count; a failed call is excluded, never a bad answer.
    if (!okKeys[r.arm]?.has(k)) continue;
    const m = (byScorer.get(r.scorer) as Record<Arm, Map<string, ScoreRecord>>)[r.arm];
    if (r.score === null || r.error !== undefined || !Number.isFinite(r.score)) {
      if (!m.has(k)) (scorerErrors.get(r.scorer) as Record<Arm, number>)[r.arm]++;
      continue;
    }
    m.set(k, r);
  }
  const out: QualityComparison[] = [];
  for (const scorer of scorers) {
    const m = byScorer.get(scorer) as Record<Arm, Map<string, ScoreRecord>>;
    const keys = [...m.primary.keys()].filter((k) => m.canary.has(k)).sort();
    const excluded = {
      primary: callKeys.primary.size - keys.length,
      canary: callKeys.canary.size - keys.length,
    };
    const all = [...m.primary.values(), ...m.canary.values()];
    const kind: 'pass' | 'score' =
      all.length > 0 && all.every((r) => typeof r.pass === 'boolean') ? 'pass' : 'score';
    if (!ctx.seedOffset) {
      const failed = {
        primary: callKeys.primary.size - okKeys.primary.size,
        canary: callKeys.canary.size - okKeys.canary.size,
      };
      const errs = scorerErrors.get(scorer) as Record<Arm, number>;
      if (excluded.primary + excluded.canary > 0)
        ctx.notes.push(
          `Quality '${scorer}': ${keys.length} items paired; left out ${excluded.primary} primary and ${excluded.canary} canary calls (${failed.primary} + ${failed.canary} failed calls, never counted as wrong answers; ${errs.primary} + ${errs.canary} scorer errors; the rest lacked a score from the other arm).`,
        );
    }
    if (keys.length < 2) {
      if (!ctx.seedOffset)
        ctx.notes.push(`Quality '${scorer}': fewer than 2 items scored for both arms, not compared.`);
      continue;
    }
    try {
      out.push(
        kind === 'pass'
          ? passComparison({ scorer, keys, m, excluded }, s)
          : scoreComparison({ scorer, keys, m, excluded }, s),
      );
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      if (!ctx.seedOffset) ctx.notes.push(`Quality '${scorer}': not compared (${e.message}).`);
    }
  }
  return out;
}

/** One scorer's records of the items scored for both arms (`keys`), and the calls left out. */
interface PairedScores {
  scorer: string;
  keys: string[];
  m: Record<Arm, Map<string, ScoreRecord>>;
  excluded: { primary: number; canary: number };
}

function passComparison(paired: PairedScores, s: Settings): QualityComparison {
  const { scorer, keys, m, excluded } = paired;
  let xp = 0;
  let xc = 0;
  let b = 0;
  let c = 0;
  for (const k of keys) {
    const p = (m.primary.get(k) as ScoreRecord).pass === true;
    const q = (m.canary.get(k) as ScoreRecord).pass === true;
    if (p) xp++;
    if (q) xc++;
    if (p && !q) b++;
    if (q && !p) c++;
  }
  const n = keys.length;
  const alpha = (1 - s.confidence) / 2;
  const margin = Math.min(s.margin, 0.999);
  const ni = pairedProportionNonInferiority({ b, c, n }, { margin, alpha });
  // Two-sided Tango score interval: the lower bound of c − b, and minus the lower bound of b − c.
  const upper = -pairedProportionNonInferiority({ b: c, c: b, n }, { margin, alpha }).lowerBound;
  const test = mcnemarTest({ b, c }, { exact: true });
  return {
    scorer,
    kind: 'pass',
    primary: wilson(xp, n, s.confidence),
    canary: wilson(xc, n, s.confidence),
    delta: { estimate: (c - b) / n, ci: [ni.lowerBound, upper] },
    n,
    excluded,
    discordant: { b, c },
    test,
    nonInferiority: ni,
  };
}

function scoreComparison(paired: PairedScores, s: Settings): QualityComparison {
  const { scorer, keys, m, excluded } = paired;
  const xp = keys.map((k) => (m.primary.get(k) as ScoreRecord).score as number);
  const xc = keys.map((k) => (m.canary.get(k) as ScoreRecord).score as number);
  const n = keys.length;
  const alpha = (1 - s.confidence) / 2;
  const ni = pairedNonInferiority(xp, xc, { margin: s.margin, alpha });
  const upper = -pairedNonInferiority(xc, xp, { margin: s.margin, alpha }).lowerBound;
  const d = xc.map((v, i) => v - xp[i]);
  const meanD = d.reduce((a, v) => a + v, 0) / n;
  const sd = Math.sqrt(variance(d));
  let pairedT: TestResult;
  if (sd > 0) {
    const t = meanD / (sd / Math.sqrt(n));
    pairedT = {
      method: 'Paired t-test',
      statistic: t,
      pValue: Math.min(1, 2 * tSf(Math.abs(t), n - 1)),
      alternative: 'two-sided',
      df: n - 1,
    };
  } else {
    pairedT = {
      method: 'Paired t-test (every difference equal)',
      statistic: meanD === 0 ? 0 : Math.sign(meanD) * Number.POSITIVE_INFINITY,
      pValue: meanD === 0 ? 1 : 0,
      alternative: 'two-sided',
      df: n - 1,
    };
  }
  return {
    scorer,
    kind: 'score',
    primary: meanEstimate(xp, s.confidence),
    canary: meanEstimate(xc, s.confidence),
    delta: { estimate: meanD, ci: [ni.lowerBound, upper] },
    n,
    excluded,
    test: safeTest(() => wilcoxonSignedRank(xc, xp), 'Wilcoxon signed-rank test'),
    pairedT,
    nonInferiority: ni,
  };
}

function meanEstimate(x: number[], confidence: number): ArmEstimate {
  const n = x.length;
  const m = x.reduce((a, v) => a + v, 0) / n;
  const half = tQuantile(1 - (1 - confidence) / 2, n - 1) * Math.sqrt(variance(x) / n);
  return { n, estimate: m, ci: [m - half, m + half] };
}

function qualityMetric(q: QualityComparison): MetricComparison {
  return {
    metric: `quality:${q.scorer}`,
    unit: q.kind === 'pass' ? METRIC_UNITS.quality_pass : METRIC_UNITS.quality_score,
    better: 'higher',
    primary: { ...q.primary, ci: [...q.primary.ci] },
    canary: { ...q.canary, ci: [...q.canary.ci] },
    delta: { estimate: q.delta.estimate, ci: [...q.delta.ci] },
    test: { method: q.test.method, statistic: q.test.statistic, pValue: q.test.pValue },
  };
}

// --- pairwise -------------------------------------------------------------------------------------------

function pairwiseSummaries(records: readonly PairwiseRecord[], ctx: MetricContext): PairwiseSummary[] {
  const judges = [...new Set(records.map((r) => r.judge))].sort();
  const out: PairwiseSummary[] = [];
  for (const judge of judges) {
    let p: PairwiseSummary;
    try {
      p = pairwiseSummary(records, {
        judge,
        confidence: ctx.s.confidence,
        interval: 't',
        decisiveWinRate: false,
        bradleyTerryWhen: 'bothWon',
      });
    } catch (e) {
      // The judge has records, so the only RangeError left is "every judgment failed".
      if (!(e instanceof RangeError)) throw e;
      if (!ctx.seedOffset) ctx.notes.push(`Pairwise judge '${judge}': every judgment failed; no win rate.`);
      continue;
    }
    if (!ctx.seedOffset) {
      const { n, wins, ties, losses, errors, orderInconsistent } = p;
      ctx.notes.push(
        `Pairwise judge '${judge}': ${n} judgments (${wins} canary wins, ${ties} ties, ${losses} losses; ties count half)${errors > 0 ? `, ${errors} failed judgments left out` : ''}${orderInconsistent > 0 ? `; ${orderInconsistent} verdicts flipped with the answer order and were recorded as ties` : ''}.`,
      );
    }
    out.push(p);
  }
  return out;
}

function pairwiseMetric(p: PairwiseSummary): MetricComparison {
  const [lo, hi] = p.winRate.ci;
  // Sign test: canary wins against losses, ties left out (the exact binomial test McNemar uses).
  const t = mcnemarTest({ b: p.losses, c: p.wins }, { exact: true });
  return {
    metric: `pairwise_win_rate:${p.judge}`,
    unit: METRIC_UNITS.pairwise_win_rate,
    better: 'higher',
    primary: { n: p.n, estimate: 1 - p.winRate.estimate, ci: [1 - hi, 1 - lo] },
    canary: { ...p.winRate, ci: [lo, hi] },
    delta: { estimate: 2 * p.winRate.estimate - 1, ci: [2 * lo - 1, 2 * hi - 1] },
    test: {
      method: 'Sign test (exact binomial of wins vs losses, ties left out)',
      statistic: t.statistic,
      pValue: t.pValue,
    },
  };
}

// --- error windows --------------------------------------------------------------------------------------

interface Windows {
  rates: number[];
  table: number[][];
}

/**
 * Splits an arm's calls, ordered by start time, into consecutive windows of `size` calls; a last window
 * shorter than half the size joins the one before it.
 *
 * @example
 * windowRates(canaryCalls, 50).rates; // => [0, 0.02, 0, 0.04, …] (failed share of each window)
 */
export function windowRates(calls: readonly CallRecord[], size: number): Windows {
  const sorted = [...calls].sort(
    (a, b) =>
      Date.parse(a.startedAt) - Date.parse(b.startedAt) ||
      (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0) ||
      (a.repeat ?? 0) - (b.repeat ?? 0),
  );
  const groups: CallRecord[][] = [];
  for (let i = 0; i < sorted.length; i += size) groups.push(sorted.slice(i, i + size));
  if (groups.length >= 2 && groups[groups.length - 1].length < size / 2) {
    const last = groups.pop() as CallRecord[];
    groups[groups.length - 1].push(...last);
  }
  const table = groups.map((g) => {
    const fail = g.filter((c) => !c.ok).length;
    return [g.length - fail, fail];
  });
  return { rates: table.map(([ok, fail]) => fail / (ok + fail)), table };
}

// --- helpers --------------------------------------------------------------------------------------------

/** One record per (item, arm, repeat): the last one wins, as in calls.jsonl after a retry. */
function dedupeCalls(calls: readonly CallRecord[]): CallRecord[] {
  const m = new Map<string, CallRecord>();
  for (const c of calls) m.set(`${c.arm}\u0000${keyOf(c.itemId, c.repeat)}`, c);
  return [...m.values()];
}

function splitArms(calls: readonly CallRecord[]): Record<Arm, CallRecord[]> {
  return {
    primary: calls.filter((c) => c.arm === 'primary'),
    canary: calls.filter((c) => c.arm === 'canary'),
  };
}
