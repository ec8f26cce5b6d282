import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeRun, type RunAnalysis } from '../../src/analysis/analyzeRun';
import { loadRun } from '../../src/analysis/loadRun';
import { loadGsm8kSolutions } from '../../src/datasets/gsm8k';
import { createChatClient } from '../../src/gateway/client';
import { createGateway } from '../../src/gateway/gateway';
import { runBatch } from '../../src/runner/runBatch';
import { numericAnswer } from '../../src/scoring/numericAnswer';
import { scoreRun } from '../../src/scoring/scoreRun';
import { type Simulator, startSimulator } from '../../src/sim/server';
import type { EvalItem } from '../../src/types';
import { expectClose, loadFixture } from '../helpers/fixtures';

/*
 * Issue 7, "What must be true": GSM8K replayed with the recorded answers through the simulator (primary
 * 175b_finetuning, canary 6b_verification, the pairing the GSM8K paper highlights), scored with the numeric
 * rubric, analysed. The accuracies must be the offline summary's (test/fixtures/offline.json, written by
 * generate_offline.py from the raw files with its own grader) and the McNemar p-value must equal the
 * exact binomial test on the discordant pairs, computed here with @stdlib's binomial CDF and checked
 * against scipy's value in offline.json.
 */
interface OfflineFixture {
  gsm8k: {
    n: number;
    models: Array<{ model: string; correct: number; lower: number; upper: number }>;
    pairs: Array<{ a: string; b: string; aOnly: number; bOnly: number; pValue: number }>;
  };
}
const offline = loadFixture<OfflineFixture>('offline.json').gsm8k;
const DATA = join(__dirname, '..', '..', 'datasets', 'gsm8k', 'model_solutions.jsonl');

let sim: Simulator;
let analysis: RunAnalysis;

beforeAll(async () => {
  const problems = await loadGsm8kSolutions(DATA);
  const items: EvalItem[] = problems.map((p) => ({
    id: p.id,
    messages: [{ role: 'user', content: p.question }],
    reference: p.reference,
  }));
  sim = await startSimulator({
    seed: 7,
    timeScale: 0.001,
    models: {
      'gsm-175b-ft': { latency: { p50Ms: 1200, p95Ms: 2800 }, answers: '175b_finetuning' },
      'gsm-6b-ver': { latency: { p50Ms: 400, p95Ms: 800 }, answers: '6b_verification' },
    },
  });
  const arms = (['primary', 'canary'] as const).map((name) => {
    const model = name === 'primary' ? 'gsm-175b-ft' : 'gsm-6b-ver';
    const client = createChatClient({ baseURL: sim.baseURL, model, timeoutMs: 10_000 });
    return {
      name,
      baseURL: sim.baseURL,
      gateway: createGateway({ client, retry: { maxAttempts: 1 }, seed: 1 }),
      price: { inputPer1M: 1, outputPer1M: 2 },
    };
  });
  const outDir = mkdtempSync(join(tmpdir(), 'canarylab-gsm8k-replay-'));
  await runBatch({ items, arms, concurrency: 64, outDir, runId: 'gsm8k', cache: false, onWarning: () => {} });
  await scoreRun({ runDir: join(outDir, 'gsm8k'), items, scorers: [numericAnswer()] });
  analysis = analyzeRun(await loadRun(join(outDir, 'gsm8k')), { seed: 1, resamples: 500, segments: false });
}, 60_000);

afterAll(async () => {
  await sim?.close();
});

describe('GSM8K replay: 175b_finetuning (primary) vs 6b_verification (canary)', () => {
  it('reproduces the accuracies of the numeric rubric on all 1,319 problems', () => {
    const q = analysis.quality.find((x) => x.scorer === 'numericAnswer');
    const want = (m: string) =>
      offline.models.find((x) => x.model === m) as OfflineFixture['gsm8k']['models'][0];
    expect(q?.n).toBe(offline.n);
    expect(q?.primary.estimate).toBe(458 / 1319);
    expect(q?.canary.estimate).toBe(515 / 1319);
    expect(Math.round((q?.primary.estimate as number) * offline.n)).toBe(want('175b_finetuning').correct);
    expect(Math.round((q?.canary.estimate as number) * offline.n)).toBe(want('6b_verification').correct);
    expectClose(q?.primary.ci[0] as number, want('175b_finetuning').lower, 1e-9);
    expectClose(q?.canary.ci[1] as number, want('6b_verification').upper, 1e-9);
    const m = analysis.comparisons.find((c) => c.metric === 'quality');
    expect(m?.delta.estimate).toBeCloseTo((515 - 458) / 1319, 12);
    expect(analysis.excludedFromQuality).toEqual({ primary: 0, canary: 0 });
  });

  it('McNemar p equals the exact binomial test on the discordant pairs', () => {
    const q = analysis.quality.find((x) => x.scorer === 'numericAnswer');
    if (!q?.discordant) throw new Error('no pass/fail comparison of numericAnswer');
    const { b, c } = q.discordant;
    const pair = offline.pairs.find((x) => x.a === '6b_verification' && x.b === '175b_finetuning');
    if (!pair) throw new Error('offline.json has no 6b_verification / 175b_finetuning pair');
    // Discordant counts: b = primary right, canary wrong; c = canary right, primary wrong.
    expect({ b, c }).toEqual({ b: pair.bOnly, c: pair.aOnly });
    // Two-sided exact binomial test: 2·P(X ≤ min(b, c)), X ~ Bin(b + c, ½).
    const exact = Math.min(1, 2 * binomialCdf(Math.min(b, c), b + c, 0.5));
    expectClose(q?.test.pValue as number, exact, 1e-12);
    expectClose(q?.test.pValue as number, pair.pValue, 1e-9);
    expect(q?.test.pValue).toBeLessThan(0.01);
    // Non-inferiority at the 2-point margin: the canary is better, so it clears it.
    expect(q?.nonInferiority.nonInferior).toBe(true);
  });
});
