import type { BradleyTerryResult } from '../stats/bradleyTerry';
import type { ArmEstimate } from '../types';

/**
 * One pairwise judge's verdicts, canary's point of view (computed by `pairwiseSummary` in
 * ./pairwiseSummary.ts; charts and the report read `Pick`s of it).
 */
export interface PairwiseSummary {
  judge: string;
  /** Canary wins, ties, canary losses (errors excluded; first judgment of each pair). */
  wins: number;
  ties: number;
  losses: number;
  /** Judgments whose verdict flipped with the answer order (recorded as ties). */
  orderInconsistent: number;
  /** Judgments counted (wins + ties + losses). */
  n: number;
  /** Judgments that failed (not counted). */
  errors: number;
  /**
   * Canary win rate, ties as half, with its interval (the analysis: t interval of the per-judgment scores;
   * `pairwiseSummary` by default: Wilson interval of (wins + ties/2) of n).
   */
  winRate: ArmEstimate;
  /** Canary wins among decisive verdicts (ties left out), Wilson interval; absent when all tie or not asked for. */
  decisiveWinRate?: ArmEstimate;
  /** Bradley–Terry ratings of the two models (ties as half); absent when they do not exist. */
  bradleyTerry?: BradleyTerryResult;
}
