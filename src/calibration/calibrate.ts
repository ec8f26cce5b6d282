/**
 * The calibration harness: synthetic canaries with known truth (src/calibration/generate.ts) through the
 * real `analyzeRun` and `decide` with a policy (the default one), at a fixed sample size or under
 * sequential monitoring (a look after every batch of new items, the analysis of all data so far each time
 * with the gate metrics' always-valid sequences, up to `maxLooks` looks). Counts verdicts, wrong decisions and samples to a verdict. Seeded: the same
 * options give the same table.
 */

import { addAlwaysValid } from '../analysis/alwaysValid';
import { analyzeRun } from '../analysis/analyzeRun';
import { analyzeSummaries } from '../analysis/analyzeSummaries';
import { mergeSummaries } from '../analysis/summary/merge';
import type { RunSummary } from '../analysis/summary/types';
import type { AnalyzeOptions } from '../analysis/types';
import { decide } from '../decision/decide';
import { DEFAULT_POLICY, type Policy } from '../decision/policy';
import { formatNumber } from '../format';
import { mcnemarTest } from '../stats/mcnemarTest';
import { pairedProportionNonInferiority } from '../stats/pairedProportionNonInferiority';
import { wilsonInterval } from '../stats/wilsonInterval';
import type { CallRecord, GateResult, MetricComparison, ScoreRecord } from '../types';
import { consistencyGateOnly } from './consistencyCell';
import { generateRecords } from './generate';
import type { ProductionSize, Scenario } from './scenarios';

export type Verdict = 'promote' | 'hold' | 'rollback';

/** A rate with its 95% Wilson interval. */
export interface Rate {
  count: number;
  n: number;
  rate: number;
  ci: [number, number];
}

/** One cell of the table: a scenario at one design. */
export interface CellResult {
  scenario: string;
  title: string;
  truth: Scenario['truth'];
  /** 'n=1319', 'n=5000', 'sequential', or 'logs 50,000/day × 1 d'. */
  design: string;
  runs: number;
  promote: Rate;
  hold: Rate;
  rollback: Rate;
  /** Wrong decisions as defined by the scenario's truth (see {@link Scenario}). */
  wrong: Rate;
  wrongMeaning: string;
  /** The error-rate consistency gate's outcomes (when it was judged). */
  consistency?: { pass: Rate; fail: Rate; inconclusive: Rate };
  /** Sequential only: items per arm at the look that reached a verdict. */
  sequential?: {
    lookSize: number;
    maxLooks: number;
    /** Runs that reached a verdict (promote, rollback, or hold on a failed important gate) within maxLooks. */
    decided: Rate;
    /** Runs that reached the correct verdict within maxLooks. */
    correct: Rate;
    /** Median and 90th percentile of items per arm to a correct verdict (among those that reached it). */
    medianToCorrect?: number;
    p90ToCorrect?: number;
  };
  /** Seconds the cell took. */
  seconds: number;
}

/** Options of one cell. */
export interface CellOptions {
  scenario: Scenario;
  runs: number;
  seed: number;
  policy?: Policy;
  analyze?: AnalyzeOptions;
}

const rate = (count: number, n: number): Rate => {
  if (n === 0) return { count, n, rate: Number.NaN, ci: [Number.NaN, Number.NaN] };
  const w = wilsonInterval(count, n, { confidence: 0.95 });
  return { count, n, rate: count / n, ci: [w.lower, w.upper] };
};

const CONSISTENCY = 'error_rate_consistency';

function wrongOf(s: Scenario, verdict: Verdict, consistency?: GateResult): boolean {
  switch (s.truth) {
    case 'good':
      return verdict === 'rollback';
    case 'bad':
    case 'boundary':
      return verdict === 'promote';
    case 'burst':
      return consistency?.status === 'pass';
    case 'steady':
      return verdict === 'rollback' || consistency?.status === 'fail';
  }
}

