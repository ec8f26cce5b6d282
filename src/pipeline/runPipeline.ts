/**
 * The whole pipeline in one call (`canarylab run`): items → calls (both arms) → scores (rubrics, judges) →
 * comparison.json → decision.json → charts + report.html, with run.json written at the start and
 * finished at the end. Every stage writes its file in the run folder; a killed run is resumed with
 * `resume: true` (finished calls and scores are not paid for twice). Each stage lives in its own file;
 * this one chains them.
 */
import { join } from 'node:path';
import { PRICING_FILE, resolveConfigPath } from '../config/defaults';
import { buildScorers } from '../config/scorers';
import { resolveSecrets } from '../config/secrets';
import type { LoadedEvalConfig, ResolvedEndpoints } from '../config/types';
import { formatSeconds, formatSpend } from '../format';
import type { SpendBudget } from '../gateway/budget';
import { loadPricing, type Pricing } from '../gateway/pricing';
import { type BatchArm, type RunBatchSummary, runBatch } from '../runner/runBatch';
import { acquireRunLock, type RunLock } from '../runner/runFolder';
import type { Scorer } from '../scoring/types';
import type { EvalItem } from '../types';
import { spendBudget } from './cost';
import { SimulatorStarterMissingError } from './errors';
import { finishRun } from './finishRun';
import { batchArms, buildJudges, type Connections } from './gateways';
import { loadConfigItems } from './items';
import { chooseRunId, prepareRunFolder } from './runLocation';
import { startManifest, writeRunStart } from './runStart';
import { scoreStage } from './scoreStage';
import { needsSimulator, startRunSimulator, warmUpSimulator } from './simulator';
import type { PipelineResult, RunContext, RunPipelineOptions } from './types';

export { evaluationCost } from './cost';
export { BudgetReachedError, RunFolderConflictError, SimulatorStarterMissingError } from './errors';
export { DEFAULT_JUDGE_CRITERIA } from './gateways';
export type { PipelineResult, RunPipelineOptions, SimulatorStarter, StartedSimulator } from './types';

/** What is resolved before the run folder is touched: everything that can fail without a call. */
interface RunInputs {
  endpoints: ResolvedEndpoints;
  pricing: Pricing | undefined;
  items: EvalItem[];
  rubrics: Scorer[];
}

/** The price table, when an arm or the judge has no `price` of its own. */
async function runPricing(loaded: LoadedEvalConfig): Promise<Pricing | undefined> {
  const cfg = loaded.config;
  const needsTable = !cfg.arms.primary.price || !cfg.arms.canary.price || (cfg.judge && !cfg.judge.price);
  return needsTable
    ? await loadPricing(cfg.pricing ? resolveConfigPath(loaded, cfg.pricing) : PRICING_FILE)
    : undefined;
}

/** The calls of both arms (calls.jsonl), after one warm-up request per simulated model. */
async function callStage(
  ctx: RunContext,
  conn: Connections,
  run: { items: EvalItem[]; arms: BatchArm[]; pricing: Pricing | undefined; budget: SpendBudget | undefined },
): Promise<RunBatchSummary> {
  const { cfg, opts, log } = ctx;
  if (conn.sim) await warmUpSimulator(conn.sim, conn.clients);
  const batch = await runBatch({
    items: run.items,
    arms: run.arms,
    concurrency: cfg.concurrency,
    outDir: ctx.outDir,
    runId: ctx.runId,
    ...(run.pricing ? { pricing: run.pricing } : {}),
    cache: opts.cache ?? cfg.cache,
    repeats: cfg.repeats,
    ...(run.budget ? { budget: run.budget } : {}),
    ...(cfg.shadowRatio !== undefined ? { shadowRatio: cfg.shadowRatio } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    onWarning: (m) => log(`warning: ${m}`),
  });
  log(
    `calls: ${batch.planned} planned, ${batch.resumed} resumed, ${batch.sent} sent, ${batch.cached} cached, ${batch.failed} failed, ${formatSpend(batch.spentUsd)} in ${formatSeconds(batch.wallMs)}`,
  );
  return batch;
}

/** The run inside its locked folder: simulator, gateways, first files, calls, scores, and the rest. */
async function runLocked(ctx: RunContext, inputs: RunInputs): Promise<PipelineResult> {
  const { opts, cfg, runDir } = ctx;
  const { endpoints, pricing, items } = inputs;
  const previous = await prepareRunFolder(runDir, opts, ctx.loaded.hash);
  const conn: Connections = { cfg, clients: [] };
  try {
    if (needsSimulator(ctx, endpoints)) conn.sim = await startRunSimulator(ctx);
    const arms = batchArms(conn, endpoints);
    const budget = await spendBudget(opts.maxCostUsd ?? cfg.maxCostUsd, runDir, opts.resume);
    const judges = buildJudges(conn, endpoints, budget, pricing);
    const manifest = startManifest(ctx, conn, { endpoints, items: items.length, previous });
    await writeRunStart(ctx, items, manifest);
    const batch = await callStage(ctx, conn, { items, arms, pricing, budget });
    const scored = await scoreStage(ctx, {
      items,
      rubrics: inputs.rubrics,
      judges,
      budgetReached: batch.stoppedForBudget,
    });
    return await finishRun(ctx, { manifest, items, budget, batch, scored });
  } finally {
    await Promise.allSettled(conn.clients.map((c) => c.close()));
    await conn.sim?.close();
  }
}

/**
 * Runs the whole pipeline for a config. Everything that can be wrong with the config (a missing
 * environment variable, a model without a price, a bad dataset line) fails before the first call.
 *
 * The embedded simulator (a config with `simulator:`) is started by `opts.startSimulator`: this layer does
 * not import it. The package's runPipeline (src/index.ts) passes the simulator's starter.
 *
 * @throws {ConfigError} for a missing environment variable or price (before any call)
 * @throws {SimulatorStarterMissingError} when the config needs the simulator and no `startSimulator` is given
 * @throws {RunFolderConflictError} when the run folder exists and `resume` is not set, or `resume` finds
 *   no run of this config, or the config changed since the run started
 * @example
 * const result = await runPipeline({ config: await loadEvalConfig('eval.yaml'), log: (l) => console.error(l) });
 * result.decision.verdict; // 'promote' | 'hold' | 'rollback'
 */
export async function runPipeline(opts: RunPipelineOptions): Promise<PipelineResult> {
  const started = performance.now();
  const loaded = opts.config;
  const cfg = loaded.config;
  const outDir = opts.outDir ?? (cfg.out ? resolveConfigPath(loaded, cfg.out) : 'runs');
  const inputs: RunInputs = {
    endpoints: resolveSecrets(loaded, opts.env ?? process.env),
    pricing: await runPricing(loaded),
    items: await loadConfigItems(loaded, opts.limit !== undefined ? { limit: opts.limit } : {}),
    rubrics: buildScorers(loaded),
  };
  // The simulator is injected (the pipeline does not import it): without a starter, fail before the run folder.
  if (!opts.startSimulator && needsSimulator({ cfg }, inputs.endpoints))
    throw new SimulatorStarterMissingError();
  const runId = await chooseRunId(opts, outDir, loaded.hash);
  const runDir = join(outDir, runId);
  // One writer per run folder: a second `run` (or analyze/decide/report) on it fails here, before any call.
  const lock: RunLock = acquireRunLock(runDir, 'run');
  try {
    const log = opts.log ?? (() => {});
    return await runLocked({ opts, loaded, cfg, log, outDir, runId, runDir, started }, inputs);
  } finally {
    lock.release();
  }
}
