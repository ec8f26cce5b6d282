/** runBatch's spend cap: the ledger its arms' calls reserve from, and the warnings when it stopped the run. */
import { budgetedGateway, SpendBudget } from '../gateway/budget';
import type { ArmPrice, BatchArm, RunBatchOptions } from './batchTypes';
import { runnerMsg } from './errors';

export interface SpendCap {
  /** The ledger (a shared one, or one of `maxCostUsd`); undefined without a cap. */
  budget?: SpendBudget;
  capUsd?: number;
  /** The arms, their gateways reserving from the ledger when there is one. */
  arms: readonly BatchArm[];
  /** USD spent before this invocation (the ledger's starting spend, or the recovered records'). */
  spentBefore: number;
}

/**
 * The cap of a run: `opts.budget` when shared, else a ledger of `maxCostUsd` starting at the spend of the
 * records already in calls.jsonl; every arm's gateway then reserves each call's worst case from it.
 */
export function spendCap(opts: RunBatchOptions, prices: readonly ArmPrice[], recoveredUsd: number): SpendCap {
  const budget =
    opts.budget ??
    (opts.maxCostUsd !== undefined
      ? new SpendBudget({ capUsd: opts.maxCostUsd, spentUsd: recoveredUsd })
      : undefined);
  const capUsd = opts.budget?.capUsd ?? opts.maxCostUsd;
  const arms: readonly BatchArm[] = budget
    ? opts.arms.map((a, i) => ({
        ...a,
        gateway: budgetedGateway(a.gateway, {
          budget,
          price: prices[i],
          ...(opts.assumedMaxOutputTokens !== undefined
            ? { maxOutputTokens: opts.assumedMaxOutputTokens }
            : {}),
        }),
      }))
    : opts.arms;
  const out: SpendCap = { arms, spentBefore: budget ? budget.spentUsd : recoveredUsd };
  if (budget) out.budget = budget;
  if (capUsd !== undefined) out.capUsd = capUsd;
  return out;
}

/** Warns when the cap stopped the run, and when servers reported more usage than was reserved. */
export function warnSpendCap(a: {
  cap: SpendCap;
  stoppedForBudget: boolean;
  /** Units not sent, when the total is known (null: a streamed source not read to its end). */
  notSent: number | null;
  spentUsd: number;
  warn: (message: string) => void;
}): void {
  const { budget, capUsd } = a.cap;
  if (a.stoppedForBudget)
    a.warn(runnerMsg.budgetReached(capUsd, budget?.spentUsd ?? a.spentUsd, runnerMsg.budgetLeft(a.notSent)));
  if (budget && budget.overrun > 0) a.warn(runnerMsg.usageOverrun(budget.overrun));
}
