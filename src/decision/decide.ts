/**
 * The decision: every gate of the policy judged on its interval (gateEvaluation), the sample-ratio check
 * and sequential monitoring added, and the verdict with its reasons (verdict) at the plan's step
 * (rolloutPlan). Re-exports what callers import from here.
 */
import { type SrmResult, srmCheck } from '../routing/srm';
import type { AlwaysValidInterval, Decision, GateResult, MetricComparison } from '../types';
import { evaluateGate } from './gateEvaluation';
import type { RolloutStep } from './policyFields';
import { DEFAULT_POLICY, type Policy } from './policySchema';
import { fallbackStep, findStep, type RolloutPosition } from './rolloutPlan';
import type { SequentialSummary } from './sequentialTypes';
import { SRM_METRIC, verdictOf } from './verdict';

export { evaluateGate, type GateContext } from './gateEvaluation';
export { describeStep, type RolloutPosition } from './rolloutPlan';
export { SRM_METRIC } from './verdict';

/** What `decide` may know besides the comparisons. */
export interface DecideContext {
  /** Where the rollout stands (default: the plan's first step). */
  position?: RolloutPosition;
  /** Sample-ratio check of the observed traffic split (re-judged at the policy's `srm.alpha`). */
  srm?: SrmResult;
  /** Sequential monitoring over the scheduled runs so far. */
  sequential?: SequentialSummary;
  /**
   * Looks taken so far when the comparisons are of data monitored continuously (the cumulative data of a
   * scheduled job, hour by hour or run by run). From the second look on, a required or important gate is
   * judged on its always-valid confidence sequence (`alwaysValid` on its comparison, or the sequential
   * summary's `gates`) instead of its fixed interval, which is only valid for one look.
   */
  looks?: number;
}

/** The decision plus what a release owner needs to act on it. */
export interface DecisionDetails extends Decision {
  /** The plan step the rollout is at now. */
  current: RolloutStep;
  /** The step to move to when promoting (absent at the last step). */
  next?: RolloutStep;
  /** Where traffic goes back to on rollback: shadow, no traffic served by the canary. */
  fallback: RolloutStep;
  /** Index of the current step in the plan. */
  stepIndex: number;
  /** The sample-ratio check, as judged at the policy's alpha (when one was given). */
  srm?: SrmResult;
  /** Sequential monitoring state (without the history's entries) when one was given. */
  sequential?: Omit<SequentialSummary, 'entries'>;
}

/**
 * Judges every gate of the policy on its interval and returns promote / hold / rollback.
 * A gate passes only when its whole interval is on the good side of the threshold, fails only when its
 * whole interval is on the bad side, and is inconclusive otherwise, with an estimate of how many more
 * samples per arm would decide it (the interval's half-width shrinks as 1/√n). Any failed required gate →
 * rollback; any failed important gate or any required or important gate inconclusive → hold; otherwise
 * promote to the next step of the plan. Failed recommended gates are reported but do not block.
 *
 * The third argument is either the rollout position or a {@link DecideContext}. With an SRM result, a
 * sample-ratio gate (metric `SRM_METRIC`: the canary's share of traffic, its (1 − α) Wilson interval
 * against the configured share) is added; a mismatch blocks promotion (hold) when the policy's
 * `srm.severity` is required or important, but never causes a rollback by itself — a broken split says the
 * measurement is wrong, not the canary. With a sequential summary the reasons say how many looks were
 * taken, and a confidence sequence showing the canary worse blocks promotion when `sequential.blockOnHarm`.
 * Under continuous monitoring (`looks` > 1, or a sequential summary with `gates`), required and important
 * gates are judged on their always-valid confidence sequences instead of their fixed intervals (valid for
 * one look only), and their reasons name the look (policy `sequential.alwaysValidGates`, default on).
 * An inconclusive gate says how many more samples per arm (windows, for error-rate consistency) would
 * decide it and which way: as a pass when the estimate is on the good side, as a fail otherwise.
 *
 * @throws {RangeError} when the position is not a step of the policy's plan
 * @example
 * decide(comparisons, DEFAULT_POLICY, { stage: 'shadow', trafficPercent: 0, shadowPercent: 5 }).verdict;
 * decide(comparisons, DEFAULT_POLICY, { position, srm: srmCheck({ observed, expectedCanaryShare: 0.05 }) });
 */
