import { CONSISTENCY_UNIT } from '../analysis/consistency';
import { formatMetricValue, formatNumber, formatRelative } from '../format';
import { type SrmResult, srmCheck } from '../routing/srm';
import { samplesForProportionInterval } from '../stats/samplesForProportionInterval';
import type { AlwaysValidInterval, Decision, GateResult, MetricComparison, Stage } from '../types';
import { DEFAULT_POLICY, type Gate, type Policy, type RolloutStep } from './policy';
import type { SequentialSummary } from './sequential';

/** Where the rollout stands now: a step of the policy's plan. Defaults to its first step. */
export interface RolloutPosition {
  stage: Stage;
  trafficPercent: number;
  shadowPercent?: number;
}

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

/** What {@link evaluateGate} may know besides the gate and the comparisons. */
export interface GateContext {
  /** Looks taken (default 1: a fixed-horizon analysis). */
  looks?: number;
  /** The gate metric's always-valid sequence (default: the comparison's own `alwaysValid`). */
  alwaysValid?: AlwaysValidInterval;
  /** Judge required/important gates on the always-valid sequence from the second look on (default true). */
  alwaysValidGates?: boolean;
}

/** The metric name of the sample-ratio gate that `decide` adds when given an SRM result. */
export const SRM_METRIC = 'srm_canary_share';

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
 * sample-ratio gate (metric {@link SRM_METRIC}: the canary's share of traffic, its (1 − α) Wilson interval
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
  const position = ctx.position;
  const stepIndex = findStep(policy.plan, position);
  const current = policy.plan[stepIndex];
  const next = policy.plan[stepIndex + 1];
  const fallback: RolloutStep = {
    stage: 'shadow',
    trafficPercent: 0,
    shadowPercent: policy.plan[0].shadowPercent,
  };
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
  // The sample-ratio check: judged at the policy's alpha; blocks promotion, never rolls back by itself.
  let srm: SrmResult | undefined;
  if (ctx.srm) {
    srm = srmCheck({
      observed: ctx.srm.observed,
      expectedCanaryShare: ctx.srm.expectedCanaryShare,
      alpha: policy.srm.alpha,
      unit: ctx.srm.unit,
    });
    gates.push({
      gate: 'sample ratio',
      metric: SRM_METRIC,
      threshold: srm.expectedCanaryShare,
      observed: srm.observedCanaryShare,
      ci: srm.ci,
      status: srm.mismatch ? 'fail' : 'pass',
      severity: policy.srm.severity,
      reason: srm.reason,
    });
  }
  const srmBlocks = srm?.mismatch === true && policy.srm.severity !== 'recommended';
  const seq = ctx.sequential;
  const seqBlocks = seq?.harm === true && policy.sequential.blockOnHarm;
  const isGate = (g: GateResult) => g.metric !== SRM_METRIC;
  const failed = (sev: string) => gates.filter((g) => isGate(g) && g.severity === sev && g.status === 'fail');
  const inconclusive = (sev: string) =>
    gates.filter((g) => isGate(g) && g.severity === sev && g.status === 'inconclusive');
  const reasons: string[] = [];
  let verdict: Decision['verdict'];
  if (failed('required').length > 0) {
    verdict = 'rollback';
    reasons.push(...failed('required').map((g) => `Required gate failed: ${g.reason}`));
    reasons.push('Roll back: send all traffic to the primary; keep the canary in shadow to diagnose.');
    if (srm?.mismatch) reasons.push(`Also: ${srm.reason}`);
  } else if (
    failed('important').length > 0 ||
    inconclusive('required').length > 0 ||
    inconclusive('important').length > 0 ||
    srmBlocks ||
    seqBlocks
  ) {
    verdict = 'hold';
    if (srmBlocks && srm) reasons.push(`Promotion blocked: ${srm.reason}`);
    reasons.push(...failed('important').map((g) => `Important gate failed: ${g.reason}`));
    reasons.push(
      ...[...inconclusive('required'), ...inconclusive('important')].map(
        (g) => `Not yet decided: ${g.reason}`,
      ),
    );
    if (seqBlocks)
      reasons.push('Promotion blocked by sequential monitoring: the canary is worse than the primary.');
    reasons.push(`Hold at ${describeStep(current)}.`);
  } else {
    verdict = 'promote';
    reasons.push('Every required and important gate passed on its whole interval.');
    reasons.push(
      next ? `Promote to ${describeStep(next)}.` : 'Already at full migration: nothing further to promote.',
    );
  }
  for (const g of [...failed('recommended'), ...inconclusive('recommended')]) {
    reasons.push(
      `Recommended gate ${g.status === 'fail' ? 'failed' : 'not yet decided'} (does not block): ${g.reason}`,
    );
  }
  if (srm?.mismatch && !srmBlocks) reasons.push(`Reported only (srm.severity is recommended): ${srm.reason}`);
  if (srm && !srm.mismatch) reasons.push(srm.reason);
  if (seq) reasons.push(`Sequential monitoring: ${seq.reason}`);
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

function withoutEntries(s: SequentialSummary): Omit<SequentialSummary, 'entries'> {
  const { entries: _entries, ...rest } = s;
  return rest;
}

function findStep(plan: readonly RolloutStep[], position?: RolloutPosition): number {
  if (!position) return 0;
  const i = plan.findIndex(
    (s) =>
      s.stage === position.stage &&
      s.trafficPercent === position.trafficPercent &&
      (position.shadowPercent === undefined || s.shadowPercent === position.shadowPercent),
  );
  if (i < 0) {
    const where = `${position.stage} at ${position.trafficPercent}%${position.shadowPercent !== undefined ? ` (shadow ${position.shadowPercent}%)` : ''}`;
    throw new RangeError(`decide: position ${where} is not a step of the policy's plan`);
  }
  return i;
}

export function describeStep(s: RolloutStep): string {
  if (s.stage === 'shadow')
    return `shadow (canary gets copies of ${s.shadowPercent ?? 0}% of requests, serves none)`;
  if (s.stage === 'flag')
    return `feature flag (${s.trafficPercent}% of users${s.targetTiers?.length ? `, tiers ${s.targetTiers.join(', ')} first` : ''})`;
  if (s.stage === 'percentage') return `percentage rollout (${s.trafficPercent}% of traffic)`;
  return 'full migration (100% of traffic)';
}

/** Reads one gate off the comparisons; null when the metric is missing and the gate says 'skip'. */
export function evaluateGate(
  gate: Gate,
  comparisons: readonly MetricComparison[],
  confidence: number,
  gctx: GateContext = {},
): GateResult | null {
  const mc = comparisons.find((c) => c.metric === gate.metric && !c.segment);
  const conf = `${Math.round(confidence * 100)}% CI`;
  if (!mc) {
    if (gate.whenMissing === 'skip') return null;
    return {
      gate: gate.name,
      metric: gate.metric,
      threshold: gate.threshold ?? -(gate.margin ?? 0),
      observed: Number.NaN,
      ci: [Number.NaN, Number.NaN],
      status: 'inconclusive',
      severity: gate.severity,
      reason: `${gate.name}: no measurement of ${gate.metric} in this run.`,
    };
  }
  let observed: number;
  let ci: [number, number];
  let threshold: number;
  let direction: 'above' | 'below';
  let n: number;
  let subject: string;
  let fmt = (x: number) => formatMetricValue(x, mc.unit);
  if (gate.kind === 'absolute') {
    ({ estimate: observed, ci, n } = mc.canary);
    threshold = gate.threshold as number;
    direction = gate.direction as 'above' | 'below';
    subject = 'canary';
  } else if (gate.kind === 'relative') {
    if (!mc.delta.relative) {
      return {
        gate: gate.name,
        metric: gate.metric,
        threshold: gate.threshold as number,
        observed: Number.NaN,
        ci: [Number.NaN, Number.NaN],
        status: 'inconclusive',
        severity: gate.severity,
        reason: `${gate.name}: the comparison of ${gate.metric} has no relative change to judge.`,
      };
    }
    ({ estimate: observed, ci } = mc.delta.relative);
    n = Math.min(mc.primary.n, mc.canary.n);
    threshold = gate.threshold as number;
    direction = gate.direction as 'above' | 'below';
    subject = 'canary vs primary';
    fmt = (x: number) => formatRelative(x);
  } else {
    ({ estimate: observed, ci } = mc.delta);
    n = Math.min(mc.primary.n, mc.canary.n);
    subject = 'canary − primary';
    if (gate.kind === 'difference') {
      threshold = gate.threshold as number;
      direction = gate.direction as 'above' | 'below';
    } else {
      const margin = gate.margin as number;
      threshold = mc.better === 'higher' ? -margin : margin;
      direction = mc.better === 'higher' ? 'above' : 'below';
    }
    // A signed difference; a difference of two rates reads in percentage points, not percent.
    fmt = (x: number) => formatMetricValue(x, mc.unit, { signed: true });
  }
  // From the second look of continuous monitoring on, a required or important gate is judged on its
  // always-valid confidence sequence: the fixed interval is valid for one look only.
  const target = gate.kind === 'absolute' ? 'canary' : gate.kind === 'relative' ? 'relative' : 'delta';
  const av = gctx.alwaysValid ?? mc.alwaysValid;
  const looks = Math.max(gctx.looks ?? 1, 1);
  const sequentialGate =
    gctx.alwaysValidGates !== false &&
    looks > 1 &&
    gate.severity !== 'recommended' &&
    av !== undefined &&
    av.target === target &&
    Number.isFinite(av.ci[0]) &&
    Number.isFinite(av.ci[1]);
  let judgedN = n;
  let fixedNote = '';
  if (sequentialGate && av) {
    // A sequence pooled over the looks of a history (the sequential summary's) is about all looks' data, not
    // this run's: show its pooled estimate when it has one, else say which value is this run's.
    const pooled = gctx.alwaysValid !== undefined;
    const pooledEstimate = av.estimate;
    if (pooled && pooledEstimate !== undefined && Number.isFinite(pooledEstimate)) {
      fixedNote = `; this run alone ${fmt(observed)}, fixed ${conf} ${fmt(ci[0])} to ${fmt(ci[1])}`;
      observed = pooledEstimate;
      subject = `${subject}, pooled over ${looks} looks,`;
    } else if (pooled) {
      fixedNote = `; this run's fixed ${conf} ${fmt(ci[0])} to ${fmt(ci[1])}`;
      subject = `${subject} (this run)`;
    } else fixedNote = `; fixed ${conf} ${fmt(ci[0])} to ${fmt(ci[1])}, valid for one look only`;
    ci = [av.ci[0], av.ci[1]];
    judgedN = av.n;
  }
  const [lo, hi] = ci;
  const good = direction === 'above' ? lo > threshold : hi < threshold;
  const bad = direction === 'above' ? hi < threshold : lo > threshold;
  const status = good ? 'pass' : bad ? 'fail' : 'inconclusive';
  const limit = `${direction === 'above' ? 'must exceed' : 'must stay below'} ${fmt(threshold)}`;
  const measured =
    sequentialGate && av
      ? `${subject} ${fmt(observed)} (always-valid ${Math.round((1 - av.alpha) * 100)}% confidence sequence after ${looks} looks, n = ${formatNumber(av.n)}: ${fmt(lo)} to ${fmt(hi)}${fixedNote})`
      : `${subject} ${fmt(observed)} (${conf} ${fmt(lo)} to ${fmt(hi)})`;
  let reason: string;
  let samplesNeeded: number | undefined;
  const at = sequentialGate ? ` at look ${looks}` : '';
  if (status === 'pass')
    reason = `${gate.name}: ${measured}; ${limit}: passed${at} with the whole interval on the good side.`;
  else if (status === 'fail')
    reason = `${gate.name}: ${measured}; ${limit}: failed${at} with the whole interval on the bad side.`;
  else {
    // Which way more data would settle it if the estimate stays put: a pass when the estimate is on the
    // good side of the threshold, a fail when it is on the bad side.
    const onGoodSide = direction === 'above' ? observed > threshold : observed < threshold;
    const windows = mc.unit === CONSISTENCY_UNIT;
    samplesNeeded = windows
      ? consistencyAdditionalWindows({ observed, lo, hi, threshold, k: n })
      : sequentialGate
        ? additionalSamples({ observed, lo, hi, threshold, n: judgedN })
        : gate.kind === 'absolute' && isProportionUnit(mc.unit) && threshold > 0 && threshold < 1
          ? wilsonAdditionalSamples({
              rate: observed,
              threshold,
              // On the bad side, the interval has to clear the threshold the other way.
              direction: onGoodSide ? direction : direction === 'above' ? 'below' : 'above',
              confidence,
              n,
            })
          : additionalSamples({ observed, lo, hi, threshold, n });
    const as = onGoodSide ? 'as a pass' : 'as a fail';
    const more =
      samplesNeeded === undefined
        ? 'the estimate sits on the threshold, so more data alone may not decide it'
        : windows
          ? `about ${formatNumber(samplesNeeded)} more windows of the same size would decide it (${as}, if the estimate holds)`
          : `about ${formatNumber(samplesNeeded)} more samples per arm would decide it (${as}, if the estimate holds)`;
    reason = `${gate.name}: ${measured}; ${limit}: the interval straddles the threshold; ${more}.`;
  }
  return {
    gate: gate.name,
    metric: gate.metric,
    threshold,
    observed,
    ci,
    status,
    severity: gate.severity,
    reason,
    samplesNeeded,
    ...(samplesNeeded !== undefined && mc.unit === CONSISTENCY_UNIT
      ? { samplesUnit: 'windows' as const }
      : {}),
  };
}

/** For a proportion judged on its Wilson interval: the exact n at which the observed rate would clear it. */
function wilsonAdditionalSamples(a: {
  rate: number;
  threshold: number;
  direction: 'above' | 'below';
  confidence: number;
  n: number;
}): number | undefined {
  const total = samplesForProportionInterval({
    rate: a.rate,
    threshold: a.threshold,
    direction: a.direction,
    confidence: a.confidence,
  });
  return Number.isFinite(total) ? Math.max(1, total - a.n) : undefined;
}

/**
 * Samples per arm still needed before the interval clears the threshold, assuming the estimate stays put
 * and the half-width on the threshold's side shrinks as 1/√n: n_total = n·(halfWidth/distance)².
 */
function additionalSamples(a: {
  observed: number;
  lo: number;
  hi: number;
  threshold: number;
  n: number;
}): number | undefined {
  const distance = Math.abs(a.observed - a.threshold);
  if (!(distance > 0) || !(a.n > 0)) return undefined;
  const halfWidth = a.threshold < a.observed ? a.observed - a.lo : a.hi - a.observed;
  if (!Number.isFinite(halfWidth)) return undefined;
  const total = Math.ceil(a.n * (halfWidth / distance) ** 2);
  return Math.max(1, total - a.n);
}

/**
 * Windows still needed before the consistency interval (τ, Q-profile) clears the threshold, assuming τ̂ and
 * the window size stay put: on the τ² scale the distance from τ̂² to the interval's end on the threshold's
 * side shrinks as 1/√k (the χ² quantiles of k − 1 df spread as √(2(k − 1))), so
 * k_total = k·((end² − τ̂²)/(threshold² − τ̂²))².
 */
function consistencyAdditionalWindows(a: {
  observed: number;
  lo: number;
  hi: number;
  threshold: number;
  k: number;
}): number | undefined {
  const t2 = a.observed * a.observed;
  const distance = Math.abs(a.threshold * a.threshold - t2);
  if (!(distance > 0) || !(a.k > 0)) return undefined;
  const end = a.threshold < a.observed ? a.lo : a.hi;
  const spread = Math.abs(end * end - t2);
  if (!Number.isFinite(spread)) return undefined;
  const total = Math.ceil(a.k * (spread / distance) ** 2);
  return Math.max(1, total - a.k);
}

/** A rate in [0, 1]: 'proportion', or 'ratio' as the analysis names success_rate's unit. */
function isProportionUnit(unit: string): boolean {
  return unit === 'proportion' || unit === 'ratio';
}
