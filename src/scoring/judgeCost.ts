import type { PairwiseRecord, ScoreRecord } from '../types';
import type { JudgedPairRecord } from './judgePairs';
import type { JudgeInfo } from './types';

/** What one judge model cost a run. */
export interface JudgeModelCost {
  /** Judge calls (malformed-verdict retries and both orders included). */
  calls: number;
  promptTokens: number;
  completionTokens: number;
  /** USD at the judge model's own price; records without a price add nothing. */
  costUsd: number;
  /** Records (ScoreRecords and PairwiseRecords) whose judge gave no price. */
  unpriced: number;
}

/**
 * The judges' share of a run's cost, by judge model: the usage and cost that llmJudge and pairwiseJudge
 * record on every ScoreRecord.judge and PairwiseRecord (errors included: a failed or malformed verdict was
 * still paid for). Add `totalUsd` to the arms' cost for the run's evaluation cost.
 * @example
 * const { byModel, totalUsd } = judgeCost({ scores: await loadScores(dir), pairwise: await loadPairwise(dir) });
 */
export function judgeCost(opts: { scores?: readonly ScoreRecord[]; pairwise?: readonly PairwiseRecord[] }): {
  byModel: Record<string, JudgeModelCost>;
  totalUsd: number;
} {
  const byModel: Record<string, JudgeModelCost> = {};
  const add = (
    model: string,
    u: { promptTokens: number; completionTokens: number } | undefined,
    cost: number | undefined,
    calls: number | undefined,
  ) => {
    byModel[model] ??= { calls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0, unpriced: 0 };
    const m = byModel[model];
    m.calls += calls ?? 0;
    m.promptTokens += u?.promptTokens ?? 0;
    m.completionTokens += u?.completionTokens ?? 0;
    if (cost === undefined) m.unpriced++;
    else m.costUsd += cost;
  };
  for (const s of opts.scores ?? []) {
    const j = s.judge as JudgeInfo | undefined;
    if (j && typeof j.model === 'string') add(j.model, j.usage, j.costUsd, j.calls);
  }
  for (const p of opts.pairwise ?? []) {
    const r = p as JudgedPairRecord;
    if (typeof r.judgeModel === 'string') add(r.judgeModel, r.usage, r.costUsd, r.judgeCalls);
  }
  const totalUsd = Object.values(byModel).reduce((s, m) => s + m.costUsd, 0);
  return { byModel, totalUsd };
}
