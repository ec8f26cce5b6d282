/** The replay of a history's looks through the always-valid tests (pure: no I/O), and its summary. */
import { type AlwaysValidInput, alwaysValidIntervals, mergeAlwaysValidInputs } from '../analysis/alwaysValid';
import {
  type ArmBatchCounts,
  createSequentialTest,
  type PairedSequentialTest,
  type SequentialTest,
  type SequentialTestState,
} from '../stats/sequentialTest';
import { DEFAULT_EXPECTED_LOOKS } from './policyFields';
import { addCounts, zeroCounts } from './sequentialCounts';
import { sequentialReason } from './sequentialReason';
import type {
  LookInput,
  SequentialCounts,
  SequentialEntry,
  SequentialLook,
  SequentialMetricSummary,
  SequentialSummary,
} from './sequentialTypes';

/**
 * Replays looks through the always-valid tests (pure: no I/O). Quality is monitored paired (per-item
 * differences, {b, c, n}) when every look with quality data carries `qualityPairs`, else unpaired.
 * @example
 * replaySequential({ alpha: 0.05, nExpected: 2500, inputs: [{ runId: 'r1', at: '…', counts }] }).looks; // => 1
 */
export function replaySequential(a: {
  alpha: number;
  /** Total both arms for the mixture SPRT (default 2 × nExpected). */
  tuning?: number;
  /** Calls per arm the sequences are tuned for (default tuning / 2, else the first look's calls per arm × expectedLooks). */
  nExpected?: number;
  /** Looks a verdict is expected within (default `DEFAULT_EXPECTED_LOOKS`). */
  expectedLooks?: number;
  inputs: ReadonlyArray<LookInput>;
}): SequentialSummary {
  const first = a.inputs[0];
  const nExpected =
    a.nExpected ??
    (a.tuning !== undefined
      ? a.tuning / 2
      : Math.max(first?.counts.primary.n ?? 0, first?.counts.canary.n ?? 0, 1) *
        (a.expectedLooks ?? DEFAULT_EXPECTED_LOOKS));
  const tuning = a.tuning ?? 2 * nExpected;
  const r = replayLooks(a.inputs, { alpha: a.alpha, tuning, nExpected });
  const metrics = metricSummaries(r, a.inputs);
  const looks = r.entries.length;
  const gates =
    looks > 0
      ? alwaysValidIntervals(cumulativeGateInput(r, a.inputs), { alpha: a.alpha, nExpected, looks })
      : {};
  const stopEarly = metrics.some((m) => m.decision !== 'continue');
  const harm = metrics.some((m) => m.decision === 'canary_lower');
  const reason = sequentialReason({ looks, alpha: a.alpha, metrics, paired: r.paired, stopEarly });
  return {
    looks,
    alpha: a.alpha,
    tuning,
    nExpected,
    ...(Object.keys(gates).length > 0 ? { gates } : {}),
    entries: r.entries,
    alwaysValidP: metrics[0].alwaysValidP,
    confidenceSequence: r.rateSeq,
    metrics,
    stopEarly,
    harm,
    reason,
  };
}

/** The tests and running totals of a replay, look by look. */
interface Replay {
  rate: SequentialTest<ArmBatchCounts>;
  unpairedQual: SequentialTest<ArmBatchCounts>;
  pairedQual: PairedSequentialTest;
  /** Some look carries quality data. */
  anyQuality: boolean;
  /** Quality monitored paired: every look with quality data carries `qualityPairs`. */
  paired: boolean;
  cum: SequentialCounts;
  qcum: SequentialCounts;
  gateCum?: AlwaysValidInput;
  entries: SequentialEntry[];
  rateSeq: Array<[number, number]>;
  qualSeq: Array<[number, number]>;
  rateDecidedAt?: number;
  qualDecidedAt?: number;
}

