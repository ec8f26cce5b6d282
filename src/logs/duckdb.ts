/**
 * The embedded engine: DuckDB (@duckdb/node-api, prebuilt binary, nothing to start) reads JSONL / JSONL.gz /
 * CSV / Parquet files in place and returns the grouped rows of the summary contract in one scan
 * (GROUPING SETS), plus a second light scan for the distinct users per arm (the sample-ratio check).
 *
 * Validation stays line-level: every row gets a `problem` (the first field that breaks the rules of
 * parseLine in src/routing/logs.ts, or NULL) computed in SQL; when any row has one, a second pass over the
 * raw lines (read_csv … WITH ORDINALITY gives the exact line number, blank lines included) locates them and
 * parseLine writes the `file:line: field: expected` message. JSON lines are first read with read_json
 * (fast); if DuckDB refuses the file (a malformed line, a BOM, a line that is not an object) the same
 * rules run over the raw lines instead.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { type InvalidLine, ProductionLogError, parseLine } from '../routing/logs';
import type { Arm } from '../types';
import type { BucketRow, EngineAggregates, GroupRow, WindowRow } from './assemble';
import { type ColumnMapping, LOG_FIELDS, type LogField, resolveMapping } from './mapping';
import { type LogSource, LogSourceError } from './source';
import { EXPECTED, MAX_LATENCY_MS, MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS, sqlIdent, sqlString } from './sql';

/** An open DuckDB connection with its instance. */
export interface DuckDB {
  con: DuckDBConnection;
  /** Rows of a query as JSON-safe objects (BIGINT as strings). */
  all(sql: string): Promise<Record<string, unknown>[]>;
  close(): void;
}

/** Opens an in-memory DuckDB with a memory limit (spilling to the temp folder beyond it). */
export async function openDuckDB(opts: { memoryLimit?: string; threads?: number } = {}): Promise<DuckDB> {
  // Loaded on first use: importing canarylab (or starting the CLI) must not pay ~0.2 s and ~25 MB for it.
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', {
    memory_limit: opts.memoryLimit ?? '256MB',
    temp_directory: join(tmpdir(), `canarylab-duckdb-${process.pid}`),
    ...(opts.threads ? { threads: String(opts.threads) } : {}),
  });
  const con = await instance.connect();
  return {
    con,
    async all(sql) {
      const r = await con.runAndReadAll(sql);
      return r.getRowObjectsJson() as Record<string, unknown>[];
    },
    close() {
      con.closeSync();
      instance.closeSync();
    },
  };
}

