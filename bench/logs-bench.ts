// Log-analysis benchmark (issue 15): `canarylab analyze` on a seeded routing log of 1,000,000 and
// 10,000,000 lines (the playbook's { userId, model, latency, success, timestamp, routedTo, tier } shape,
// scripts/make-routing-log.ts), each in its own process under /usr/bin/time (wall time and peak RSS), against
// peers in the same run on the same file:
//   - DuckDB's own query (a process running @duckdb/node-api): per-arm count, success rate, P50/P95/P99 and
//     hourly error rates — what a user would write by hand;
//   - the JSON.parse floor: readline + JSON.parse + per-arm latency arrays;
//   - ClickHouse: a 2-shard cluster on loopback (two clickhouse-server processes, Distributed table by
//     cityHash64(userId)), the log loaded once; `canarylab analyze clickhouse://…` and the server's own query.
// Prints the figures side by side as ratios of wall time and of CPU time (user + system: steadier than wall
// time on a shared machine, where the peers of one run can meet different loads), and checks canarylab's estimates against DuckDB's exact answers:
// success rate exactly, P95 within 1%.
// Run: npx tsx bench/logs-bench.ts [sizes, default 1000000,10000000]   (part of `npm run bench`)
// Switches: LOGS_BENCH_CLICKHOUSE=0 skips ClickHouse; LOGS_BENCH_KEEP=1 keeps the temp folder. The CLI runs
// as installed (bin/canarylab.cjs → the built dist/cli.js, as a user runs it) unless LOGS_BENCH_FROM_SOURCE=1
// (src/ through tsx, which compiles at start: seconds more per process on a loaded machine).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRoutingLog } from '../scripts/make-routing-log';
import {
  clickhouseServerBinary,
  createRoutingTable,
  startClickHouseCluster,
} from '../test/helpers/clickhouse';

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bin', 'canarylab.cjs');
const sizes = (process.argv[2] ?? '1000000,10000000').split(',').map(Number);
const dir = mkdtempSync(join(tmpdir(), 'canarylab-logs-bench-'));

interface Measured {
  wallS: number;
  /** CPU seconds (user + system): steadier than wall time on a shared machine, where other work steals cores. */
  cpuS: number;
  rssMB: number;
  stdout: string;
  stderr: string;
  code: number | null;
}

