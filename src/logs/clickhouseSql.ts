/** The SQL the ClickHouse engine runs: column checks, per-row normalization with the rule each row breaks, the one-scan aggregation, users per arm. */
import type { Arm } from '../types';
import { LogSourceError, logsMsg } from './errors';
import { type LogField, logShape } from './mapping';
import { MAX_LATENCY_MS, MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS, sqlString } from './sql';

const isNumericType = (t: string) => /^(Nullable\()?(U?Int\d+|Float\d+|Decimal|Bool)/.test(t);
const isStringType = (t: string) => /^(Nullable\()?(LowCardinality\()?(String|FixedString|Enum)/.test(t);
const isDateTimeType = (t: string) => /^(Nullable\()?DateTime/.test(t);

/** A table's columns as the engine reads them. */
export interface TableColumns {
  /** The source's name, for messages. */
  name: string;
  /** The quoted table (`db`.`table`). */
  table: string;
  /** Their column name of each field. */
  cols: Record<LogField, string>;
  /** Column name → ClickHouse type. */
  types: Map<string, string>;
  /** Quotes a column name. */
  ident: (column: string) => string;
}

/** The normalized rows of a table: every row with its problem (`norm`), the valid ones (`valid`), the shape. */
export interface NormalizedRows {
  norm: string;
  valid: string;
  kind: 'routing' | 'shadow';
}

/**
 * The table's shape and its per-row SQL.
 *
 * @throws {LogSourceError} CANARYLAB_ERR_LOG_COLUMNS when a needed column is missing or of an unusable type
 */
export function normalizedRows(t: TableColumns): NormalizedRows {
  const { cols, types, name } = t;
  const has = (f: LogField) => types.has(cols[f]);
  const { routing, shadow, missing } = logShape(cols, (c) => types.has(c));
  if (missing.length > 0)
    throw new LogSourceError(
      'CANARYLAB_ERR_LOG_COLUMNS',
      name,
      logsMsg.missingColumns(missing, `the table has ${[...types.keys()].join(', ')}`),
    );
  const C = (f: LogField) => t.ident(cols[f]);
  const typeOf = (f: LogField) => types.get(cols[f]) as string;
  const wrongType = (f: LogField, expected: string) =>
    new LogSourceError('CANARYLAB_ERR_LOG_COLUMNS', name, logsMsg.wrongType(cols[f], typeOf(f), expected));
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
      FROM ${t.table}`;
  const valid = `(SELECT c_model AS model, c_lat AS lat, c_userId AS userId, c_routedTo AS routedTo, c_tier AS tier,
        c_ok AS ok, c_start AS start, c_tokens AS tokens FROM (${norm}) WHERE c_problem = '')`;
  return { norm, valid, kind: routing ? 'routing' : 'shadow' };
}

/** One group of the aggregation, as JSONEachRow returns it (64-bit integers as strings). */
export interface ClickHouseGroup {
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
}

/** One scan: every group (problem, arm keys, ok) with its latency buckets and windows as sumMap arrays. */
export function clickhouseAggregateSql(norm: string, windowMs: number): string {
  const w = windowMs;
  return `SELECT c_problem AS problem, c_routedTo AS routedTo, c_model AS model, c_tier AS tier, c_ok AS ok, count() AS c,
          countIf(c_ok AND c_lat = 0) AS zeros, sumIf(c_lat, c_ok) AS latSum, minIf(c_lat, c_ok) AS latMin,
          maxIf(c_lat, c_ok) AS latMax, sum(c_tokens) AS tokSum, sum(c_tokens * c_tokens) AS tokSum2,
          min(c_start) AS firstStart, max(c_start) AS lastStart,
          sumMap(if(c_ok AND c_lat > 0, [toInt64(floor(100 * log2(c_lat) + 0.5))], emptyArrayInt64()),
                 if(c_ok AND c_lat > 0, [toUInt64(1)], emptyArrayUInt64())) AS bm,
          sumMap([intDiv(c_start, ${w}) * ${w}], [toUInt64(1)]) AS wm
        FROM (${norm}) GROUP BY problem, routedTo, model, tier, ok`;
}

/** Distinct users per arm and in both; the arm from routedTo, else from the model (resolved in JS). */
export function clickhouseUsersSql(
  valid: string,
  armOf: (routedTo: string | null, model: string) => Arm | undefined,
  models: readonly string[],
): string {
  const byModel: Record<Arm, string[]> = { primary: [], canary: [] };
  for (const m of models) {
    const a = armOf(null, m);
    if (a) byModel[a].push(m);
  }
  const inList = (xs: string[]) => (xs.length ? xs.map((x) => sqlString(x, 'clickhouse')).join(', ') : "''");
  const arm = `multiIf(routedTo = 'primary', 'primary', routedTo = 'canary', 'canary',
            routedTo = '' AND model IN (${inList(byModel.primary)}), 'primary',
            routedTo = '' AND model IN (${inList(byModel.canary)}), 'canary', '')`;
  return `SELECT countIf(mn = 'primary' OR mx = 'primary') AS p, countIf(mn = 'canary') AS c, countIf(mn != mx) AS both
            FROM (SELECT userId, min(arm) AS mn, max(arm) AS mx
              FROM (SELECT userId, ${arm} AS arm FROM ${valid}) WHERE arm != '' GROUP BY userId)`;
}
