/**
 * Log sources for `canarylab analyze`: a file, a folder or a glob of JSONL / JSONL.gz / CSV / Parquet files
 * (read by the embedded DuckDB engine), or a ClickHouse table `clickhouse://HOST:PORT/DATABASE/TABLE` (read
 * by the server). The log itself is never copied: only its name, the import facts and the summaries are kept.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LogSourceError, logsMsg } from './errors';

export { LogSourceError, type LogSourceErrorCode } from './errors';

/** File formats read from disk. */
export type LogFormat = 'jsonl' | 'csv' | 'parquet';

/** A parsed source. */
export type LogSource =
  | { kind: 'files'; name: string; files: string[]; format: LogFormat }
  | {
      kind: 'clickhouse';
      name: string;
      host: string;
      port: number;
      database: string;
      table: string;
      secure: boolean;
    };

const FORMATS: Array<[RegExp, LogFormat]> = [
  [/\.(jsonl|ndjson|json)(\.gz)?$/i, 'jsonl'],
  [/\.csv(\.gz)?$/i, 'csv'],
  [/\.parquet$/i, 'parquet'],
];

/** The format of a file by its name, or undefined. */
export function formatOf(file: string): LogFormat | undefined {
  for (const [re, f] of FORMATS) if (re.test(file)) return f;
  return undefined;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parses `clickhouse://HOST:PORT/DATABASE/TABLE` (or `clickhouses://…` for HTTPS). Credentials in the URL are
 * refused: they come from CANARYLAB_CLICKHOUSE_USER / CANARYLAB_CLICKHOUSE_PASSWORD only.
 * @throws {LogSourceError} CANARYLAB_ERR_LOG_SOURCE for anything else
 */
export function parseClickHouseSource(spec: string): Extract<LogSource, { kind: 'clickhouse' }> {
  let url: URL;
  const shown = spec.replace(/\/\/[^@/]*@/, '//***@');
  try {
    url = new URL(spec);
  } catch {
    throw new LogSourceError('CANARYLAB_ERR_LOG_SOURCE', shown, logsMsg.clickhouseUrl());
  }
  if (url.username || url.password)
    throw new LogSourceError('CANARYLAB_ERR_LOG_SOURCE', shown, logsMsg.credentialsInUrl());
  const secure = url.protocol === 'clickhouses:';
  const parts = url.pathname.split('/').filter((p) => p !== '');
  if (parts.length !== 2 || !url.hostname)
    throw new LogSourceError('CANARYLAB_ERR_LOG_SOURCE', shown, logsMsg.clickhouseUrl());
  const [database, table] = parts.map(decodeURIComponent);
  for (const [what, v] of [
    ['database', database],
    ['table', table],
  ] as const) {
    if (!IDENT.test(v)) throw new LogSourceError('CANARYLAB_ERR_LOG_SOURCE', shown, logsMsg.badName(what, v));
  }
  const port = url.port ? Number(url.port) : secure ? 8443 : 8123;
  return {
    kind: 'clickhouse',
    name: `clickhouse://${url.hostname}:${port}/${database}/${table}`,
    host: url.hostname,
    port,
    database,
    table,
    secure,
  };
}

/** Whether a source string names a ClickHouse table. */
export const isClickHouseSource = (spec: string): boolean => /^clickhouses?:\/\//i.test(spec);

/** Whether a string has glob characters. */
export const isGlob = (spec: string): boolean => /[*?[{]/.test(spec);

/**
 * Resolves a file, folder or glob (globs and folders are expanded by the caller's `expandGlob`, DuckDB's
 * glob() in the engine) to a list of files of one format.
 *
 * @throws {LogSourceError} CANARYLAB_ERR_LOG_FILE (missing), CANARYLAB_ERR_LOG_NO_MATCH (nothing matched),
 *   CANARYLAB_ERR_LOG_SOURCE (unknown or mixed formats)
 */
export async function resolveFileSource(
  spec: string,
  expandGlob: (pattern: string) => Promise<string[]>,
): Promise<Extract<LogSource, { kind: 'files' }>> {
  let files: string[];
  if (isGlob(spec) && !existsSync(spec)) {
    files = (await expandGlob(spec)).sort();
    if (files.length === 0)
      throw new LogSourceError('CANARYLAB_ERR_LOG_NO_MATCH', spec, logsMsg.globNoMatch());
  } else {
    if (!existsSync(spec)) throw new LogSourceError('CANARYLAB_ERR_LOG_FILE', spec, logsMsg.noSuchFile());
    if (statSync(spec).isDirectory()) {
      files = readdirSync(spec)
        .filter((n) => formatOf(n) !== undefined)
        .sort()
        .map((n) => join(spec, n))
        .filter((p) => statSync(p).isFile());
      if (files.length === 0)
        throw new LogSourceError('CANARYLAB_ERR_LOG_NO_MATCH', spec, logsMsg.emptyFolder());
    } else files = [spec];
  }
  const formats = new Set<LogFormat>();
  for (const f of files) {
    const fmt = formatOf(f);
    if (!fmt) throw new LogSourceError('CANARYLAB_ERR_LOG_SOURCE', f, logsMsg.unknownFormat());
    formats.add(fmt);
  }
  if (formats.size > 1)
    throw new LogSourceError('CANARYLAB_ERR_LOG_SOURCE', spec, logsMsg.mixedFormats([...formats]));
  return { kind: 'files', name: spec, files, format: [...formats][0] };
}
