import type { CallRecord, EvalItem, PairwiseRecord } from '../types';

/** What a scorer says about one output. */
export interface ScoreResult {
  /** The scorer's own scale: 0–1 for the rubrics here, 1–10 for judges. Must be a finite number. */
  score: number;
  pass?: boolean;
  reason?: string;
  /** Judges only: the judge's model, its raw verdict text, and what judging cost. */
  judge?: JudgeInfo;
}

/**
 * What a judge records about its own calls (ScoreRecord.judge, and the cost fields of a PairwiseRecord):
 * the judge's model and raw verdict, and the usage and cost of every judge call made for this record
 * (a malformed verdict's retry included), priced with the judge model's own price.
 */
export interface JudgeInfo {
  model: string;
  rawVerdict?: string;
  /** USD of every judge call behind this record (0 when no price was given). */
  costUsd?: number;
  /** Tokens of every judge call behind this record (estimated with the tokenizer when the server sent none). */
  usage?: { promptTokens: number; completionTokens: number };
  /** Judge calls made (1, or 2 after a malformed verdict; 2–4 for a pairwise judge in both orders). */
  calls?: number;
}

/** Passed to every scorer call (judges forward `signal` to their HTTP calls). */
export interface ScoreContext {
  signal?: AbortSignal;
}

/** Where a scorer comes from; `judge` scorers call a model, the others are deterministic or user code. */
export type ScorerKind = 'rubric' | 'judge' | 'custom';

/**
 * Turns one item and one call of one arm into a score. May be sync or async (a judge awaits a model call).
 * It is only ever given successful calls by `scoreRun`; throwing (or rejecting) records a ScoreRecord with
 * `score: null` and `error`, never a score. Throw a {@link ScorerError} to keep the judge's raw verdict.
 */
export interface Scorer {
  /** Unique within one scoreRun; written as ScoreRecord.scorer. */
  name: string;
  kind: ScorerKind;
  score(item: EvalItem, record: CallRecord, ctx?: ScoreContext): ScoreResult | Promise<ScoreResult>;
}

/** A pairwise judge's verdict on both arms' answers to one item (for the LLM-judge half; not run by scoreRun). */
export interface PairwiseResult {
  winner: PairwiseRecord['winner'];
  orderConsistent: boolean;
  reason?: string;
  judge?: JudgeInfo;
  /** The verdict in each order (`primaryFirst` showed the primary's answer as A). */
  verdicts?: { primaryFirst?: 'primary' | 'canary' | 'tie'; canaryFirst?: 'primary' | 'canary' | 'tie' };
  /** Character lengths (code points) of the two answers. */
  lengths?: { primary: number; canary: number };
}

/** Compares primary and canary on one item (same repeat index). */
export interface PairwiseScorer {
  name: string;
  kind: 'judge';
  compare(
    item: EvalItem,
    records: { primary: CallRecord; canary: CallRecord },
    ctx?: ScoreContext,
  ): PairwiseResult | Promise<PairwiseResult>;
}

/**
 * A scoring failure that carries the judge's model and raw verdict (e.g. a verdict that could not be
 * parsed), so the error ScoreRecord keeps them. Any other thrown value is recorded by its message only.
 */
export class ScorerError extends Error {
  readonly judge?: JudgeInfo;
  /** Set by a pairwise judge: the verdicts it did get before failing. */
  readonly verdicts?: PairwiseResult['verdicts'];
  constructor(
    message: string,
    opts: { judge?: JudgeInfo; verdicts?: PairwiseResult['verdicts']; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ScorerError';
    this.judge = opts.judge;
    if (opts.verdicts !== undefined) this.verdicts = opts.verdicts;
  }
}
