/**
 * The distributed engine: the same summary SQL runs on a ClickHouse server (a Distributed table runs it on
 * every shard and merges), through @clickhouse/client over HTTP. Works with ClickHouse 18.16 (Debian's
 * package) and later: only functions that exist there (multiIf, log2, floor, intDiv, countIf, sumIf, minIf,
 * maxIf, toUnixTimestamp). Credentials come from the environment only — CANARYLAB_CLICKHOUSE_USER and
 * CANARYLAB_CLICKHOUSE_PASSWORD — and are never printed or recorded.
 *
 * What the table needs (names mappable with --columns): routing shape `userId` (String), `model` (String),
 * `latency` (number, ms), `success` (UInt8/Bool), `timestamp` (epoch ms number, or DateTime), optional
 * `routedTo` (String: primary/canary, '' when absent) and `tier` (String); or shadow shape `model`, `prompt`,
 * `latency`, `tokens` (integer), `timestamp`, `valid` (UInt8/Bool).
 */
import { ProductionLogError } from '../routing/logs';
import type { Arm } from '../types';
import type { BucketRow, GroupRow, WindowRow } from './assemble';
import type { EngineResult } from './duckdb';
import { type ColumnMapping, type LogField, resolveMapping } from './mapping';
import { type LogSource, LogSourceError } from './source';
import { EXPECTED, MAX_LATENCY_MS, MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS, sqlIdent, sqlString } from './sql';

/** Environment variables holding the ClickHouse credentials (never the command line, never a file). */
export const CLICKHOUSE_USER_ENV = 'CANARYLAB_CLICKHOUSE_USER';
export const CLICKHOUSE_PASSWORD_ENV = 'CANARYLAB_CLICKHOUSE_PASSWORD';

