/**
 * CallRecords → the mergeable {@link RunSummary} (the JS producer of the contract in types.ts; DuckDB and
 * ClickHouse SQL in src/logs produce the same from logs).
 */
import type { Arm, CallRecord } from '../../types';
import { SummaryError, summaryMsg } from './errors';
import { HistogramBuilder } from './histogram';
import {
  type ArmSummary,
  BUCKETS_PER_DOUBLING,
  type CallStats,
  type RunSummary,
  type SegmentStats,
  SUMMARY_VERSION,
  type SummaryOrigin,
  WINDOW_WIDTHS_MS,
  type WindowCount,
} from './types';

/** Most windows an offline run is split into by {@link chooseWindowWidth}. */
export const TARGET_WINDOWS = 20;

/**
 * The error-rate window width of an offline run: the smallest of `WINDOW_WIDTHS_MS` that splits the
 * span from the first to the last call start into at most 20 windows (aligned at multiples of the width,
 * so up to 21 can hold calls); the largest width for longer runs.
 *
 * @example
 * chooseWindowWidth(0, 30_000); // => 2000 (a 30-second run: ~15 two-second windows)
 */
export function chooseWindowWidth(firstStartMs: number, lastStartMs: number): number {
  const span = Math.max(0, lastStartMs - firstStartMs);
  for (const w of WINDOW_WIDTHS_MS) if (span / w <= TARGET_WINDOWS) return w;
  return WINDOW_WIDTHS_MS[WINDOW_WIDTHS_MS.length - 1];
}

/** Accumulates one set of calls into {@link CallStats}. */
class StatsBuilder {
  calls = 0;
  ok = 0;
  cached = 0;
  failures: Record<string, number> = {};
  prompt = 0;
  completion = 0;
  cost = { n: 0, sumCost: 0, sumTokens: 0, sumCost2: 0, sumTokens2: 0, sumCostTokens: 0 };
  latency = new HistogramBuilder();
  ttft = new HistogramBuilder();

  add(c: CallRecord): void {
    this.calls++;
    if (c.cached) this.cached++;
    const tokens = c.usage.promptTokens + c.usage.completionTokens;
    this.prompt += c.usage.promptTokens;
    this.completion += c.usage.completionTokens;
    // Priced calls: fresh ones, and cache hits that carry their answer's original cost.
    if (!c.cached || c.originalCostUsd !== undefined) {
      const x = c.cached ? (c.originalCostUsd as number) : c.costUsd;
      const k = this.cost;
      k.n++;
      k.sumCost += x;
      k.sumTokens += tokens;
      k.sumCost2 += x * x;
      k.sumTokens2 += tokens * tokens;
      k.sumCostTokens += x * tokens;
    }
    if (c.ok) {
      this.ok++;
      this.latency.add(c.latencyMs);
      if (c.ttftMs !== undefined && c.ttftMs !== null) this.ttft.add(c.ttftMs);
    } else {
      const kind = c.errorKind ?? 'unknown';
      this.failures[kind] = (this.failures[kind] ?? 0) + 1;
    }
  }

  toStats(): CallStats {
    return {
      calls: this.calls,
      ok: this.ok,
      failures: sortKeys(this.failures),
      tokens: { prompt: this.prompt, completion: this.completion },
      cost: { ...this.cost },
      cached: this.cached,
      latencyMs: this.latency.toHistogram(),
      ttftMs: this.ttft.toHistogram(),
    };
  }
}

