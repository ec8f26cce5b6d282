/** The wording of a sequential summary's reason: "N looks taken; <metric>: …; <what the job may do>". */
import { formatConfidence, formatMetricValue, formatPStatement } from '../format';
import type { SequentialMetricSummary } from './sequentialTypes';

/** One sentence starting with "N looks taken": each metric's estimate, p, confidence sequence and verdict. */
export function sequentialReason(a: {
  looks: number;
  alpha: number;
  metrics: readonly SequentialMetricSummary[];
  /** Quality monitored paired (named "quality (paired)"). */
  paired: boolean;
  stopEarly: boolean;
}): string {
  const conf = formatConfidence(1 - a.alpha);
  const parts = a.metrics.map((m) => metricPart(m, a.paired, conf));
  return (
    `${a.looks} ${a.looks === 1 ? 'look' : 'looks'} taken; ${parts.join('; ')}` +
    (a.stopEarly
      ? '. The daily check can stop early: the result stays valid however often it was looked at.'
      : '. Keep monitoring: the always-valid p-values allow a look after every run without inflating false alarms.')
  );
}

/** A difference of two rates, in percentage points ('+1.25 pts'). */
const pts = (x: number) => formatMetricValue(x, 'proportion', { signed: true });

function metricPart(m: SequentialMetricSummary, paired: boolean, conf: string): string {
  const [lo, hi] = m.confidenceSequence.at(-1) ?? [Number.NaN, Number.NaN];
  const name =
    m.metric === 'success_rate' ? 'success rate' : paired ? 'quality (paired)' : 'quality pass rate';
  const verdict =
    m.decision === 'canary_lower'
      ? `the canary is worse (decided at look ${m.decidedAtLook})`
      : m.decision === 'canary_higher'
        ? `the canary is better (decided at look ${m.decidedAtLook})`
        : 'no difference shown yet';
  return (
    `${name}: canary − primary ${pts(m.estimate)} (${formatPStatement(m.alwaysValidP, 'always-valid p')}, ` +
    `${conf} confidence sequence ${pts(lo)} to ${pts(hi)}): ${verdict}`
  );
}
