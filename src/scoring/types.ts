import type { CallRecord, EvalItem, PairwiseRecord } from '../types';

/** What a scorer says about one output. */
export interface ScoreResult {
  /** The scorer's own scale: 0–1 for the rubrics here, 1–10 for judges. Must be a finite number. */
  score: number;
  pass?: boolean;
  reason?: string;
  /** Judges only: the judge's model and its raw verdict text. */
  judge?: { model: string; rawVerdict?: string };
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
  judge?: { model: string; rawVerdict?: string };
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
  readonly judge?: { model: string; rawVerdict?: string };
  constructor(
    message: string,
    opts: { judge?: { model: string; rawVerdict?: string }; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ScorerError';
    this.judge = opts.judge;
  }
}
