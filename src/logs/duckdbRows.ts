/** The DuckDB engine's result rows (GROUPING SETS) → the engine aggregates (groups, latency buckets, windows) and rule counts. */
import type { BucketRow, EngineAggregates, GroupRow, WindowRow } from './engineTypes';

export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
/** A group key: JSON text of a string ("gpt-4.1") → the string; NULL → null. */
const strOrNull = (v: unknown): string | null =>
  v === null || v === undefined
    ? null
    : String(v).startsWith('"')
      ? (JSON.parse(String(v)) as string)
      : String(v);

/** Splits the rows of the two grouping sets; rows that broke a rule are counted per rule. */
export function splitAggregates(rows: Record<string, unknown>[]): {
  aggs: EngineAggregates;
  problems: Map<string, number>;
} {
  const groups: GroupRow[] = [];
  const buckets: BucketRow[] = [];
  const windows: WindowRow[] = [];
  const problems = new Map<string, number>();
  for (const r of rows) {
    const g = { kind: Number(r.g_kind), bucket: Number(r.g_bucket), win: Number(r.g_win) };
    if (r.problem !== null) {
      // Rows that broke a rule: counted once, from the first grouping set.
      if (g.kind === 0) problems.set(String(r.problem), (problems.get(String(r.problem)) ?? 0) + num(r.c));
      continue;
    }
    if (g.kind === 0) {
      const ok = r.ok === true;
      const group: GroupRow = {
        kind: r.kind === 'shadow' ? 'shadow' : 'routing',
        routedTo: strOrNull(r.routedTo),
        model: strOrNull(r.model) as string,
        tier: strOrNull(r.tier),
        ok,
        calls: num(r.c),
        // Latency statistics are those of the successful calls (the SQL groups by ok without filtering).
        zeros: ok ? num(r.zeros) : 0,
        latSum: ok ? num(r.latSum) : 0,
        latMin: ok ? numOrNull(r.latMin) : null,
        latMax: ok ? numOrNull(r.latMax) : null,
        tokSum: num(r.tokSum),
        tokSum2: num(r.tokSum2),
        firstStart: num(r.firstStart),
        lastStart: num(r.lastStart),
      };
      groups.push(group);
      windows.push({
        routedTo: group.routedTo,
        model: group.model,
        start: Number(r.win),
        calls: group.calls,
        failures: group.ok ? 0 : group.calls,
      });
    } else if (g.bucket === 0 && r.bucket !== null) {
      buckets.push({
        routedTo: strOrNull(r.routedTo),
        model: strOrNull(r.model) as string,
        tier: strOrNull(r.tier),
        bucket: Number(r.bucket),
        count: num(r.c),
      });
    }
  }
  return { aggs: { groups, buckets, windows }, problems };
}
