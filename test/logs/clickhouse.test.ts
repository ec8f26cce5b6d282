/**
 * The ClickHouse engine on a real cluster: two clickhouse-server processes on loopback (test/helpers/
 * clickhouse.ts), a MergeTree table on each and a Distributed table sharded by cityHash64(userId). The same
 * log loaded into it gives the same summary, the same comparisons and the same verdict as DuckDB over the
 * file. Credentials only from the environment, never in any output. Bad input: refused connection, missing
 * table, table without the needed columns, wrong password — one clear error, exit 1, no run folder.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeSummaries } from '../../src/analysis/analyzeSummaries';
import { decide } from '../../src/decision/decide';
import { loadPricing } from '../../src/gateway/pricing';
import { summarizeLogs } from '../../src/logs/summarizeLogs';
import { runCli, tempDir } from '../cli/cliHelpers';
import {
  type ClickHouseCluster,
  clickhouseSkipReason,
  createRoutingTable,
  startClickHouseCluster,
} from '../helpers/clickhouse';

const ROOT = join(__dirname, '..', '..');
const ROUTING = join(ROOT, 'datasets', 'logs', 'routing.jsonl');
const SHADOW = join(ROOT, 'datasets', 'logs', 'shadow.jsonl');
const skip = clickhouseSkipReason();
if (skip) console.warn(skip);

const filesUnder = (d: string): string[] =>
  existsSync(d)
    ? readdirSync(d).flatMap((n) =>
        statSync(join(d, n)).isDirectory() ? filesUnder(join(d, n)) : [join(d, n)],
      )
    : [];

describe.skipIf(skip !== undefined)('ClickHouse engine: a 2-shard cluster on loopback', () => {
  let ch: ClickHouseCluster;
  let env: NodeJS.ProcessEnv;
  let url: (table: string) => string;

  beforeAll(async () => {
    ch = await startClickHouseCluster({ shards: 2 });
    env = { CANARYLAB_CLICKHOUSE_USER: ch.user, CANARYLAB_CLICKHOUSE_PASSWORD: ch.password };
    url = (table) => `clickhouse://127.0.0.1:${ch.shards[0].httpPort}/logs/${table}`;
    await createRoutingTable(ch, { db: 'logs', table: 'routing', jsonl: readFileSync(ROUTING, 'utf8') });
    await createRoutingTable(ch, {
      db: 'logs',
      table: 'shadow',
      columns: 'model String, prompt String, latency Float64, tokens UInt32, timestamp DateTime, valid UInt8',
      shardKey: 'cityHash64(prompt)',
      // DateTime from the ISO strings: ClickHouse 18.16 parses 'YYYY-MM-DD hh:mm:ss' (whole seconds).
      jsonl: readFileSync(SHADOW, 'utf8')
        .trim()
        .split('\n')
        .map((l) => {
          const o = JSON.parse(l);
          return JSON.stringify({ ...o, timestamp: o.timestamp.slice(0, 19).replace('T', ' ') });
        })
        .join('\n'),
    });
    const good = (u: string, latency: number) =>
      JSON.stringify({
        userId: u,
        model: 'gpt-4.1',
        latency,
        success: 1,
        timestamp: 1748826000000,
        routedTo: 'primary',
        tier: '',
      });
    await createRoutingTable(ch, {
      db: 'logs',
      table: 'withbad',
      jsonl: [good('a', 100), good('b', -5), good('c', 200)].join('\n'),
    });
    await createRoutingTable(ch, {
      db: 'logs',
      table: 'narrow',
      columns: 'userId String, model String',
    });
  }, 120_000);
  afterAll(async () => {
    await ch?.stop();
  });

  it('the rows really are on both shards', async () => {
    const n = await Promise.all(
      [0, 1].map((s) => ch.query('SELECT count() FROM logs.routing_local', { shard: s })),
    );
    const counts = n.map((x) => Number(x.trim()));
    expect(counts.every((c) => c > 0)).toBe(true);
    expect(counts[0] + counts[1]).toBe(readFileSync(ROUTING, 'utf8').trim().split('\n').length);
  });

  it('routing: summary, every comparison and the verdict are identical to DuckDB on the file', async () => {
    const pricing = await loadPricing(join(ROOT, 'datasets', 'pricing.json'));
    const a = await summarizeLogs(url('routing'), { env, pricing });
    const b = await summarizeLogs(ROUTING, { pricing });
    expect(a.engine).toBe('clickhouse');
    expect(a.source).toBe(url('routing'));
    expect({ ...a.summary, origins: [] }).toEqual({ ...b.summary, origins: [] });
    expect(a.facts).toEqual(b.facts);
    const ca = analyzeSummaries({ runId: 'x', summary: a.summary });
    const cb = analyzeSummaries({ runId: 'x', summary: b.summary });
    expect(ca.comparisons.length).toBeGreaterThan(10);
    expect(ca.comparisons).toEqual(cb.comparisons);
    expect(decide(ca.comparisons).verdict).toBe(decide(cb.comparisons).verdict);
  });

  it('shadow (DateTime column, tokens, prices): the same summary as DuckDB on the file', async () => {
    const pricing = await loadPricing(join(ROOT, 'datasets', 'pricing.json'));
    const a = await summarizeLogs(url('shadow'), { env, pricing, primaryModel: 'gpt-4.1' });
    // The file's times truncated to whole seconds as loaded; latency windows come from start = t − latency.
    const b = await summarizeLogs(SHADOW, { pricing, primaryModel: 'gpt-4.1' });
    for (const arm of ['primary', 'canary'] as const) {
      const x = a.summary[arm];
      const y = b.summary[arm];
      expect([x.calls, x.ok, x.failures, x.tokens, x.latencyMs, x.models]).toEqual([
        y.calls,
        y.ok,
        y.failures,
        y.tokens,
        y.latencyMs,
        y.models,
      ]);
      expect(x.cost).toEqual(y.cost);
    }
  });

  it('rows that break a rule: counted per field, an error unless skipped', async () => {
    const err = await summarizeLogs(url('withbad'), { env }).catch((e) => e);
    expect(err.code).toBe('CANARYLAB_ERR_LOG_LINE');
    expect(err.message).toBe(
      `${url('withbad')}: 1 row(s) break a rule: latency: expected a number of milliseconds between 0 and 86400000 (one day) (skip them with --skip-invalid)`,
    );
    const s = await summarizeLogs(url('withbad'), { env, skipInvalid: true });
    expect([s.invalidLines, s.summary.primary.calls, s.summary.primary.latencyMs.sum]).toEqual([1, 2, 300]);
  });

  it('the CLI: same comparisons as the file, credentials never written or printed', async () => {
    const out = tempDir('ch-cli');
    const r = await runCli(['analyze', url('routing'), '--out', out, '--run-id', 'ch'], { env });
    expect(r.stderr).not.toMatch(/canarylab: /);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('with clickhouse');
    const f = await runCli(['analyze', ROUTING, '--out', out, '--run-id', 'file']);
    expect(f.code).toBe(0);
    const cmp = (id: string) =>
      JSON.parse(readFileSync(join(out, id, 'comparison.json'), 'utf8')).comparisons;
    expect(cmp('ch')).toEqual(cmp('file'));
    expect(readdirSync(join(out, 'ch')).sort()).toEqual(['comparison.json', 'import.json', 'summary.json']);
    for (const file of filesUnder(out)) expect(readFileSync(file, 'utf8'), file).not.toContain(ch.password);
    expect(r.stdout + r.stderr).not.toContain(ch.password);
    const d1 = await runCli(['decide', join(out, 'ch'), '--json']);
    const d2 = await runCli(['decide', join(out, 'file'), '--json']);
    expect(JSON.parse(d1.stdout).verdict).toBe(JSON.parse(d2.stdout).verdict);
  });

  it('bad input: refused connection, missing table, missing columns, wrong password → exit 1, no run folder', async () => {
    const out = tempDir('ch-bad');
    const cases: Array<[string, NodeJS.ProcessEnv, RegExp]> = [
      [
        'clickhouse://127.0.0.1:1/logs/routing',
        env,
        /cannot connect to ClickHouse at 127\.0\.0\.1:1 \(ECONNREFUSED\)/,
      ],
      [url('nope'), env, /no table logs\.nope on the server/],
      [
        url('narrow'),
        env,
        /missing column\(s\) latency, timestamp, userId\+success \(routing\) or prompt\+tokens\+valid \(shadow\); the table has userId, model/,
      ],
      [
        url('routing'),
        { ...env, CANARYLAB_CLICKHOUSE_PASSWORD: 'not-the-password' },
        /refused the query: .*(password|Authentication)/i,
      ],
    ];
    for (const [source, e, msg] of cases) {
      const r = await runCli(['analyze', source, '--out', out, '--run-id', 'bad'], { env: e });
      expect(r.code, source).toBe(1);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toContain(ch.password);
      expect(existsSync(join(out, 'bad'))).toBe(false);
      expect(readdirSync(out)).toEqual([]);
    }
    // Credentials in the URL are refused (they belong in the environment).
    const u = await runCli([
      'analyze',
      `clickhouse://me:secret@127.0.0.1:${ch.shards[0].httpPort}/logs/routing`,
      '--out',
      out,
    ]);
    expect(u.code).toBe(1);
    expect(u.stderr).toContain('credentials do not go in the URL');
    expect(u.stderr).not.toContain('secret');
  });
});
