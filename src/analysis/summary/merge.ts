/**
 * Merging summaries of disjoint data into the summary of their union (types.ts, "Merging").
 */
import { compareSegments } from './build';
import { SummaryError, summaryMsg } from './errors';
import { checkHistogram, mergeHistograms } from './histogram';
import {
  type ArmSummary,
  BUCKETS_PER_DOUBLING,
  type CallStats,
  type CostSums,
  type RunSummary,
  type SegmentStats,
  SUMMARY_VERSION,
  type WindowCount,
} from './types';

const addRecords = (a: Record<string, number>, b: Record<string, number>): Record<string, number> => {
  const out: Record<string, number> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return Object.fromEntries(Object.entries(out).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
};

/** Adds the cost sums of two disjoint sets of calls. */
export const addCostSums = (a: CostSums, b: CostSums): CostSums => ({
  n: a.n + b.n,
  sumCost: a.sumCost + b.sumCost,
  sumTokens: a.sumTokens + b.sumTokens,
  sumCost2: a.sumCost2 + b.sumCost2,
  sumTokens2: a.sumTokens2 + b.sumTokens2,
  sumCostTokens: a.sumCostTokens + b.sumCostTokens,
});

/** Merges the counts, sums and histograms of two disjoint sets of calls. */
export function mergeCallStats(a: CallStats, b: CallStats): CallStats {
  return {
    calls: a.calls + b.calls,
    ok: a.ok + b.ok,
    failures: addRecords(a.failures, b.failures),
    tokens: {
      prompt: a.tokens.prompt + b.tokens.prompt,
      completion: a.tokens.completion + b.tokens.completion,
    },
    cost: addCostSums(a.cost, b.cost),
    cached: a.cached + b.cached,
    latencyMs: mergeHistograms(a.latencyMs, b.latencyMs),
    ttftMs: mergeHistograms(a.ttftMs, b.ttftMs),
  };
}

const pickStats = (s: CallStats): CallStats => ({
  calls: s.calls,
  ok: s.ok,
  failures: s.failures,
  tokens: s.tokens,
  cost: s.cost,
  cached: s.cached,
  latencyMs: s.latencyMs,
  ttftMs: s.ttftMs,
});

function mergeWindows(a: readonly WindowCount[], b: readonly WindowCount[]): WindowCount[] {
  const m = new Map<number, WindowCount>();
  for (const w of [...a, ...b]) {
    const cur = m.get(w.start);
    m.set(
      w.start,
      cur ? { start: w.start, calls: cur.calls + w.calls, failures: cur.failures + w.failures } : { ...w },
    );
  }
  return [...m.values()].sort((x, y) => x.start - y.start);
}

function mergeSegments(a: readonly SegmentStats[], b: readonly SegmentStats[]): SegmentStats[] {
  const m = new Map<string, SegmentStats>();
  for (const s of [...a, ...b]) {
    const k = `${s.key}\u0000${s.value}`;
    const cur = m.get(k);
    m.set(
      k,
      cur
        ? { key: s.key, value: s.value, ...mergeCallStats(pickStats(cur), pickStats(s)) }
        : { key: s.key, value: s.value, ...pickStats(s) },
    );
  }
  return [...m.values()].sort(compareSegments);
}

const minOf = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.min(x, y));
const maxOf = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.max(x, y));

/** Merges two summaries of the same arm over disjoint calls. */
export function mergeArmSummaries(a: ArmSummary, b: ArmSummary): ArmSummary {
  return {
    ...mergeCallStats(a, b),
    models: addRecords(a.models, b.models),
    windows: mergeWindows(a.windows, b.windows),
    segments: mergeSegments(a.segments, b.segments),
    firstStart: minOf(a.firstStart, b.firstStart),
    lastStart: maxOf(a.lastStart, b.lastStart),
  };
}

/**
 * The summary of the union of two disjoint sets of calls: exact for every count, token sum, histogram and
 * window (associative and commutative); float cost sums add in double precision. Both must use the same
 * histogram scheme and window width.
 *
 * @throws {SummaryError} SUMMARY_INCOMPATIBLE when versions, histogram schemes or window widths differ
 * @example
 * const week = days.reduce(mergeSummaries); // seven daily summaries → one
 */