/** Runs a command under /usr/bin/time: wall seconds, CPU seconds and peak RSS of the tree's largest process. */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Measured> {
  return new Promise((resolve) => {
    const child = spawn('/usr/bin/time', ['-f', '__TIME__ %e %M %U %S', cmd, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => {
      const m = /__TIME__ ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(stderr);
      resolve({
        wallS: m ? Number(m[1]) : Number.NaN,
        cpuS: m ? Number(m[3]) + Number(m[4]) : Number.NaN,
        rssMB: m ? Number(m[2]) / 1024 : Number.NaN,
        stdout,
        stderr: stderr.replace(/__TIME__.*\n?/, ''),
        code,
      });
    });
  });
}

// DuckDB's own query, as a user would write it, in its own process (prints its answers as JSON).
const DUCKDB_SCRIPT = join(dir, 'duckdb-query.cjs');
writeFileSync(
  DUCKDB_SCRIPT,
  `const { DuckDBInstance } = require(${JSON.stringify(require.resolve('@duckdb/node-api'))});
(async () => {
  const f = process.argv[2];
  const inst = await DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  const src = "read_json('" + f + "', format = 'newline_delimited', columns = {userId: 'VARCHAR', model: 'VARCHAR', latency: 'DOUBLE', success: 'BOOLEAN', timestamp: 'BIGINT', routedTo: 'VARCHAR', tier: 'VARCHAR'})";
  const r = await con.runAndReadAll("SELECT routedTo, count(*) AS n, sum(success::INT) AS ok, avg(success::INT) AS rate, " +
    "quantile_cont(latency, [0.5, 0.95, 0.99]) FILTER (WHERE success) AS q FROM " + src + " GROUP BY routedTo");
  const hourly = await con.runAndReadAll("SELECT routedTo, timestamp // 3600000 AS h, avg((NOT success)::INT) AS err FROM " + src + " GROUP BY ALL");
  if (hourly.getRowObjectsJson().length === 0) throw new Error('no hourly rows');
  console.log(JSON.stringify(r.getRowObjectsJson().map((x) => ({ arm: x.routedTo, n: Number(x.n), ok: Number(x.ok), rate: x.rate, q: x.q }))));
})();
`,
);

// The JSON.parse floor: the least a JavaScript reader does.
const FLOOR_SCRIPT = join(dir, 'json-floor.cjs');
writeFileSync(
  FLOOR_SCRIPT,
  `const { createReadStream } = require('node:fs');
const { createInterface } = require('node:readline');
(async () => {
  const arms = {};
  for await (const line of createInterface({ input: createReadStream(process.argv[2]), crlfDelay: Infinity })) {
    if (!line) continue;
    const o = JSON.parse(line);
    const a = (arms[o.routedTo] ??= { n: 0, ok: 0, lat: [] });
    a.n++;
    if (o.success) { a.ok++; a.lat.push(o.latency); }
  }
  console.log(JSON.stringify(Object.entries(arms).map(([arm, a]) => ({ arm, n: a.n, ok: a.ok }))));
})();
`,
);

const cli = (args: string[]) =>
  timed(
    process.execPath,
    [BIN, ...args],
    process.env.LOGS_BENCH_FROM_SOURCE === '1' ? { CANARYLAB_FROM_SOURCE: '1' } : {},
  );

function estimates(runDir: string): Record<string, { rate: number; p95: number; n: number }> {
  const a = JSON.parse(readFileSync(join(runDir, 'comparison.json'), 'utf8'));
  const get = (metric: string) =>
    a.comparisons.find((c: { metric: string; segment?: unknown }) => c.metric === metric && !c.segment);
  const sr = get('success_rate');
  const p95 = get('latency_p95_ms');
  return {
    primary: { rate: sr.primary.estimate, n: sr.primary.n, p95: p95.primary.estimate },
    canary: { rate: sr.canary.estimate, n: sr.canary.n, p95: p95.canary.estimate },
  };
}

const fmt = (x: number, d = 2) => x.toFixed(d);
const rows: string[][] = [];
const row = (name: string, m: Measured, peer?: Measured) =>
  rows.push([
    name,
    `${fmt(m.wallS)} s`,
    peer ? `${fmt(m.wallS / peer.wallS)}×` : '',
    `${fmt(m.cpuS)} s`,
    peer ? `${fmt(m.cpuS / peer.cpuS)}×` : '',
    `${fmt(m.rssMB, 0)} MB`,
    `${fmt(loadavg()[0], 1)}`,
  ]);

async function main(): Promise<void> {
  const checks: string[] = [];
  const fromSource = process.env.LOGS_BENCH_FROM_SOURCE === '1';
  console.error(
    `[logs-bench] CLI: ${fromSource ? 'src/ via tsx' : 'bin/canarylab.cjs (dist/cli.js when built)'}; load ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  const canarylabWall: number[] = [];
  const withClickHouse = process.env.LOGS_BENCH_CLICKHOUSE !== '0' && clickhouseServerBinary() !== undefined;
  for (const n of sizes) {
    const file = join(dir, `routing-${n}.jsonl`);
    const t0 = Date.now();
    writeRoutingLog({ file, lines: n, seed: 20250602, days: Math.max(1, Math.round(n / 1_000_000)) });
    console.error(
      `[logs-bench] wrote ${n.toLocaleString('en-US')} lines in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    const duck = await timed(process.execPath, [DUCKDB_SCRIPT, file]);
    const floor = await timed(process.execPath, [FLOOR_SCRIPT, file]);
    const out = join(dir, 'runs');
    const ana = await cli(['analyze', file, '--out', out, '--run-id', `r${n}`, '--force']);
    if (ana.code !== 0) throw new Error(`canarylab analyze failed: ${ana.stderr}`);
    canarylabWall.push(ana.wallS);
    const label = `${n.toLocaleString('en-US')} lines`;
    row(`${label}: DuckDB's own query`, duck);
    row(`${label}: canarylab analyze (DuckDB)`, ana, duck);
    row(`${label}: JSON.parse floor`, floor, duck);
    // Estimates vs DuckDB's exact answers.
    const exact = JSON.parse(duck.stdout.trim()) as Array<{
      arm: string;
      n: number;
      ok: number;
      rate: number;
      q: number[];
    }>;
    const est = estimates(join(out, `r${n}`));
    for (const e of exact) {
      const g = est[e.arm];
      const rateOk = g.n === e.n && g.rate === e.ok / e.n;
      const p95Err = Math.abs(g.p95 - e.q[1]) / e.q[1];
      checks.push(
        `${label} ${e.arm}: success rate ${g.rate} vs exact ${e.ok}/${e.n} = ${e.ok / e.n} ${rateOk ? 'EQUAL' : 'DIFFERENT'}; P95 ${fmt(g.p95, 1)} vs exact ${fmt(e.q[1], 1)} ms: ${(100 * p95Err).toFixed(3)}% ${p95Err <= 0.01 ? '≤ 1%' : '> 1% FAIL'}`,
      );
    }
    if (withClickHouse) {
      const ch = await startClickHouseCluster({ shards: 2 });
      try {
        await createRoutingTable(ch, { db: 'logs', table: 'routing' });
        const t1 = Date.now();
        // clickhouse-client reads the rows on stdin: load through a shell redirect instead.
        await new Promise<void>((resolve, reject) => {
          const c = spawn(
            'sh',
            [
              '-c',
              `clickhouse-client --port ${ch.shards[0].tcpPort} --user ${ch.user} --password "$CH_PW" --insert_distributed_sync=1 --query "INSERT INTO logs.routing FORMAT JSONEachRow" < "${file}"`,
            ],
            { env: { ...process.env, CH_PW: ch.password }, stdio: 'inherit' },
          );
          c.on('close', (code) =>
            code === 0 ? resolve() : reject(new Error(`clickhouse-client exited ${code}`)),
          );
        });
        console.error(`[logs-bench] loaded into 2 shards in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
        const own = await timed('clickhouse-client', [
          '--port',
          String(ch.shards[0].tcpPort),
          '--user',
          ch.user,
          '--password',
          ch.password,
          '--query',
          `SELECT routedTo, count(), avg(success), quantilesExactIf(0.5, 0.95, 0.99)(latency, success = 1) FROM logs.routing GROUP BY routedTo`,
        ]);
        const env = { CANARYLAB_CLICKHOUSE_USER: ch.user, CANARYLAB_CLICKHOUSE_PASSWORD: ch.password };
        const chAna = await timed(
          process.execPath,
          [
            BIN,
            'analyze',
            `clickhouse://127.0.0.1:${ch.shards[0].httpPort}/logs/routing`,
            '--out',
            out,
            '--run-id',
            `ch${n}`,
            '--force',
          ],
          { ...env, ...(process.env.LOGS_BENCH_FROM_SOURCE === '1' ? { CANARYLAB_FROM_SOURCE: '1' } : {}) },
        );
        if (chAna.code !== 0) throw new Error(`canarylab analyze clickhouse failed: ${chAna.stderr}`);
        row(`${label}: ClickHouse 2 shards, own query (client process)`, own, duck);
        row(`${label}: canarylab analyze clickhouse://`, chAna, duck);
        const same =
          JSON.stringify(
            JSON.parse(readFileSync(join(out, `ch${n}`, 'comparison.json'), 'utf8')).comparisons,
          ) ===
          JSON.stringify(JSON.parse(readFileSync(join(out, `r${n}`, 'comparison.json'), 'utf8')).comparisons);
        checks.push(`${label}: ClickHouse comparisons ${same ? 'IDENTICAL to' : 'DIFFER from'} DuckDB's`);
      } finally {
        await ch.stop();
      }
    }
    rmSync(file, { force: true });
  }
  const head = ['run', 'wall', 'vs DuckDB query', 'CPU', 'CPU vs DuckDB', 'peak RSS', 'load'];
  const all = [head, ...rows];
  const w = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  for (const r of all) console.log(r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  '));
  if (canarylabWall.length > 1)
    console.log(
      `canarylab wall per 1M lines: ${canarylabWall.map((s, i) => fmt((s / sizes[i]) * 1e6)).join(' s, ')} s (linear if equal)`,
    );
  for (const c of checks) console.log(c);
  if (process.env.LOGS_BENCH_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