const isNumericType = (t: string) => /^(Nullable\()?(U?Int\d+|Float\d+|Decimal|Bool)/.test(t);
const isStringType = (t: string) => /^(Nullable\()?(LowCardinality\()?(String|FixedString|Enum)/.test(t);
const isDateTimeType = (t: string) => /^(Nullable\()?DateTime/.test(t);

/** Options of {@link clickhouseAggregates}. */
export interface ClickHouseLogOptions {
  mapping?: ColumnMapping;
  windowMs: number;
  skipInvalid: boolean;
  env: NodeJS.ProcessEnv;
}

/**
 * Runs the summary SQL on a ClickHouse table.
 *
 * @throws {LogSourceError} CANARYLAB_ERR_CLICKHOUSE when the server cannot be reached or refuses;
 *   CANARYLAB_ERR_LOG_COLUMNS when the table lacks a needed column or has one of an unusable type;
 *   CANARYLAB_ERR_LOG_EMPTY for an empty table
 * @throws {ProductionLogError} CANARYLAB_ERR_LOG_LINE for rows that break a rule (unless skipInvalid)
 */
export async function clickhouseAggregates(
  src: Extract<LogSource, { kind: 'clickhouse' }>,
  opts: ClickHouseLogOptions,
): Promise<EngineResult> {
  const password = opts.env[CLICKHOUSE_PASSWORD_ENV] ?? '';
  // Loaded on first use: importing canarylab (or starting the CLI) must not pay for a driver it may not use.
  const { ClickHouseLogLevel, createClient } = await import('@clickhouse/client');
  const client = createClient({
    url: `${src.secure ? 'https' : 'http'}://${src.host}:${src.port}`,
    username: opts.env[CLICKHOUSE_USER_ENV] ?? 'default',
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
          `cannot connect to ClickHouse at ${src.host}:${src.port} (${code})`,
        );
      const text = redact(String(err.message ?? e))
        .split('\n')[0]
        .slice(0, 400);
      throw new LogSourceError('CANARYLAB_ERR_CLICKHOUSE', src.name, `the server refused the query: ${text}`);
    }
  };
  const close = () => {
    void client.close();
  };
  try {
    const cols = resolveMapping(opts.mapping);
    const table = `${sqlIdent(src.database, 'clickhouse')}.${sqlIdent(src.table, 'clickhouse')}`;
    const described = await rows<{ name: string; type: string }>(
      `SELECT name, type FROM system.columns WHERE database = ${sqlString(src.database, 'clickhouse')} AND table = ${sqlString(src.table, 'clickhouse')}`,
    );
    if (described.length === 0)
      throw new LogSourceError(
        'CANARYLAB_ERR_LOG_COLUMNS',
        src.name,
        `no table ${src.database}.${src.table} on the server (or it has no columns)`,
      );
    const types = new Map(described.map((d) => [d.name, d.type]));
    const has = (f: LogField) => types.has(cols[f]);
    const routing = has('userId') && has('success');
    const shadow = !routing && has('prompt') && has('tokens') && has('valid');
    const need: LogField[] = ['model', 'latency', 'timestamp'];
    const missing = need.filter((f) => !has(f)).map((f) => cols[f]);
    if (missing.length > 0 || (!routing && !shadow))
      throw new LogSourceError(
        'CANARYLAB_ERR_LOG_COLUMNS',
        src.name,
        `missing column(s) ${[
          ...missing,
          ...(!routing && !shadow
            ? [
                `${cols.userId}+${cols.success} (routing) or ${cols.prompt}+${cols.tokens}+${cols.valid} (shadow)`,
              ]
            : []),
        ].join(', ')}; the table has ${[...types.keys()].join(', ')} (map names with --columns field=column)`,
      );
    const C = (f: LogField) => sqlIdent(cols[f], 'clickhouse');
    const typeOf = (f: LogField) => types.get(cols[f]) as string;
    const wrongType = (f: LogField, expected: string) =>
      new LogSourceError(
        'CANARYLAB_ERR_LOG_COLUMNS',
        src.name,
        `column ${cols[f]} has type ${typeOf(f)}: expected ${expected}`,
      );
    const str = (f: LogField) => {
      if (!has(f)) return "''";
      if (!isStringType(typeOf(f))) throw wrongType(f, 'a String');
      return `ifNull(toString(${C(f)}), '')`;
    };
    const numeric = (f: LogField, what: string) => {
      if (!isNumericType(typeOf(f))) throw wrongType(f, what);
      return `toFloat64(${C(f)})`;
    };
    const lat = numeric('latency', 'a number of milliseconds');
    let ts: string;
    if (isDateTimeType(typeOf('timestamp'))) ts = `toFloat64(toUnixTimestamp(${C('timestamp')})) * 1000`;
    else ts = numeric('timestamp', 'epoch milliseconds (a number) or a DateTime');
    const okExpr = routing ? numeric('success', 'UInt8 0/1 or Bool') : numeric('valid', 'UInt8 0/1 or Bool');
    const tokens = shadow ? numeric('tokens', 'an integer (total tokens)') : '0';
    const model = str('model');
    const userId = routing ? str('userId') : "''";
    const routedTo = routing ? str('routedTo') : "''";
    const tier = routing ? str('tier') : "''";
    const kind = routing ? 'routing' : 'shadow';
    // Row-level rules (the table's types already guarantee the JSON-level ones).
    const norm = `SELECT ${model} AS c_model, ${lat} AS c_lat, ${ts} AS c_ts, ${userId} AS c_userId, ${routedTo} AS c_routedTo,
        ${tier} AS c_tier, ${okExpr} AS c_okv, ${tokens} AS c_tok,
        multiIf(c_model = '', 'model',
          NOT (c_lat >= 0 AND c_lat <= ${MAX_LATENCY_MS}), 'latency',
          NOT (c_ts >= ${MIN_TIMESTAMP_MS} AND c_ts < ${MAX_TIMESTAMP_MS}), 'timestamp',
          ${routing ? `c_userId = '', 'userId',` : ''}
          NOT (c_okv = 0 OR c_okv = 1), '${routing ? 'success' : 'valid'}',
          ${routing ? `NOT (c_routedTo IN ('', 'primary', 'canary')), 'routedTo',` : ''}
          ${shadow ? `NOT (c_tok >= 0 AND c_tok = floor(c_tok)), 'tokens',` : ''}
          '') AS c_problem,
        c_okv = 1 AS c_ok, toInt64(floor(c_ts - c_lat)) AS c_start, toUInt64(c_tok) AS c_tokens
      FROM ${table}`;
    const valid = `(SELECT c_model AS model, c_lat AS lat, c_userId AS userId, c_routedTo AS routedTo, c_tier AS tier,
        c_ok AS ok, c_start AS start, c_tokens AS tokens FROM (${norm}) WHERE c_problem = '')`;
    const w = opts.windowMs;
    // One scan: every group (problem, arm keys, ok) with its latency buckets and windows as sumMap arrays.
    type G = {
      problem: string;
      routedTo: string;
      model: string;
      tier: string;
      ok: number;
      c: string;
      zeros: string;
      latSum: number;
      latMin: number;
      latMax: number;
      tokSum: string;
      tokSum2: string;
      firstStart: string;
      lastStart: string;
      bm: [Array<string | number>, Array<string | number>];
      wm: [Array<string | number>, Array<string | number>];
    };
    const all = await rows<G>(
      `SELECT c_problem AS problem, c_routedTo AS routedTo, c_model AS model, c_tier AS tier, c_ok AS ok, count() AS c,
          countIf(c_ok AND c_lat = 0) AS zeros, sumIf(c_lat, c_ok) AS latSum, minIf(c_lat, c_ok) AS latMin,
          maxIf(c_lat, c_ok) AS latMax, sum(c_tokens) AS tokSum, sum(c_tokens * c_tokens) AS tokSum2,
          min(c_start) AS firstStart, max(c_start) AS lastStart,
          sumMap(if(c_ok AND c_lat > 0, [toInt64(floor(100 * log2(c_lat) + 0.5))], emptyArrayInt64()),
                 if(c_ok AND c_lat > 0, [toUInt64(1)], emptyArrayUInt64())) AS bm,
          sumMap([intDiv(c_start, ${w}) * ${w}], [toUInt64(1)]) AS wm
        FROM (${norm}) GROUP BY problem, routedTo, model, tier, ok`,
    );
    const problemCounts = new Map<string, number>();
    for (const r of all)
      if (r.problem !== '') problemCounts.set(r.problem, (problemCounts.get(r.problem) ?? 0) + Number(r.c));
    const problems = [...problemCounts.entries()]
      .sort(([x], [y]) => (x < y ? -1 : 1))
      .map(([problem, c]) => ({ problem, c }));
    const invalidLines = problems.reduce((s, p) => s + p.c, 0);
    const invalid = problems.map((p) => ({
      file: src.name,
      line: 0,
      field: cols[p.problem as LogField] ?? p.problem,
      message: `${src.name}: ${p.c} row(s): ${cols[p.problem as LogField] ?? p.problem}: ${EXPECTED[p.problem] ?? 'invalid'}`,
    }));
    if (invalidLines > 0 && !opts.skipInvalid) {
      const p = problems[0];
      throw new ProductionLogError({
        code: 'CANARYLAB_ERR_LOG_LINE',
        file: src.name,
        line: 0,
        field: cols[p.problem as LogField] ?? p.problem,
        expected: `${p.c} row(s) break a rule: ${cols[p.problem as LogField] ?? p.problem}: ${EXPECTED[p.problem] ?? 'invalid'} (skip them with --skip-invalid)`,
      });
    }
    const nullable = (x: string) => (x === '' ? null : x);
    const g = all.filter((r) => r.problem === '');
    const groups: GroupRow[] = g.map((r) => ({
      kind,
      routedTo: nullable(r.routedTo),
      model: r.model,
      tier: nullable(r.tier),
      ok: Number(r.ok) === 1,
      calls: Number(r.c),
      zeros: Number(r.zeros),
      latSum: Number(r.latSum),
      latMin: Number(r.ok) === 1 ? Number(r.latMin) : null,
      latMax: Number(r.ok) === 1 ? Number(r.latMax) : null,
      tokSum: Number(r.tokSum),
      tokSum2: Number(r.tokSum2),
      firstStart: Number(r.firstStart),
      lastStart: Number(r.lastStart),
    }));
    if (groups.length === 0 && invalidLines === 0)
      throw new LogSourceError('CANARYLAB_ERR_LOG_EMPTY', src.name, 'the table is empty (no row)');
    const buckets: BucketRow[] = [];
    const windows: WindowRow[] = [];
    for (const r of g) {
      const [bk, bv] = r.bm;
      bk.forEach((k, i) => {
        buckets.push({
          routedTo: nullable(r.routedTo),
          model: r.model,
          tier: nullable(r.tier),
          bucket: Number(k),
          count: Number(bv[i]),
        });
      });
      const [wk, wv] = r.wm;
      wk.forEach((k, i) => {
        windows.push({
          routedTo: nullable(r.routedTo),
          model: r.model,
          start: Number(k),
          calls: Number(wv[i]),
          failures: Number(r.ok) === 1 ? 0 : Number(wv[i]),
        });
      });
    }
    const models = [...new Set(groups.filter((x) => x.routedTo === null).map((x) => x.model))];
    return {
      aggs: { groups, buckets, windows },
      invalidLines,
      invalid: opts.skipInvalid ? invalid : [],
      async users(armOf: (routedTo: string | null, model: string) => Arm | undefined) {
        const byModel: Record<Arm, string[]> = { primary: [], canary: [] };
        for (const m of models) {
          const a = armOf(null, m);
          if (a) byModel[a].push(m);
        }
        const inList = (xs: string[]) =>
          xs.length ? xs.map((x) => sqlString(x, 'clickhouse')).join(', ') : "''";
        const arm = `multiIf(routedTo = 'primary', 'primary', routedTo = 'canary', 'canary',
            routedTo = '' AND model IN (${inList(byModel.primary)}), 'primary',
            routedTo = '' AND model IN (${inList(byModel.canary)}), 'canary', '')`;
        const [u] = await rows<{ p: string; c: string; both: string }>(
          `SELECT countIf(mn = 'primary' OR mx = 'primary') AS p, countIf(mn = 'canary') AS c, countIf(mn != mx) AS both
            FROM (SELECT userId, min(arm) AS mn, max(arm) AS mx
              FROM (SELECT userId, ${arm} AS arm FROM ${valid}) WHERE arm != '' GROUP BY userId)`,
        );
        return { primary: Number(u.p), canary: Number(u.c), both: Number(u.both) };
      },
      close,
    };
  } catch (e) {
    close();
    throw e;
  }
}
