/**
 * The end of a run: a stop at the spend cap recorded, then analysis, decision, cost and report (the same
 * stages the CLI runs alone), run.json finished, and the pipeline's result assembled.
 */
import { join } from 'node:path';
import type { SpendBudget } from '../gateway/budget';
import type { RunBatchSummary } from '../runner/runBatch';
import type { EvalItem } from '../types';
import { recordBudgetStop, recordCost } from './cost';
import { BudgetReachedError, pipelineMsg } from './errors';
import { type RunManifest, writeManifest } from './manifest';
import type { ScoreStageResult } from './scoreStage';
import { analyzeStage, decideStage, reportStage } from './stages';
import type { PipelineResult, RunContext } from './types';

/** Analysis, decision, the cost in run.json, charts and report. */
async function laterStages(ctx: RunContext, manifest: RunManifest, items: EvalItem[]) {
  const { runDir, log } = ctx;
  const { analysis } = await analyzeStage(runDir);
  log(`analysis: ${analysis.comparisons.length} comparisons → ${join(runDir, 'comparison.json')}`);
  const { decision } = await decideStage(runDir);
  log(`decision: ${decision.verdict} → ${join(runDir, 'decision.json')}`);
  await recordCost(runDir, manifest);
  const report = await reportStage(runDir, { items, log });
  log(`report: ${report.reportFile}`);
  return { analysis, decision, report };
}

/**
 * Finishes a run whose calls are made and scored. A run stopped by the cap still gets its analysis when
 * what was recorded allows one; otherwise it ends with BudgetReachedError, its records kept.
 * @throws {BudgetReachedError} when the cap stopped the run and the later stages could not run
 */
export async function finishRun(
  ctx: RunContext,
  run: {
    manifest: RunManifest;
    items: EvalItem[];
    budget: SpendBudget | undefined;
    batch: RunBatchSummary;
    scored: ScoreStageResult;
  },
): Promise<PipelineResult> {
  const { runDir } = ctx;
  const { manifest } = run;
  let stopped: PipelineResult['budgetReached'];
  if (run.scored.budgetReached && run.budget) {
    stopped = await recordBudgetStop(runDir, manifest, run.budget.capUsd, ctx.log);
  }
  let stages: Awaited<ReturnType<typeof laterStages>>;
  try {
    stages = await laterStages(ctx, manifest, run.items);
  } catch (e) {
    if (!stopped) throw e;
    // Too little was recorded for the later stages: the run still stops cleanly, with its records.
    await recordCost(runDir, manifest);
    throw new BudgetReachedError(pipelineMsg.budgetNoAnalysis(stopped.message, (e as Error).message));
  }
  if (!stopped) manifest.status = 'finished';
  await writeManifest(runDir, manifest);
  const result: PipelineResult = {
    runId: ctx.runId,
    runDir,
    manifest,
    ...stages,
    batch: run.batch,
    scoring: run.scored.scoring,
    wallMs: performance.now() - ctx.started,
  };
  if (run.scored.pairwise) result.pairwise = run.scored.pairwise;
  if (stopped) result.budgetReached = stopped;
  return result;
}
