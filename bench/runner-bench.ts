// Runner benchmark (issue 5): simulator at a fixed 100 ms latency in its own process, N items × 2 arms at
// concurrency 256, the runner in a fresh process per size so peak RSS is its own. Prints wall time, the
// ideal ceil(2N / 256) × 0.1 s, their ratio, calls/s, peak RSS and CPU ms per call, for N and 10·N.
// Run: npx tsx bench/runner-bench.ts [N=10000]   (part of `npm run bench`)
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const CONCURRENCY = 256;
const LATENCY_MS = 100;

if (process.argv[2] === '--child') {
  void childMain();
} else {
  void parentMain();
}

async function parentMain(): Promise<void> {
  const n = Number(process.argv[2] ?? 10_000);
  const dir = mkdtempSync(join(tmpdir(), 'canarylab-runner-bench-'));
  const config = join(dir, 'sim.json');
  const models = Object.fromEntries(
    ['bench-primary', 'bench-canary'].map((m) => [
      m,
      { latency: { p50Ms: LATENCY_MS, p95Ms: LATENCY_MS }, answers: 'template' },
    ]),
  );
  writeFileSync(config, JSON.stringify({ seed: 1, models }));
  const code = [
    "const m = await import('./src/sim/cli.ts');",
    'const { runSimCommand } = m.runSimCommand ? m : m.default;',
    'const ac = new AbortController();',
    "process.stdin.on('end', () => ac.abort()); process.stdin.resume();",
    `process.exitCode = await runSimCommand(['--config', ${JSON.stringify(config)}, '--port', '0'], { signal: ac.signal });`,
  ].join('\n');
  const sim = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const baseURL = await new Promise<string>((resolve, reject) => {
    let out = '';
    sim.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(out);
      if (m) resolve(m[1]);
    });
    sim.once('exit', (c) => reject(new Error(`simulator exited with ${c}`)));
  });
  const rows: string[] = [];
  // Other processes on the machine skew a wall-clock benchmark: print the load average with the numbers.
  const load0 = loadavg()[0].toFixed(2);
  // The floor row: the same requests through a bare undici Pool (no runner), to tell the runner's overhead
  // from the simulator's and the machine's (RUNNER_BENCH_FLOOR=0 skips it).
  const runs: Array<{ size: number; floor: boolean }> = [{ size: n, floor: false }];
  if (!process.env.RUNNER_BENCH_ONLY_FIRST) runs.push({ size: 10 * n, floor: false });
  if (process.env.RUNNER_BENCH_FLOOR !== '0') runs.push({ size: n, floor: true });
  for (const { size, floor } of runs) {
    const simCpu0 = procCpuMs(sim.pid);
    const res = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          ...(process.env.RUNNER_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
          '--import',
          'tsx',
          __filename,
          '--child',
          baseURL,
          String(size),
          dir,
        ],
        {
          cwd: ROOT,
          stdio: ['ignore', 'pipe', 'inherit'],
          env: { ...process.env, RUNNER_BENCH_FLOOR: floor ? '1' : '' },
        },
      );
      let out = '';
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child.once('exit', (c) =>
        c === 0 ? resolve(out.trim()) : reject(new Error(`runner child exited ${c}`)),
      );
    });
    const r = JSON.parse(res) as {
      calls: number;
      records: number;
      wallMs: number;
      cpuMs: number;
      maxRssMb: number;
      meanLatencyMs: number;
    };
    if (r.records !== 2 * size) throw new Error(`expected ${2 * size} records, found ${r.records}`);
    const simCpuMs = procCpuMs(sim.pid) - simCpu0;
    const ideal = Math.ceil(r.calls / CONCURRENCY) * (LATENCY_MS / 1000);
    rows.push(
      `${floor ? 'floor: bare undici, no runner,\n' : ''}${String(size).padStart(7)} items × 2 arms: wall ${(r.wallMs / 1000).toFixed(2)} s, ideal ${ideal.toFixed(2)} s, ` +
        `ratio ${(r.wallMs / 1000 / ideal).toFixed(3)}, ${Math.round(r.calls / (r.wallMs / 1000))} calls/s, ` +
        `CPU ${(r.cpuMs / r.calls).toFixed(3)} ms/call, peak RSS ${r.maxRssMb.toFixed(0)} MB` +
        (Number.isNaN(simCpuMs)
          ? ''
          : ` | client-seen mean latency ${r.meanLatencyMs.toFixed(1)} ms | simulator CPU ${(simCpuMs / r.calls).toFixed(3)} ms/call (${((100 * simCpuMs) / r.wallMs).toFixed(0)}% of a core)`),
    );
  }
  sim.stdin?.end();
  process.stdout.write(
    `runner benchmark (simulator ${LATENCY_MS} ms, concurrency ${CONCURRENCY}; ${cpus().length} CPUs, load average ` +
      `${load0} before, ${loadavg()[0].toFixed(2)} after):\n${rows.join('\n')}\n`,
  );
}

