import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatClient } from '../../src/gateway/client';
import { createGateway } from '../../src/gateway/gateway';
import { streamJsonlItems } from '../../src/runner/dataset';
import { type BatchArm, type BatchProgress, runBatch } from '../../src/runner/runBatch';
import { type Simulator, startSimulator } from '../../src/sim/server';
import type { CallRecord, EvalItem } from '../../src/types';

const KEY = 'sk-test-SECRET-should-never-be-written-0123456789';
let sim: Simulator;
const items: EvalItem[] = Array.from({ length: 1000 }, (_, i) => ({
  id: `item-${i}`,
  messages: [{ role: 'user', content: `Question number ${i}: what is ${i} + ${i}?` }],
}));

beforeAll(async () => {
  sim = await startSimulator({
    seed: 11,
    apiKey: KEY,
    models: {
      'sim-primary': { latency: { p50Ms: 3, p95Ms: 8 }, answers: 'template' },
      'sim-canary': {
        latency: { p50Ms: 3, p95Ms: 8 },
        answers: 'template',
        faults: { server_error: 0.03, malformed: 0.02, missing_usage: 0.05 },
      },
    },
  });
});
afterAll(async () => {
  await sim.close();
});

function arms(): BatchArm[] {
  return (['primary', 'canary'] as const).map((name) => {
    const model = `sim-${name}`;
    const client = createChatClient({ baseURL: sim.baseURL, apiKey: KEY, model, timeoutMs: 5000 });
    return {
      name,
      baseURL: sim.baseURL,
      gateway: createGateway({ client, retry: { maxAttempts: 1 }, seed: 1 }),
      price: { inputPer1M: name === 'primary' ? 8 : 2.5, outputPer1M: name === 'primary' ? 8 : 2.5 },
    };
  });
}
const read = (f: string) =>
  readFileSync(f, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as CallRecord);

