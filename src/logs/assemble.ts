/**
 * Engine-independent half of the log engines: the grouped rows both SQL engines return (DuckDB and
 * ClickHouse run the same grouping) are turned into the summary contract (src/analysis/summary/types.ts).
 * Arms are resolved here, from `routedTo` or the model, so the SQL never needs to know the arm rules.
 * Cost sums come from INTEGER per-model token sums (Σx = Σ_m p_m·Σy_m, Σx² = Σ_m p_m²·Σy²_m,
 * Σxy = Σ_m p_m·Σy²_m), so both engines give bit-identical numbers.
 */
import { HistogramBuilder } from '../analysis/summary/histogram';
import {
  type ArmSummary,
  BUCKETS_PER_DOUBLING,
  type CallStats,
  type LogHistogram,
  type RunSummary,
  type SegmentStats,
  SUMMARY_VERSION,
  type SummaryOrigin,
} from '../analysis/summary/types';
import type { Pricing } from '../gateway/pricing';
import { ProductionLogError } from '../routing/logs';
import type { Arm } from '../types';

/** One group of valid rows: (kind, routedTo, model, tier, ok), possibly split further (by time window). */
export interface GroupRow {
  kind: 'routing' | 'shadow';
  routedTo: string | null;
  model: string;
  tier: string | null;
  ok: boolean;
  calls: number;
  /** ok rows with latency 0. */
  zeros: number;
  /** Σ, min, max of latency over ok rows (0/null when none). */
  latSum: number;
  latMin: number | null;
  latMax: number | null;
  /** Σ tokens and Σ tokens² (integers). */
  tokSum: number;
  tokSum2: number;
  firstStart: number;
  lastStart: number;
}

/** Latency bucket counts of ok rows with latency > 0. */
export interface BucketRow {
  routedTo: string | null;
  model: string;
  tier: string | null;
  bucket: number;
  count: number;
}

/** Calls and failures per time window. */
export interface WindowRow {
  routedTo: string | null;
  model: string;
  start: number;
  calls: number;
  failures: number;
}

/** What an engine returns. */
export interface EngineAggregates {
  groups: GroupRow[];
  buckets: BucketRow[];
  windows: WindowRow[];
}

/** How a row's arm is told. */
export interface ArmRules {
  primaryModel?: string;
  canaryModel?: string;
}

/** The import facts kept in import.json (never the log's content, never credentials). */
export interface LogImportFacts {
  lines: { shadow: number; routing: number };
  models: { primary: string[]; canary: string[] };
  split: { requests: { primary: number; canary: number } };
}

/**
 * The arm resolver of a set of groups: `routedTo` when logged; else the model (primaryModel / canaryModel;
 * with only one given every other model is the other arm); else the arm that model was routed to in rows
 * that logged `routedTo`.
 */
export function armResolver(
  groups: ReadonlyArray<{ routedTo: string | null; model: string }>,
  rules: ArmRules,
): (routedTo: string | null, model: string) => Arm | undefined {
  const learned = new Map<string, Arm>();
  for (const g of groups)
    if ((g.routedTo === 'primary' || g.routedTo === 'canary') && !learned.has(g.model))
      learned.set(g.model, g.routedTo);
  return (routedTo, model) => {
    if (routedTo === 'primary' || routedTo === 'canary') return routedTo;
    const { primaryModel: p, canaryModel: c } = rules;
    if (p !== undefined && model === p) return 'primary';
    if (c !== undefined && model === c) return 'canary';
    if (p !== undefined && c === undefined) return 'canary';
    if (c !== undefined && p === undefined) return 'primary';
    if (p !== undefined && c !== undefined) return undefined;
    return learned.get(model);
  };
}

class Stats {
  calls = 0;
  ok = 0;
  failures: Record<string, number> = {};
  completion = 0;
  cost = { n: 0, sumCost: 0, sumTokens: 0, sumCost2: 0, sumTokens2: 0, sumCostTokens: 0 };
  zeros = 0;
  latSum = 0;
  latMin: number | null = null;
  latMax: number | null = null;
  buckets = new Map<number, number>();

