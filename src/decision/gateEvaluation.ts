/** One gate judged on its interval: pass, fail or inconclusive, the reason in words, and samples to decide it. */
import { CONSISTENCY_UNIT } from '../analysis/consistency';
import { formatConfidence, formatNumber } from '../format';
import type { GateResult, MetricComparison } from '../types';
import {
  type GateContext,
  type GateReading,
  type JudgedInterval,
  judgedInterval,
  readGate,
} from './gateReading';
import type { Gate } from './policyFields';
import {
  additionalSamples,
  consistencyAdditionalWindows,
  isWilsonRateUnit,
  wilsonAdditionalSamples,
} from './samplesNeeded';

export type { GateContext } from './gateReading';

/** Reads one gate off the comparisons; null when the metric is missing and the gate says 'skip'. */
export function evaluateGate(
  gate: Gate,
  comparisons: readonly MetricComparison[],
  confidence: number,
  gctx: GateContext = {},
): GateResult | null {
  const mc = comparisons.find((c) => c.metric === gate.metric && !c.segment);
  const conf = `${formatConfidence(confidence)} CI`;
  if (!mc) {
    if (gate.whenMissing === 'skip') return null;
    return unjudged(
      gate,
      gate.threshold ?? -(gate.margin ?? 0),
      `${gate.name}: no measurement of ${gate.metric} in this run.`,
    );
  }
  if (gate.kind === 'relative' && !mc.delta.relative)
    return unjudged(
      gate,
      gate.threshold as number,
      `${gate.name}: the comparison of ${gate.metric} has no relative change to judge.`,
    );
  const r = readGate(gate, mc);
  const j = judgedInterval({ gate, mc, r, gctx, conf });
  const [lo, hi] = j.ci;
  const { threshold, direction } = r;
  const good = direction === 'above' ? lo > threshold : hi < threshold;
  const bad = direction === 'above' ? hi < threshold : lo > threshold;
  const status = good ? 'pass' : bad ? 'fail' : 'inconclusive';
  const samplesNeeded =
    status === 'inconclusive' ? samplesToDecide({ gate, mc, r, j, confidence }) : undefined;
  return {
    gate: gate.name,
    metric: gate.metric,
    threshold,
    observed: j.observed,
    ci: j.ci,
    status,
    severity: gate.severity,
    reason: gateReason({ gate, mc, r, j, conf, status, samplesNeeded }),
    samplesNeeded,
    ...(samplesNeeded !== undefined && mc.unit === CONSISTENCY_UNIT
      ? { samplesUnit: 'windows' as const }
      : {}),
  };
}

/** An inconclusive gate with nothing to judge (no measurement, or no relative change), with the reason. */
function unjudged(gate: Gate, threshold: number, reason: string): GateResult {
  return {
    gate: gate.name,
    metric: gate.metric,
    threshold,
    observed: Number.NaN,
    ci: [Number.NaN, Number.NaN],
    status: 'inconclusive',
    severity: gate.severity,
    reason,
  };
}

/** The estimate is on the good side of the threshold: more data would decide the gate as a pass. */
function onGoodSide(r: GateReading, observed: number): boolean {
  return r.direction === 'above' ? observed > r.threshold : observed < r.threshold;
}

/**
 * Samples per arm (windows, for error-rate consistency) that would decide an inconclusive gate if the
 * estimate stays put; undefined when the estimate sits on the threshold.
 */
function samplesToDecide(a: {
  gate: Gate;
  mc: MetricComparison;
  r: GateReading;
  j: JudgedInterval;
  confidence: number;
}): number | undefined {
  const { gate, mc, r, j, confidence } = a;
  const { observed } = j;
  const [lo, hi] = j.ci;
  const { threshold, direction, n } = r;
  if (mc.unit === CONSISTENCY_UNIT)
    return consistencyAdditionalWindows({ observed, lo, hi, threshold, k: n });
  if (j.sequence) return additionalSamples({ observed, lo, hi, threshold, n: j.n });
  if (gate.kind === 'absolute' && isWilsonRateUnit(mc.unit) && threshold > 0 && threshold < 1)
    return wilsonAdditionalSamples({
      rate: observed,
      threshold,
      // On the bad side, the interval has to clear the threshold the other way.
      direction: onGoodSide(r, observed) ? direction : direction === 'above' ? 'below' : 'above',
      confidence,
      n,
    });
  return additionalSamples({ observed, lo, hi, threshold, n });
}

/** "<gate>: <measured>; <limit>: passed / failed / the interval straddles the threshold; <more>." */
function gateReason(a: {
  gate: Gate;
  mc: MetricComparison;
  r: GateReading;
  j: JudgedInterval;
  conf: string;
  status: GateResult['status'];
  samplesNeeded: number | undefined;
}): string {
  const { gate, r, j } = a;
  const { fmt } = r;
  const [lo, hi] = j.ci;
  const limit = `${r.direction === 'above' ? 'must exceed' : 'must stay below'} ${fmt(r.threshold)}`;
  const measured = j.sequence
    ? `${j.subject} ${fmt(j.observed)} (always-valid ${formatConfidence(1 - j.sequence.alpha)} confidence sequence after ${j.looks} looks, n = ${formatNumber(j.sequence.n)}: ${fmt(lo)} to ${fmt(hi)}${j.fixedNote})`
    : `${j.subject} ${fmt(j.observed)} (${a.conf} ${fmt(lo)} to ${fmt(hi)})`;
  const at = j.sequence ? ` at look ${j.looks}` : '';
  if (a.status === 'pass')
    return `${gate.name}: ${measured}; ${limit}: passed${at} with the whole interval on the good side.`;
  if (a.status === 'fail')
    return `${gate.name}: ${measured}; ${limit}: failed${at} with the whole interval on the bad side.`;
  // Which way more data would settle it if the estimate stays put: a pass when the estimate is on the
  // good side of the threshold, a fail when it is on the bad side.
  const as = onGoodSide(r, j.observed) ? 'as a pass' : 'as a fail';
  const more =
    a.samplesNeeded === undefined
      ? 'the estimate sits on the threshold, so more data alone may not decide it'
      : a.mc.unit === CONSISTENCY_UNIT
        ? `about ${formatNumber(a.samplesNeeded)} more windows of the same size would decide it (${as}, if the estimate holds)`
        : `about ${formatNumber(a.samplesNeeded)} more samples per arm would decide it (${as}, if the estimate holds)`;
  return `${gate.name}: ${measured}; ${limit}: the interval straddles the threshold; ${more}.`;
}
