/**
 * What a run cost, read back from its records (calls, single and pairwise judge calls), and the spend cap:
 * the ledger shared by both arms and the judge, and what the run records when the cap stops it.
 */
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SpendBudget } from '../gateway/budget';
import { pipelineMsg } from './errors';
import { type RunManifest, writeManifest } from './manifest';
import type { PipelineResult } from './types';

/** Sums a numeric field over the lines of a JSONL file (0 when the file is absent; torn lines skipped). */
async function sumJsonl(
  file: string,
  pick: (rec: Record<string, unknown>) => number | undefined,
): Promise<number> {
  if (!existsSync(file)) return 0;
  let total = 0;
  const rl = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) {
    if (line.trim() === '') continue;
    try {
      const v = pick(JSON.parse(line) as Record<string, unknown>);
      if (typeof v === 'number' && Number.isFinite(v)) total += v;
    } catch {
      // a torn last line of an interrupted run: nothing to add
    }
  }
  return total;
}

/**
 * What an evaluation cost: every call of both arms (cached calls cost 0) and every judge call (single
 * judge costs in scores.jsonl `judge.costUsd`, pairwise ones in pairwise.jsonl `costUsd`).
 */
export async function evaluationCost(
  runDir: string,
): Promise<{ callsUsd: number; judgeUsd: number; totalUsd: number }> {
  const callsUsd = await sumJsonl(join(runDir, 'calls.jsonl'), (r) => r.costUsd as number | undefined);
  const single = await sumJsonl(
    join(runDir, 'scores.jsonl'),
    (r) => (r.judge as { costUsd?: number } | undefined)?.costUsd,
  );
  const pairwise = await sumJsonl(join(runDir, 'pairwise.jsonl'), (r) => r.costUsd as number | undefined);
  return { callsUsd, judgeUsd: single + pairwise, totalUsd: callsUsd + single + pairwise };
}

/**
 * The spend cap (option, else the config's maxCostUsd): one ledger for both arms and the judge, starting
 * from what the run's records already spent (a resumed run), so that the recorded spend never passes it.
 */
export async function spendBudget(
  capUsd: number | undefined,
  runDir: string,
  resume: boolean | undefined,
): Promise<SpendBudget | undefined> {
  if (capUsd === undefined) return undefined;
  return new SpendBudget({ capUsd, spentUsd: resume ? (await evaluationCost(runDir)).totalUsd : 0 });
}

/** Writes the evaluation's cost and the finishing time into run.json. */
export async function recordCost(runDir: string, manifest: RunManifest): Promise<void> {
  const cost = await evaluationCost(runDir);
  manifest.evaluationCostUsd = cost.totalUsd;
  manifest.costs = { callsUsd: cost.callsUsd, judgeUsd: cost.judgeUsd };
  manifest.finishedAt = new Date().toISOString();
  await writeManifest(runDir, manifest);
}

/** The cap stopped the run: run.json says so (status 'stopped', the reason, a note); returns what to report. */
export async function recordBudgetStop(
  runDir: string,
  manifest: RunManifest,
  capUsd: number,
  log: (line: string) => void,
): Promise<NonNullable<PipelineResult['budgetReached']>> {
  const spent = (await evaluationCost(runDir)).totalUsd;
  const stopped = { capUsd, spentUsd: spent, message: pipelineMsg.budgetReached(spent, capUsd) };
  log(`warning: ${stopped.message}`);
  manifest.status = 'stopped';
  manifest.stopReason = stopped.message;
  manifest.notes = [...(manifest.notes ?? []), `Budget reached — ${stopped.message}`];
  await writeManifest(runDir, manifest);
  return stopped;
}