/** What "wrong" means for a scenario's truth, for the table. */
export function wrongMeaning(truth: Scenario['truth']): string {
  return {
    good: 'rollback',
    bad: 'promote',
    boundary: 'promote',
    burst: 'consistency gate passes',
    steady: 'rollback, or consistency gate fails',
  }[truth];
}

function tally(
  s: Scenario,
  design: string,
  outcomes: Array<{ verdict: Verdict; consistency?: GateResult }>,
  seconds: number,
): CellResult {
  const n = outcomes.length;
  const count = (f: (o: (typeof outcomes)[number]) => boolean) => outcomes.filter(f).length;
  const judged = outcomes.filter((o) => o.consistency !== undefined);
  return {
    scenario: s.id,
    title: s.title,
    truth: s.truth,
    design,
    runs: n,
    promote: rate(
      count((o) => o.verdict === 'promote'),
      n,
    ),
    hold: rate(
      count((o) => o.verdict === 'hold'),
      n,
    ),
    rollback: rate(
      count((o) => o.verdict === 'rollback'),
      n,
    ),
    wrong: rate(
      count((o) => wrongOf(s, o.verdict, o.consistency)),
      n,
    ),
    wrongMeaning: wrongMeaning(s.truth),
    ...(judged.length > 0
      ? {
          consistency: {
            pass: rate(judged.filter((o) => o.consistency?.status === 'pass').length, judged.length),
            fail: rate(judged.filter((o) => o.consistency?.status === 'fail').length, judged.length),
            inconclusive: rate(
              judged.filter((o) => o.consistency?.status === 'inconclusive').length,
              judged.length,
            ),
          },
        }
      : {}),
    seconds,
  };
}

/** The decision of one synthetic run's records (one fixed-horizon analysis). */
function decideRecords(
  calls: CallRecord[],
  scores: ScoreRecord[],
  o: { policy: Policy; analyze: AnalyzeOptions },
) {
  const analysis = analyzeRun({ runId: 'calibration', calls, scores, pairwise: [] }, o.analyze);
  return decide(analysis.comparisons, o.policy);
}

/**
 * A fixed-horizon cell: `runs` runs of `n` items each, one analysis and one decision per run.
 *
 * @example
 * fixedCell({ scenario: SCENARIOS[0], n: 1319, runs: 200, seed: 1 }).promote.rate;
 */
export function fixedCell(o: CellOptions & { n: number }): CellResult {
  const t0 = performance.now();
  const policy = o.policy ?? DEFAULT_POLICY;
  const analyze = { segments: false, ...o.analyze };
  const outcomes: Array<{ verdict: Verdict; consistency?: GateResult }> = [];
  for (let r = 0; r < o.runs; r++) {
    const { calls, scores } = generateRecords({ truth: o.scenario.generator, n: o.n, seed: o.seed + r });
    const d = decideRecords(calls, scores, { policy, analyze });
    outcomes.push({ verdict: d.verdict, consistency: d.gates.find((g) => g.metric === CONSISTENCY) });
  }
  return tally(o.scenario, `n = ${formatNumber(o.n)}`, outcomes, (performance.now() - t0) / 1000);
}

/** A verdict that ends monitoring: promote, rollback, or hold on a failed required/important gate. */
function decided(d: ReturnType<typeof decide>): boolean {
  if (d.verdict !== 'hold') return true;
  return d.gates.some(
    (g) => g.status === 'fail' && g.severity !== 'recommended' && g.metric !== 'srm_canary_share',
  );
}

function correctOf(s: Scenario, d: ReturnType<typeof decide>): boolean {
  if (s.expected === 'n/a') return false;
  return d.verdict === s.expected;
}

const quantileOf = (xs: number[], p: number): number | undefined => {
  if (xs.length === 0) return undefined;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
};

/** The cumulative state of one monitored run: the merged summary and the paired quality counts. */
export interface Monitored {
  summary?: RunSummary;
  quality: { n: number; b: number; c: number; xp: number; xc: number };
}

