/** From judged gates to promote / hold / rollback, with the reasons in words, in the order a reader needs them. */
import type { SrmResult } from '../routing/srm';
import type { Decision, GateResult } from '../types';
import type { RolloutStep } from './policyFields';
import type { Policy } from './policySchema';
import { describeStep } from './rolloutPlan';
import type { SequentialSummary } from './sequentialTypes';

/** The metric name of the sample-ratio gate that `decide` adds when given an SRM result. */
export const SRM_METRIC = 'srm_canary_share';

/**
 * Any failed required gate → rollback; any failed important gate, any required or important gate
 * inconclusive, a sample-ratio mismatch of required/important severity or harm shown by sequential
 * monitoring (with `blockOnHarm`) → hold; otherwise promote. Recommended gates, the SRM check and
 * sequential monitoring are reported after.
 */
export function verdictOf(a: {
  gates: readonly GateResult[];
  policy: Policy;
  srm?: SrmResult;
  seq?: SequentialSummary;
  current: RolloutStep;
  next?: RolloutStep;
}): { verdict: Decision['verdict']; reasons: string[] } {
  const { gates, policy, srm, seq } = a;
  const srmBlocks = srm?.mismatch === true && policy.srm.severity !== 'recommended';
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
    reasons.push(`Hold at ${describeStep(a.current)}.`);
  } else {
    verdict = 'promote';
    reasons.push('Every required and important gate passed on its whole interval.');
    reasons.push(
      a.next
        ? `Promote to ${describeStep(a.next)}.`
        : 'Already at full migration: nothing further to promote.',
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
  return { verdict, reasons };
}
