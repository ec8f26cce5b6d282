/**
 * THE SUMMARY CONTRACT (issue 15). Every metric of the analysis is computed from these mergeable summaries,
 * never from raw rows. Three producers must build byte-for-byte the same integers from the same calls:
 * the JS builder (src/analysis/summary/build.ts, for offline run folders), DuckDB SQL and ClickHouse SQL
 * (src/logs/**). Float sums (cost) agree to rounding only (summation order differs between engines).
 *
 * All types are plain JSON: numbers, strings, arrays, objects; no Map, no bigint, no Infinity/NaN. Every
 * count is an integer < 2^53. A summary is stored as-is in runs/<runId>/comparison.json (`summary`).
 *
 * ## What is counted, per arm (and again per segment)
 * - `calls`: every call (row) of the arm, ok or failed. `ok`: calls that succeeded.
 * - `failures`: failed calls by error kind (`ErrorKind` of src/types.ts, or the log's own label; a failed call
 *   with no kind is counted as `'unknown'`). Σ failures = calls − ok.
 * - `tokens`: Σ promptTokens and Σ completionTokens over every call (failed calls usually carry 0).
 * - `cost`: the delta-method sums of the PRICED calls (offline runs: fresh calls, and cache hits that carry
 *   `originalCostUsd`, priced at it; logs: every row with a cost). x = cost in USD of the call, y = its total
 *   tokens (prompt + completion): n, Σx, Σy, Σx², Σy², Σxy. Cost per 1K tokens = 1000·Σx/Σy; cost per request
 *   = Σx/n (its delta method uses y ≡ 1, i.e. n, Σx, Σx²).
 * - `latencyMs`: histogram of latencyMs of the OK calls. `ttftMs`: histogram of ttftMs of the ok calls that
 *   have one (count 0 when none has).
 * - `windows`: calls and failures per time window (arm level only, not per segment).
 *
 * ## Histogram buckets (reproduce EXACTLY in SQL)
 * Log-spaced, γ = 2^(1/B) with B = {@link BUCKETS_PER_DOUBLING} = 100 (γ ≈ 1.006956). For a value x (ms):
 * - x = 0  → counted in `zeros` (not in a bucket). x < 0, NaN, ±Infinity are invalid input (rejected earlier).
 * - x > 0  → bucket index  i = floor(100 * log2(x) + 0.5)            (an integer, negative below 1 ms)
 *   SQL, both DuckDB and ClickHouse:  CAST(floor(100 * log2(x) + 0.5) AS BIGINT)   (Int64 in ClickHouse)
 *   Do NOT use round() (ClickHouse rounds half to even, DuckDB and JS half away/up) and do not use
 *   ln(x)/ln(γ) (a different rounding path).
 * - Bucket i holds [2^((i − 0.5)/100), 2^((i + 0.5)/100)); its representative value is 2^(i/100), within
 *   2^(1/200) − 1 = 0.347% (relative) of every value in the bucket, so any quantile read from the histogram
 *   is within 0.35% of the exact one (type 7 or type 1; min and max are exact).
 * - Ties at bucket edges: every edge 2^((2i+1)/200) is irrational, so no double lies exactly on one (powers
 *   of two, common integer-ms latencies, sit at bucket CENTRES). Engines' log2 may differ by an ulp or two
 *   (≈ 1e-13 in 100·log2(x)); measured distance of 100·log2(x) + 0.5 from the nearest integer: ≥ 6.7e-8 for
 *   every integer ms 1..10^7, ≥ 6.6e-9 for every ms value with 3 decimals 0.001..100,000 ms. So all three
 *   producers agree on every bucket for such inputs.
 * - `buckets` is sparse: [index, count] pairs, count > 0, sorted by index ascending, each index once.
 *
 * ## Time windows
 * t = the call's start time in integer epoch milliseconds (UTC). Window start = floor(t / widthMs) * widthMs
 * (SQL: `intDiv(t, w) * w` in ClickHouse, `(t // w) * w` in DuckDB; t ≥ 0). Windows with no calls are
 * absent. Logs default to one hour (3,600,000 ms). Offline runs pick the smallest width of
 * `WINDOW_WIDTHS_MS` that gives at most 20 windows over the run's span (first to last start), so the
 * error-rate consistency statistic sees ~20 windows; see `chooseWindowWidth` in build.ts.
 *
 * ## Merging
 * Two summaries of disjoint calls with the same `histogram` scheme and the same `windowing.widthMs` merge
 * into the summary of their union: counts, token sums, bucket counts and window counts add; min/max take
 * min/max; `origins` concatenate; segments with the same (key, value) merge. Integer fields merge exactly
 * (associative and commutative); float sums (cost) add in IEEE double, commutative and associative to
 * rounding (≈ 1e-15 relative). See `mergeSummaries` in merge.ts.
 */