/**
 * One look of sequential monitoring on mergeable summaries: the look's new records go through analyzeRun
 * (hourly windows, so every look's summary merges), the summaries are merged (exact: the summary of the
 * union), the merged summary goes through analyzeSummaries, the published quality scorer's paired counts
 * are added up and its 'quality' comparison rebuilt from them (Tango's interval, as analyzeRun does), and
 * the gate metrics get their always-valid sequences on all data so far. Equivalent to re-running analyzeRun
 * on the cumulative records (tested), at the cost of one look.
 *
 * @example
 * const state: Monitored = { quality: { n: 0, b: 0, c: 0, xp: 0, xc: 0 } };
 * monitoredLook(state, generateRecords({ truth, n: 500, seed: 1 }), { policy, analyze: {}, look: 1, expectedSamples: 15000 });
 */
export function monitoredLook(
  state: Monitored,
  add: { calls: CallRecord[]; scores: ScoreRecord[] },
  o: { policy: Policy; analyze: AnalyzeOptions; look: number; expectedSamples: number },
) {
  const analyze: AnalyzeOptions = { ...o.analyze, windowMs: 3_600_000 };
  const one = analyzeRun(
    { runId: 'calibration', calls: add.calls, scores: add.scores, pairwise: [] },
    analyze,
  );
  const q = one.quality.find((x) => x.scorer === 'quality');
  if (q?.discordant) {
    state.quality.n += q.n;
    state.quality.b += q.discordant.b;
    state.quality.c += q.discordant.c;
    state.quality.xp += Math.round(q.primary.estimate * q.n);
    state.quality.xc += Math.round(q.canary.estimate * q.n);
  }
  state.summary = state.summary ? mergeSummaries(state.summary, one.summary) : one.summary;
  const cumulative =
    o.look === 1 ? one : analyzeSummaries({ runId: 'calibration', summary: state.summary }, analyze);
  const comparisons = cumulative.comparisons.filter((c) => !c.metric.startsWith('quality'));
  const { n, b, c, xp, xc } = state.quality;
  if (n >= 2) {
    if (o.look === 1) {
      const published = one.comparisons.find((x) => x.metric === 'quality' && !x.segment);
      if (published) comparisons.push(published);
    } else comparisons.push(qualityFromCounts({ n, b, c, xp, xc }, o.policy.confidence, analyze));
  }
  addAlwaysValid({
    comparisons,
    summary: state.summary,
    quality: { kind: 'pass', n, discordant: { b, c } },
    confidence: o.policy.confidence,
    expectedSamples: o.expectedSamples,
    looks: o.look,
  });
  return { decision: decide(comparisons, o.policy, { looks: o.look }), comparisons };
}

/** The 'quality' comparison of paired pass/fail counts, as analyzeRun builds it (Wilson per arm, Tango). */
function qualityFromCounts(
  k: { n: number; b: number; c: number; xp: number; xc: number },
  confidence: number,
  analyze: AnalyzeOptions,
): MetricComparison {
  const alpha = (1 - confidence) / 2;
  const margin = Math.min(analyze.nonInferiorityMargin ?? 0.02, 0.999);
  const lower = pairedProportionNonInferiority({ b: k.b, c: k.c, n: k.n }, { margin, alpha }).lowerBound;
  const upper = -pairedProportionNonInferiority({ b: k.c, c: k.b, n: k.n }, { margin, alpha }).lowerBound;
  const arm = (x: number) => {
    const w = wilsonInterval(x, k.n, { confidence });
    return { n: k.n, estimate: x / k.n, ci: [w.lower, w.upper] as [number, number] };
  };
  const t = mcnemarTest({ b: k.b, c: k.c }, { exact: true });
  return {
    metric: 'quality',
    unit: 'proportion',
    better: 'higher',
    primary: arm(k.xp),
    canary: arm(k.xc),
    delta: { estimate: (k.c - k.b) / k.n, ci: [lower, upper] },
    test: { method: t.method, statistic: t.statistic, pValue: t.pValue },
  };
}

