/**
 * `protocol:` in the eval config reaches the wire: the pipeline runs gpt-4.1 over OpenAI chat completions
 * against claude-sonnet-4-5 over the Anthropic Messages API, judged by a model spoken to over Gemini
 * generateContent, all on the in-process simulator, priced from datasets/pricing-list.json.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEvalConfig } from '../../src/config/evalConfig';
import { runPipeline } from '../../src/index';
import { ConfigError } from '../../src/input/schemaErrors';
import type { CallRecord, ScoreRecord } from '../../src/types';
import { solution } from '../sim/protocolFixtures';

const ROOT = join(__dirname, '..', '..');
const config = (canaryProtocol: string) => `
name: protocols
simulator:
  seed: 9
  models:
    gpt-4.1: { latency: { p50Ms: 5, p95Ms: 15 } }
    claude-sonnet-4-5: { latency: { p50Ms: 5, p95Ms: 15 } }
    gemini-judge:
      extends: gemini-2.5-flash
      latency: { p50Ms: 5, p95Ms: 15 }
      answers: template
      judge: { positionBias: 0, noise: 0 }
arms:
  primary: { model: gpt-4.1, params: { max_tokens: 1024 } }
  canary: { model: claude-sonnet-4-5, protocol: ${canaryProtocol}, params: { max_tokens: 1024 } }
judge:
  model: gemini-judge
  protocol: gemini
  single: true
  price: { inputPer1M: 0.3, outputPer1M: 2.5 }
pricing: ${join(ROOT, 'datasets', 'pricing-list.json')}
dataset: { gsm8k: { limit: 12 } }
scorers: [{ type: numeric }]
cache: false
`;

const read = <T>(f: string): T[] =>
  readFileSync(f, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);

describe('protocol in the eval config', () => {
  it('runs an anthropic canary and a gemini judge through the whole pipeline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'canarylab-protocol-pipeline-'));
    const file = join(dir, 'eval.yaml');
    writeFileSync(file, config('anthropic'));
    const loaded = await loadEvalConfig(file);
    expect(loaded.config.arms.canary.protocol).toBe('anthropic');
    expect(loaded.config.arms.primary.protocol).toBeUndefined();
    const r = await runPipeline({ config: loaded, outDir: join(dir, 'runs'), runId: 'p1' });
    const calls = read<CallRecord>(join(r.runDir, 'calls.jsonl'));
    expect(calls).toHaveLength(24);
    const canary = calls.filter((c) => c.arm === 'canary');
    // The canary's answers are claude-sonnet-4-5's profile's (GPT-3 175B fine-tuned) for GSM8K rows 0..11.
    expect(canary.every((c) => c.ok && !c.usageEstimated)).toBe(true);
    expect(canary.map((c) => c.content).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => solution('175b_finetuning', i)).sort(),
    );
    // List prices of pricing-list.json: $3 / $15 per 1M (no shared prefix here, so no cached tokens).
    for (const c of canary) {
      expect(c.costUsd).toBeCloseTo((c.usage.promptTokens * 3 + c.usage.completionTokens * 15) / 1e6, 12);
    }
    const scores = read<ScoreRecord>(join(r.runDir, 'scores.jsonl')).filter((s) => s.scorer === 'judge');
    expect(scores).toHaveLength(24);
    expect(scores.every((s) => typeof s.score === 'number')).toBe(true);
    expect(r.manifest.configHash).toBe(loaded.hash);
    // run.json says which protocol each side spoke (openai, the default, is not written).
    const manifest = JSON.parse(readFileSync(join(r.runDir, 'run.json'), 'utf8'));
    expect(manifest.arms.canary.protocol).toBe('anthropic');
    expect(manifest.arms.primary.protocol).toBeUndefined();
    expect(manifest.judge.protocol).toBe('gemini');
  });

  it('rejects an unknown protocol, naming the field, the line and the choices', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'canarylab-protocol-bad-'));
    const file = join(dir, 'eval.yaml');
    writeFileSync(file, config('bedrock'));
    const err = await loadEvalConfig(file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    // Line 15: the template starts with a newline, and `canary:` is its 15th line.
    expect((err as Error).message).toMatch(/arms\.canary\.protocol \(line 15\): .*openai.*anthropic.*gemini/);
  });
});
