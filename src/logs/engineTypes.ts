/** What the SQL log engines return: the grouped rows of the summary contract, the invalid lines, the users per arm. */
import type { InvalidLine } from '../routing/logs';
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

/** What an SQL engine (DuckDB, ClickHouse) returns. */
export interface EngineResult {
  aggs: EngineAggregates;
  /** Lines or rows that broke a rule (all counted). */
  invalidLines: number;
  /** The first ones, located. */
  invalid: InvalidLine[];
  /** Distinct users per arm and in both, given the arm of each (routedTo, model). */
  users(armOf: (routedTo: string | null, model: string) => Arm | undefined): Promise<{
    primary: number;
    canary: number;
    both: number;
  }>;
  close(): void;
}
