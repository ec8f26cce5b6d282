/**
 * How far a judge can be trusted, measured on its own verdicts: position flips, self-consistency over
 * repeated judgments, agreement with another judge or a rubric (Cohen's kappa), and length bias; and the
 * canary-vs-primary win rate with its interval and Bradley–Terry ratings.
 */

import { bradleyTerry } from '../stats/bradleyTerry';
import { normalQuantile, tQuantile } from '../stats/distributions';
import { variance } from '../stats/variance';
import type { PairwiseRecord, ScoreRecord } from '../types';
import { cohenKappa, scorerAgreement } from './agreement';
import type { JudgedPairRecord } from './judgePairs';
import type { PairwiseSummary } from './pairwiseSummaryType';

type Winner = PairwiseRecord['winner'];
const WINNERS: readonly Winner[] = ['primary', 'canary', 'tie'];

/** A proportion with its Wilson interval. */
export interface ProportionEstimate {
  /** Events counted (flips, agreements, wins of the longer answer, …). */
  count: number;
  n: number;
  estimate: number;
  ci: [number, number];
}

/** Cohen's kappa between two raters of the same cases. */
export interface AgreementResult {
  /** The two raters: judge names, or scorer names. */
  between: [string, string];
  /** What was compared: pairwise winners, or single-answer pass/fail. */
  on: 'winner' | 'pass';
  n: number;
  kappa: number;
  ci: [number, number];
  observedAgreement: number;
}

/** What {@link judgeReliability} measured for one pairwise judge. */
export interface JudgeReliability {
  judge: string;
  /** Usable records (no error) of the first judgment of each pair. */
  n: number;
  /** Records of the judge with an error (not counted anywhere). */
  errors: number;
  /** Share of pairs judged in both orders whose verdict changed with the order (MT-Bench's inconsistency). */
  positionFlipRate?: ProportionEstimate;
  /** Share of decisive per-order verdicts that chose the answer shown first (0.5 = no position preference). */
  firstPositionPreference?: ProportionEstimate;
  /**
   * Agreement of the first two judgments of the same pair (judgePairs `judgments` ≥ 2): share of pairs with
   * the same final winner, and Cohen's kappa between the two judgments.
   */
  selfConsistency?: ProportionEstimate & { kappa: number };
  /** Cohen's kappa with another judge, with a rubric's implied winner, between single-answer scorers. */
  agreement: AgreementResult[];
  /** Among decisive verdicts between answers of different length: share won by the longer answer. */
  lengthBias?: ProportionEstimate;
}

/**
 * Wilson score interval of x successes in n, where x may be fractional (a tie counting half). For an integer
 * x this is exactly `wilsonInterval` (statsmodels' 'wilson'); with half-counted ties it is conservative,
 * since a tie-as-half outcome varies less than a 0/1 one of the same mean.
 * @throws {RangeError} when n < 1 or x is outside [0, n]
 */
export function wilsonFractional(x: number, n: number, confidence = 0.95): [number, number] {
  if (!(Number.isInteger(n) && n >= 1))
    throw new RangeError(`wilsonFractional: n must be an integer >= 1, got ${n}`);
  if (!(x >= 0 && x <= n)) throw new RangeError(`wilsonFractional: x must be in [0, ${n}], got ${x}`);
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const z2 = z * z;
  const denom = n + z2;
  const centre = (x + z2 / 2) / denom;
  const half = (z / denom) * Math.sqrt((x * (n - x)) / n + z2 / 4);
  return [x === 0 ? 0 : Math.max(0, centre - half), x === n ? 1 : Math.min(1, centre + half)];
}

function proportion(count: number, n: number, confidence: number): ProportionEstimate {
  return { count, n, estimate: count / n, ci: wilsonFractional(count, n, confidence) };
}

function pairId(r: { itemId: string; repeat?: number }): string {
  return JSON.stringify([r.itemId, r.repeat ?? 0]);
}

function judgmentOf(r: PairwiseRecord): number {
  return (r as JudgedPairRecord).judgment ?? 0;
}

function kappaOf(
  between: [string, string],
  on: 'winner' | 'pass',
  a: readonly (string | boolean)[],
  b: readonly (string | boolean)[],
  confidence: number,
  categories?: readonly string[],
): AgreementResult {
  const k = cohenKappa(a, b, { confidence, categories });
  return { between, on, n: k.n, kappa: k.kappa, ci: k.ci, observedAgreement: k.observedAgreement };
}

