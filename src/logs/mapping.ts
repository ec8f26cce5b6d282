/**
 * The column mapping: the names a log or table uses for the playbook's fields. Default: the playbook's own
 * names. `--columns userId=user_id,latency=duration_ms` on the CLI.
 */
import { LogSourceError, logsMsg } from './errors';

/** The playbook's fields a log can carry (routing and shadow shapes). */
export const LOG_FIELDS = [
  'userId',
  'model',
  'latency',
  'success',
  'timestamp',
  'routedTo',
  'tier',
  'prompt',
  'tokens',
  'valid',
] as const;

/** One of the playbook's fields. */
export type LogField = (typeof LOG_FIELDS)[number];

/** Their column name for each playbook field (a field left out keeps its own name). */
export type ColumnMapping = Partial<Record<LogField, string>>;

/** The full mapping with defaults filled in. */
export function resolveMapping(m: ColumnMapping = {}): Record<LogField, string> {
  const out = {} as Record<LogField, string>;
  for (const f of LOG_FIELDS) out[f] = m[f] ?? f;
  return out;
}

/**
 * Parses `field=column,field=column`.
 * @throws {LogSourceError} CANARYLAB_ERR_LOG_SOURCE naming the bad pair and the known fields
 * @example
 * parseColumnMapping('userId=user_id,latency=duration_ms'); // => { userId: 'user_id', latency: 'duration_ms' }
 */
export function parseColumnMapping(text: string): ColumnMapping {
  const out: ColumnMapping = {};
  for (const pair of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([A-Za-z]+)\s*=\s*(\S+)$/.exec(pair);
    if (!m || !(LOG_FIELDS as readonly string[]).includes(m[1]))
      throw new LogSourceError(
        'CANARYLAB_ERR_LOG_SOURCE',
        '--columns',
        logsMsg.badColumnPair(pair, LOG_FIELDS),
      );
    if (!/^[A-Za-z_][A-Za-z0-9_.$-]*$/.test(m[2]))
      throw new LogSourceError('CANARYLAB_ERR_LOG_SOURCE', '--columns', logsMsg.badColumnName(m[1], m[2]));
    out[m[1] as LogField] = m[2];
  }
  return out;
}

/**
 * Which shape a table or file has from the columns it has: routing (userId + success) or shadow (prompt +
 * tokens + valid), and what is missing — the needed columns (model, latency, timestamp) and, when neither
 * shape is complete, a phrase naming both. `missing` is empty when the columns are usable.
 */
export function logShape(
  cols: Record<LogField, string>,
  has: (column: string) => boolean,
): { routing: boolean; shadow: boolean; missing: string[] } {
  const routing = has(cols.userId) && has(cols.success);
  const shadow = !routing && has(cols.prompt) && has(cols.tokens) && has(cols.valid);
  const missing = [cols.model, cols.latency, cols.timestamp].filter((c) => !has(c));
  if (!routing && !shadow)
    missing.push(
      `${cols.userId}+${cols.success} (routing) or ${cols.prompt}+${cols.tokens}+${cols.valid} (shadow)`,
    );
  return { routing, shadow, missing };
}
