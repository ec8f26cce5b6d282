/** The ClickHouse connection of the log engine: @clickhouse/client over HTTP, credentials from the environment, errors as LogSourceError with the password redacted. */
import { LogSourceError, logsMsg } from './errors';
import type { LogSource } from './source';

/** Environment variables holding the ClickHouse credentials (never the command line, never a file). */
export const CLICKHOUSE_USER_ENV = 'CANARYLAB_CLICKHOUSE_USER';
export const CLICKHOUSE_PASSWORD_ENV = 'CANARYLAB_CLICKHOUSE_PASSWORD';

/** An open ClickHouse client: rows of a query (JSONEachRow), and close. */
export interface ClickHouseConnection {
  rows<T>(query: string): Promise<T[]>;
  close(): void;
}

/**
 * Connects to the source's server with the credentials of `env`.
 *
 * @throws {LogSourceError} (from `rows`) CANARYLAB_ERR_CLICKHOUSE when the server cannot be reached or
 *   refuses a query; the message never holds the password
 */
export async function openClickHouse(
  src: Extract<LogSource, { kind: 'clickhouse' }>,
  env: NodeJS.ProcessEnv,
): Promise<ClickHouseConnection> {
  const password = env[CLICKHOUSE_PASSWORD_ENV] ?? '';
  // Loaded on first use: importing canarylab (or starting the CLI) must not pay for a driver it may not use.
  const { ClickHouseLogLevel, createClient } = await import('@clickhouse/client');
  const client = createClient({
    url: `${src.secure ? 'https' : 'http'}://${src.host}:${src.port}`,
    username: env[CLICKHOUSE_USER_ENV] ?? 'default',
    password,
    request_timeout: 600_000,
    // The client's own log would print request details on stderr; errors are turned into one message here.
    log: { level: ClickHouseLogLevel.OFF },
    clickhouse_settings: { send_progress_in_http_headers: 1, http_headers_progress_interval_ms: '10000' },
  });
  const redact = (s: string) => (password ? s.split(password).join('***') : s);
  const rows = async <T>(query: string): Promise<T[]> => {
    try {
      const r = await client.query({ query, format: 'JSONEachRow' });
      return (await r.json()) as T[];
    } catch (e) {
      const err = e as Error & { code?: string; cause?: { code?: string } };
      const code = err.code ?? err.cause?.code;
      if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ECONNRESET' || code === 'ETIMEDOUT')
        throw new LogSourceError(
          'CANARYLAB_ERR_CLICKHOUSE',
          src.name,
          logsMsg.cannotConnect(src.host, src.port, code),
        );
      const text = redact(String(err.message ?? e))
        .split('\n')[0]
        .slice(0, 400);
      throw new LogSourceError('CANARYLAB_ERR_CLICKHOUSE', src.name, logsMsg.queryRefused(text));
    }
  };
  return {
    rows,
    close() {
      void client.close();
    },
  };
}
