/** The rollout plan's steps: where the rollout stands, the step to fall back to, and each step in words. */

import type { Stage } from '../types';
import { decisionMsg } from './errors';
import type { RolloutStep } from './policyFields';

/** Where the rollout stands now: a step of the policy's plan. Defaults to its first step. */
export interface RolloutPosition {
  stage: Stage;
  trafficPercent: number;
  shadowPercent?: number;
}

/**
 * Index of `position` in the plan (0 without one).
 * @throws {RangeError} when the position is not a step of the plan
 */
export function findStep(plan: readonly RolloutStep[], position?: RolloutPosition): number {
  if (!position) return 0;
  const i = plan.findIndex(
    (s) =>
      s.stage === position.stage &&
      s.trafficPercent === position.trafficPercent &&
      (position.shadowPercent === undefined || s.shadowPercent === position.shadowPercent),
  );
  if (i < 0) {
    const where = `${position.stage} at ${position.trafficPercent}%${position.shadowPercent !== undefined ? ` (shadow ${position.shadowPercent}%)` : ''}`;
    throw new RangeError(decisionMsg.positionNotInPlan(where));
  }
  return i;
}

/** Where traffic goes back to on rollback: shadow at the plan's first copy share, no traffic served. */
export function fallbackStep(plan: readonly RolloutStep[]): RolloutStep {
  return { stage: 'shadow', trafficPercent: 0, shadowPercent: plan[0].shadowPercent };
}

export function describeStep(s: RolloutStep): string {
  if (s.stage === 'shadow')
    return `shadow (canary gets copies of ${s.shadowPercent ?? 0}% of requests, serves none)`;
  if (s.stage === 'flag')
    return `feature flag (${s.trafficPercent}% of users${s.targetTiers?.length ? `, tiers ${s.targetTiers.join(', ')} first` : ''})`;
  if (s.stage === 'percentage') return `percentage rollout (${s.trafficPercent}% of traffic)`;
  return 'full migration (100% of traffic)';
}