describe('runBatch against the simulator on 127.0.0.1', () => {
  const out = mkdtempSync(join(tmpdir(), 'canarylab-run-'));

  it('records exactly one call per (item, arm), the right error kinds, costs, and never the key', async () => {
    const before = sim.stats().requests;
    const s = await runBatch({ items, arms: arms(), concurrency: 8, outDir: out, runId: 'r1', cache: false });
    const recs = read(s.callsFile);
    expect(recs).toHaveLength(2000);
    expect(new Set(recs.map((r) => `${r.itemId}/${r.arm}`)).size).toBe(2000);
    expect(sim.stats().requests - before).toBe(2000);
    expect(sim.stats().maxInFlight).toBeLessThanOrEqual(8);
    const failedCanary = recs.filter((r) => r.arm === 'canary' && !r.ok);
    const faults = sim.stats().byModel['sim-canary'].faults;
    expect(failedCanary.length).toBe(faults.server_error + faults.malformed);
    expect(failedCanary.filter((r) => r.errorKind === 'server')).toHaveLength(faults.server_error);
    expect(failedCanary.filter((r) => r.errorKind === 'invalid_response')).toHaveLength(faults.malformed);
    expect(recs.filter((r) => r.arm === 'primary' && !r.ok)).toHaveLength(0);
    // Responses without usage are estimated with the tokenizer and flagged.
    expect(recs.filter((r) => r.usageEstimated)).toHaveLength(faults.missing_usage);
    expect(recs.filter((r) => r.usageEstimated).every((r) => r.ok && r.usage.completionTokens > 0)).toBe(
      true,
    );
    const p = recs.find((r) => r.arm === 'primary' && r.ok) as CallRecord;
    // Cost = tokens × $8 per 1M for the primary.
    expect(p.costUsd).toBeCloseTo(((p.usage.promptTokens + p.usage.completionTokens) * 8) / 1e6, 12);
    for (const f of readdirSync(join(out, 'r1')))
      expect(readFileSync(join(out, 'r1', f), 'utf8')).not.toContain(KEY);
  });

  it('resumes after an interruption: torn last line dropped, finished calls not re-sent', async () => {
    const file = join(out, 'r1', 'calls.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    // Keep 1,400 records and half of the next, as a kill -9 mid-write would leave.
    writeFileSync(file, `${lines.slice(0, 1400).join('\n')}\n${lines[1400].slice(0, 30)}`);
    const warnings: string[] = [];
    const before = sim.stats().requests;
    const s = await runBatch({
      items,
      arms: arms(),
      concurrency: 8,
      outDir: out,
      runId: 'r1',
      cache: false,
      onWarning: (m) => warnings.push(m),
    });
    expect(warnings[0]).toContain('dropped a torn last line');
    expect(s.resumed).toBe(1400);
    expect(sim.stats().requests - before).toBe(600);
    const recs = read(file);
    expect(recs).toHaveLength(2000);
    expect(new Set(recs.map((r) => `${r.itemId}/${r.arm}`)).size).toBe(2000);
  });

  it('retryFailed re-sends only the failed calls and keeps one record per unit', async () => {
    const failedBefore = read(join(out, 'r1', 'calls.jsonl')).filter((r) => !r.ok).length;
    const before = sim.stats().requests;
    await runBatch({
      items,
      arms: arms(),
      concurrency: 8,
      outDir: out,
      runId: 'r1',
      cache: false,
      retryFailed: true,
    });
    expect(sim.stats().requests - before).toBe(failedBefore);
    expect(read(join(out, 'r1', 'calls.jsonl'))).toHaveLength(2000);
  });

  it('cache hits cost nothing and make no request; shadowRatio samples the canary deterministically', async () => {
    const s1 = await runBatch({ items: items.slice(0, 50), arms: arms(), outDir: out, runId: 'c1' });
    const before = sim.stats().requests;
    const s2 = await runBatch({ items: items.slice(0, 50), arms: arms(), outDir: out, runId: 'c2' });
    const okFirst = read(s1.callsFile).filter((r) => r.ok).length;
    expect(s2.cached).toBe(okFirst);
    expect(sim.stats().requests - before).toBe(100 - okFirst);
    const hits = read(s2.callsFile).filter((r) => r.cached);
    expect(hits.every((r) => r.costUsd === 0 && r.latencyMs > 0)).toBe(true);
    // A hit keeps the price of its answer (what production would pay) for cost comparisons.
    const original = new Map(read(s1.callsFile).map((r) => [`${r.itemId}/${r.arm}`, r.costUsd]));
    expect(hits.every((r) => r.originalCostUsd === original.get(`${r.itemId}/${r.arm}`))).toBe(true);
    expect(hits.some((r) => (r.originalCostUsd ?? 0) > 0)).toBe(true);

    const sh = await runBatch({
      items: items.slice(0, 300),
      arms: arms(),
      outDir: out,
      runId: 'shadow',
      cache: false,
      shadowRatio: 0.2,
    });
    const canary = read(sh.callsFile).filter((r) => r.arm === 'canary').length;
    // 20% of 300 by hashing: binomial sd √(300·0.2·0.8) ≈ 6.9.
    expect(Math.abs(canary - 60)).toBeLessThan(25);
    const again = await runBatch({
      items: items.slice(0, 300),
      arms: arms(),
      outDir: out,
      runId: 'shadow2',
      cache: false,
      shadowRatio: 0.2,
    });
    const ids = (f: string) =>
      read(f)
        .filter((r) => r.arm === 'canary')
        .map((r) => r.itemId)
        .sort();
    expect(ids(again.callsFile)).toEqual(ids(sh.callsFile));
  });

  it('an arm without a price is a configuration error before any call', async () => {
    const before = sim.stats().requests;
    const [primary, canary] = arms();
    await expect(
      runBatch({ items, arms: [primary, { ...canary, price: undefined }], outDir: out, runId: 'noprice' }),
    ).rejects.toThrow('runBatch: arms[1] (canary, model sim-canary): no price');
    expect(sim.stats().requests).toBe(before);
  });

  it('maxCostUsd stops scheduling and says so', async () => {
    const warnings: string[] = [];
    const s = await runBatch({
      items,
      arms: arms(),
      concurrency: 2,
      outDir: out,
      runId: 'budget',
      cache: false,
      maxCostUsd: 0.0005,
      onWarning: (m) => warnings.push(m),
    });
    expect(s.stoppedForBudget).toBe(true);
    expect(s.sent).toBeLessThan(2000);
    expect(warnings.join(' ')).toContain('budget of $0.0005 reached');
  });

  it('pulls streamed items lazily: never more than `concurrency` units ahead of the finished calls', async () => {
    let pulled = 0;
    let maxAhead = 0;
    async function* gen(): AsyncGenerator<EvalItem> {
      for (const item of items.slice(0, 300)) {
        pulled++;
        yield item;
      }
    }
    let last: BatchProgress | undefined;
    let totalKnownEarly = true;
    const s = await runBatch({
      items: gen(),
      arms: arms(),
      concurrency: 4,
      outDir: out,
      runId: 'stream',
      cache: false,
      liveWindow: 50,
      onProgress: (p) => {
        // Units are pulled in order, two per item, and a worker pulls only when its call is recorded:
        // units pulled ≤ done + 4, so items pulled ≤ ceil((done + 4) / 2) ≤ floor(done / 2) + 3.
        maxAhead = Math.max(maxAhead, pulled - Math.floor(p.done / 2));
        if (p.done === 10) totalKnownEarly = p.totalKnown !== false;
        last = p;
      },
    });
    expect(maxAhead).toBeLessThanOrEqual(3);
    expect(totalKnownEarly).toBe(false);
    expect(s.planned).toBe(600);
    expect(read(s.callsFile)).toHaveLength(600);
    const p = last as BatchProgress;
    expect([p.total, p.totalKnown, p.done]).toEqual([600, true, 600]);
    // The live window holds the last 50 calls of both arms together, never more.
    const live = p.live as NonNullable<BatchProgress['live']>;
    expect(live.primary.window + live.canary.window).toBe(50);
    expect(live.primary.p50LatencyMs).toBeGreaterThan(0);
  });

  it('runs a streamed JSONL dataset; a bad line mid-file rejects naming file:line, after recording the calls before it', async () => {
    const file = join(out, 'stream.jsonl');
    const good = Array.from({ length: 40 }, (_, i) => JSON.stringify({ id: `s${i}`, prompt: `Q${i}` }));
    writeFileSync(file, `${good.join('\n')}\n`);
    const s = await runBatch({
      items: streamJsonlItems(file),
      arms: arms(),
      outDir: out,
      runId: 'jsonl',
      cache: false,
    });
    expect(read(s.callsFile)).toHaveLength(80);
    expect(s.planned).toBe(80);

    writeFileSync(file, `${good.slice(0, 20).join('\n')}\n{"id": "bad"}\n${good.slice(20).join('\n')}\n`);
    await expect(
      runBatch({
        items: streamJsonlItems(file),
        arms: arms(),
        concurrency: 2,
        outDir: out,
        runId: 'jsonlbad',
        cache: false,
      }),
    ).rejects.toThrow(`${file}:21: prompt: expected a string (or a messages array)`);
    // Every call scheduled before the bad line was finished and recorded (none left running unrecorded).
    const recs = read(join(out, 'jsonlbad', 'calls.jsonl'));
    expect(recs).toHaveLength(40);
  });
});