/** Histogram scheme version: bucket i = floor(B·log2(x) + 0.5), γ = 2^(1/B). */
export const BUCKETS_PER_DOUBLING = 100;

/** Default error-rate window for logs: one hour. */
export const DEFAULT_LOG_WINDOW_MS = 3_600_000;

/** Window widths offline runs choose from (the smallest giving ≤ 20 windows over the run's span). */
export const WINDOW_WIDTHS_MS: readonly number[] = [
  1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000,
  3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000,
];

/** Summary format version (bump when a field's meaning changes). */
export const SUMMARY_VERSION = 1;

/** A log-spaced histogram of non-negative values in ms (see the file comment for the exact bucket rule). */
export interface LogHistogram {
  /** Values counted: zeros + Σ bucket counts. */
  count: number;
  /** Values exactly 0. */
  zeros: number;
  /** Smallest and largest value counted (exact); null when count = 0. */
  min: number | null;
  max: number | null;
  /** Σ values (for a mean; float, merges to rounding). */
  sum: number;
  /** Sparse [bucket index, count] pairs, count > 0, ascending by index, each index once. */
  buckets: Array<[number, number]>;
}

/** The delta-method sums of the priced calls: x = cost (USD), y = tokens (prompt + completion). */
export interface CostSums {
  /** Priced calls. */
  n: number;
  /** Σx: total cost, USD (float). */
  sumCost: number;
  /** Σy: total tokens (integer). */
  sumTokens: number;
  /** Σx² (float). */
  sumCost2: number;
  /** Σy² (integer while < 2^53). */
  sumTokens2: number;
  /** Σxy (float). */
  sumCostTokens: number;
}

/** Everything counted for one set of calls (an arm, or an arm within a segment). */
export interface CallStats {
  calls: number;
  ok: number;
  /** Failed calls by error kind ('unknown' when a failed call has none); Σ = calls − ok. */
  failures: Record<string, number>;
  tokens: { prompt: number; completion: number };
  cost: CostSums;
  /** Calls served from a response cache (offline runs; 0 for logs). */
  cached: number;
  /** latencyMs of ok calls. */
  latencyMs: LogHistogram;
  /** ttftMs of ok calls that have one. */
  ttftMs: LogHistogram;
}

/** Calls and failures of one arm in one time window. */
export interface WindowCount {
  /** Window start, integer epoch ms (a multiple of `windowing.widthMs`). */
  start: number;
  calls: number;
  failures: number;
}

/** One segment of an arm: `tier` (meta.tier / the log's tier) or `tag` (each of meta.tags). */
export interface SegmentStats extends CallStats {
  key: 'tier' | 'tag';
  value: string;
}

/** One arm's summary. */
export interface ArmSummary extends CallStats {
  /** Calls by model name (an arm may change model over a log, or fall back). */
  models: Record<string, number>;
  /** Per-window counts, ascending by start, windows with calls only. */
  windows: WindowCount[];
  /** Per-segment stats, sorted by key then value; a call with several tags counts in each tag's segment. */
  segments: SegmentStats[];
  /** First and last call start, integer epoch ms; null when the arm has no calls. */
  firstStart: number | null;
  lastStart: number | null;
}

/** Where a summary came from: the import facts (never credentials, never the log's content). */
export interface SummaryOrigin {
  /** The source's name: a run id ("run:<id>"), a file/folder/glob as given, or clickhouse://host:port/db/table. */
  source: string;
  engine: 'js' | 'duckdb' | 'clickhouse';
  /** Rows (calls) read and counted. */
  rows: number;
  /** Lines that failed validation (counted only with --skip-invalid; otherwise the import fails). */
  invalidLines: number;
  /** Rows read but not counted for another reason (e.g. an arm not in the comparison). */
  skippedRows?: number;
  /** ISO-8601 time the summary was made. */
  createdAt?: string;
}

/** The whole mergeable summary of a comparison: what comparison.json stores instead of raw values. */
export interface RunSummary {
  version: typeof SUMMARY_VERSION;
  histogram: { scheme: 'log2'; bucketsPerDoubling: typeof BUCKETS_PER_DOUBLING };
  windowing: { widthMs: number };
  /** One per summarised source; merging concatenates them. */
  origins: SummaryOrigin[];
  primary: ArmSummary;
  canary: ArmSummary;
}
