/**
 * The embedded engine: DuckDB (@duckdb/node-api, prebuilt binary, nothing to start) reads JSONL / JSONL.gz /
 * CSV / Parquet files in place and returns the grouped rows of the summary contract in one scan
 * (GROUPING SETS), plus a second light scan for the distinct users per arm (the sample-ratio check).
 *
 * Validation stays line-level: every row gets a `problem` (the first field that breaks the rules of
 * parseLine in src/routing/logLine.ts, or NULL) computed in SQL; when any row has one, a second pass over the
 * raw lines (read_csv … WITH ORDINALITY gives the exact line number, blank lines included) locates them and
 * parseLine writes the `file:line: field: expected` message. JSON lines are first read with read_json
 * (fast); if DuckDB refuses the file (a malformed line, a BOM, a line that is not an object) the same
 * rules run over the raw lines instead.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { parseLine } from '../routing/logLine';
import { type InvalidLine, ProductionLogError } from '../routing/logs';
import { num, splitAggregates } from './duckdbRows';
import {
  aggregateSql,
  type DuckColumns,
  jsonFromLines,
  jsonFromReadJson,
  textSource,
  usersSql,
  withProblem,
} from './duckdbSql';
import type { EngineResult } from './engineTypes';
import { LogSourceError, logsMsg } from './errors';
import { type ColumnMapping, logShape, resolveMapping } from './mapping';
import type { LogSource } from './source';
import { EXPECTED, sqlIdent, sqlString } from './sql';

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

/** Options of {@link duckdbAggregates}. */
export interface DuckDBLogOptions {
  mapping?: ColumnMapping;
  windowMs: number;
  skipInvalid: boolean;
  /** Messages kept for skipped lines (default 1000; all are counted). */
  maxMessages?: number;
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
  const cols: DuckColumns = { ...resolveMapping(opts.mapping), userTier: 'userTier' };
  const { files } = source;
  const scan = await scanFiles(db, source, cols, opts.windowMs);
  const { aggs, problems } = splitAggregates(scan.raw);
  const invalidLines = [...problems.values()].reduce((s, c) => s + c, 0);
  const valid = aggs.groups.reduce((s, g) => s + g.calls, 0);
  if (valid + invalidLines === 0)
    throw new LogSourceError('CANARYLAB_ERR_LOG_EMPTY', source.name, logsMsg.filesEmpty(files.length));
  const invalid: InvalidLine[] = [];
  if (invalidLines > 0) {
    const max = opts.skipInvalid ? (opts.maxMessages ?? 1000) : 1;
    invalid.push(...(await locateInvalid(db, source, cols, { max, mapping: opts.mapping })));
    if (!opts.skipInvalid) throw firstInvalidError(invalid, source.name);
  }
  const light = invalidLines === 0 && scan.lightUsers !== undefined;
  const userRows = light
    ? (scan.lightUsers as string)
    : `SELECT userId, routedTo, model FROM (${scan.rows}) WHERE problem IS NULL AND kind = 'routing'`;
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

/** The one-scan aggregation of the files: its rows' SQL, the result rows, and (JSONL) a light users query. */
interface FileScan {
  rows: string;
  raw: Record<string, unknown>[];
  lightUsers?: string;
}

async function scanFiles(
  db: DuckDB,
  source: Extract<LogSource, { kind: 'files' }>,
  cols: DuckColumns,
  windowMs: number,
): Promise<FileScan> {
  const { files, format } = source;
  if (format === 'jsonl') {
    const rows = withProblem(jsonFromReadJson(files, cols));
    try {
      const raw = await db.all(aggregateSql(rows, windowMs));
      // Users per arm need only three fields: a second, light scan with typed columns (plain VARCHAR, not
      // JSON text: cheaper to read; no per-row validation, the first scan found every row valid, so every
      // userId, model and logged routedTo is a string).
      const lightUsers = `SELECT ${sqlIdent(cols.userId)} AS userId, ${sqlIdent(cols.routedTo)} AS routedTo, ${sqlIdent(cols.model)} AS model
        FROM read_json([${files.map((f) => sqlString(f)).join(', ')}], format = 'newline_delimited',
          columns = {${sqlString(cols.userId)}: 'VARCHAR', ${sqlString(cols.routedTo)}: 'VARCHAR', ${sqlString(cols.model)}: 'VARCHAR'})`;
      return { rows, raw, lightUsers };
    } catch {
      // DuckDB refused a line (malformed JSON, a BOM, not an object): the same rules over the raw lines.
      const lineRows = withProblem(jsonFromLines(files, cols));
      return { rows: lineRows, raw: await runOrFileError(db, aggregateSql(lineRows, windowMs), source.name) };
    }
  }
  const present = await columnsOf(db, files, format, source.name);
  const { missing } = logShape(cols, (c) => present.has(c));
  if (missing.length > 0)
    throw new LogSourceError(
      'CANARYLAB_ERR_LOG_COLUMNS',
      source.name,
      logsMsg.missingColumns(missing, `found ${[...present].join(', ') || 'none'}`),
    );
  const rows = withProblem(textSource(files, format, present, cols));
  return { rows, raw: await runOrFileError(db, aggregateSql(rows, windowMs), source.name) };
}

/**
 * The first `max` invalid lines, file by file, located by line number; JSON lines get parseLine's message
 * (the same rules, in JavaScript), other rows the rule's expectation.
 */
async function locateInvalid(
  db: DuckDB,
  source: Extract<LogSource, { kind: 'files' }>,
  cols: DuckColumns,
  o: { max: number; mapping?: ColumnMapping },
): Promise<InvalidLine[]> {
  const { files, format } = source;
  const invalid: InvalidLine[] = [];
  for (const f of files) {
    if (invalid.length >= o.max) break;
    const perFile =
      format === 'jsonl'
        ? withProblem(jsonFromLines([f], cols))
        : withProblem(textSource([f], format, await columnsOf(db, [f], format, f), cols));
    const located = await db.all(
      `SELECT n, problem, l FROM (${perFile}) WHERE problem IS NOT NULL ORDER BY n LIMIT ${o.max - invalid.length}`,
    );
    for (const r of located) {
      const line = Number(r.n);
      const field = String(r.problem);
      let message = `${f}:${line}: ${field}: ${EXPECTED[field] ?? 'invalid'}`;
      let fieldName = field;
      if (typeof r.l === 'string') {
        const p = parseLine(r.l.replace(/^\uFEFF/, ''), o.mapping);
        if ('field' in p) {
          message = `${f}:${line}: ${p.field}: ${p.expected}`;
          fieldName = p.field;
        }
      }
      invalid.push({ file: f, line, field: fieldName, message });
    }
  }
  return invalid;
}

/** CANARYLAB_ERR_LOG_LINE for the first invalid line. */
function firstInvalidError(invalid: readonly InvalidLine[], name: string): ProductionLogError {
  const first = invalid[0];
  return new ProductionLogError({
    code: 'CANARYLAB_ERR_LOG_LINE',
    file: first?.file ?? name,
    line: first?.line ?? 0,
    field: first?.field ?? '(line)',
    expected: first
      ? first.message.slice(`${first.file}:${first.line}: ${first.field}: `.length)
      : 'invalid lines',
  });
}

async function runOrFileError(db: DuckDB, sql: string, name: string): Promise<Record<string, unknown>[]> {
  try {
    return await db.all(sql);
  } catch (e) {
    throw new LogSourceError(
      'CANARYLAB_ERR_LOG_FILE',
      name,
      logsMsg.cannotReadLog(firstLine((e as Error).message)),
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
