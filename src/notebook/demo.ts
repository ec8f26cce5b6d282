/**
 * The notebooks' demo run: 200 GSM8K items through two simulated models on loopback (no key, no network),
 * as notebooks/demo.eval.yaml configures it. 01-run.ipynb makes it step by step; 02–04 call
 * {@link ensureDemoRun} so that each notebook also runs alone.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadEvalConfig } from '../config/evalConfig';
import { createChatClient } from '../gateway/client';
import { createGateway } from '../gateway/gateway';
import { runPipeline, type SimulatorStarter } from '../pipeline/runPipeline';
import type { BatchArm } from '../runner/runBatch';
import type { Arm } from '../types';

/** The demo's fixed settings: the config the notebooks share and the run id they read. */
export const DEMO = Object.freeze({
  runId: 'notebook-demo',
  /** The eval config of the demo (simulator profiles, arms, items, scorers, judge), from the project root. */
  configFile: 'notebooks/demo.eval.yaml',
});

/**
 * Both arms against one OpenAI-compatible endpoint (the simulator's baseURL, or a real provider's), without
 * retries so that the raw error rate shows (as the demo config sets). Prices come from runBatch's `pricing`.
 *
 * @example
 * const arms = demoArms({ baseURL: sim.baseURL, models: { primary: 'claude-sonnet-4-5', canary: 'gpt-4.1' } });
 */
export function demoArms(opts: {
  baseURL: string;
  apiKey?: string;
  models: Record<Arm, string>;
  timeoutMs?: number;
}): BatchArm[] {
  const models = opts.models;
  return (['primary', 'canary'] as const).map((name) => ({
    name,
    baseURL: opts.baseURL,
    gateway: createGateway({
      client: createChatClient({
        baseURL: opts.baseURL,
        apiKey: opts.apiKey,
        model: models[name],
        timeoutMs: opts.timeoutMs ?? 30_000,
      }),
      retry: { maxAttempts: 1 },
      seed: 1,
    }),
  }));
}

/** What {@link ensureDemoRun} found or made. */
export interface DemoRun {
  runDir: string;
  /** False when the run folder already had what was asked for (e.g. 01-run.ipynb made it). */
  created: boolean;
}

/** Options of {@link ensureDemoRun}. */
export interface EnsureDemoRunOptions {
  /** Folder of run folders. Default 'runs'. */
  outDir?: string;
  /** Default DEMO.runId. */
  runId?: string;
  /** `calls` (default) or `scores`: how far the run must have got. */
  need?: 'calls' | 'scores';
  /** Default DEMO.configFile. */
  configFile?: string;
  log?: (line: string) => void;
  /** Starts the embedded simulator the demo config uses (the package's ensureDemoRun passes it). */
  startSimulator?: SimulatorStarter;
}

/**
 * Makes sure `<outDir>/<runId>/` holds the demo run up to a stage: `calls` (calls.jsonl and items.jsonl,
 * what 01-run.ipynb writes) or `scores` (also scores.jsonl and pairwise.jsonl, what 02-score.ipynb adds).
 * When something is missing it runs the demo config (notebooks/demo.eval.yaml) through `runPipeline`,
 * resuming the calls already there, so each notebook can run on its own; otherwise it does nothing.
 *
 * @throws {RunFolderConflictError} when the folder holds a run of another config
 * @example
 * const { runDir } = await ensureDemoRun({ outDir: process.env.CANARYLAB_RUNS_DIR ?? 'runs', need: 'scores' });
 */
export async function ensureDemoRun(opts: EnsureDemoRunOptions = {}): Promise<DemoRun> {
  const outDir = opts.outDir ?? 'runs';
  const runId = opts.runId ?? DEMO.runId;
  const runDir = join(outDir, runId);
  const files = [
    'calls.jsonl',
    'items.jsonl',
    ...(opts.need === 'scores' ? ['scores.jsonl', 'pairwise.jsonl'] : []),
  ];
  if (files.every((f) => existsSync(join(runDir, f)))) return { runDir, created: false };
  await runPipeline({
    config: await loadEvalConfig(opts.configFile ?? DEMO.configFile),
    outDir,
    runId,
    resume: existsSync(runDir),
    log: opts.log,
    ...(opts.startSimulator ? { startSimulator: opts.startSimulator } : {}),
  });
  return { runDir, created: true };
}