  add(g: GroupRow, price: number | undefined): void {
    this.calls += g.calls;
    this.completion += g.tokSum;
    if (g.ok) {
      this.ok += g.calls;
      this.zeros += g.zeros;
      this.latSum += g.latSum;
      if (g.latMin !== null) this.latMin = this.latMin === null ? g.latMin : Math.min(this.latMin, g.latMin);
      if (g.latMax !== null) this.latMax = this.latMax === null ? g.latMax : Math.max(this.latMax, g.latMax);
    } else {
      const kind = g.kind === 'shadow' ? 'invalid_response' : 'unknown';
      this.failures[kind] = (this.failures[kind] ?? 0) + g.calls;
    }
    if (price !== undefined) {
      const k = this.cost;
      k.n += g.calls;
      k.sumTokens += g.tokSum;
      k.sumTokens2 += g.tokSum2;
    }
  }

  addCost(price: number, tokSum: number, tokSum2: number): void {
    this.cost.sumCost += price * tokSum;
    this.cost.sumCost2 += price * price * tokSum2;
    this.cost.sumCostTokens += price * tokSum2;
  }

  histogram(): LogHistogram {
    const buckets = [...this.buckets.entries()].filter(([, c]) => c > 0).sort((a, b) => a[0] - b[0]);
    const count = this.zeros + buckets.reduce((s, [, c]) => s + c, 0);
    return {
      count,
      zeros: this.zeros,
      min: count > 0 ? this.latMin : null,
      max: count > 0 ? this.latMax : null,
      sum: this.latSum,
      buckets,
    };
  }

