/**
 * The scoring stage of a run: rubrics and the single judge over every call (scores.jsonl), then the
 * pairwise judge (pairwise.jsonl). Once the spend cap is reached the judges stop; the rubrics, which cost
 * nothing, still score every call.
 */
import { isBudgetExceeded } from '../gateway/budget';
import { type JudgePairsSummary, judgePairs } from '../scoring/judgePairs';
import { type ScoreRunSummary, scoreRun } from '../scoring/scoreRun';
import type { Scorer } from '../scoring/types';
import type { EvalItem } from '../types';
import type { RunJudges } from './gateways';
import type { RunContext } from './types';

/** What the scoring stage did, and whether the cap was reached before or during it. */
export interface ScoreStageResult {
  scoring: ScoreRunSummary;
  pairwise?: JudgePairsSummary;
  budgetReached: boolean;
}

/** Rubrics and the single judge (the rubrics alone once the cap is reached). */
async function scoreCalls(
  ctx: RunContext,
  run: { items: EvalItem[]; rubrics: Scorer[]; judges: RunJudges; budgetReached: boolean },
): Promise<{ scoring: ScoreRunSummary; budgetReached: boolean }> {
  const { cfg, opts, log } = ctx;
  const scoreWith = (scorers: Scorer[]) =>
    scoreRun({
      runDir: ctx.runDir,
      items: run.items,
      scorers,
      concurrency: cfg.judge?.concurrency ?? 8,
      retryErrors: opts.resume ?? false,
      onWarning: (m) => log(`warning: ${m}`),
    });
  let budgetReached = run.budgetReached;
  const scorers = run.judges.single && !budgetReached ? [...run.rubrics, run.judges.single] : run.rubrics;
  let scoring: ScoreRunSummary;
  try {
    scoring = await scoreWith(scorers);
  } catch (e) {
    if (!isBudgetExceeded(e)) throw e;
    budgetReached = true;
    log('warning: budget reached while judging: the judge stops; rubrics score the remaining calls');
    scoring = await scoreWith(run.rubrics);
  }
  log(
    `scores: ${scoring.scored} scored, ${scoring.errors} scorer errors, ${scoring.skipped} already scored, ${scoring.excludedFailedCalls} failed calls not scored (${scorers.map((s) => s.name).join(', ') || 'no scorer'})`,
  );
  return { scoring, budgetReached };
}

/** The pairwise judge over both answers of each item; undefined when it stopped at the cap. */
async function judgeAllPairs(
  ctx: RunContext,
  items: EvalItem[],
  judge: NonNullable<RunJudges['pairwise']>,
): Promise<JudgePairsSummary | undefined> {
  const { cfg, opts, log } = ctx;
  try {
    const pairwise = await judgePairs({
      runDir: ctx.runDir,
      items,
      judge,
      concurrency: cfg.judge?.concurrency ?? 8,
      retryErrors: opts.resume ?? false,
      onWarning: (m) => log(`warning: ${m}`),
    });
    log(`pairwise: ${pairwise.judged} judged, ${pairwise.errors} errors, ${pairwise.skipped} already judged`);
    return pairwise;
  } catch (e) {
    if (!isBudgetExceeded(e)) throw e;
    log('warning: budget reached while judging pairs: pairwise judging stops');
    return undefined;
  }
}

/** Scores every call, then judges the pairs unless the cap was reached. */
export async function scoreStage(
  ctx: RunContext,
  run: { items: EvalItem[]; rubrics: Scorer[]; judges: RunJudges; budgetReached: boolean },
): Promise<ScoreStageResult> {
  const { scoring, budgetReached } = await scoreCalls(ctx, run);
  const result: ScoreStageResult = { scoring, budgetReached };
  if (run.judges.pairwise && !budgetReached) {
    const pairwise = await judgeAllPairs(ctx, run.items, run.judges.pairwise);
    if (pairwise) result.pairwise = pairwise;
    else result.budgetReached = true;
  }
  return result;
}
