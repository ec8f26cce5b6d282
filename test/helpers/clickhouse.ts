/**
 * A real two-shard ClickHouse cluster on loopback for the engine tests: two `clickhouse-server` processes
 * (Debian's package, 18.16) each with its own config, ports and data folder under a temp folder, a
 * `remote_servers` cluster naming both shards, a MergeTree table on each and a Distributed table over them
 * sharded by cityHash64(userId). A user with a password, so the tests exercise the credentials path.
 * Nothing is mocked: the tests talk to the servers over HTTP through @clickhouse/client.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where clickhouse-server is (Debian puts it in /usr/sbin, which may not be on PATH). */
export function clickhouseServerBinary(): string | undefined {
  for (const p of ['/usr/bin/clickhouse-server', '/usr/sbin/clickhouse-server', '/usr/bin/clickhouse']) {
    if (existsSync(p)) return p;
  }
  try {
    return (
      execFileSync('sh', ['-c', 'command -v clickhouse-server'], { encoding: 'utf8' }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

/** Why the ClickHouse tests are skipped here, or undefined when they can run. CI must have the binary. */
export function clickhouseSkipReason(): string | undefined {
  if (clickhouseServerBinary()) return undefined;
  const msg =
    'clickhouse-server is not installed: ClickHouse engine tests skipped (npm run setup installs it; CI requires it)';
  if (process.env.CI) throw new Error(`${msg} — but CI is set, and CI must run them`);
  return msg;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** One running shard. */
export interface Shard {
  httpPort: number;
  tcpPort: number;
  dir: string;
  child: ChildProcess;
}

/** A running cluster and how to reach it. */
export interface ClickHouseCluster {
  shards: Shard[];
  /** The cluster's name in remote_servers. */
  cluster: string;
  user: string;
  password: string;
  /** http://127.0.0.1:<shard 1 http port> */
  url: string;
  /** Runs one statement on a shard (default the first) over HTTP; returns the response text. */
  query(sql: string, opts?: { shard?: number; body?: string }): Promise<string>;
  /** Stops both servers and removes their folders. */
  stop(): Promise<void>;
}

const USERS_XML = (user: string, password: string) => `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users>
    <${user}>
      <password>${password}</password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </${user}>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;

const SERVER_XML = (a: {
  dir: string;
  http: number;
  tcp: number;
  inter: number;
  cluster: string;
  shards: Array<{ tcp: number }>;
  user: string;
  password: string;
}) => `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${a.dir}/server.log</log><errorlog>${a.dir}/server.err.log</errorlog><console>0</console></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${a.http}</http_port>
  <tcp_port>${a.tcp}</tcp_port>
  <interserver_http_port>${a.inter}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <path>${a.dir}/data/</path>
  <tmp_path>${a.dir}/tmp/</tmp_path>
  <user_files_path>${a.dir}/user_files/</user_files_path>
  <format_schema_path>${a.dir}/format_schemas/</format_schema_path>
  <users_config>${a.dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <max_concurrent_queries>50</max_concurrent_queries>
  <remote_servers>
    <${a.cluster}>
${a.shards
  .map(
    (s) =>
      `      <shard><replica><host>127.0.0.1</host><port>${s.tcp}</port><user>${a.user}</user><password>${a.password}</password></replica></shard>`,
  )
  .join('\n')}
    </${a.cluster}>
  </remote_servers>
</yandex>
`;

async function waitReady(port: number, user: string, password: string, child: ChildProcess, dir: string) {
  const deadline = Date.now() + 60_000;
  let exited: number | null = null;
  child.once('exit', (code) => {
    exited = code ?? -1;
  });
  while (Date.now() < deadline) {
    if (exited !== null)
      throw new Error(`clickhouse-server exited with ${exited} before it was ready (see ${dir})`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/?query=SELECT%201`, {
        headers: { 'X-ClickHouse-User': user, 'X-ClickHouse-Key': password },
      });
      if (r.ok && (await r.text()).trim() === '1') return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`clickhouse-server on port ${port} not ready after 60 s (see ${dir})`);
}

/**
 * Starts a cluster of `shards` servers (default 2) on loopback. The caller must `stop()` it.
 * @throws {Error} when clickhouse-server is missing or a server does not come up within 60 s
 */
export async function startClickHouseCluster(opts: { shards?: number } = {}): Promise<ClickHouseCluster> {
  const bin = clickhouseServerBinary();
  if (!bin) throw new Error('clickhouse-server is not installed');
  const n = opts.shards ?? 2;
  const root = mkdtempSync(join(tmpdir(), 'canarylab-ch-'));
  const user = 'canarylab_test';
  const password = `pw-${process.pid}-${Date.now().toString(36)}`;
  const cluster = 'canarylab_cluster';
  const ports: Array<{ http: number; tcp: number; inter: number }> = [];
  for (let i = 0; i < n; i++)
    ports.push({ http: await freePort(), tcp: await freePort(), inter: await freePort() });
  const shards: Shard[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const dir = join(root, `shard${i + 1}`);
      for (const d of ['data', 'tmp', 'user_files', 'format_schemas'])
        mkdirSync(join(dir, d), { recursive: true });
      writeFileSync(join(dir, 'users.xml'), USERS_XML(user, password));
      const config = join(dir, 'config.xml');
      writeFileSync(
        config,
        SERVER_XML({
          dir,
          http: ports[i].http,
          tcp: ports[i].tcp,
          inter: ports[i].inter,
          cluster,
          shards: ports.map((p) => ({ tcp: p.tcp })),
          user,
          password,
        }),
      );
      const child = spawn(bin, [`--config-file=${config}`], { cwd: dir, stdio: 'ignore' });
      shards.push({ httpPort: ports[i].http, tcpPort: ports[i].tcp, dir, child });
    }
    await Promise.all(shards.map((s) => waitReady(s.httpPort, user, password, s.child, s.dir)));
  } catch (e) {
    for (const s of shards) s.child.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
    throw e;
  }
  const query = async (sql: string, o: { shard?: number; body?: string } = {}) => {
    const s = shards[o.shard ?? 0];
    // Settings go in the URL: 18.16 has no INSERT … SETTINGS clause.
    const url =
      o.body === undefined
        ? `http://127.0.0.1:${s.httpPort}/`
        : `http://127.0.0.1:${s.httpPort}/?insert_distributed_sync=1&query=${encodeURIComponent(sql)}`;
    const r = await fetch(url, {
      method: 'POST',
      headers: { 'X-ClickHouse-User': user, 'X-ClickHouse-Key': password },
      body: o.body ?? sql,
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`ClickHouse shard ${(o.shard ?? 0) + 1}: ${text.slice(0, 500)}`);
    return text;
  };
  return {
    shards,
    cluster,
    user,
    password,
    url: `http://127.0.0.1:${shards[0].httpPort}`,
    query,
    async stop() {
      await Promise.all(
        shards.map(
          (s) =>
            new Promise<void>((resolve) => {
              if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
              const t = setTimeout(() => s.child.kill('SIGKILL'), 3_000);
              s.child.once('exit', () => {
                clearTimeout(t);
                resolve();
              });
              s.child.kill('SIGTERM');
            }),
        ),
      );
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Columns of the playbook's routing shape as a ClickHouse table. */
export const ROUTING_COLUMNS =
  'userId String, model String, latency Float64, success UInt8, timestamp UInt64, routedTo String, tier String';

/**
 * Creates `<table>_local` (MergeTree) on every shard and `<table>` (Distributed over the cluster, sharded by
 * cityHash64(userId)) on every shard, in database `db`; loads JSONEachRow text through the Distributed
 * table (insert_distributed_sync, so the rows are on the shards when it returns).
 */
export async function createRoutingTable(
  ch: ClickHouseCluster,
  a: { db: string; table: string; jsonl?: string; columns?: string; shardKey?: string },
): Promise<void> {
  const cols = a.columns ?? ROUTING_COLUMNS;
  for (let i = 0; i < ch.shards.length; i++) {
    await ch.query(`CREATE DATABASE IF NOT EXISTS ${a.db}`, { shard: i });
    await ch.query(`CREATE TABLE ${a.db}.${a.table}_local (${cols}) ENGINE = MergeTree() ORDER BY tuple()`, {
      shard: i,
    });
    await ch.query(
      `CREATE TABLE ${a.db}.${a.table} (${cols}) ENGINE = Distributed(${ch.cluster}, ${a.db}, ${a.table}_local, ${a.shardKey ?? 'cityHash64(userId)'})`,
      { shard: i },
    );
  }
  if (a.jsonl !== undefined) {
    await ch.query(`INSERT INTO ${a.db}.${a.table} FORMAT JSONEachRow`, { body: a.jsonl });
  }
}