const sortKeys = (r: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** The segments a call belongs to: its item's tier, and each of its tags. */
export type SegmentsOf = (c: CallRecord) => ReadonlyArray<{ key: 'tier' | 'tag'; value: string }>;

/** Options of {@link summarizeCalls}. */
export interface SummarizeCallsOptions {
  /** Window width in ms; default {@link chooseWindowWidth} over the calls' start times. */
  windowMs?: number;
  /** Segments of a call (default: none). */
  segmentsOf?: SegmentsOf;
  /** The import facts; default { source: 'calls', engine: 'js', rows: calls.length, invalidLines: 0 }. */
  origin?: Partial<SummaryOrigin>;
}

/**
 * Summarises calls (already one per item, arm and repeat) into the mergeable {@link RunSummary}: per arm and
 * segment the counts, failures by kind, token and cost sums, latency and TTFT histograms; per arm the
 * calls and failures of each time window. The raw calls are not kept.
 *
 * @throws {SummaryError} SUMMARY_BAD_VALUE naming the call when a latency, TTFT or start time is invalid
 * @example
 * const s = summarizeCalls(run.calls, { segmentsOf: segmentsFromItems(run.items) });
 * s.canary.latencyMs.count; // ok canary calls
 */
export function summarizeCalls(calls: readonly CallRecord[], opts: SummarizeCallsOptions = {}): RunSummary {
  const times = new Float64Array(calls.length);
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  calls.forEach((c, i) => {
    const t = Date.parse(c.startedAt);
    if (!Number.isFinite(t) || t < 0)
      throw new SummaryError(
        'SUMMARY_BAD_VALUE',
        summaryMsg.badStart(`${c.arm}/${c.itemId}/${c.repeat}`, c.startedAt),
      );
    times[i] = t;
    if (t < first) first = t;
    if (t > last) last = t;
  });
  const widthMs = opts.windowMs ?? (calls.length > 0 ? chooseWindowWidth(first, last) : 3_600_000);
  if (!(Number.isInteger(widthMs) && widthMs >= 1))
    throw new SummaryError('SUMMARY_BAD_OPTION', summaryMsg.badWindow(widthMs));

  const arms = {
    primary: new ArmBuilder(),
    canary: new ArmBuilder(),
  } as Record<Arm, ArmBuilder>;
  calls.forEach((c, i) => {
    const arm = arms[c.arm];
    if (!arm) throw new SummaryError('SUMMARY_BAD_VALUE', summaryMsg.badArm(c.itemId, c.arm));
    try {
      arm.add(c, times[i], widthMs, opts.segmentsOf?.(c) ?? []);
    } catch (e) {
      if (e instanceof SummaryError)
        throw new SummaryError(e.code, summaryMsg.inCall(`${c.arm}/${c.itemId}/${c.repeat}`, e.message));
      throw e;
    }
  });
  const origin: SummaryOrigin = {
    source: 'calls',
    engine: 'js',
    rows: calls.length,
    invalidLines: 0,
    ...opts.origin,
  };
  return {
    version: SUMMARY_VERSION,
    histogram: { scheme: 'log2', bucketsPerDoubling: BUCKETS_PER_DOUBLING },
    windowing: { widthMs },
    origins: [origin],
    primary: arms.primary.toSummary(),
    canary: arms.canary.toSummary(),
  };
}

class ArmBuilder {
  private readonly all = new StatsBuilder();
  private readonly models = new Map<string, number>();
  private readonly windows = new Map<number, WindowCount>();
  private readonly segments = new Map<string, { key: 'tier' | 'tag'; value: string; b: StatsBuilder }>();
  private first: number | null = null;
  private last: number | null = null;

  add(
    c: CallRecord,
    t: number,
    widthMs: number,
    segs: ReadonlyArray<{ key: 'tier' | 'tag'; value: string }>,
  ): void {
    this.all.add(c);
    this.models.set(c.model, (this.models.get(c.model) ?? 0) + 1);
    const start = Math.floor(t / widthMs) * widthMs;
    const w = this.windows.get(start) ?? { start, calls: 0, failures: 0 };
    w.calls++;
    if (!c.ok) w.failures++;
    this.windows.set(start, w);
    if (this.first === null || t < this.first) this.first = t;
    if (this.last === null || t > this.last) this.last = t;
    const seen = new Set<string>();
    for (const s of segs) {
      const k = `${s.key}\u0000${s.value}`;
      if (seen.has(k)) continue; // a tag listed twice counts once
      seen.add(k);
      let g = this.segments.get(k);
      if (!g) {
        g = { key: s.key, value: s.value, b: new StatsBuilder() };
        this.segments.set(k, g);
      }
      g.b.add(c);
    }
  }

  toSummary(): ArmSummary {
    const segments: SegmentStats[] = [...this.segments.values()]
      .sort((a, b) => compareSegments(a, b))
      .map((g) => ({ key: g.key, value: g.value, ...g.b.toStats() }));
    return {
      ...this.all.toStats(),
      models: sortKeys(Object.fromEntries(this.models)),
      windows: [...this.windows.values()].sort((a, b) => a.start - b.start),
      segments,
      firstStart: this.first,
      lastStart: this.last,
    };
  }
}

/** Segment order: key, then value (code-unit order, as SQL's ORDER BY on bytes). */
export function compareSegments(
  a: { key: string; value: string },
  b: { key: string; value: string },
): number {
  if (a.key !== b.key) return a.key < b.key ? -1 : 1;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

/**
 * The segments of a call from its item's metadata: `tier` (meta.tier) and each of `meta.tags`.
 *
 * @example
 * summarizeCalls(calls, { segmentsOf: segmentsFromItems(run.items ?? []) });
 */
export function segmentsFromItems(
  items: ReadonlyArray<{ id: string; meta?: { tier?: unknown; tags?: unknown } }>,
): SegmentsOf {
  const byId = new Map<string, Array<{ key: 'tier' | 'tag'; value: string }>>();
  for (const it of items) {
    const segs: Array<{ key: 'tier' | 'tag'; value: string }> = [];
    // Local variables, not narrowing through `?.` (tslab's older TypeScript compiles this file too).
    const tier = it.meta?.tier;
    const tags = it.meta?.tags;
    if (typeof tier === 'string') segs.push({ key: 'tier', value: tier });
    if (Array.isArray(tags))
      for (const t of tags) if (typeof t === 'string') segs.push({ key: 'tag', value: t });
    if (segs.length > 0) byId.set(it.id, segs);
  }
  return (c) => byId.get(c.itemId) ?? [];
}
