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
import { type ClickHouseConnection, openClickHouse } from './clickhouseClient';
import {
  type ClickHouseGroup,
  clickhouseAggregateSql,
  clickhouseUsersSql,
  type NormalizedRows,
  normalizedRows,
} from './clickhouseSql';
import type { BucketRow, EngineResult, GroupRow, WindowRow } from './engineTypes';
import { LogSourceError, logsMsg } from './errors';
import { type ColumnMapping, type LogField, resolveMapping } from './mapping';
import type { LogSource } from './source';
import { EXPECTED, sqlIdent, sqlString } from './sql';

export { CLICKHOUSE_PASSWORD_ENV, CLICKHOUSE_USER_ENV } from './clickhouseClient';

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
  const ch = await openClickHouse(src, opts.env);
  try {
    const cols = resolveMapping(opts.mapping);
    const sql = await describeTable(ch, src, cols);
    const all = await ch.rows<ClickHouseGroup>(clickhouseAggregateSql(sql.norm, opts.windowMs));
    const problems = problemCounts(all);
    const invalidLines = problems.reduce((s, p) => s + p.c, 0);
    const fieldOf = (p: { problem: string }) => cols[p.problem as LogField] ?? p.problem;
    const invalid = problems.map((p) => ({
      file: src.name,
      line: 0,
      field: fieldOf(p),
      message: `${src.name}: ${p.c} row(s): ${fieldOf(p)}: ${EXPECTED[p.problem] ?? 'invalid'}`,
    }));
    if (invalidLines > 0 && !opts.skipInvalid) {
      const p = problems[0];
      throw new ProductionLogError({
        code: 'CANARYLAB_ERR_LOG_LINE',
        file: src.name,
        line: 0,
        field: fieldOf(p),
        expected: logsMsg.rowsBreakRule(p.c, fieldOf(p), EXPECTED[p.problem] ?? 'invalid'),
      });
    }
    const g = all.filter((r) => r.problem === '');
    const groups = g.map((r) => groupRow(r, sql.kind));
    if (groups.length === 0 && invalidLines === 0)
      throw new LogSourceError('CANARYLAB_ERR_LOG_EMPTY', src.name, logsMsg.tableEmpty());
    const { buckets, windows } = bucketsAndWindows(g);
    const models = [...new Set(groups.filter((x) => x.routedTo === null).map((x) => x.model))];
    return {
      aggs: { groups, buckets, windows },
      invalidLines,
      invalid: opts.skipInvalid ? invalid : [],
      async users(armOf) {
        const [u] = await ch.rows<{ p: string; c: string; both: string }>(
          clickhouseUsersSql(sql.valid, armOf, models),
        );
        return { primary: Number(u.p), canary: Number(u.c), both: Number(u.both) };
      },
      close: () => ch.close(),
    };
  } catch (e) {
    ch.close();
    throw e;
  }
}

/** The table's columns and types from system.columns, and its normalized rows' SQL. */
async function describeTable(
  ch: ClickHouseConnection,
  src: Extract<LogSource, { kind: 'clickhouse' }>,
  cols: Record<LogField, string>,
): Promise<NormalizedRows> {
  const described = await ch.rows<{ name: string; type: string }>(
    `SELECT name, type FROM system.columns WHERE database = ${sqlString(src.database, 'clickhouse')} AND table = ${sqlString(src.table, 'clickhouse')}`,
  );
  if (described.length === 0)
    throw new LogSourceError('CANARYLAB_ERR_LOG_COLUMNS', src.name, logsMsg.noTable(src.database, src.table));
  return normalizedRows({
    name: src.name,
    table: `${sqlIdent(src.database, 'clickhouse')}.${sqlIdent(src.table, 'clickhouse')}`,
    cols,
    types: new Map(described.map((d) => [d.name, d.type])),
    ident: (c) => sqlIdent(c, 'clickhouse'),
  });
}

/** Rows that broke a rule, counted per rule (sorted by rule name). */
function problemCounts(all: readonly ClickHouseGroup[]): Array<{ problem: string; c: number }> {
  const counts = new Map<string, number>();
  for (const r of all)
    if (r.problem !== '') counts.set(r.problem, (counts.get(r.problem) ?? 0) + Number(r.c));
  return [...counts.entries()].sort(([x], [y]) => (x < y ? -1 : 1)).map(([problem, c]) => ({ problem, c }));
}

const nullable = (x: string) => (x === '' ? null : x);

function groupRow(r: ClickHouseGroup, kind: 'routing' | 'shadow'): GroupRow {
  return {
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
  };
}

/** The latency buckets and time windows of the valid groups, from their sumMap arrays. */
function bucketsAndWindows(g: readonly ClickHouseGroup[]): { buckets: BucketRow[]; windows: WindowRow[] } {
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
  return { buckets, windows };
}
