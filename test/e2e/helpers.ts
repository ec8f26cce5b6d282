import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { analyzeRun, type RunAnalysis } from '../../src/analysis/analyzeRun';
import { loadRun, writeAnalysis } from '../../src/analysis/loadRun';
import { loadGsm8kSolutions } from '../../src/datasets/gsm8k';
import { type DecisionDetails, decide } from '../../src/decision/decide';
import { DEFAULT_POLICY } from '../../src/decision/policy';
import { createChatClient } from '../../src/gateway/client';
import { createGateway } from '../../src/gateway/gateway';
import { type ArmPrice, type BatchArm, runBatch } from '../../src/runner/runBatch';
import { numericAnswer } from '../../src/scoring/numericAnswer';
import { scoreRun } from '../../src/scoring/scoreRun';
import type { SimModelProfileInput } from '../../src/sim/config';
import { type Simulator, startSimulator } from '../../src/sim/server';
import type { EvalItem } from '../../src/types';

/*
 * Shared set-up of the end-to-end tests (issue 7, "What must be true", end to end on the simulator: runBatch → scoreRun (numeric rubric on the
 * recorded GSM8K answers) → loadRun → analyzeRun → decide(DEFAULT_POLICY). Simulated delays are scaled
 * down (timeScale) so that each scenario takes a few seconds; the one that must be slower than the
 * 3-second P95 gate runs its canary in real time with every call in flight at once.
 */
export const DATA = join(__dirname, '..', '..', 'datasets', 'gsm8k', 'model_solutions.jsonl');
const FAST = { p50Ms: 1200, p95Ms: 2800 };
export const PRICE: ArmPrice = { inputPer1M: 2, outputPer1M: 8 };
export const scale = (p: ArmPrice, k: number): ArmPrice => ({
  inputPer1M: p.inputPer1M * k,
  outputPer1M: p.outputPer1M * k,
});

// The canary at 99.0% success: exactly every 100th request fails with a 500, and retries are off.
export const N_FAULTY = 1000;
const faultPlan = Array.from({ length: N_FAULTY }, (_, i) =>
  i % 100 === 99 ? 'server_error' : 'none',
) as Array<'server_error' | 'none'>;

const MODELS: Record<string, SimModelProfileInput> = {
  base: { latency: FAST, timeScale: 0.001, answers: '175b_verification', streamIntervalMs: 0 },
  twin: { latency: FAST, timeScale: 0.001, answers: '175b_verification', streamIntervalMs: 0 },
  // Slower than 3 s at P95 in real time (P50 3.1 s, P95 3.4 s).
  slow: { latency: { p50Ms: 3100, p95Ms: 3400 }, timeScale: 1, answers: '175b_verification' },
  // Slower than the primary but scaled down, with other answers (other token counts).
  slowish: { latency: { p50Ms: 2000, p95Ms: 4000 }, timeScale: 0.01, answers: '6b_verification' },
  faulty: { latency: FAST, timeScale: 0.001, answers: '175b_verification', faultPlan },
};

let sim: Simulator;
let items: EvalItem[];
const outDir = mkdtempSync(join(tmpdir(), 'canarylab-e2e-'));

/** Registers beforeAll/afterAll that start one simulator (loopback) for the calling test file. */
export function useSimulator(): void {
  beforeAll(async () => {
    const problems = await loadGsm8kSolutions(DATA);
    items = problems.map((p) => ({
      id: p.id,
      messages: [{ role: 'user', content: p.question }],
      reference: p.reference,
    }));
    sim = await startSimulator({ seed: 3, models: MODELS });
  });
  afterAll(async () => {
    await sim?.close();
  });
}

export interface Scenario {
  runId: string;
  n: number;
  primary: { model: string; price: ArmPrice };
  canary: { model: string; price: ArmPrice };
  stream?: boolean;
  concurrency?: number;
}

export async function run(s: Scenario): Promise<{ analysis: RunAnalysis; decision: DecisionDetails }> {
  const arms: BatchArm[] = (['primary', 'canary'] as const).map((name) => {
    const client = createChatClient({
      baseURL: sim.baseURL,
      model: s[name].model,
      timeoutMs: 20_000,
      maxConnections: 256,
    });
    return {
      name,
      baseURL: sim.baseURL,
      gateway: createGateway({ client, retry: { maxAttempts: 1 }, seed: 1 }),
      price: s[name].price,
      params: s.stream ? { stream: true } : undefined,
    };
  });
  const subset = items.slice(0, s.n);
  await runBatch({
    items: subset,
    arms,
    concurrency: s.concurrency ?? 64,
    outDir,
    runId: s.runId,
    cache: false,
    onWarning: () => {},
  });
  const runDir = join(outDir, s.runId);
  await scoreRun({ runDir, items: subset, scorers: [numericAnswer()] });
  const analysis = analyzeRun(await loadRun(runDir), { seed: 1, resamples: 1000 });
  await writeAnalysis(runDir, analysis);
  return { analysis, decision: decide(analysis.comparisons, DEFAULT_POLICY) };
}

export const gate = (d: DecisionDetails, metric: string) => {
  const g = d.gates.find((x) => x.metric === metric);
  if (!g) throw new Error(`no gate on ${metric}`);
  return g;
};
