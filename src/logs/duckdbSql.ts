/** The SQL the DuckDB engine runs: per-row normalization of JSON / CSV / Parquet, the rule each row breaks, the one-scan aggregation, users per arm. */
import type { Arm } from '../types';
import { LOG_FIELDS, type LogField } from './mapping';
import { MAX_LATENCY_MS, MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS, sqlIdent, sqlString } from './sql';

/** Their column name of each playbook field, and of `userTier` (a second name of the tier). */
export type DuckColumns = Record<LogField | 'userTier', string>;

/**
 * The per-row expressions over JSON values `J(field)` (NULL when the key is absent). Every test works on the
 * value's JSON text (a JSON column is text: `"gpt-4.1"`, `943`, `true`) with cheap string operations and
 * one numeric cast — never a second JSON parse (a parse per function per row costs more than the scan).
 * String fields stay JSON text (`"gpt-4.1"`) through the grouping; the few group keys are unquoted in JS.
 */
function normalizeJson(from: string, J: (f: LogField | 'userTier') => string): string {
  const t = (x: string) => `CAST(${x} AS VARCHAR)`;
  const isStr = (x: string) => `starts_with(${t(x)}, '"')`;
  const jnum = (x: string) => `TRY_CAST(${t(x)} AS DOUBLE)`;
  const jbool = (x: string) => `(CASE ${t(x)} WHEN 'true' THEN true WHEN 'false' THEN false END)`;
  // A JSON null is "absent" for the optional fields (routedTo, tier), as parseLine reads them.
  const opt = (x: string) => `nullif(${t(x)}, 'null')`;
  const ts = t(J('timestamp'));
  const tierJ = `coalesce(${opt(J('tier'))}, ${opt(J('userTier'))})`;
  return `SELECT f, n, l, obj,
      (${J('userId')} IS NOT NULL OR ${J('success')} IS NOT NULL OR ${J('routedTo')} IS NOT NULL) AS isR,
      (${J('valid')} IS NOT NULL OR ${J('prompt')} IS NOT NULL OR ${J('tokens')} IS NOT NULL) AS isS,
      CASE WHEN ${isStr(J('model'))} AND ${t(J('model'))} <> '""' THEN ${t(J('model'))} END AS model,
      ${jnum(J('latency'))} AS lat,
      coalesce(${jnum(J('timestamp'))},
        CASE WHEN regexp_matches(${ts}, '^"\\d{4}-\\d{2}-\\d{2}T')
          THEN CAST(epoch_ms(TRY_CAST(json_extract_string(${J('timestamp')}, '$') AS TIMESTAMPTZ)) AS DOUBLE) END) AS ts,
      CASE WHEN ${isStr(J('userId'))} AND ${t(J('userId'))} <> '""' THEN ${t(J('userId'))} END AS userId,
      ${jbool(J('success'))} AS success,
      ${opt(J('routedTo'))} IS NOT NULL AS hasRoutedTo,
      CASE WHEN ${t(J('routedTo'))} IN ('"primary"', '"canary"') THEN ${t(J('routedTo'))} END AS routedTo,
      ${tierJ} AS tierJ,
      CASE WHEN starts_with(${tierJ}, '"') THEN ${tierJ} END AS tier,
      ${isStr(J('prompt'))} AS promptOk,
      ${jnum(J('tokens'))} AS tok,
      ${jbool(J('valid'))} AS valid
    FROM ${from}`;
}

/** The `problem` of each row (first broken rule, parseLine's order) and the normalized columns. */
export function withProblem(norm: string): string {
  return `SELECT f, n, l,
      CASE
        WHEN NOT obj THEN '(line)'
        WHEN NOT isR AND NOT isS THEN '(record)'
        WHEN model IS NULL OR model = '' THEN 'model'
        WHEN lat IS NULL OR NOT (lat >= 0 AND lat <= ${MAX_LATENCY_MS}) THEN 'latency'
        WHEN ts IS NULL OR NOT (ts >= ${MIN_TIMESTAMP_MS} AND ts < ${MAX_TIMESTAMP_MS}) THEN 'timestamp'
        WHEN isR AND (userId IS NULL OR userId = '') THEN 'userId'
        WHEN isR AND success IS NULL THEN 'success'
        WHEN isR AND hasRoutedTo AND routedTo IS NULL THEN 'routedTo'
        WHEN isR AND tierJ IS NOT NULL AND tier IS NULL THEN 'tier'
        WHEN NOT isR AND NOT promptOk THEN 'prompt'
        WHEN NOT isR AND (tok IS NULL OR tok < 0 OR tok <> floor(tok) OR tok > 9007199254740991) THEN 'tokens'
        WHEN NOT isR AND valid IS NULL THEN 'valid'
      END AS problem,
      CASE WHEN isR THEN 'routing' ELSE 'shadow' END AS kind,
      CASE WHEN isR THEN userId END AS userId,
      model,
      CASE WHEN isR THEN routedTo END AS routedTo,
      CASE WHEN isR THEN tier END AS tier,
      CASE WHEN isR THEN success ELSE valid END AS ok,
      lat,
      CASE WHEN isR THEN 0 ELSE TRY_CAST(tok AS BIGINT) END AS tokens,
      TRY_CAST(floor(ts - lat) AS BIGINT) AS start
    FROM (${norm})`;
}

