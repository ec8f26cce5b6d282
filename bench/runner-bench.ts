// Runner benchmark (issue 5): simulator at a fixed 100 ms latency in its own process, N items × 2 arms at
// concurrency 256, the runner in a fresh process per size so peak RSS is its own. Prints wall time, the
// ideal ceil(2N / 256) × 0.1 s, their ratio, calls/s, peak RSS and CPU ms per call, for N and 10·N.
// Run: npx tsx bench/runner-bench.ts [N=10000]   (part of `npm run bench`)
// Each row also has: the load average around it (other work on the machine skews wall time), the runner's
// V8 heap (peak sampled heap used, and heap used after a full GC at the end: the live set, which is what
// "flat in the item count" is about, as opposed to RSS, which also holds V8's sized-to-allocation-rate
// young generation and freed-but-kept pages), and the simulator's own timing error (how late it answered
// past its 100 ms: its stats().timing). A fresh simulator serves each row, so its counts are the row's.
// Switches: RUNNER_BENCH_NODE_ARGS / RUNNER_BENCH_SIM_NODE_ARGS (node flags for the runner / simulator
// child, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`), RUNNER_BENCH_ONLY_FIRST=1 (skip the 10·N row),
// RUNNER_BENCH_FLOOR=0 (skip the bare-undici row), RUNNER_BENCH_ITEMS=array.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';

const ROOT = join(__dirname, '..');
// The V8 flags the canarylab command runs with (bin/canarylab.cjs, npm start): a 32 MB young generation, so
// the objects of a call that live one round trip (~100 ms) die young instead of being promoted, and an old
// generation grown by 1.5× its live size after a full collection (V8's default goes up to 4×). Measured
// here: peak RSS 347 → 263 MB at 10,000 items, 414 → 272 MB at 100,000; CPU 0.167 → 0.129 ms/call.
// RUNNER_BENCH_NODE_ARGS replaces them.
const RUNNER_NODE_FLAGS = '--max-semi-space-size=32 --heap-growing-percent=50';
// RUNNER_BENCH_CONCURRENCY / RUNNER_BENCH_LATENCY_MS change the setting (e.g. 64 and 200 for the promptfoo comparison).
const CONCURRENCY = Number(process.env.RUNNER_BENCH_CONCURRENCY ?? 256);
const LATENCY_MS = Number(process.env.RUNNER_BENCH_LATENCY_MS ?? 100);

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
  const rows: string[] = [];
  const load0 = loadavg()[0].toFixed(2);
  // The floor row: the same requests through a bare undici Pool (no runner), to tell the runner's overhead
  // from the simulator's and the machine's (RUNNER_BENCH_FLOOR=0 skips it).
  const runs: Array<{ size: number; floor: boolean }> = [{ size: n, floor: false }];
  if (!process.env.RUNNER_BENCH_ONLY_FIRST) runs.push({ size: 10 * n, floor: false });
  if (process.env.RUNNER_BENCH_FLOOR !== '0') runs.push({ size: n, floor: true });
  for (const { size, floor } of runs) {
    const sim = await startSimChild(config);
    const loadBefore = loadavg()[0];
    const simCpu0 = procCpuMs(sim.pid);
    const res = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          '--expose-gc',
          ...(process.env.RUNNER_BENCH_NODE_ARGS ?? RUNNER_NODE_FLAGS).split(' ').filter(Boolean),
          '--import',
          'tsx',
          __filename,
          '--child',
          sim.baseURL,
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
    const loadAfter = loadavg()[0];
    const r = JSON.parse(res) as ChildResult;
    if (r.records !== 2 * size) throw new Error(`expected ${2 * size} records, found ${r.records}`);
    const simCpuMs = procCpuMs(sim.pid) - simCpu0;
    const timing = await sim.timing();
    await sim.stop();
    const ideal = Math.ceil(r.calls / CONCURRENCY) * (LATENCY_MS / 1000);
    const mb = (b: number) => (b / 1024 / 1024).toFixed(0);
    rows.push(
      `${floor ? 'floor: bare undici, no runner,\n' : ''}${String(size).padStart(7)} items × 2 arms (load ${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)}): ` +
        `wall ${(r.wallMs / 1000).toFixed(2)} s, ideal ${ideal.toFixed(2)} s, ratio ${(r.wallMs / 1000 / ideal).toFixed(3)}, ` +
        `${Math.round(r.calls / (r.wallMs / 1000))} calls/s, CPU ${(r.cpuMs / r.calls).toFixed(3)} ms/call, ` +
        `peak RSS ${r.maxRssMb.toFixed(0)} MB (V8 heap: peak used ${mb(r.peakHeapUsed)} MB, after GC ${mb(r.heapAfterGc)} MB)` +
        `\n    client-seen mean latency ${r.meanLatencyMs.toFixed(1)} ms` +
        (Number.isNaN(simCpuMs)
          ? ''
          : ` | simulator CPU ${(simCpuMs / r.calls).toFixed(3)} ms/call (${((100 * simCpuMs) / r.wallMs).toFixed(0)}% of a core)`) +
        ` | simulator late by mean ${timing.lateMs.mean.toFixed(1)} ms, P50 ${timing.lateMs.p50.toFixed(1)}, ` +
        `P95 ${timing.lateMs.p95.toFixed(1)}, max ${timing.lateMs.max.toFixed(1)} ms`,
    );
  }
  process.stdout.write(
    `runner benchmark (simulator ${LATENCY_MS} ms, concurrency ${CONCURRENCY}; ${cpus().length} CPUs, load average ` +
      `${load0} before, ${loadavg()[0].toFixed(2)} after):\n${rows.join('\n')}\n`,
  );
}

