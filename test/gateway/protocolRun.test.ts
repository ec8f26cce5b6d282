/**
 * The playbook's table without a proxy: runBatch with gpt-4.1 over OpenAI chat completions as the primary,
 * against claude-sonnet-4-5 over the Anthropic Messages API and gemini-2.5-flash over Gemini
 * generateContent as canaries, all on the simulator. The items share a long few-shot system prompt (marked
 * cache_control for Anthropic), so every provider reports cached input, and each record's cost is checked
 * against the providers' list prices written out here by hand (datasets/pricing-list.json must agree).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatClient } from '../../src/gateway/client';
import { createGateway } from '../../src/gateway/gateway';
import { loadPricing } from '../../src/gateway/pricing';
import type { ProtocolName } from '../../src/gateway/protocols/index';
import { type BatchArm, runBatch } from '../../src/runner/runBatch';
import { type Simulator, startSimulator } from '../../src/sim/server';
import type { Arm, CallRecord, EvalItem } from '../../src/types';
import { FEW_SHOT, promptTokens, question, solution, tokens } from '../sim/protocolFixtures';

const KEY = 'sk-protocol-run-SECRET-9876543210';
let sim: Simulator;
const N = 30;
const FIRST = 100;
const items: EvalItem[] = Array.from({ length: N }, (_, k) => ({
  id: `gsm8k-${FIRST + k}`,
  messages: [
    { role: 'system', content: [{ type: 'text', text: FEW_SHOT, cache_control: { type: 'ephemeral' } }] },
    { role: 'user', content: question(FIRST + k) },
  ],
}));

/** List prices per 1M tokens (GitHub Docs models-and-pricing.yml, Anthropic's and Google's pricing pages). */
const LIST = {
  'gpt-4.1': { input: 2, cached: 0.5, write: 2, output: 8, answers: '175b_verification' },
  'claude-sonnet-4-5': { input: 3, cached: 0.3, write: 3.75, output: 15, answers: '175b_finetuning' },
  'gemini-2.5-flash': { input: 0.3, cached: 0.075, write: 0.3, output: 2.5, answers: '6b_verification' },
} as const;
type Model = keyof typeof LIST;

beforeAll(async () => {
  const fast = { latency: { p50Ms: 5, p95Ms: 15 } };
  sim = await startSimulator({
    seed: 5,
    apiKey: KEY,
    models: { 'gpt-4.1': fast, 'claude-sonnet-4-5': fast, 'gemini-2.5-flash': fast },
  });
});
afterAll(async () => {
  await sim.close();
});

function arm(name: Arm, model: Model, protocol: ProtocolName): BatchArm {
  const client = createChatClient({ protocol, baseURL: sim.baseURL, apiKey: KEY, model, timeoutMs: 10_000 });
  return {
    name,
    baseURL: `${sim.baseURL}#${protocol}`,
    gateway: createGateway({ client, seed: 1 }),
    params: { max_tokens: 1024 },
  };
}

const read = (f: string) =>
  readFileSync(f, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as CallRecord);

// The shared prefix is the system message: 3 + 3 + tokens('system') + tokens(FEW_SHOT).
const PREFIX = promptTokens([{ role: 'system', content: FEW_SHOT }]);
const promptOf = (k: number) =>
  promptTokens([
    { role: 'system', content: FEW_SHOT },
    { role: 'user', content: question(FIRST + k) },
  ]);

describe('gpt-4.1 (openai) vs claude-sonnet-4-5 (anthropic) vs gemini-2.5-flash (gemini) with runBatch', () => {
  const out = mkdtempSync(join(tmpdir(), 'canarylab-protocols-'));

  it('records every call with its usage breakdown and prices cached tokens as each provider does', async () => {
    const pricing = await loadPricing(join(__dirname, '..', '..', 'datasets', 'pricing-list.json'));
    const runs: Array<{ runId: string; canary: Model; protocol: ProtocolName }> = [
      { runId: 'claude', canary: 'claude-sonnet-4-5', protocol: 'anthropic' },
      { runId: 'gemini', canary: 'gemini-2.5-flash', protocol: 'gemini' },
    ];
    const totals: Record<string, { cost: number; uncached: number }> = {};
    for (const r of runs) {
      const s = await runBatch({
        items,
        arms: [arm('primary', 'gpt-4.1', 'openai'), arm('canary', r.canary, r.protocol)],
        pricing,
        concurrency: 6,
        outDir: out,
        runId: r.runId,
        cache: false,
      });
      expect(s.failed).toBe(0);
      const file = join(out, r.runId, 'calls.jsonl');
      expect(readFileSync(file, 'utf8')).not.toContain(KEY);
      const records = read(file);
      expect(records).toHaveLength(2 * N);
      for (const [armName, model] of [
        ['primary', 'gpt-4.1'],
        ['canary', r.canary],
      ] as const) {
        const p = LIST[model];
        const recs = records.filter((c) => c.arm === armName);
        let misses = 0;
        for (const c of recs) {
          const k = Number(c.itemId.slice('gsm8k-'.length)) - FIRST;
          expect(c.ok).toBe(true);
          expect(c.usageEstimated).toBeUndefined();
          expect(c.content).toBe(solution(p.answers, FIRST + k));
          expect(c.usage.promptTokens).toBe(promptOf(k));
          expect(c.usage.completionTokens).toBe(tokens(solution(p.answers, FIRST + k)));
          const cached = c.usage.cachedTokens ?? 0;
          const written = c.usage.cacheWriteTokens ?? 0;
          if (cached === 0) misses++;
          else expect(cached).toBe(model === 'gpt-4.1' ? PREFIX - (PREFIX % 128) : PREFIX);
          // Anthropic bills the first use of a cache_control prefix as a cache write; the others have none.
          expect(written).toBe(model === 'claude-sonnet-4-5' && cached === 0 ? PREFIX : 0);
          const expected =
            ((c.usage.promptTokens - cached - written) * p.input +
              cached * p.cached +
              written * p.write +
              c.usage.completionTokens * p.output) /
            1e6;
          expect(c.costUsd).toBeCloseTo(expected, 12);
          const key = `${r.runId}:${model}`;
          totals[key] ??= { cost: 0, uncached: 0 };
          const t = totals[key];
          t.cost += c.costUsd;
          t.uncached += (c.usage.promptTokens * p.input + c.usage.completionTokens * p.output) / 1e6;
        }
        // The simulated cache holds a prefix per model from its first use on: one miss per model at most
        // (gpt-4.1's prefix is already cached when the second run starts).
        expect(misses).toBe(model === 'gpt-4.1' && r.runId === 'gemini' ? 0 : 1);
      }
    }
    for (const [k, t] of Object.entries(totals)) {
      console.log(
        `${k}: $${t.cost.toFixed(5)} with cached input, $${t.uncached.toFixed(5)} at the full input price (${((1 - t.cost / t.uncached) * 100).toFixed(1)}% less)`,
      );
      expect(t.cost).toBeLessThan(t.uncached);
    }
  });
});