/** Feeds every look to the success-rate test and, when the looks carry quality data, the quality test. */
function replayLooks(
  inputs: ReadonlyArray<LookInput>,
  t: { alpha: number; tuning: number; nExpected: number },
): Replay {
  const anyQuality = inputs.some((e) => e.quality || e.qualityPairs);
  const r: Replay = {
    rate: createSequentialTest({ kind: 'proportion', alpha: t.alpha, tuning: t.tuning }),
    unpairedQual: createSequentialTest({ kind: 'proportion', alpha: t.alpha, tuning: t.tuning }),
    pairedQual: createSequentialTest({ kind: 'paired', alpha: t.alpha, tuning: t.nExpected }),
    anyQuality,
    paired: anyQuality && inputs.every((e) => e.qualityPairs || !e.quality),
    cum: zeroCounts(),
    qcum: zeroCounts(),
    entries: [],
    rateSeq: [],
    qualSeq: [],
  };
  inputs.forEach((input, k) => {
    r.cum = addCounts(r.cum, input.counts);
    const s = r.rate.update(input.counts.primary as ArmBatchCounts, input.counts.canary as ArmBatchCounts);
    r.rateSeq.push([s.ci[0], s.ci[1]]);
    if (r.rateDecidedAt === undefined && s.decision !== 'continue') r.rateDecidedAt = k + 1;
    const entry: SequentialEntry = {
      runId: input.runId,
      at: input.at,
      counts: input.counts,
      cumulative: r.cum,
      successRate: lookOf(s),
    };
    if (anyQuality) replayQuality(r, { input, entry, k });
    if (input.gateInput) {
      entry.gateInput = input.gateInput;
      r.gateCum = r.gateCum ? mergeAlwaysValidInputs(r.gateCum, input.gateInput) : input.gateInput;
    }
    r.entries.push(entry);
  });
  return r;
}

/** The quality part of look `k` (0-based): paired on its {b, c, n} table, else unpaired on its pass counts. */
function replayQuality(r: Replay, look: { input: LookInput; entry: SequentialEntry; k: number }): void {
  const { input, entry, k } = look;
  let qs: SequentialTestState;
  if (r.paired) {
    qs = r.pairedQual.update(input.qualityPairs ?? { b: 0, c: 0, n: 0 });
    if (input.qualityPairs) entry.qualityPairs = input.qualityPairs;
    if (input.quality) entry.quality = input.quality;
  } else {
    const q = input.quality ?? zeroCounts();
    r.qcum = addCounts(r.qcum, q);
    qs = r.unpairedQual.update(q.primary, q.canary);
    if (input.quality) entry.quality = input.quality;
    entry.qualityCumulative = r.qcum;
  }
  r.qualSeq.push([qs.ci[0], qs.ci[1]]);
  if (r.qualDecidedAt === undefined && qs.decision !== 'continue') r.qualDecidedAt = k + 1;
  entry.qualityLook = lookOf(qs);
}

const lookOf = (s: SequentialTestState): SequentialLook => ({
  alwaysValidP: s.pValue,
  ci: [s.ci[0], s.ci[1]],
  estimate: s.estimate,
  decision: s.decision,
});

/** Each monitored metric's state after the last look: success rate, then quality when monitored. */
function metricSummaries(r: Replay, inputs: ReadonlyArray<LookInput>): SequentialMetricSummary[] {
  const rs = r.rate.state();
  const metrics: SequentialMetricSummary[] = [
    {
      metric: 'success_rate',
      method: rs.method,
      alwaysValidP: rs.pValue,
      confidenceSequence: r.rateSeq,
      estimate: rs.estimate,
      cumulative: r.cum,
      decision: rs.decision,
      decidedAtLook: r.rateDecidedAt,
    },
  ];
  if (r.anyQuality) {
    const qs = (r.paired ? r.pairedQual : r.unpairedQual).state();
    metrics.push({
      metric: 'quality',
      method: qs.method,
      alwaysValidP: qs.pValue,
      confidenceSequence: r.qualSeq,
      estimate: qs.estimate,
      cumulative: r.paired ? pairedCumulative(inputs) : r.qcum,
      decision: qs.decision,
      decidedAtLook: r.qualDecidedAt,
    });
  }
  return metrics;
}

/** Per-arm quality pass counts summed over the looks that gave them (reported beside the paired test). */
function pairedCumulative(inputs: ReadonlyArray<LookInput>): SequentialCounts {
  let cum = zeroCounts();
  for (const e of inputs) if (e.quality) cum = addCounts(cum, e.quality);
  return cum;
}

/**
 * The gates' data over every look: success counts always exist; latency/cost/quality pairs when the looks
 * carried them (quality pairs summed from the looks' tables when monitored paired without gate data).
 */
function cumulativeGateInput(r: Replay, inputs: ReadonlyArray<LookInput>): AlwaysValidInput {
  const gateInput: AlwaysValidInput = { ...(r.gateCum ?? {}) };
  if (!gateInput.success && r.entries.length > 0)
    gateInput.success = { calls: r.cum.canary.n, ok: r.cum.canary.successes };
  if (!gateInput.qualityPairs && r.paired) {
    const pairs = inputs.reduce(
      (acc, e) => ({
        b: acc.b + (e.qualityPairs?.b ?? 0),
        c: acc.c + (e.qualityPairs?.c ?? 0),
        n: acc.n + (e.qualityPairs?.n ?? 0),
      }),
      { b: 0, c: 0, n: 0 },
    );
    if (pairs.n > 0) gateInput.qualityPairs = pairs;
  }
  return gateInput;
}
