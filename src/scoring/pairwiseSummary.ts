// pairwiseSummary: the canary's wins, ties and losses against the primary from one judge's records, the win
// rate with its interval, and Bradley–Terry ratings.
import { bradleyTerry } from '../stats/bradleyTerry';
import { tQuantile } from '../stats/distributions';
import { variance } from '../stats/variance';
import type { PairwiseRecord } from '../types';
import { judgmentOf, pickJudge, wilsonFractional } from './pairwiseRecords';
import type { PairwiseSummary } from './pairwiseSummaryType';

/** Canary-vs-primary outcome of one pairwise judge: the analysis's `PairwiseSummary`. */
export type PairwiseWinSummary = PairwiseSummary;

/** Options of {@link pairwiseSummary}. */
export interface PairwiseSummaryOptions {
  /** The judge to summarise; may be omitted when the records have only one judge. */
  judge?: string;
  /** Default 0.95. */
  confidence?: number;
  /**
   * Interval of the win rate: 'wilson' (default), the Wilson interval of (wins + ties/2) of n; 't' (the
   * analysis's), the t interval of the mean per-judgment score (1 win, ½ tie, 0 loss) clamped to [0, 1],
   * NaN with fewer than 2 judgments.
   */
  interval?: 'wilson' | 't';
  /** Also the canary's win rate among decisive verdicts (`decisiveWinRate`); default true. */
  decisiveWinRate?: boolean;
  /**
   * When Bradley–Terry ratings are fitted: 'defined' (default), whenever they exist; 'bothWon' (the
   * analysis's), only when each side won at least one judgment.
   */
  bradleyTerryWhen?: 'defined' | 'bothWon';
  /** Bootstrap intervals of the Bradley–Terry ratings. */
  bootstrap?: { resamples: number; seed: number };
}

/**
 * Win/tie/loss counts of the canary against the primary, the win rate with ties as half and its interval,
 * and Bradley–Terry ratings, from one judge's PairwiseRecords (errors left out; only the first judgment of
 * each pair, since repeated judgments of the same pair measure self-consistency, not new samples).
 * @throws {RangeError} when `judge` is omitted and the records have several judges, names a judge without
 *   records, or no record of the judge is usable
 * @example
 * // 6 canary wins, 2 ties, 2 losses: (6 + 1) / 10 = 0.7
 * pairwiseSummary(records).winRate.estimate; // => 0.7
 */
export function pairwiseSummary(
  records: readonly PairwiseRecord[],
  opts: PairwiseSummaryOptions = {},
): PairwiseSummary {
  const confidence = opts.confidence ?? 0.95;
  const judge = pickJudge('pairwiseSummary', records, opts.judge);
  const rs = records.filter((r) => r.judge === judge && judgmentOf(r) === 0);
  const counted = rs.filter((r) => r.error === undefined);
  const n = counted.length;
  if (n === 0) throw new RangeError(`pairwiseSummary: every judgment of ${judge} failed; no win rate`);
  const wins = counted.filter((r) => r.winner === 'canary').length;
  const losses = counted.filter((r) => r.winner === 'primary').length;
  const ties = n - wins - losses;
  const x = wins + ties / 2;
  const estimate = x / n;
  let ci: [number, number];
  if (opts.interval === 't') {
    const values = counted.map((r) => (r.winner === 'canary' ? 1 : r.winner === 'tie' ? 0.5 : 0));
    ci = [Number.NaN, Number.NaN];
    if (n >= 2) {
      const half = tQuantile(1 - (1 - confidence) / 2, n - 1) * Math.sqrt(variance(values) / n);
      ci = [Math.max(0, estimate - half), Math.min(1, estimate + half)];
    }
  } else {
    ci = wilsonFractional(x, n, confidence);
  }
  const out: PairwiseSummary = {
    judge,
    wins,
    ties,
    losses,
    orderInconsistent: counted.filter((r) => r.orderConsistent === false).length,
    n,
    errors: rs.length - n,
    winRate: { n, estimate, ci },
  };
  if (opts.decisiveWinRate !== false && wins + losses > 0) {
    out.decisiveWinRate = {
      n: wins + losses,
      estimate: wins / (wins + losses),
      ci: wilsonFractional(wins, wins + losses, confidence),
    };
  }
  if (opts.bradleyTerryWhen === 'bothWon' && !(wins > 0 && losses > 0)) return out;
  try {
    out.bradleyTerry = bradleyTerry(
      counted.map((r) => ({
        a: 'primary',
        b: 'canary',
        winner:
          r.winner === 'primary' ? ('a' as const) : r.winner === 'canary' ? ('b' as const) : ('tie' as const),
      })),
      { ties: 'half', ...(opts.bootstrap ? { bootstrap: { ...opts.bootstrap, confidence } } : {}) },
    );
  } catch {
    // the ratings do not exist (one side never won nor tied), or a bootstrap resample had none
  }
  return out;
}