/** Options of {@link judgeReliability}. */
export interface JudgeReliabilityOptions {
  /** PairwiseRecords (pairwise.jsonl); records of other judges are used only for `otherJudge`. */
  pairwise: readonly PairwiseRecord[];
  /** The judge to measure; may be omitted when the records have only one judge. */
  judge?: string;
  /** ScoreRecords, for `rubric` and `scorers`. */
  scores?: readonly ScoreRecord[];
  /** Another pairwise judge in `pairwise`: kappa between the two judges' winners. */
  otherJudge?: string;
  /**
   * A scorer in `scores` whose scores imply a winner per pair (the higher score on the same item and
   * repeat wins, equal scores tie): kappa between the judge's winners and the rubric's.
   */
  rubric?: string;
  /** Pairs of scorers in `scores` (e.g. a single-answer judge and a rubric): kappa on `pass`. */
  scorers?: ReadonlyArray<readonly [string, string]>;
  /** Default 0.95. */
  confidence?: number;
}

/**
 * Measures a pairwise judge's reliability from its records (errors are left out and counted):
 * - position flip rate: share of pairs judged in both orders whose verdict changed with the order;
 * - first-position preference: share of decisive per-order verdicts that picked the answer shown first;
 * - self-consistency: how often two independent judgments of the same pair agree (needs judgments ≥ 2);
 * - agreement: Cohen's kappa with another judge, with a rubric's implied winner, between scorers;
 * - length bias: share of decisive verdicts won by the longer answer.
 * Only the first judgment of each pair counts, except for self-consistency. Each proportion has a Wilson
 * interval; a measure without data is left out.
 *
 * @throws {RangeError} when `judge` is omitted and the records have several judges, or names a judge
 *   without records; when `rubric`/`scorers` leave no pair to compare
 * @example
 * const rel = judgeReliability({ pairwise: await loadPairwise(dir), scores: await loadScores(dir), rubric: 'numericAnswer' });
 * rel.positionFlipRate?.estimate; rel.agreement[0].kappa;
 */