/** CPU time (user + system) of a process so far, from /proc (Linux); NaN elsewhere. */
function procCpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 (utime, stime) in clock ticks; after the ')' they are at indices 11 and 12.
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

async function childMain(): Promise<void> {
  const [baseURL, sizeText, dir] = process.argv.slice(3);
  const { createChatClient, createGateway, runBatch } = await import('../src/index');
  const { streamJsonlItems } = await import('../src/runner/dataset');
  const size = Number(sizeText);
  // The dataset is a JSONL file streamed into the runner, as a real run reads it: neither the file nor the
  // item list is ever held in memory, so peak RSS is the runner's own (RUNNER_BENCH_ITEMS=array: an array).
  const dataset = join(dir, `items-${size}.jsonl`);
  const fd = openSync(dataset, 'w');
  for (let i = 0; i < size; i += 1000) {
    let chunk = '';
    for (let j = i; j < Math.min(size, i + 1000); j++)
      chunk += `${JSON.stringify({ id: `i${j}`, prompt: `Question ${j}` })}\n`;
    writeSync(fd, chunk);
  }
  closeSync(fd);
  const items =
    process.env.RUNNER_BENCH_ITEMS === 'array'
      ? Array.from({ length: size }, (_, i) => ({
          id: `i${i}`,
          messages: [{ role: 'user' as const, content: `Question ${i}` }],
        }))
      : streamJsonlItems(dataset);
  const arms = (['primary', 'canary'] as const).map((name) => ({
    name,
    baseURL,
    gateway: createGateway({
      client: createChatClient({
        baseURL,
        model: `bench-${name}`,
        maxConnections: CONCURRENCY,
        timeoutMs: 30_000,
      }),
      seed: 1,
    }),
    price: { inputPer1M: 1, outputPer1M: 1 },
  }));
  if (process.env.RUNNER_BENCH_FLOOR === '1') return floorMain(baseURL, size);
  const cpu0 = process.cpuUsage();
  const s = await runBatch({
    items,
    arms,
    concurrency: CONCURRENCY,
    outDir: dir,
    runId: `n${size}`,
    cache: false,
  });
  const cpu = process.cpuUsage(cpu0);
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  // Diagnostic, after the measurements: mean latency the client saw (send to last byte) — what the network
  // and the simulator add to the 100 ms, as opposed to the runner's own scheduling.
  let latSum = 0;
  let n = 0;
  for (const line of readFileSync(s.callsFile, 'utf8').split('\n')) {
    if (!line) continue;
    latSum += (JSON.parse(line) as { latencyMs: number }).latencyMs;
    n++;
  }
  process.stdout.write(
    JSON.stringify({
      calls: s.sent,
      records: n,
      wallMs: s.wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      maxRssMb,
      meanLatencyMs: latSum / n,
    }),
  );
}

/**
 * The floor (RUNNER_BENCH_FLOOR=1): the same 2·N requests through a bare undici Pool with 256 connections and
 * 256 workers, no runner, no gateway, no records — what the simulator and loopback cost by themselves.
 */
async function floorMain(baseURL: string, size: number): Promise<void> {
  const { Pool } = await import('undici');
  const url = new URL(baseURL);
  const pool = new Pool(url.origin, { connections: CONCURRENCY });
  const path = `${url.pathname}/chat/completions`;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  let latSum = 0;
  const total = 2 * size;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const started = performance.now();
      const res = await pool.request({
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: i % 2 ? 'bench-canary' : 'bench-primary',
          messages: [{ role: 'user', content: `Question ${i >> 1}` }],
        }),
      });
      await res.body.text();
      latSum += performance.now() - started;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await pool.close();
  process.stdout.write(
    JSON.stringify({
      calls: total,
      records: total,
      wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      meanLatencyMs: latSum / total,
    }),
  );
}
