import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatClient } from '../../src/gateway/client';
import { createGateway } from '../../src/gateway/gateway';
import { type BatchArm, runBatch } from '../../src/runner/runBatch';
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
});
