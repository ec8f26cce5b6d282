/** Per-arm accumulators of the log engines' grouped rows: call stats (overall and per tier), models, windows, exact cost sums. */
import { HistogramBuilder } from '../analysis/summary/histogram';
import type { ArmSummary, CallStats, LogHistogram, SegmentStats } from '../analysis/summary/types';
import type { BucketRow, GroupRow, WindowRow } from './engineTypes';

/** Call stats of a set of groups (one arm, or one arm's tier). */
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

export const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Integer token sums of one model at its price (per 1 token), for the exact cost sums. */
interface TokenSums {
  price: number;
  s: number;
  s2: number;
}

/** One arm's accumulator. */
export interface ArmAcc {
  all: Stats;
  seg: Map<string, Stats>;
  models: Map<string, number>;
  windows: Map<number, { start: number; calls: number; failures: number }>;
  first: number | null;
  last: number | null;
  /** Integer token sums per (model) and per (tier, model), for the exact cost sums. */
  tok: Map<string, TokenSums>;
  segTok: Map<string, Map<string, TokenSums>>;
}

/** An empty arm accumulator. */
export function newArmAcc(): ArmAcc {
  return {
    all: new Stats(),
    seg: new Map(),
    models: new Map(),
    windows: new Map(),
    first: null,
    last: null,
    tok: new Map(),
    segTok: new Map(),
  };
}

function addTok(m: Map<string, TokenSums>, model: string, price: number, g: GroupRow): void {
  const t = m.get(model) ?? { price, s: 0, s2: 0 };
  t.s += g.tokSum;
  t.s2 += g.tokSum2;
  m.set(model, t);
}

/** Adds a group of rows to its arm (overall, its tier's segment, its model's token sums when priced). */
export function addGroup(a: ArmAcc, g: GroupRow, price: number | undefined): void {
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

/** Adds a latency bucket count to its arm (and its tier's segment, when the tier has groups). */
export function addBucket(a: ArmAcc, b: BucketRow): void {
  a.all.buckets.set(b.bucket, (a.all.buckets.get(b.bucket) ?? 0) + b.count);
  if (b.tier !== null) {
    const s = a.seg.get(b.tier);
    if (s) s.buckets.set(b.bucket, (s.buckets.get(b.bucket) ?? 0) + b.count);
  }
}

/** Adds a time window's counts to its arm. */
export function addWindow(a: ArmAcc, w: WindowRow): void {
  const x = a.windows.get(w.start) ?? { start: w.start, calls: 0, failures: 0 };
  x.calls += w.calls;
  x.failures += w.failures;
  a.windows.set(w.start, x);
}

function addCostByModel(m: Map<string, TokenSums>, s: Stats): void {
  for (const k of [...m.keys()].sort(cmp)) {
    const t = m.get(k) as TokenSums;
    s.addCost(t.price, t.s, t.s2);
  }
}

/** The arm's summary: cost sums added model by model in name order, segments and models sorted. */
export function toArmSummary(a: ArmAcc): ArmSummary {
  addCostByModel(a.tok, a.all);
  const segments: SegmentStats[] = [...a.seg.keys()].sort(cmp).map((tier) => {
    const s = a.seg.get(tier) as Stats;
    addCostByModel(a.segTok.get(tier) ?? new Map(), s);
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
}