  toStats(): CallStats {
    return {
      calls: this.calls,
      ok: this.ok,
      failures: Object.fromEntries(Object.entries(this.failures).sort(([a], [b]) => (a < b ? -1 : 1))),
      tokens: { prompt: 0, completion: this.completion },
      cost: { ...this.cost },
      cached: 0,
      latencyMs: this.histogram(),
      ttftMs: new HistogramBuilder().toHistogram(),
    };
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const groupOrder = (a: GroupRow, b: GroupRow) =>
  cmp(a.model, b.model) ||
  cmp(a.tier ?? '', b.tier ?? '') ||
  cmp(a.routedTo ?? '', b.routedTo ?? '') ||
  cmp(a.kind, b.kind) ||
  Number(a.ok) - Number(b.ok) ||
  a.firstStart - b.firstStart;

/**
 * Builds the summary contract from an engine's grouped rows.
 *
 * @throws {ProductionLogError} CANARYLAB_ERR_LOG_ARM when a model's arm cannot be told or has no price
 * @example
 * const { summary, facts } = assembleSummary(aggs, { source: 'logs/*.jsonl', engine: 'duckdb', windowMs: 3_600_000 });
 */
export function assembleSummary(
  aggs: EngineAggregates,
  o: {
    source: string;
    engine: SummaryOrigin['engine'];
    windowMs: number;
    rules?: ArmRules;
    pricing?: Pricing;
    invalidLines?: number;
  },
): { summary: RunSummary; facts: LogImportFacts } {
  const armOf = armResolver(aggs.groups, o.rules ?? {});
  const resolve = (routedTo: string | null, model: string): Arm => {
    const arm = armOf(routedTo, model);
    if (!arm)
      throw new ProductionLogError({
        code: 'CANARYLAB_ERR_LOG_ARM',
        file: o.source,
        line: 0,
        field: 'model',
        expected: `cannot tell which arm '${model}' is: pass { primaryModel, canaryModel } (--primary-model/--canary-model) or log routedTo`,
      });
    return arm;
  };
  const priceOf = (model: string): number | undefined => {
    if (!o.pricing) return undefined;
    if (!Object.hasOwn(o.pricing.models, model))
      throw new ProductionLogError({
        code: 'CANARYLAB_ERR_LOG_ARM',
        file: o.source,
        line: 0,
        field: 'model',
        expected: `'${model}' has no price in the pricing table (add it, or import without pricing)`,
      });
    return o.pricing.models[model].outputPer1M / 1e6;
  };
  type ArmAcc = {
    all: Stats;
    seg: Map<string, Stats>;
    models: Map<string, number>;
    windows: Map<number, { start: number; calls: number; failures: number }>;
    first: number | null;
    last: number | null;
    /** Integer token sums per (model) and per (tier, model), for the exact cost sums. */
    tok: Map<string, { price: number; s: number; s2: number }>;
    segTok: Map<string, Map<string, { price: number; s: number; s2: number }>>;
  };
  const acc = (): ArmAcc => ({
    all: new Stats(),
    seg: new Map(),
    models: new Map(),
    windows: new Map(),
    first: null,
    last: null,
    tok: new Map(),
    segTok: new Map(),
  });
  const arms: Record<Arm, ArmAcc> = { primary: acc(), canary: acc() };
  const facts: LogImportFacts = {
    lines: { shadow: 0, routing: 0 },
    models: { primary: [], canary: [] },
    split: { requests: { primary: 0, canary: 0 } },
  };
  const addTok = (
    m: Map<string, { price: number; s: number; s2: number }>,
    model: string,
    price: number,
    g: GroupRow,
  ) => {
    const t = m.get(model) ?? { price, s: 0, s2: 0 };
    t.s += g.tokSum;
    t.s2 += g.tokSum2;
    m.set(model, t);
  };
  // A fixed order, so float sums (latency of fractional ms) add the same way whatever order the engine used.
  for (const g of [...aggs.groups].sort(groupOrder)) {
    const arm = resolve(g.routedTo, g.model);
    const price = priceOf(g.model);
    const a = arms[arm];
    facts.lines[g.kind] += g.calls;
    if (g.kind === 'routing') facts.split.requests[arm] += g.calls;
    a.all.add(g, price);
    a.models.set(g.model, (a.models.get(g.model) ?? 0) + g.calls);
    a.first = a.first === null ? g.firstStart : Math.min(a.first, g.firstStart);
    a.last = a.last === null ? g.lastStart : Math.max(a.last, g.lastStart);
    if (price !== undefined) addTok(a.tok, g.model, price, g);
    if (g.tier !== null) {
      let s = a.seg.get(g.tier);
      if (!s) {
        s = new Stats();
        a.seg.set(g.tier, s);
      }
      s.add(g, price);
      if (price !== undefined) {
        let m = a.segTok.get(g.tier);
        if (!m) {
          m = new Map();
          a.segTok.set(g.tier, m);
        }
        addTok(m, g.model, price, g);
      }
    }
  }
  for (const b of aggs.buckets) {
    const a = arms[resolve(b.routedTo, b.model)];
    a.all.buckets.set(b.bucket, (a.all.buckets.get(b.bucket) ?? 0) + b.count);
    if (b.tier !== null) {
      const s = a.seg.get(b.tier);
      if (s) s.buckets.set(b.bucket, (s.buckets.get(b.bucket) ?? 0) + b.count);
    }
  }
  for (const w of aggs.windows) {
    const a = arms[resolve(w.routedTo, w.model)];
    const x = a.windows.get(w.start) ?? { start: w.start, calls: 0, failures: 0 };
    x.calls += w.calls;
    x.failures += w.failures;
    a.windows.set(w.start, x);
  }
  const byModel = (m: Map<string, { price: number; s: number; s2: number }>, s: Stats) => {
    for (const k of [...m.keys()].sort(cmp)) {
      const t = m.get(k) as { price: number; s: number; s2: number };
      s.addCost(t.price, t.s, t.s2);
    }
  };
  const toArm = (a: ArmAcc): ArmSummary => {
    byModel(a.tok, a.all);
    const segments: SegmentStats[] = [...a.seg.keys()].sort(cmp).map((tier) => {
      const s = a.seg.get(tier) as Stats;
      byModel(a.segTok.get(tier) ?? new Map(), s);
      return { key: 'tier' as const, value: tier, ...s.toStats() };
    });
    return {
      ...a.all.toStats(),
      models: Object.fromEntries([...a.models.entries()].sort(([x], [y]) => cmp(x, y))),
      windows: [...a.windows.values()].sort((x, y) => x.start - y.start),
      segments,
      firstStart: a.first,
      lastStart: a.last,
    };
  };
  const primary = toArm(arms.primary);
  const canary = toArm(arms.canary);
  facts.models = { primary: Object.keys(primary.models), canary: Object.keys(canary.models) };
  const rows = primary.calls + canary.calls;
  const summary: RunSummary = {
    version: SUMMARY_VERSION,
    histogram: { scheme: 'log2', bucketsPerDoubling: BUCKETS_PER_DOUBLING },
    windowing: { widthMs: o.windowMs },
    origins: [{ source: o.source, engine: o.engine, rows, invalidLines: o.invalidLines ?? 0 }],
    primary,
    canary,
  };
  return { summary, facts };
}
