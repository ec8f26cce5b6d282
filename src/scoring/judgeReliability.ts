/**
 * How far a judge can be trusted, measured on its own verdicts: position flips, self-consistency over
 * repeated judgments, agreement with another judge or a rubric (Cohen's kappa), and length bias; and the
 * canary-vs-primary win rate with its interval and Bradley–Terry ratings.
 */

import type { PairwiseRecord, ScoreRecord } from '../types';
import { cohenKappa, scorerAgreement } from './agreement';
import { judgmentOf, pairId, pickJudge, wilsonFractional } from './pairwiseRecords';

export { wilsonFractional } from './pairwiseRecords';
export {
  type PairwiseSummaryOptions,
  type PairwiseWinSummary,
  pairwiseSummary,
} from './pairwiseSummary';

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

function proportion(count: number, n: number, confidence: number): ProportionEstimate {
  return { count, n, estimate: count / n, ci: wilsonFractional(count, n, confidence) };
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
  measurePosition(out, first, confidence);
  const selfConsistency = measureSelfConsistency(usable, confidence);
  if (selfConsistency) out.selfConsistency = selfConsistency;
  out.agreement.push(...measureAgreement(opts, judge, first, confidence));
  const lengthBias = measureLengthBias(first, confidence);
  if (lengthBias) out.lengthBias = lengthBias;
  return out;
}

/** Sets positionFlipRate and firstPositionPreference from the first judgments (when they have data). */
function measurePosition(out: JudgeReliability, first: readonly PairwiseRecord[], confidence: number): void {
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
}

/** Self-consistency: judgment 0 vs judgment 1 of the same pair; undefined when no pair has both. */
function measureSelfConsistency(
  usable: readonly PairwiseRecord[],
  confidence: number,
): JudgeReliability['selfConsistency'] {
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
  if (j0.length === 0) return undefined;
  const same = j0.filter((w, i) => w === j1[i]).length;
  const k = cohenKappa(j0, j1, { categories: WINNERS, confidence });
  return { ...proportion(same, j0.length, confidence), kappa: k.kappa };
}

/** Kappa with otherJudge, with the rubric's implied winners, and between each pair of scorers, in that order. */
function measureAgreement(
  opts: JudgeReliabilityOptions,
  judge: string,
  first: readonly PairwiseRecord[],
  confidence: number,
): AgreementResult[] {
  const agreement: AgreementResult[] = [];
  const mine = new Map(first.map((r) => [pairId(r), r.winner]));
  if (opts.otherJudge !== undefined) {
    const other = new Map<string, Winner>();
    for (const r of opts.pairwise) {
      if (r.judge === opts.otherJudge && r.error === undefined && judgmentOf(r) === 0)
        other.set(pairId(r), r.winner);
    }
    const [a, b] = matchedWinners(mine, other);
    if (a.length === 0) {
      throw new RangeError(
        `judgeReliability: otherJudge: no pair judged by both ${judge} and ${opts.otherJudge}`,
      );
    }
    agreement.push(kappaOf([judge, opts.otherJudge], 'winner', a, b, confidence, WINNERS));
  }
  if (opts.rubric !== undefined) {
    const [a, b] = matchedWinners(mine, rubricWinners(opts.scores ?? [], opts.rubric));
    if (a.length === 0) {
      throw new RangeError(
        `judgeReliability: rubric: no pair has ${judge}'s verdict and ${opts.rubric}'s scores on both arms`,
      );
    }
    agreement.push(kappaOf([judge, opts.rubric], 'winner', a, b, confidence, WINNERS));
  }
  for (const [a, b] of opts.scorers ?? []) {
    const k = scorerAgreement({ scores: opts.scores ?? [], a, b, on: 'pass' });
    agreement.push({
      between: [a, b],
      on: 'pass',
      n: k.n,
      kappa: k.kappa,
      ci: k.ci,
      observedAgreement: k.observedAgreement,
    });
  }
  return agreement;
}

/** The judge's winners and the other rater's, over the pairs both have, in the judge's order. */
function matchedWinners(mine: Map<string, Winner>, other: Map<string, Winner>): [Winner[], Winner[]] {
  const a: Winner[] = [];
  const b: Winner[] = [];
  for (const [id, w] of mine) {
    const o = other.get(id);
    if (o !== undefined) {
      a.push(w);
      b.push(o);
    }
  }
  return [a, b];
}

/** Share of decisive verdicts between answers of different length won by the longer one. */
function measureLengthBias(
  first: readonly PairwiseRecord[],
  confidence: number,
): ProportionEstimate | undefined {
  let longerWins = 0;
  let decisive = 0;
  for (const r of first) {
    if (r.winner === 'tie' || !r.lengths || r.lengths.primary === r.lengths.canary) continue;
    decisive++;
    const longer = r.lengths.primary > r.lengths.canary ? 'primary' : 'canary';
    if (r.winner === longer) longerWins++;
  }
  return decisive > 0 ? proportion(longerWins, decisive, confidence) : undefined;
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
