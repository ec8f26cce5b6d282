/** A look's counts from one run: from its records (calls and pass/fail scores) or from its analysis. */
import { type AlwaysValidInput, alwaysValidInputFromSummary } from '../analysis/alwaysValid';
import { summarizeCalls } from '../analysis/summary/build';
import type { RunSummary } from '../analysis/summary/types';
import type { RunAnalysis, RunData } from '../analysis/types';
import { decisionMsg } from './errors';
import { zeroCounts } from './sequentialCounts';
import type { ArmCounts, PairedCounts, SequentialCounts } from './sequentialTypes';

/** What {@link sequentialCountsFrom} returns: one look's counts, quality and gate data. */
export interface LookCounts {
  counts: SequentialCounts;
  quality?: SequentialCounts;
  qualityPairs?: PairedCounts;
  gateInput?: AlwaysValidInput;
}

/**
 * The counts a look needs, from a run's records (calls per arm; the quality scorer's pass/fail scores,
 * per arm and paired by item and repeat; the gates' data from the calls' mergeable summary) or from its analysis (success_rate, the pass/fail quality
 * comparison's discordant pairs, and the summary's latency histogram and cost sums when it has one).
 * @example
 * sequentialCountsFrom(await loadRun('runs/2025-06-01')); // => { counts: { primary: {…}, canary: {…} }, quality?, qualityPairs? }
 */
export function sequentialCountsFrom(
  source: RunData | RunAnalysis,
  opts: { qualityScorer?: string } = {},
): LookCounts {
  return 'calls' in source ? countsFromRecords(source, opts) : countsFromAnalysis(source, opts);
}

function countsFromRecords(source: RunData, opts: { qualityScorer?: string }): LookCounts {
  const counts = zeroCounts();
  for (const c of source.calls) {
    counts[c.arm].n++;
    if (c.ok) counts[c.arm].successes++;
  }
  // The gates' data (canary latency histogram, cost sums) from the mergeable summary of the calls.
  const gateInput = alwaysValidInputFromSummary(summarizeCalls(source.calls));
  const passScores = source.scores.filter((s) => typeof s.pass === 'boolean' && !s.error);
  const scorer = opts.qualityScorer ?? passScores[0]?.scorer;
  if (!scorer) return { counts, gateInput };
  const quality = zeroCounts();
  const byKey = { primary: new Map<string, boolean>(), canary: new Map<string, boolean>() };
  for (const s of passScores) {
    if (s.scorer !== scorer) continue;
    quality[s.arm].n++;
    if (s.pass) quality[s.arm].successes++;
    byKey[s.arm].set(`${s.itemId}\u0000${s.repeat ?? 0}`, s.pass === true);
  }
  const pairs = { b: 0, c: 0, n: 0 };
  for (const [k, p] of byKey.primary) {
    const q = byKey.canary.get(k);
    if (q === undefined) continue;
    pairs.n++;
    if (p && !q) pairs.b++;
    if (q && !p) pairs.c++;
  }
  if (quality.primary.n + quality.canary.n === 0) return { counts, gateInput };
  if (pairs.n > 0) gateInput.qualityPairs = { ...pairs };
  return { counts, quality, ...(pairs.n > 0 ? { qualityPairs: pairs } : {}), gateInput };
}

function countsFromAnalysis(source: RunAnalysis, opts: { qualityScorer?: string }): LookCounts {
  const sr = source.comparisons.find((c) => c.metric === 'success_rate' && !c.segment);
  if (!sr) throw new RangeError(decisionMsg.noSuccessRate(source.runId));
  const fromEstimate = (e: { n: number; estimate: number }): ArmCounts => ({
    n: e.n,
    successes: Math.round(e.estimate * e.n),
  });
  const summary = (source as { summary?: Pick<RunSummary, 'primary' | 'canary'> }).summary;
  const counts = summary
    ? {
        primary: { n: summary.primary.calls, successes: summary.primary.ok },
        canary: { n: summary.canary.calls, successes: summary.canary.ok },
      }
    : { primary: fromEstimate(sr.primary), canary: fromEstimate(sr.canary) };
  const q =
    source.quality.find(
      (x) => x.kind === 'pass' && (!opts.qualityScorer || x.scorer === opts.qualityScorer),
    ) ?? undefined;
  const qualityPairs = q?.discordant ? { b: q.discordant.b, c: q.discordant.c, n: q.n } : undefined;
  const gateInput = summary ? alwaysValidInputFromSummary(summary, q) : undefined;
  return {
    counts,
    ...(q ? { quality: { primary: fromEstimate(q.primary), canary: fromEstimate(q.canary) } } : {}),
    ...(qualityPairs ? { qualityPairs } : {}),
    ...(gateInput ? { gateInput } : {}),
  };
}
