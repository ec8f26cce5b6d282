/** Pairwise judge verdicts: one win-rate summary per judge and its comparison (sign test of wins against losses). */
import { pairwiseSummary } from '../../scoring/judgeReliability';
import { mcnemarTest } from '../../stats/mcnemarTest';
import type { MetricComparison, PairwiseRecord } from '../../types';
import { METRIC_UNITS } from '../options';
import type { PairwiseSummary } from '../types';
import type { MetricContext } from './shared';

/** One summary per judge (sorted by name); a judge whose every judgment failed is left out with a note. */
export function pairwiseSummaries(records: readonly PairwiseRecord[], ctx: MetricContext): PairwiseSummary[] {
  const judges = [...new Set(records.map((r) => r.judge))].sort();
  const out: PairwiseSummary[] = [];
  for (const judge of judges) {
    let p: PairwiseSummary;
    try {
      p = pairwiseSummary(records, {
        judge,
        confidence: ctx.s.confidence,
        interval: 't',
        decisiveWinRate: false,
        bradleyTerryWhen: 'bothWon',
      });
    } catch (e) {
      // The judge has records, so the only RangeError left is "every judgment failed".
      if (!(e instanceof RangeError)) throw e;
      if (!ctx.seedOffset) ctx.notes.push(`Pairwise judge '${judge}': every judgment failed; no win rate.`);
      continue;
    }
    if (!ctx.seedOffset) {
      const { n, wins, ties, losses, errors, orderInconsistent } = p;
      ctx.notes.push(
        `Pairwise judge '${judge}': ${n} judgments (${wins} canary wins, ${ties} ties, ${losses} losses; ties count half)${errors > 0 ? `, ${errors} failed judgments left out` : ''}${orderInconsistent > 0 ? `; ${orderInconsistent} verdicts flipped with the answer order and were recorded as ties` : ''}.`,
      );
    }
    out.push(p);
  }
  return out;
}

/** A judge's summary as the MetricComparison `pairwise_win_rate:<judge>`. */
export function pairwiseMetric(p: PairwiseSummary): MetricComparison {
  const [lo, hi] = p.winRate.ci;
  // Sign test: canary wins against losses, ties left out (the exact binomial test McNemar uses).
  const t = mcnemarTest({ b: p.losses, c: p.wins }, { exact: true });
  return {
    metric: `pairwise_win_rate:${p.judge}`,
    unit: METRIC_UNITS.pairwise_win_rate,
    better: 'higher',
    primary: { n: p.n, estimate: 1 - p.winRate.estimate, ci: [1 - hi, 1 - lo] },
    canary: { ...p.winRate, ci: [lo, hi] },
    delta: { estimate: 2 * p.winRate.estimate - 1, ci: [2 * lo - 1, 2 * hi - 1] },
    test: {
      method: 'Sign test (exact binomial of wins vs losses, ties left out)',
      statistic: t.statistic,
      pValue: t.pValue,
    },
  };
}
