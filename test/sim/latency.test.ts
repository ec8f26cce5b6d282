/**
 * What crosses the wire matches the configuration: a lognormal profile's P50/P95 over 2,000 calls, and a
 * replayed llmperf trace's end-to-end and time-to-first-token quantiles and error codes.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatClient, createChatClient } from '../../src/gateway/client';
import { RateLimitError } from '../../src/gateway/errors';
import { type Simulator, startSimulator } from '../../src/sim/server';
import { q, runConcurrent, user } from './helpers';

const TRACE = 'datasets/llmperf/together_70b.json';
const ERR_TRACE = 'datasets/llmperf/lepton_13b.json';
const SCALE = 1; // real time: one cycle of the trace takes ~3.6 s at full concurrency
const CONCURRENCY = 400;

let sim: Simulator;
let clients: ChatClient[] = [];

beforeAll(async () => {
  sim = await startSimulator({
    seed: 2024,
    models: {
      warm: {},
      lognormal: { latency: { p50Ms: 300, p95Ms: 600 } },
      replay: { latency: { trace: TRACE }, timeScale: SCALE },
      replayErrors: { latency: { trace: ERR_TRACE }, timeScale: 0.01 },
    },
  });
  // Warm up first (JIT, tokenizer, connections), so the measurements are of steady state.
  const w = client('warm');
  await runConcurrent(600, CONCURRENCY, (i) =>
    w.complete({ messages: user(`warm ${i}`), params: { stream: i % 2 === 0 } }),
  );
});
afterAll(async () => {
  for (const c of clients) await c.close();
  clients = [];
  await sim.close();
});

function client(model: string): ChatClient {
  const c = createChatClient({ baseURL: sim.baseURL, model, maxConnections: 512, timeoutMs: 10_000 });
  clients.push(c);
  return c;
}

const within = (measured: number, expected: number, rel: number, absMs = 0) =>
  Math.abs(measured - expected) <= Math.max(rel * expected, absMs);

describe('latency profiles', () => {
  it('lognormal {p50 300, p95 600}: measured P50/P95 over 2,000 calls within 10%', async () => {
    const c = client('lognormal');
    const lat = await runConcurrent(
      2000,
      CONCURRENCY,
      async (i) => (await c.complete({ messages: user(`item ${i}`) })).latencyMs,
    );
    const p50 = q(lat, 0.5);
    const p95 = q(lat, 0.95);
    console.info(`lognormal: P50 ${p50.toFixed(1)} ms (config 300), P95 ${p95.toFixed(1)} ms (config 600)`);
    expect(within(p50, 300, 0.1)).toBe(true);
    expect(within(p95, 600, 0.1)).toBe(true);
    expect(sim.stats().byModel.lognormal.requests).toBe(2000);
  });

  it('trace replay reproduces the trace’s end-to-end and TTFT quantiles (real time, streaming)', async () => {
    const trace = JSON.parse(readFileSync(TRACE, 'utf8')) as Array<{
      end_to_end_latency_s: number;
      ttft_s: number;
    }>;
    const e2e = trace.map((r) => r.end_to_end_latency_s * 1000 * SCALE);
    const ttft = trace.map((r) => r.ttft_s * 1000 * SCALE);
    const c = client('replay');
    const n = trace.length; // one full cycle: exactly the trace's records
    const res = await runConcurrent(n, n, (i) =>
      c.complete({ messages: user(`r${i}`), params: { stream: true } }),
    );
    const mE2e = res.map((r) => r.latencyMs);
    const mTtft = res.map((r) => r.ttftMs ?? Number.NaN);
    const report = [0.5, 0.95].map(
      (p) =>
        `P${p * 100} e2e ${q(mE2e, p).toFixed(1)} vs ${q(e2e, p).toFixed(1)} ms, TTFT ${q(mTtft, p).toFixed(1)} vs ${q(ttft, p).toFixed(1)} ms`,
    );
    console.info(`trace replay (${TRACE} × ${SCALE}): ${report.join('; ')}`);
    for (const p of [0.5, 0.95]) {
      expect(within(q(mE2e, p), q(e2e, p), 0.1)).toBe(true);
      expect(within(q(mTtft, p), q(ttft, p), 0.1, 3)).toBe(true);
    }
    expect(mTtft.every((t, i) => t <= mE2e[i])).toBe(true);
  });

  it('trace replay reproduces the recorded error codes (429 → rate limit)', async () => {
    const trace = JSON.parse(readFileSync(ERR_TRACE, 'utf8')) as Array<{ error_code: number | null }>;
    const recorded429 = trace.filter((r) => r.error_code === 429).length;
    const c = client('replayErrors');
    const res = await runConcurrent(trace.length, trace.length, (i) =>
      c.complete({ messages: user(`e${i}`) }).then(
        () => 'ok',
        (e) => (e instanceof RateLimitError ? '429' : 'other'),
      ),
    );
    expect(res.filter((r) => r === '429').length).toBe(recorded429);
    expect(res.filter((r) => r === 'ok').length).toBe(trace.length - recorded429);
    expect(sim.stats().byModel.replayErrors.faults.rate_limit).toBe(recorded429);
  });
});