/** Raw lines of the files, with the line number of each (blank lines counted, BOM stripped). */
function linesOf(files: readonly string[]): string {
  // A two-byte delimiter that never occurs, no quoting: each line is one VARCHAR value. strict_mode off
  // accepts \r\n and a last line without \n.
  return `read_csv([${files.map((f) => sqlString(f)).join(', ')}], columns = {'l': 'VARCHAR'}, header = false,
      delim = '\u0001\u0002', quote = '', escape = '', auto_detect = false, strict_mode = false,
      filename = true) WITH ORDINALITY`;
}

export function jsonFromLines(files: readonly string[], cols: DuckColumns): string {
  const keys = [...LOG_FIELDS, 'userTier'] as const;
  const paths = keys.map((k) => sqlString(`$.${JSON.stringify(cols[k])}`)).join(', ');
  const from = `(SELECT filename AS f, ordinality AS n, l,
        coalesce(try(json_type(l)) = 'OBJECT', false) AS obj,
        try(json_extract(l, [${paths}])) AS v
      FROM ${linesOf(files)}
      WHERE l IS NOT NULL AND NOT regexp_matches(l, '^\\s*$'))`;
  return normalizeJson(from, (k) => `v[${keys.indexOf(k) + 1}]`);
}

export function jsonFromReadJson(files: readonly string[], cols: DuckColumns): string {
  const keys = [...LOG_FIELDS, 'userTier'] as const;
  const spec = keys.map((k) => `${sqlString(cols[k])}: 'JSON'`).join(', ');
  const from = `(SELECT NULL AS f, NULL AS n, NULL AS l, true AS obj, * FROM read_json([${files
    .map((f) => sqlString(f))
    .join(', ')}], format = 'newline_delimited', columns = {${spec}}))`;
  return normalizeJson(from, (k) => sqlIdent(cols[k]));
}

/**
 * CSV (header row, every value read as text) and Parquet (typed columns, cast to text): the same rules on
 * text values. An empty CSV cell is a missing value.
 */
export function textSource(
  files: readonly string[],
  format: 'csv' | 'parquet',
  present: ReadonlySet<string>,
  cols: DuckColumns,
): string {
  const list = `[${files.map((f) => sqlString(f)).join(', ')}]`;
  const from =
    format === 'csv'
      ? `read_csv(${list}, header = true, all_varchar = true, union_by_name = true, filename = true) WITH ORDINALITY`
      : `read_parquet(${list}, union_by_name = true, filename = true) WITH ORDINALITY`;
  const T = (k: LogField | 'userTier') =>
    present.has(cols[k]) ? `nullif(CAST(${sqlIdent(cols[k])} AS VARCHAR), '')` : 'CAST(NULL AS VARCHAR)';
  const num = (x: string) => `TRY_CAST(${x} AS DOUBLE)`;
  const bool = (x: string) =>
    `(CASE WHEN lower(${x}) IN ('true', '1', 't') THEN true WHEN lower(${x}) IN ('false', '0', 'f') THEN false END)`;
  const ts = T('timestamp');
  // CSV line = data row + 1 (the header); Parquet: the row number.
  const n = format === 'csv' ? 'ordinality + 1' : 'ordinality';
  // String fields as JSON text ("gpt-4.1"), like the JSON path, so both share the grouping and unquoting.
  const q = (x: string) => `CAST(to_json(${x}) AS VARCHAR)`;
  return `SELECT filename AS f, ${n} AS n, NULL AS l, true AS obj,
      (${T('userId')} IS NOT NULL OR ${T('success')} IS NOT NULL OR ${T('routedTo')} IS NOT NULL) AS isR,
      (${T('valid')} IS NOT NULL OR ${T('prompt')} IS NOT NULL OR ${T('tokens')} IS NOT NULL) AS isS,
      ${q(T('model'))} AS model,
      ${num(T('latency'))} AS lat,
      CASE WHEN ${num(ts)} IS NOT NULL THEN ${num(ts)}
           WHEN regexp_matches(${ts}, '^\\d{4}-\\d{2}-\\d{2}[T ]') THEN CAST(epoch_ms(TRY_CAST(${ts} AS TIMESTAMPTZ)) AS DOUBLE)
      END AS ts,
      ${q(T('userId'))} AS userId,
      ${bool(T('success'))} AS success,
      ${T('routedTo')} IS NOT NULL AS hasRoutedTo,
      CASE WHEN ${T('routedTo')} IN ('primary', 'canary') THEN ${q(T('routedTo'))} END AS routedTo,
      coalesce(${T('tier')}, ${T('userTier')}) AS tierJ,
      ${q(`coalesce(${T('tier')}, ${T('userTier')})`)} AS tier,
      ${T('prompt')} IS NOT NULL AS promptOk,
      ${num(T('tokens'))} AS tok,
      ${bool(T('valid'))} AS valid
    FROM ${from}`;
}

