// Runner benchmark (issue 5): simulator at a fixed 100 ms latency in its own process, N items × 2 arms at
// concurrency 256, the runner in a fresh process per size so peak RSS is its own. Prints wall time, the
// ideal ceil(2N / 256) × 0.1 s, their ratio, calls/s, peak RSS and CPU ms per call, for N and 10·N.
// Run: npx tsx bench/runner-bench.ts [N=10000]   (part of `npm run bench`)
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  for (const size of [n, 10 * n]) {
    const res = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', __filename, '--child', baseURL, String(size), dir],
        {
          cwd: ROOT,
          stdio: ['ignore', 'pipe', 'inherit'],
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
    const r = JSON.parse(res) as { calls: number; wallMs: number; cpuMs: number; maxRssMb: number };
    const ideal = Math.ceil(r.calls / CONCURRENCY) * (LATENCY_MS / 1000);
    rows.push(
      `${String(size).padStart(7)} items × 2 arms: wall ${(r.wallMs / 1000).toFixed(2)} s, ideal ${ideal.toFixed(2)} s, ` +
        `ratio ${(r.wallMs / 1000 / ideal).toFixed(3)}, ${Math.round(r.calls / (r.wallMs / 1000))} calls/s, ` +
        `CPU ${(r.cpuMs / r.calls).toFixed(3)} ms/call, peak RSS ${r.maxRssMb.toFixed(0)} MB`,
    );
  }
  sim.stdin?.end();
  process.stdout.write(
    `runner benchmark (simulator ${LATENCY_MS} ms, concurrency ${CONCURRENCY}):\n${rows.join('\n')}\n`,
  );
}

async function childMain(): Promise<void> {
  const [baseURL, sizeText, dir] = process.argv.slice(3);
  const { createChatClient, createGateway, runBatch } = await import('../src/index');
  const size = Number(sizeText);
  const items = Array.from({ length: size }, (_, i) => ({
    id: `i${i}`,
    messages: [{ role: 'user' as const, content: `Question ${i}` }],
  }));
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
  process.stdout.write(
    JSON.stringify({
      calls: s.sent,
      wallMs: s.wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
}
