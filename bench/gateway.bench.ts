/**
 * Overhead of our own client code: chat-completion round trips over loopback at concurrency 256 against the
 * simulator with zero added latency. The simulator runs in a child process, so process.cpuUsage() here
 * measures the client side only. Peers in the same run: undici's Pool.request with no client logic (the
 * floor), and the official openai client.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { Agent, Pool } from 'undici';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { type ChatClient, createChatClient } from '../src/gateway/client';
import { createGateway, type Gateway } from '../src/gateway/gateway';

const CONCURRENCY = 256;
const CALLS_PER_ITERATION = 2048;
const MODEL = 'zero';
const messages = [{ role: 'user' as const, content: 'Reply with a short sentence about canary releases.' }];

let child: ChildProcess | undefined;
let baseURL = '';
let client: ChatClient;
let gateway: Gateway;
let pool: Pool;
let openai: OpenAI;
let openaiAgent: Agent;

interface Tally {
  calls: number;
  wallMs: number;
  cpuUs: number;
}
const tallies = new Map<string, Tally>();

async function batch(name: string, call: (i: number) => Promise<unknown>): Promise<void> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CALLS_PER_ITERATION) await call(next++);
    }),
  );
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const t = tallies.get(name) ?? { calls: 0, wallMs: 0, cpuUs: 0 };
  t.calls += CALLS_PER_ITERATION;
  t.wallMs += wallMs;
  t.cpuUs += cpu.user + cpu.system;
  tallies.set(name, t);
}

function startChildSimulator(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'canarylab-bench-'));
  const config = join(dir, 'sim.json');
  writeFileSync(
    config,
    JSON.stringify({ seed: 1, models: { [MODEL]: { latency: { p50Ms: 0, p95Ms: 0 } } } }),
  );
  const code = [
    "const m = await import('./src/sim/cli.ts');",
    'const { runSimCommand } = m.runSimCommand ? m : m.default;',
    'const ac = new AbortController();',
    "process.stdin.on('end', () => ac.abort()); process.stdin.resume();",
    `process.exitCode = await runSimCommand(['--config', ${JSON.stringify(config)}, '--port', '0'], { signal: ac.signal });`,
  ].join('\n');
  child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: process.cwd(),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child?.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(out);
      if (m) resolve(m[1]);
    });
    child?.once('exit', (c) => reject(new Error(`simulator exited with ${c}`)));
  });
}

beforeAll(async () => {
  baseURL = await startChildSimulator();
  client = createChatClient({ baseURL, model: MODEL, maxConnections: CONCURRENCY, timeoutMs: 30_000 });
  gateway = createGateway({ client, seed: 1, retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100 } });
  pool = new Pool(new URL(baseURL).origin, { connections: CONCURRENCY });
  openaiAgent = new Agent({ connections: CONCURRENCY });
  openai = new OpenAI({
    apiKey: 'sk-bench',
    baseURL,
    maxRetries: 0,
    fetchOptions: { dispatcher: openaiAgent } as Record<string, unknown>,
  });
}, 30_000);

afterAll(async () => {
  const floor = tallies.get('undici.request (peer, no client logic)');
  const rows = [...tallies].map(([name, t]) => {
    const perSec = (t.calls / t.wallMs) * 1000;
    const cpu = t.cpuUs / t.calls;
    const ratio = floor
      ? `${(cpu / (floor.cpuUs / floor.calls)).toFixed(2)}× CPU, ${(((floor.calls / floor.wallMs) * 1000) / perSec).toFixed(2)}× time`
      : '';
    return `${name.padEnd(40)} ${perSec.toFixed(0).padStart(7)} calls/s ${cpu.toFixed(1).padStart(7)} µs CPU/call  vs undici: ${ratio}`;
  });
  console.log(
    `\nloopback round trips, concurrency ${CONCURRENCY}, zero added latency (client-side CPU; simulator in a child process)\n${rows.join('\n')}\n`,
  );
  await client?.close();
  await pool?.close();
  await openaiAgent?.close();
  child?.stdin?.end();
  child?.kill('SIGTERM');
});

describe(`chat completions over loopback, concurrency ${CONCURRENCY}, ${CALLS_PER_ITERATION} calls per iteration`, () => {
  const opts = { time: 3000, warmupIterations: 2, warmupTime: 500 };

  bench(
    'canarylab gateway.call (retry policy)',
    async () => {
      await batch('canarylab gateway.call (retry policy)', async () => {
        const out = await gateway.call({ messages });
        if (!out.ok) throw out.error;
      });
    },
    opts,
  );

  bench(
    'canarylab client.complete',
    async () => {
      await batch('canarylab client.complete', () => client.complete({ messages }));
    },
    opts,
  );

  bench(
    'undici.request (peer, no client logic)',
    async () => {
      await batch('undici.request (peer, no client logic)', async () => {
        const res = await pool.request({
          path: '/v1/chat/completions',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: MODEL, messages }),
        });
        const body = (await res.body.json()) as { choices: unknown[] };
        if (res.statusCode !== 200 || body.choices.length === 0) throw new Error('bad response');
      });
    },
    opts,
  );

  bench(
    'openai client (peer)',
    async () => {
      await batch('openai client (peer)', () => openai.chat.completions.create({ model: MODEL, messages }));
    },
    opts,
  );
});
