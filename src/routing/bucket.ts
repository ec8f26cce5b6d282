import { cyrb53 } from './cyrb53';
import { routingMsg } from './errors';

/** Options of the deterministic bucketing. */
export interface BucketOptions {
  /**
   * Salt that decorrelates experiments: the hashed string is `${salt}:${id}`. Leave it empty to reproduce
   * the product router's buckets exactly (`cyrb53(userId) % 100`).
   */
  salt?: string;
  /** cyrb53 seed (default 0, as the router). */
  seed?: number;
}

/**
 * Deterministic bucket 0–99 of an id: `cyrb53(id, seed) % 100`, the product router's rule, so a user
 * always lands in the same bucket and reruns pick the same shadow sample.
 *
 * @throws {TypeError} when id is not a string
 * @example
 * bucketOf('a'); // => 61 (cyrb53('a') = 7929297801672961)
 */
export function bucketOf(id: string, opts: BucketOptions = {}): number {
  if (typeof id !== 'string') throw new TypeError(`bucketOf: id must be a string, got ${typeof id}`);
  const key = opts.salt ? `${opts.salt}:${id}` : id;
  return cyrb53(key, opts.seed ?? 0) % 100;
}

/** Who goes to the canary at a stage of the rollout. */
export interface RoutingRule {
  /** Share of non-targeted users sent to the canary, 0–100. */
  percentage: number;
  /** Tiers (premium, beta_tester, …) sent to the canary whatever their bucket. */
  targetTiers?: readonly string[];
  salt?: string;
}

/**
 * Feature-flag routing as the playbook's router does it: users of a target tier go to the canary;
 * everyone else by bucket, `bucketOf(userId) < percentage`. Sticky per user (no randomness).
 *
 * @throws {RangeError} when percentage is outside [0, 100]
 * @example
 * routeToCanary('user-42', { percentage: 10 });                                   // bucket < 10?
 * routeToCanary('user-42', { percentage: 0, targetTiers: ['beta'], tier: 'beta' }); // => true
 */
export function routeToCanary(userId: string, rule: RoutingRule & { tier?: string }): boolean {
  const { percentage } = rule;
  if (typeof percentage !== 'number' || !(percentage >= 0 && percentage <= 100)) {
    throw new RangeError(routingMsg.percentage(percentage));
  }
  if (rule.tier !== undefined && rule.targetTiers?.includes(rule.tier)) return true;
  return bucketOf(userId, { salt: rule.salt }) < percentage;
}

/** A user of a simulated population. */
export interface SimUser {
  userId: string;
  tier?: string;
}

/** Realised canary share of one step of a rollout plan. */
export interface RolloutStepResult {
  stage: string;
  percentage: number;
  users: number;
  canaryUsers: number;
  /** canaryUsers / users. */
  realisedShare: number;
  /**
   * Users served by the canary at the previous step who are not any more (0 with sticky buckets while the
   * percentage only rises; a shadow step serves nobody, so the step after it counts none).
   */
  flippedBack: number;
  /** A shadow step: the canary gets copies of these users' requests and serves none of them. */
  copiesOnly: boolean;
}

/**
 * Runs a rollout plan (a list of stages with their routing rules) over a user population and reports the
 * realised canary share per step, and how many users moved back from the canary to the primary between
 * steps — with bucketed routing, raising the percentage only ever adds users.
 *
 * @example
 * simulateRollout(users, [{ stage: 'percentage', percentage: 25 }])[0].realisedShare; // ≈ 0.25
 */
export function simulateRollout(
  users: readonly SimUser[],
  plan: readonly (RoutingRule & { stage: string; copiesOnly?: boolean })[],
): RolloutStepResult[] {
  let previous: Set<string> | null = null;
  return plan.map((step) => {
    const current = new Set<string>();
    for (const u of users) if (routeToCanary(u.userId, { ...step, tier: u.tier })) current.add(u.userId);
    let flippedBack = 0;
    if (previous) for (const id of previous) if (!current.has(id)) flippedBack++;
    const copiesOnly = step.copiesOnly === true;
    previous = copiesOnly ? null : current;
    return {
      stage: step.stage,
      percentage: step.percentage,
      users: users.length,
      canaryUsers: current.size,
      realisedShare: users.length ? current.size / users.length : 0,
      flippedBack,
      copiesOnly,
    };
  });
}

/** A step of a rollout plan as the decision policy writes it (src/decision/policy.ts RolloutStep). */
export interface PlanStep {
  stage: 'shadow' | 'flag' | 'percentage' | 'full';
  trafficPercent: number;
  shadowPercent?: number;
  targetTiers?: readonly string[];
}

/**
 * The routing rule of each step of a decision plan, for {@link simulateRollout}: a shadow step routes its
 * `shadowPercent` of users' requests to the canary as copies (served by the primary), a flag step its
 * `trafficPercent` plus the target tiers, a percentage step its `trafficPercent`, full migration 100%.
 *
 * @example
 * simulateRollout(users, rulesFromPlan(DEFAULT_POLICY.plan)).map((s) => s.realisedShare);
 */
export function rulesFromPlan(
  plan: readonly PlanStep[],
): Array<RoutingRule & { stage: string; copiesOnly: boolean }> {
  return plan.map((s) => ({
    stage: s.stage,
    percentage: s.stage === 'shadow' ? (s.shadowPercent ?? 0) : s.trafficPercent,
    targetTiers: s.stage === 'flag' ? s.targetTiers : undefined,
    copiesOnly: s.stage === 'shadow',
  }));
}
