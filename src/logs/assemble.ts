/**
 * Engine-independent half of the log engines: the grouped rows both SQL engines return (DuckDB and
 * ClickHouse run the same grouping) are turned into the summary contract (src/analysis/summary/types.ts).
 * Arms are resolved here, from `routedTo` or the model, so the SQL never needs to know the arm rules.
 * Cost sums come from INTEGER per-model token sums (Σx = Σ_m p_m·Σy_m, Σx² = Σ_m p_m²·Σy²_m,
 * Σxy = Σ_m p_m·Σy²_m), so both engines give bit-identical numbers.
 */
import {
  BUCKETS_PER_DOUBLING,
  type RunSummary,
  SUMMARY_VERSION,
  type SummaryOrigin,
} from '../analysis/summary/types';
import type { Pricing } from '../gateway/pricing';
import { armOfModel, type ModelArms, namesAModel } from '../routing/armOfModel';
import { ProductionLogError, productionLogMsg } from '../routing/logs';
import type { Arm } from '../types';
import { type ArmAcc, addBucket, addGroup, addWindow, cmp, newArmAcc, toArmSummary } from './armAccumulator';
import type { EngineAggregates, GroupRow } from './engineTypes';

/** How a row's arm is told when it did not log routedTo: the model of each arm. */
export type ArmRules = ModelArms;

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
    const byModel = armOfModel(model, rules);
    return byModel !== undefined || namesAModel(rules) ? byModel : learned.get(model);
  };
}

/** A fixed order of groups, so float sums (latency of fractional ms) add the same way whatever the engine's order. */
const groupOrder = (a: GroupRow, b: GroupRow) =>
  cmp(a.model, b.model) ||
  cmp(a.tier ?? '', b.tier ?? '') ||
  cmp(a.routedTo ?? '', b.routedTo ?? '') ||
  cmp(a.kind, b.kind) ||
  Number(a.ok) - Number(b.ok) ||
  a.firstStart - b.firstStart;

/** The arm of (routedTo, model), or CANARYLAB_ERR_LOG_ARM naming the source. */
function strictArmOf(
  armOf: (routedTo: string | null, model: string) => Arm | undefined,
  source: string,
): (routedTo: string | null, model: string) => Arm {
  return (routedTo, model) => {
    const arm = armOf(routedTo, model);
    if (!arm)
      throw new ProductionLogError({
        code: 'CANARYLAB_ERR_LOG_ARM',
        file: source,
        line: 0,
        field: 'model',
        expected: productionLogMsg.armUnknown(model, true),
      });
    return arm;
  };
}

/** A model's price per output token (undefined without pricing), or CANARYLAB_ERR_LOG_ARM when it has none. */
function priceLookup(pricing: Pricing | undefined, source: string): (model: string) => number | undefined {
  return (model) => {
    if (!pricing) return undefined;
    if (!Object.hasOwn(pricing.models, model))
      throw new ProductionLogError({
        code: 'CANARYLAB_ERR_LOG_ARM',
        file: source,
        line: 0,
        field: 'model',
        expected: productionLogMsg.noPrice(model),
      });
    return pricing.models[model].outputPer1M / 1e6;
  };
}

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
  const resolve = strictArmOf(armResolver(aggs.groups, o.rules ?? {}), o.source);
  const priceOf = priceLookup(o.pricing, o.source);
  const arms: Record<Arm, ArmAcc> = { primary: newArmAcc(), canary: newArmAcc() };
  const facts: LogImportFacts = {
    lines: { shadow: 0, routing: 0 },
    models: { primary: [], canary: [] },
    split: { requests: { primary: 0, canary: 0 } },
  };
  for (const g of [...aggs.groups].sort(groupOrder)) {
    const arm = resolve(g.routedTo, g.model);
    const price = priceOf(g.model);
    facts.lines[g.kind] += g.calls;
    if (g.kind === 'routing') facts.split.requests[arm] += g.calls;
    addGroup(arms[arm], g, price);
  }
  for (const b of aggs.buckets) addBucket(arms[resolve(b.routedTo, b.model)], b);
  for (const w of aggs.windows) addWindow(arms[resolve(w.routedTo, w.model)], w);
  const primary = toArmSummary(arms.primary);
  const canary = toArmSummary(arms.canary);
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