/** The one-scan aggregation over the rows with their problem (GROUPING SETS). */
export function aggregateSql(rows: string, windowMs: number): string {
  // Two groupings: the groups split by time window (their window counts come from the same rows; arm and
  // segment stats add over windows), and the latency buckets. `ok` is a key of the first grouping, so the
  // latency aggregates need no FILTER (WHERE ok): splitAggregates keeps them for the ok groups only (every
  // aggregate runs once per row per grouping set; a FILTER costs a selection per aggregate per chunk).
  return `SELECT grouping(kind) AS g_kind, grouping(bucket) AS g_bucket, grouping(win) AS g_win,
      problem, kind, routedTo, model, tier, ok, bucket, win,
      count(*) AS c,
      count(*) FILTER (WHERE lat = 0) AS zeros,
      coalesce(sum(lat), 0) AS latSum,
      min(lat) AS latMin,
      max(lat) AS latMax,
      coalesce(sum(tokens), 0) AS tokSum,
      coalesce(sum(CAST(tokens AS HUGEINT) * tokens), 0) AS tokSum2,
      min(start) AS firstStart,
      max(start) AS lastStart
    FROM (SELECT *,
        CASE WHEN problem IS NULL AND ok AND lat > 0 THEN TRY_CAST(floor(100 * log2(lat) + 0.5) AS BIGINT) END AS bucket,
        CASE WHEN problem IS NULL THEN (start // ${windowMs}) * ${windowMs} END AS win
      FROM (${rows}))
    GROUP BY GROUPING SETS ((problem, kind, routedTo, model, tier, ok, win),
      (problem, routedTo, model, tier, bucket))`;
}

/** The users per arm and in both arms (routing rows; the arm from routedTo, else from the model). */
export function usersSql(
  rows: string,
  armOf: (routedTo: string | null, model: string) => Arm | undefined,
  models: string[],
  quoted: boolean,
) {
  // The arm of a routing row: routedTo when logged, else by model (resolved in JS, passed as lists). String
  // values are JSON text ("primary") when `quoted`, plain text (primary) from the light typed read.
  const byModel: Record<Arm, string[]> = { primary: [], canary: [] };
  for (const m of models) {
    const a = armOf(null, m);
    if (a) byModel[a].push(m);
  }
  const lit = (x: string) => sqlString(quoted ? JSON.stringify(x) : x);
  const inList = (xs: string[]) => (xs.length ? xs.map(lit).join(', ') : 'NULL');
  // Arm bits: primary 2, canary 1; a user's bit_or says which arms they were in. Users are grouped by a
  // 64-bit hash of their id (8 bytes a key instead of the string): 10 million users fit the memory limit
  // without spilling; two ids collide with probability about n²/2^65 (3e-6 at 10 million users).
  const byModelArm =
    byModel.primary.length + byModel.canary.length > 0
      ? `WHEN model IN (${inList(byModel.primary)}) THEN 2::UTINYINT WHEN model IN (${inList(byModel.canary)}) THEN 1::UTINYINT`
      : '';
  const arm = `CASE WHEN routedTo = ${lit('primary')} THEN 2::UTINYINT WHEN routedTo = ${lit('canary')} THEN 1::UTINYINT
      ${byModelArm} END`;
  return `SELECT count(*) FILTER (WHERE m & 2 <> 0) AS primary_users,
      count(*) FILTER (WHERE m & 1 <> 0) AS canary_users,
      count(*) FILTER (WHERE m = 3) AS both_users
    FROM (SELECT hash(userId) AS u, bit_or(arm) AS m
      FROM (SELECT userId, ${arm} AS arm FROM (${rows})) WHERE userId IS NOT NULL AND arm IS NOT NULL GROUP BY u)`;
}