/** Files matching a glob (DuckDB's glob(): `*`, `**`, `?`, `[abc]`). */
export async function duckdbGlob(db: DuckDB, pattern: string): Promise<string[]> {
  const rows = await db.all(`SELECT file FROM glob(${sqlString(pattern)})`);
  return rows.map((r) => String(r.file));
}

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
function withProblem(norm: string): string {
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

function jsonFromLines(files: readonly string[], cols: Record<LogField | 'userTier', string>): string {
  const keys = [...LOG_FIELDS, 'userTier'] as const;
  const paths = keys.map((k) => sqlString(`$.${JSON.stringify(cols[k])}`)).join(', ');
  const from = `(SELECT filename AS f, ordinality AS n, l,
        coalesce(try(json_type(l)) = 'OBJECT', false) AS obj,
        try(json_extract(l, [${paths}])) AS v
      FROM ${linesOf(files)}
      WHERE l IS NOT NULL AND NOT regexp_matches(l, '^\\s*$'))`;
  return normalizeJson(from, (k) => `v[${keys.indexOf(k) + 1}]`);
}

function jsonFromReadJson(files: readonly string[], cols: Record<LogField | 'userTier', string>): string {
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
function textSource(
  files: readonly string[],
  format: 'csv' | 'parquet',
  present: ReadonlySet<string>,
  cols: Record<LogField | 'userTier', string>,
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
function aggregateSql(rows: string, windowMs: number): string {
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

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
/** A group key: JSON text of a string ("gpt-4.1") → the string; NULL → null. */
const strOrNull = (v: unknown): string | null =>
  v === null || v === undefined
    ? null
    : String(v).startsWith('"')
      ? (JSON.parse(String(v)) as string)
      : String(v);

function splitAggregates(rows: Record<string, unknown>[]): {
  aggs: EngineAggregates;
  problems: Map<string, number>;
} {
  const groups: GroupRow[] = [];
  const buckets: BucketRow[] = [];
  const windows: WindowRow[] = [];
  const problems = new Map<string, number>();
  for (const r of rows) {
    const g = { kind: Number(r.g_kind), bucket: Number(r.g_bucket), win: Number(r.g_win) };
    if (r.problem !== null) {
      // Rows that broke a rule: counted once, from the first grouping set.
      if (g.kind === 0) problems.set(String(r.problem), (problems.get(String(r.problem)) ?? 0) + num(r.c));
      continue;
    }
    if (g.kind === 0) {
      const ok = r.ok === true;
      const group: GroupRow = {
        kind: r.kind === 'shadow' ? 'shadow' : 'routing',
        routedTo: strOrNull(r.routedTo),
        model: strOrNull(r.model) as string,
        tier: strOrNull(r.tier),
        ok,
        calls: num(r.c),
        // Latency statistics are those of the successful calls (the SQL groups by ok without filtering).
        zeros: ok ? num(r.zeros) : 0,
        latSum: ok ? num(r.latSum) : 0,
        latMin: ok ? numOrNull(r.latMin) : null,
        latMax: ok ? numOrNull(r.latMax) : null,
        tokSum: num(r.tokSum),
        tokSum2: num(r.tokSum2),
        firstStart: num(r.firstStart),
        lastStart: num(r.lastStart),
      };
      groups.push(group);
      windows.push({
        routedTo: group.routedTo,
        model: group.model,
        start: Number(r.win),
        calls: group.calls,
        failures: group.ok ? 0 : group.calls,
      });
    } else if (g.bucket === 0 && r.bucket !== null) {
      buckets.push({
        routedTo: strOrNull(r.routedTo),
        model: strOrNull(r.model) as string,
        tier: strOrNull(r.tier),
        bucket: Number(r.bucket),
        count: num(r.c),
      });
    }
  }
  return { aggs: { groups, buckets, windows }, problems };
}

/** Options of {@link duckdbAggregates}. */
export interface DuckDBLogOptions {
  mapping?: ColumnMapping;
  windowMs: number;
  skipInvalid: boolean;
  /** Messages kept for skipped lines (default 1000; all are counted). */
  maxMessages?: number;
}

/** What the DuckDB engine returns. */
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

function usersSql(
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

/**
 * Runs the summary SQL over files with DuckDB.
 *
 * @throws {ProductionLogError} the first invalid line, located (unless skipInvalid)
 * @throws {LogSourceError} CANARYLAB_ERR_LOG_EMPTY when the files hold no line; CANARYLAB_ERR_LOG_COLUMNS
 *   when a CSV/Parquet file lacks the columns of either shape; CANARYLAB_ERR_LOG_FILE when DuckDB cannot read it
 */
export async function duckdbAggregates(
  db: DuckDB,
  source: Extract<LogSource, { kind: 'files' }>,
  opts: DuckDBLogOptions,
): Promise<EngineResult> {
  const cols = { ...resolveMapping(opts.mapping), userTier: 'userTier' };
  const { files, format } = source;
  let rows: string;
  let lightUsers: string | undefined;
  let raw: Record<string, unknown>[];
  if (format === 'jsonl') {
    rows = withProblem(jsonFromReadJson(files, cols));
    try {
      raw = await db.all(aggregateSql(rows, opts.windowMs));
      // Users per arm need only three fields: a second, light scan with typed columns (plain VARCHAR, not
      // JSON text: cheaper to read; no per-row validation, the first scan found every row valid, so every
      // userId, model and logged routedTo is a string).
      lightUsers = `SELECT ${sqlIdent(cols.userId)} AS userId, ${sqlIdent(cols.routedTo)} AS routedTo, ${sqlIdent(cols.model)} AS model
        FROM read_json([${files.map((f) => sqlString(f)).join(', ')}], format = 'newline_delimited',
          columns = {${sqlString(cols.userId)}: 'VARCHAR', ${sqlString(cols.routedTo)}: 'VARCHAR', ${sqlString(cols.model)}: 'VARCHAR'})`;
    } catch {
      // DuckDB refused a line (malformed JSON, a BOM, not an object): the same rules over the raw lines.
      rows = withProblem(jsonFromLines(files, cols));
      raw = await runOrFileError(db, aggregateSql(rows, opts.windowMs), source.name);
    }
  } else {
    const present = await columnsOf(db, files, format, source.name);
    const need = [cols.model, cols.latency, cols.timestamp];
    const missing = need.filter((c) => !present.has(c));
    const routing = [cols.userId, cols.success].every((c) => present.has(c));
    const shadow = [cols.prompt, cols.tokens, cols.valid].every((c) => present.has(c));
    if (missing.length > 0 || (!routing && !shadow))
      throw new LogSourceError(
        'CANARYLAB_ERR_LOG_COLUMNS',
        source.name,
        `missing column(s) ${[...missing, ...(!routing && !shadow ? [`${cols.userId}+${cols.success} (routing) or ${cols.prompt}+${cols.tokens}+${cols.valid} (shadow)`] : [])].join(', ')}; found ${[...present].join(', ') || 'none'} (map names with --columns field=column)`,
      );
    rows = withProblem(textSource(files, format, present, cols));
    raw = await runOrFileError(db, aggregateSql(rows, opts.windowMs), source.name);
  }
  const { aggs, problems } = splitAggregates(raw);
  const invalidLines = [...problems.values()].reduce((s, c) => s + c, 0);
  const valid = aggs.groups.reduce((s, g) => s + g.calls, 0);
  if (valid + invalidLines === 0)
    throw new LogSourceError(
      'CANARYLAB_ERR_LOG_EMPTY',
      source.name,
      files.length === 1 ? 'the file is empty (no log line)' : 'the files are empty (no log line)',
    );
  const invalid: InvalidLine[] = [];
  if (invalidLines > 0) {
    const max = opts.skipInvalid ? (opts.maxMessages ?? 1000) : 1;
    for (const f of files) {
      if (invalid.length >= max) break;
      const perFile =
        format === 'jsonl'
          ? withProblem(jsonFromLines([f], cols))
          : withProblem(textSource([f], format, await columnsOf(db, [f], format, f), cols));
      const located = await db.all(
        `SELECT n, problem, l FROM (${perFile}) WHERE problem IS NOT NULL ORDER BY n LIMIT ${max - invalid.length}`,
      );
      for (const r of located) {
        const line = Number(r.n);
        const field = String(r.problem);
        let message = `${f}:${line}: ${field}: ${EXPECTED[field] ?? 'invalid'}`;
        let fieldName = field;
        if (typeof r.l === 'string') {
          const p = parseLine(r.l.replace(/^\uFEFF/, ''), opts.mapping);
          if ('field' in p) {
            message = `${f}:${line}: ${p.field}: ${p.expected}`;
            fieldName = p.field;
          }
        }
        invalid.push({ file: f, line, field: fieldName, message });
      }
    }
    if (!opts.skipInvalid) {
      const first = invalid[0];
      throw new ProductionLogError({
        code: 'CANARYLAB_ERR_LOG_LINE',
        file: first?.file ?? source.name,
        line: first?.line ?? 0,
        field: first?.field ?? '(line)',
        expected: first
          ? first.message.slice(`${first.file}:${first.line}: ${first.field}: `.length)
          : 'invalid lines',
      });
    }
  }
  const light = invalidLines === 0 && lightUsers !== undefined;
  const userRows = light
    ? (lightUsers as string)
    : `SELECT userId, routedTo, model FROM (${rows}) WHERE problem IS NULL AND kind = 'routing'`;
  const models = [...new Set(aggs.groups.filter((g) => g.routedTo === null).map((g) => g.model))];
  return {
    aggs,
    invalidLines,
    invalid,
    async users(armOf) {
      const [u] = await db.all(usersSql(userRows, armOf, models, !light));
      return { primary: num(u.primary_users), canary: num(u.canary_users), both: num(u.both_users) };
    },
    close: () => db.close(),
  };
}

async function runOrFileError(db: DuckDB, sql: string, name: string): Promise<Record<string, unknown>[]> {
  try {
    return await db.all(sql);
  } catch (e) {
    throw new LogSourceError(
      'CANARYLAB_ERR_LOG_FILE',
      name,
      `cannot read the log (${firstLine((e as Error).message)})`,
    );
  }
}

const firstLine = (s: string) => s.split('\n')[0].slice(0, 300);

async function columnsOf(
  db: DuckDB,
  files: readonly string[],
  format: 'csv' | 'parquet',
  name: string,
): Promise<Set<string>> {
  const list = `[${files.map((f) => sqlString(f)).join(', ')}]`;
  const rel =
    format === 'csv'
      ? `read_csv(${list}, header = true, all_varchar = true, union_by_name = true)`
      : `read_parquet(${list}, union_by_name = true)`;
  const rows = await runOrFileError(db, `DESCRIBE SELECT * FROM ${rel}`, name);
  return new Set(rows.map((r) => String(r.column_name)));
}