interface ChildResult {
  calls: number;
  records: number;
  wallMs: number;
  cpuMs: number;
  maxRssMb: number;
  meanLatencyMs: number;
  peakHeapUsed: number;
  heapAfterGc: number;
}

interface SimChild {
  pid: number | undefined;
  baseURL: string;
  /** The simulator's stats().timing so far. */
  timing(): Promise<{ scheduled: number; lateMs: { mean: number; p50: number; p95: number; max: number } }>;
  stop(): Promise<void>;
}

/**
 * A simulator in its own process (so that its CPU is its own), answering `timing` lines on stdin with its
 * stats().timing as one JSON line; stdin's end stops it.
 */
async function startSimChild(config: string): Promise<SimChild> {
  const code = [
    "const { readSimConfigFile } = await import('./src/sim/cli.ts').then((m) => (m.readSimConfigFile ? m : m.default));",
    "const { startSimulator } = await import('./src/sim/server.ts').then((m) => (m.startSimulator ? m : m.default));",
    `const sim = await startSimulator({ ...(await readSimConfigFile(${JSON.stringify(config)})), port: 0 });`,
    "process.stdout.write('listening on ' + sim.baseURL + '\\n');",
    "let buf = '';",
    "process.stdin.on('data', (d) => { buf += d; let i; while ((i = buf.indexOf('\\n')) >= 0) { buf = buf.slice(i + 1); process.stdout.write(JSON.stringify(sim.stats().timing) + '\\n'); } });",
    "process.stdin.on('end', () => { void sim.close(); });",
  ].join('\n');
  // RUNNER_BENCH_SIM_NODE_ARGS: node flags for the simulator child (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`;
  // a profile is written when the simulator exits, after its row).
  const simArgs = (process.env.RUNNER_BENCH_SIM_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const sim = spawn(process.execPath, [...simArgs, '--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const waiters: Array<(line: string) => void> = [];
  let out = '';
  sim.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    let i = out.indexOf('\n');
    while (i >= 0) {
      const line = out.slice(0, i);
      out = out.slice(i + 1);
      const w = waiters.shift();
      if (w) w(line);
      else lines.push(line);
      i = out.indexOf('\n');
    }
  });
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const l = lines.shift();
      if (l !== undefined) resolve(l);
      else {
        waiters.push(resolve);
        sim.once('exit', (c) => reject(new Error(`simulator exited with ${c}`)));
      }
    });
  const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(await nextLine());
  if (!m) throw new Error('simulator did not say where it listens');
  const exited = new Promise<void>((resolve) => sim.once('exit', () => resolve()));
  return {
    pid: sim.pid,
    baseURL: m[1],
    timing: async () => {
      sim.stdin?.write('timing\n');
      return JSON.parse(await nextLine());
    },
    stop: async () => {
      sim.stdin?.end();
      await exited;
    },
  };
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
  const heap = sampleHeap();
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
  const { peakHeapUsed, heapAfterGc } = heap.stop();
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
      peakHeapUsed,
      heapAfterGc,
    }),
  );
}

/**
 * Samples V8's used heap every 50 ms (the peak) until stop(), which then runs a full GC (the child runs with
 * --expose-gc) and reads the live heap left.
 */
function sampleHeap(): { stop(): { peakHeapUsed: number; heapAfterGc: number } } {
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, getHeapStatistics().used_heap_size);
  };
  const t = setInterval(sample, 50);
  return {
    stop: () => {
      clearInterval(t);
      sample();
      (globalThis as { gc?: () => void }).gc?.();
      return { peakHeapUsed: peak, heapAfterGc: getHeapStatistics().used_heap_size };
    },
  };
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
  const heap = sampleHeap();
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
  const { peakHeapUsed, heapAfterGc } = heap.stop();
  await pool.close();
  process.stdout.write(
    JSON.stringify({
      calls: total,
      records: total,
      wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      meanLatencyMs: latSum / total,
      peakHeapUsed,
      heapAfterGc,
    }),
  );
}