export function mergeSummaries(a: RunSummary, b: RunSummary): RunSummary {
  if (a.version !== b.version)
    throw new SummaryError('SUMMARY_INCOMPATIBLE', summaryMsg.versionsDiffer(a.version, b.version));
  if (
    a.histogram.bucketsPerDoubling !== b.histogram.bucketsPerDoubling ||
    a.histogram.scheme !== b.histogram.scheme
  )
    throw new SummaryError('SUMMARY_INCOMPATIBLE', summaryMsg.schemesDiffer(a.histogram, b.histogram));
  if (a.windowing.widthMs !== b.windowing.widthMs)
    throw new SummaryError(
      'SUMMARY_INCOMPATIBLE',
      summaryMsg.widthsDiffer(a.windowing.widthMs, b.windowing.widthMs),
    );
  return {
    version: a.version,
    histogram: { ...a.histogram },
    windowing: { ...a.windowing },
    origins: [...a.origins, ...b.origins],
    primary: mergeArmSummaries(a.primary, b.primary),
    canary: mergeArmSummaries(a.canary, b.canary),
  };
}

/**
 * Validates a summary read from a file or produced by an engine: version, scheme, integer counts, the
 * histograms' invariants, Σ failures = calls − ok, windows. Errors name the field (`canary.latencyMs.count`).
 *
 * @throws {SummaryError} SUMMARY_BAD_SUMMARY naming `where` and the field, and what was expected
 */
export function checkSummary(s: RunSummary, where = 'summary'): void {
  const bad = (field: string, expected: string, got: unknown) =>
    new SummaryError('SUMMARY_BAD_SUMMARY', summaryMsg.badField(where, field, expected, got));
  if (s === null || typeof s !== 'object') throw bad('', 'a summary object', s);
  if (s.version !== SUMMARY_VERSION) throw bad('version', String(SUMMARY_VERSION), s.version);
  if (s.histogram?.bucketsPerDoubling !== BUCKETS_PER_DOUBLING || s.histogram?.scheme !== 'log2')
    throw bad('histogram', `{ scheme: 'log2', bucketsPerDoubling: ${BUCKETS_PER_DOUBLING} }`, s.histogram);
  if (!(Number.isInteger(s.windowing?.widthMs) && s.windowing.widthMs >= 1))
    throw bad('windowing.widthMs', 'an integer >= 1', s.windowing?.widthMs);
  const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  const checkStats = (c: CallStats, at: string) => {
    for (const f of ['calls', 'ok', 'cached'] as const)
      if (!isCount(c[f])) throw bad(`${at}.${f}`, 'an integer >= 0', c[f]);
    if (c.ok > c.calls) throw bad(`${at}.ok`, `at most calls (${c.calls})`, c.ok);
    const failed = Object.values(c.failures ?? {}).reduce((x, v) => x + v, 0);
    if (failed !== c.calls - c.ok)
      throw bad(`${at}.failures`, `counts summing to calls − ok = ${c.calls - c.ok}`, c.failures);
    if (!isCount(c.tokens?.prompt) || !isCount(c.tokens?.completion))
      throw bad(`${at}.tokens`, '{ prompt, completion } integers >= 0', c.tokens);
    if (!isCount(c.cost?.n)) throw bad(`${at}.cost.n`, 'an integer >= 0', c.cost?.n);
    for (const f of ['sumCost', 'sumTokens', 'sumCost2', 'sumTokens2', 'sumCostTokens'] as const)
      if (!(typeof c.cost[f] === 'number' && Number.isFinite(c.cost[f]) && c.cost[f] >= 0))
        throw bad(`${at}.cost.${f}`, 'a finite number >= 0', c.cost[f]);
    checkHistogram(c.latencyMs, `${where}.${at}.latencyMs`);
    checkHistogram(c.ttftMs, `${where}.${at}.ttftMs`);
    if (c.latencyMs.count > c.ok)
      throw bad(`${at}.latencyMs.count`, `at most the ok calls (${c.ok})`, c.latencyMs.count);
  };
  for (const arm of ['primary', 'canary'] as const) {
    const a = s[arm];
    if (a === null || typeof a !== 'object') throw bad(arm, 'an arm summary', a);
    checkStats(a, arm);
    let calls = 0;
    a.windows.forEach((w, i) => {
      if (!isCount(w.calls) || !isCount(w.failures) || w.failures > w.calls || !Number.isInteger(w.start))
        throw bad(`${arm}.windows[${i}]`, '{ start: integer ms, calls, failures <= calls }', w);
      if (w.start % s.windowing.widthMs !== 0)
        throw bad(`${arm}.windows[${i}].start`, `a multiple of ${s.windowing.widthMs}`, w.start);
      calls += w.calls;
    });
    if (calls !== a.calls) throw bad(`${arm}.windows`, `window calls summing to ${a.calls}`, calls);
    a.segments.forEach((g, i) => {
      if (g.key !== 'tier' && g.key !== 'tag')
        throw bad(`${arm}.segments[${i}].key`, "'tier' or 'tag'", g.key);
      checkStats(g, `${arm}.segments[${i}]`);
    });
  }
}
