/**
 * The validation rules of a log row, as data shared by the SQL engines and the messages: what each field
 * must be (the same rules as parseLine in src/routing/logLine.ts), and SQL quoting helpers.
 */

/** The bounds of latency (one day) and of epoch-ms timestamps (2000–2200): parseLine's, one place. */
import { MAX_LATENCY_MS } from '../routing/logLine';

export { MAX_LATENCY_MS, MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS } from '../routing/logLine';

/** What each field must be, for `file:line: field: expected …` messages (one place). */
export const EXPECTED: Record<string, string> = {
  '(line)': 'expected one JSON object',
  '(record)':
    'expected a shadow result { model, prompt, latency, tokens, timestamp, valid } or a routing metric { userId, model, latency, success, timestamp, routedTo? }',
  model: 'expected a non-empty string',
  latency: `expected a number of milliseconds between 0 and ${MAX_LATENCY_MS} (one day)`,
  timestamp: 'expected an ISO-8601 time or epoch milliseconds (2000–2200)',
  userId: 'expected a non-empty string',
  success: 'expected true or false',
  routedTo: "expected 'primary' or 'canary'",
  tier: 'expected a string',
  prompt: 'expected a string',
  tokens: 'expected an integer >= 0 (total tokens)',
  valid: 'expected true or false',
};

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
