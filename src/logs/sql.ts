/**
 * The validation rules of a log row, as data shared by the SQL engines and the messages: what each field
 * must be (the same rules as parseLine in src/routing/logLine.ts), and SQL quoting helpers.
 */

// The bounds of latency (one day) and of epoch-ms timestamps (2000–2200), and what each field must be for
// `file:line: field: expected …` messages: parseLine's (src/routing/logLine.ts), one place.
export { EXPECTED, MAX_LATENCY_MS, MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS } from '../routing/logLine';

/** A SQL string literal (both engines: quotes doubled; ClickHouse also escapes backslashes). */
export function sqlString(s: string, dialect: 'duckdb' | 'clickhouse' = 'duckdb'): string {
  const body =
    dialect === 'clickhouse' ? s.replace(/\\/g, '\\\\').replace(/'/g, "\\'") : s.replace(/'/g, "''");
  return `'${body}'`;
}

/** A quoted identifier. */
export function sqlIdent(s: string, dialect: 'duckdb' | 'clickhouse' = 'duckdb'): string {
  return dialect === 'clickhouse' ? `\`${s.replace(/`/g, '\\`')}\`` : `"${s.replace(/"/g, '""')}"`;
}
