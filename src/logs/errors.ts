/**
 * The log readers' errors and every message they put in them, in one place: LogSourceError (a source that
 * cannot be used: missing, unreadable, empty, without the needed columns, a ClickHouse that refuses) and
 * OtlpError (an OTLP export, located), each with stable codes — match on `code`, not on the message. Rows
 * that break a rule raise routing's ProductionLogError (src/routing/errors.ts), whose texts live there.
 */
import { locatedMessage } from '../routing/errors';

/** Stable codes of {@link LogSourceError}. */
export type LogSourceErrorCode =
  /** The file or folder does not exist, or cannot be read. */
  | 'CANARYLAB_ERR_LOG_FILE'
  /** A glob or folder that matches no log file. */
  | 'CANARYLAB_ERR_LOG_NO_MATCH'
  /** The log holds no line at all. */
  | 'CANARYLAB_ERR_LOG_EMPTY'
  /** A source string that is none of the accepted forms, or a file of an unknown format. */
  | 'CANARYLAB_ERR_LOG_SOURCE'
  /** The ClickHouse server cannot be reached, or refuses the credentials or the query. */
  | 'CANARYLAB_ERR_CLICKHOUSE'
  /** The table or file lacks a column the summary needs, or has it with an unusable type. */
  | 'CANARYLAB_ERR_LOG_COLUMNS';

/** A log source that cannot be used: one message naming what and where. */
export class LogSourceError extends Error {
  readonly code: LogSourceErrorCode;
  /** The source as given (never with credentials). */
  readonly source: string;
  constructor(code: LogSourceErrorCode, source: string, message: string) {
    super(`${source}: ${message}`);
    this.name = 'LogSourceError';
    this.code = code;
    this.source = source;
  }
}

/** Stable codes of {@link OtlpError}. */
export type OtlpErrorCode =
  /** A line or document that is not an OTLP JSON trace export, or a span with an invalid field. */
  | 'CANARYLAB_ERR_OTLP_SPAN'
  /** The file cannot be read. */
  | 'CANARYLAB_ERR_OTLP_FILE'
  /** A span's arm cannot be told (no arm attribute value and a model of neither arm). */
  | 'CANARYLAB_ERR_OTLP_ARM';

/** A problem with an OTLP export, located: `file:line: field: what was expected`. */
export class OtlpError extends Error {
  readonly code: OtlpErrorCode;
  readonly file: string;
  /** 1-based line of the export document (0 for the whole file). */
  readonly line: number;
  readonly field: string;
  constructor(a: { code: OtlpErrorCode; file: string; line: number; field: string; expected: string }) {
    super(locatedMessage(a));
    this.name = 'OtlpError';
    this.code = a.code;
    this.file = a.file;
    this.line = a.line;
    this.field = a.field;
  }
}

/** Message builders of src/logs, grouped by where they are raised. */
export const logsMsg = {
  // sources (source.ts) and the column mapping (mapping.ts)
  clickhouseUrl: () => 'expected clickhouse://HOST:PORT/DATABASE/TABLE',
  credentialsInUrl: () =>
    'credentials do not go in the URL: set CANARYLAB_CLICKHOUSE_USER and CANARYLAB_CLICKHOUSE_PASSWORD',
  badName: (what: string, v: string) =>
    `${what}: expected a name of letters, digits and _ (got ${JSON.stringify(v)})`,
  globNoMatch: () => 'the glob matches no file',
  noSuchFile: () => 'no such file or folder',
  emptyFolder: () => 'the folder holds no log file (.jsonl, .jsonl.gz, .ndjson, .csv, .csv.gz, .parquet)',
  unknownFormat: () => 'unknown log format: expected .jsonl, .jsonl.gz, .ndjson, .csv, .csv.gz or .parquet',
  mixedFormats: (formats: readonly string[]) =>
    `mixes formats (${formats.join(', ')}): analyse one format at a time`,
  badColumnPair: (pair: string, fields: readonly string[]) =>
    `${JSON.stringify(pair)}: expected field=column with field one of ${fields.join(', ')}`,
  badColumnName: (field: string, column: string) =>
    `${field}: expected a column name of letters, digits and _ . $ - (got ${JSON.stringify(column)})`,
  // both SQL engines
  missingColumns: (missing: readonly string[], found: string) =>
    `missing column(s) ${missing.join(', ')}; ${found} (map names with --columns field=column)`,
  // DuckDB (duckdb.ts)
  filesEmpty: (files: number) =>
    files === 1 ? 'the file is empty (no log line)' : 'the files are empty (no log line)',
  cannotReadLog: (why: string) => `cannot read the log (${why})`,
  // ClickHouse (clickhouse*.ts)
  cannotConnect: (host: string, port: number, code: string) =>
    `cannot connect to ClickHouse at ${host}:${port} (${code})`,
  queryRefused: (text: string) => `the server refused the query: ${text}`,
  noTable: (database: string, table: string) =>
    `no table ${database}.${table} on the server (or it has no columns)`,
  wrongType: (column: string, type: string, expected: string) =>
    `column ${column} has type ${type}: expected ${expected}`,
  tableEmpty: () => 'the table is empty (no row)',
  rowsBreakRule: (rows: number, field: string, expected: string) =>
    `${rows} row(s) break a rule: ${field}: ${expected} (skip them with --skip-invalid)`,
  // OTLP exports (otlp*.ts)
  otlpCannotRead: (why: string) => `cannot be read (${why})`,
  otlpEmpty: () => 'is empty',
  otlpNotJson: () => 'valid JSON',
  otlpNotExport: () => 'an OTLP JSON trace export ({ "resourceSpans": [ … ] })',
  otlpTimes: () => 'nanosecond timestamps with end ≥ start',
  otlpDateRange: () => 'a time within the JavaScript date range',
  otlpTokens: () => 'non-negative integer token counts',
  otlpArm: (armAttribute: string | undefined, armValues: unknown, model: string) =>
    `an arm: ${armAttribute ? `${armAttribute} in ${JSON.stringify(armValues)}, or ` : ''}a model named by --primary-model / --canary-model (got model ${JSON.stringify(model)})`,
};