/**
 * A sequential cell: each run adds `lookSize` new items per look (both arms, the look's own hours of the
 * day), analyses all its data so far (merged summaries, see {@link monitoredLook}) and decides with `looks`
 * = the look's number, stopping at the first verdict that ends monitoring (promote, rollback, or hold on a
 * failed required/important gate), up to `maxLooks` looks.
 *
 * @example
 * sequentialCell({ scenario: SCENARIOS[0], lookSize: 500, maxLooks: 30, runs: 200, seed: 1 });
 */
export function sequentialCell(
  o: CellOptions & { lookSize: number; maxLooks: number; expectedSamples?: number },
): CellResult {
  const t0 = performance.now();
  const policy = o.policy ?? DEFAULT_POLICY;
  const analyze: AnalyzeOptions = { segments: false, ...o.analyze };
  const outcomes: Array<{ verdict: Verdict; consistency?: GateResult }> = [];
  let decidedCount = 0;
  let correctCount = 0;
  const toCorrect: number[] = [];
  const span = o.scenario.generator.spanHours ?? 24;
  for (let r = 0; r < o.runs; r++) {
    const state: Monitored = { quality: { n: 0, b: 0, c: 0, xp: 0, xc: 0 } };
    let last: ReturnType<typeof decide> | undefined;
    for (let look = 1; look <= o.maxLooks; look++) {
      // Look k covers hours [(k − 1)·h, k·h) of the span, so a burst hour lands in one or two looks.
      const h = span / o.maxLooks;
      const add = generateRecords({
        truth: o.scenario.generator,
        n: o.lookSize,
        seed: o.seed + r,
        firstItem: (look - 1) * o.lookSize,
        hours: { start: (look - 1) * h, end: look * h },
      });
      last = monitoredLook(state, add, {
        policy,
        analyze,
        look,
        // The product's default: a new history is tuned for its first look × policy.sequential.expectedLooks.
        expectedSamples: o.expectedSamples ?? o.lookSize * policy.sequential.expectedLooks,
      }).decision;
      if (decided(last)) {
        decidedCount++;
        if (correctOf(o.scenario, last)) {
          correctCount++;
          toCorrect.push(look * o.lookSize);
        }
        break;
      }
    }
    const d = last as ReturnType<typeof decide>;
    outcomes.push({ verdict: d.verdict, consistency: d.gates.find((g) => g.metric === CONSISTENCY) });
  }
  const cell = tally(
    o.scenario,
    `sequential (${formatNumber(o.lookSize)} items a look, ≤ ${o.maxLooks} looks${o.expectedSamples !== undefined ? `, tuned to ${formatNumber(o.expectedSamples)}` : ''})`,
    outcomes,
    (performance.now() - t0) / 1000,
  );
  cell.sequential = {
    lookSize: o.lookSize,
    maxLooks: o.maxLooks,
    decided: rate(decidedCount, o.runs),
    correct: rate(correctCount, o.runs),
    medianToCorrect: quantileOf(toCorrect, 0.5),
    p90ToCorrect: quantileOf(toCorrect, 0.9),
  };
  return cell;
}

/**
 * The consistency gate at production-log sizes: hourly window counts drawn directly (binomial per hour),
 * through the real consistency comparison and the policy's consistency gate.
 */
export function productionConsistencyCell(o: CellOptions & { size: ProductionSize }): CellResult {
  const t0 = performance.now();
  const policy = o.policy ?? DEFAULT_POLICY;
  const outcomes: Array<{ verdict: Verdict; consistency?: GateResult }> = [];
  for (let r = 0; r < o.runs; r++) {
    const g = consistencyGateOnly({ truth: o.scenario.generator, size: o.size, seed: o.seed + r, policy });
    outcomes.push({ verdict: 'hold', consistency: g });
  }
  const cell = tally(
    o.scenario,
    `logs ${formatNumber(o.size.callsPerDay)}/day × ${o.size.days} d (hourly windows, consistency gate only)`,
    outcomes,
    (performance.now() - t0) / 1000,
  );
  return cell;
}