export function decide(
  comparisons: readonly MetricComparison[],
  policy: Policy = DEFAULT_POLICY,
  context?: RolloutPosition | DecideContext,
): DecisionDetails {
  const ctx: DecideContext =
    context === undefined ? {} : 'stage' in context ? { position: context } : context;
  const stepIndex = findStep(policy.plan, ctx.position);
  const current = policy.plan[stepIndex];
  const next = policy.plan[stepIndex + 1];
  const fallback = fallbackStep(policy.plan);
  const gates = policyGates(comparisons, policy, ctx);
  // The sample-ratio check: judged at the policy's alpha; blocks promotion, never rolls back by itself.
  const srm = ctx.srm ? judgeSrm(ctx.srm, policy) : undefined;
  if (srm) gates.push(sampleRatioGate(srm, policy));
  const seq = ctx.sequential;
  const { verdict, reasons } = verdictOf({ gates, policy, srm, seq, current, next });
  const trafficPercent =
    verdict === 'promote'
      ? (next ?? current).trafficPercent
      : verdict === 'hold'
        ? current.trafficPercent
        : 0;
  return {
    verdict,
    stage: current.stage,
    nextStage: verdict === 'promote' ? next?.stage : verdict === 'rollback' ? fallback.stage : undefined,
    trafficPercent,
    gates,
    reasons,
    current,
    next,
    fallback,
    stepIndex,
    ...(srm ? { srm } : {}),
    ...(seq ? { sequential: withoutEntries(seq) } : {}),
  };
}

/**
 * Every gate of the policy judged on the comparisons; on the sequential summary's always-valid interval
 * of its metric when it has one (with the looks it pools).
 */
function policyGates(
  comparisons: readonly MetricComparison[],
  policy: Policy,
  ctx: DecideContext,
): GateResult[] {
  const gates: GateResult[] = [];
  const seqGates: Partial<Record<string, AlwaysValidInterval>> | undefined = ctx.sequential?.gates;
  const alwaysValidGates = policy.sequential?.alwaysValidGates !== false;
  for (const gate of policy.gates) {
    const av = seqGates?.[gate.metric];
    const r = evaluateGate(gate, comparisons, policy.confidence, {
      looks: Math.max(ctx.looks ?? 1, av?.looks ?? 1),
      ...(av ? { alwaysValid: av } : {}),
      alwaysValidGates,
    });
    if (r) gates.push(r);
  }
  return gates;
}

/** The given SRM result re-judged at the policy's `srm.alpha`. */
function judgeSrm(given: SrmResult, policy: Policy): SrmResult {
  return srmCheck({
    observed: given.observed,
    expectedCanaryShare: given.expectedCanaryShare,
    alpha: policy.srm.alpha,
    unit: given.unit,
  });
}

/** The sample-ratio gate (`SRM_METRIC`): the canary's share of traffic against the configured share. */
function sampleRatioGate(srm: SrmResult, policy: Policy): GateResult {
  return {
    gate: 'sample ratio',
    metric: SRM_METRIC,
    threshold: srm.expectedCanaryShare,
    observed: srm.observedCanaryShare,
    ci: srm.ci,
    status: srm.mismatch ? 'fail' : 'pass',
    severity: policy.srm.severity,
    reason: srm.reason,
  };
}

function withoutEntries(s: SequentialSummary): Omit<SequentialSummary, 'entries'> {
  const { entries: _entries, ...rest } = s;
  return rest;
}