export function judgeReliability(opts: JudgeReliabilityOptions): JudgeReliability {
  const confidence = opts.confidence ?? 0.95;
  const judge = pickJudge('judgeReliability', opts.pairwise, opts.judge);
  const all = opts.pairwise.filter((r) => r.judge === judge);
  const usable = all.filter((r) => r.error === undefined);
  const first = usable.filter((r) => judgmentOf(r) === 0);
  const out: JudgeReliability = { judge, n: first.length, errors: all.length - usable.length, agreement: [] };

  const both = first.filter(
    (r) => r.verdicts?.primaryFirst !== undefined && r.verdicts?.canaryFirst !== undefined,
  );
  if (both.length > 0) {
    const flips = both.filter((r) => r.verdicts?.primaryFirst !== r.verdicts?.canaryFirst).length;
    out.positionFlipRate = proportion(flips, both.length, confidence);
  }
  let shownFirst = 0;
  let decisiveOrders = 0;
  for (const r of first) {
    const v = r.verdicts;
    if (v?.primaryFirst === 'primary' || v?.primaryFirst === 'canary') {
      decisiveOrders++;
      if (v.primaryFirst === 'primary') shownFirst++;
    }
    if (v?.canaryFirst === 'primary' || v?.canaryFirst === 'canary') {
      decisiveOrders++;
      if (v.canaryFirst === 'canary') shownFirst++;
    }
  }
  if (decisiveOrders > 0) out.firstPositionPreference = proportion(shownFirst, decisiveOrders, confidence);

  // Self-consistency: judgment 0 vs judgment 1 of the same pair.
  const byJudgment = new Map<string, Map<number, Winner>>();
  for (const r of usable) {
    const m = byJudgment.get(pairId(r)) ?? new Map<number, Winner>();
    if (!m.has(judgmentOf(r))) m.set(judgmentOf(r), r.winner);
    byJudgment.set(pairId(r), m);
  }
  const j0: Winner[] = [];
  const j1: Winner[] = [];
  for (const m of byJudgment.values()) {
    const a = m.get(0);
    const b = m.get(1);
    if (a !== undefined && b !== undefined) {
      j0.push(a);
      j1.push(b);
    }
  }
  if (j0.length > 0) {
    const same = j0.filter((w, i) => w === j1[i]).length;
    const k = cohenKappa(j0, j1, { categories: WINNERS, confidence });
    out.selfConsistency = { ...proportion(same, j0.length, confidence), kappa: k.kappa };
  }

  const mine = new Map(first.map((r) => [pairId(r), r.winner]));
  if (opts.otherJudge !== undefined) {
    const other = new Map<string, Winner>();
    for (const r of opts.pairwise) {
      if (r.judge === opts.otherJudge && r.error === undefined && judgmentOf(r) === 0)
        other.set(pairId(r), r.winner);
    }
    const a: Winner[] = [];
    const b: Winner[] = [];
    for (const [id, w] of mine) {
      const o = other.get(id);
      if (o !== undefined) {
        a.push(w);
        b.push(o);
      }
    }
    if (a.length === 0) {
      throw new RangeError(
        `judgeReliability: otherJudge: no pair judged by both ${judge} and ${opts.otherJudge}`,
      );
    }
    out.agreement.push(kappaOf([judge, opts.otherJudge], 'winner', a, b, confidence, WINNERS));
  }
  if (opts.rubric !== undefined) {
    const implied = rubricWinners(opts.scores ?? [], opts.rubric);
    const a: Winner[] = [];
    const b: Winner[] = [];
    for (const [id, w] of mine) {
      const o = implied.get(id);
      if (o !== undefined) {
        a.push(w);
        b.push(o);
      }
    }
    if (a.length === 0) {
      throw new RangeError(
        `judgeReliability: rubric: no pair has ${judge}'s verdict and ${opts.rubric}'s scores on both arms`,
      );
    }
    out.agreement.push(kappaOf([judge, opts.rubric], 'winner', a, b, confidence, WINNERS));
  }
  for (const [a, b] of opts.scorers ?? []) {
    const k = scorerAgreement({ scores: opts.scores ?? [], a, b, on: 'pass' });
    out.agreement.push({
      between: [a, b],
      on: 'pass',
      n: k.n,
      kappa: k.kappa,
      ci: k.ci,
      observedAgreement: k.observedAgreement,
    });
  }

  let longerWins = 0;
  let decisive = 0;
  for (const r of first) {
    if (r.winner === 'tie' || !r.lengths || r.lengths.primary === r.lengths.canary) continue;
    decisive++;
    const longer = r.lengths.primary > r.lengths.canary ? 'primary' : 'canary';
    if (r.winner === longer) longerWins++;
  }
  if (decisive > 0) out.lengthBias = proportion(longerWins, decisive, confidence);
  return out;
}

/** The winner a rubric implies per (item, repeat): the arm with the higher score; equal scores tie. */
export function rubricWinners(scores: readonly ScoreRecord[], scorer: string): Map<string, Winner> {
  const byPair = new Map<string, { primary?: number; canary?: number }>();
  for (const s of scores) {
    if (s.scorer !== scorer || s.score === null) continue;
    const e = byPair.get(pairId(s)) ?? {};
    e[s.arm] ??= s.score;
    byPair.set(pairId(s), e);
  }
  const out = new Map<string, Winner>();
  for (const [id, e] of byPair) {
    if (e.primary === undefined || e.canary === undefined) continue;
    out.set(id, e.primary > e.canary ? 'primary' : e.canary > e.primary ? 'canary' : 'tie');
  }
  return out;
}

function pickJudge(fn: string, records: readonly PairwiseRecord[], judge: string | undefined): string {
  const names = [...new Set(records.map((r) => r.judge))].sort();
  if (judge !== undefined) {
    if (!names.includes(judge))
      throw new RangeError(`${fn}: judge: no records of "${judge}" (judges: ${names.join(', ') || 'none'})`);
    return judge;
  }
  if (names.length !== 1) {
    throw new RangeError(
      names.length === 0 ? `${fn}: no pairwise records` : `${fn}: judge: name one of ${names.join(', ')}`,
    );
  }
  return names[0];
}

/** Canary-vs-primary outcome of one pairwise judge: the analysis's {@link PairwiseSummary}. */
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
