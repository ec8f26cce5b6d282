/**
 * Summaries → MetricComparison[]: success rate, latency and TTFT quantiles, cost, error-rate windows and
 * segments, computed from the mergeable summaries of src/analysis/summary (never from raw rows). The one
 * analysis path of offline runs (analyzeRun builds the summary from calls.jsonl) and of production logs
 * (DuckDB / ClickHouse SQL produce the summary).
 */
import { bootstrapCI } from '../stats/bootstrapCI';
import { chiSquareIndependence } from '../stats/chiSquareIndependence';
import { normalSf } from '../stats/distributions';
import { holm } from '../stats/holm';
import { twoProportionZTest } from '../stats/twoProportionZTest';
import type { TestResult } from '../stats/types';
import { variance } from '../stats/variance';
import { wilsonInterval } from '../stats/wilsonInterval';
import type { Arm, ArmEstimate, MetricComparison } from '../types';
import { addAlwaysValid } from './alwaysValid';
import { errorRateConsistencyComparison } from './consistency';
import { compareSegments } from './summary/build';
import { SummaryError } from './summary/histogram';
import { checkSummary } from './summary/merge';
import { quantileDifferenceFromHistograms } from './summary/quantileIntervals';
import { costPerRequestSums, costPerTokenSums, ratioDifferenceFromSums } from './summary/ratioFromSums';
import type { CallStats, RunSummary, WindowCount } from './summary/types';
import type {
  AnalyzeOptions,
  ArmCost,
  PairwiseSummary,
  QualityComparison,
  RunAnalysis,
  SegmentInfo,
} from './types';

/**
 * Units of the published metrics: the ones src/decision/decide.ts formats ('proportion' as a percentage,
 * 'ms', 'usd', 'usd_per_1k_tokens'); numeric judge scores are in 'score'.
 */
export const METRIC_UNITS = {
  success_rate: 'proportion',
  latency: 'ms',
  cost_per_1k_tokens_usd: 'usd_per_1k_tokens',
  cost_per_request_usd: 'usd',
  quality_pass: 'proportion',
  quality_score: 'score',
  pairwise_win_rate: 'proportion',
  error_rate_variance: 'proportion',
} as const;

/** Defaults of {@link AnalyzeOptions}. */
export const ANALYZE_DEFAULTS = {
  confidence: 0.95,
  seed: 0,
  resamples: 2000,
  nonInferiorityMargin: 0.02,
  monthlyRequests: 1_000_000,
  minWindowSize: 50,
} as const;

/** Analysis input that cannot be analysed (bad options, no calls), with a stable code. */
export class AnalysisError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'AnalysisError';
    this.code = code;
  }
}

/** @internal The validated options. */
export interface Settings {
  confidence: number;
  seed: number;
  resamples: number;
  margin: number;
  monthlyRequests: number;
  windowSize?: number;
  windowMs?: number;
  qualityScorer?: string;
}

const ARMS: readonly Arm[] = ['primary', 'canary'];

/** @internal Reads and checks {@link AnalyzeOptions}. */
export function readOptions(opts: AnalyzeOptions, fn = 'analyzeRun'): Settings {
  const bad = (field: string, expected: string, got: unknown) =>
    new AnalysisError('ANALYSIS_BAD_OPTION', `${fn}: ${field}: expected ${expected}, got ${String(got)}`);
  const confidence = opts.confidence ?? ANALYZE_DEFAULTS.confidence;
  if (!(confidence > 0 && confidence < 1)) throw bad('confidence', 'a number in (0, 1)', confidence);
  const seed = opts.seed ?? ANALYZE_DEFAULTS.seed;
  if (!Number.isFinite(seed)) throw bad('seed', 'a finite number', seed);
  const resamples = opts.resamples ?? ANALYZE_DEFAULTS.resamples;
  if (!Number.isInteger(resamples) || resamples < 100) throw bad('resamples', 'an integer >= 100', resamples);
  const margin = opts.nonInferiorityMargin ?? ANALYZE_DEFAULTS.nonInferiorityMargin;
  if (!(margin > 0 && Number.isFinite(margin))) throw bad('nonInferiorityMargin', 'a number > 0', margin);
  const monthlyRequests = opts.monthlyRequests ?? ANALYZE_DEFAULTS.monthlyRequests;
  if (!(monthlyRequests >= 0 && Number.isFinite(monthlyRequests)))
    throw bad('monthlyRequests', 'a finite number >= 0', monthlyRequests);
  if (opts.windowSize !== undefined && !(Number.isInteger(opts.windowSize) && opts.windowSize >= 2))
    throw bad('windowSize', 'an integer >= 2', opts.windowSize);
  if (opts.windowMs !== undefined && !(Number.isInteger(opts.windowMs) && opts.windowMs >= 1))
    throw bad('windowMs', 'an integer >= 1 (milliseconds)', opts.windowMs);
  return {
    confidence,
    seed,
    resamples,
    margin,
    monthlyRequests,
    windowSize: opts.windowSize,
    windowMs: opts.windowMs,
    qualityScorer: opts.qualityScorer,
  };
}

/** Per-item results of an offline run (a few thousand items) that stay per item: quality and pairwise. */
export interface PerItemResults {
  quality: QualityComparison[];
  /** The scorer published as metric 'quality'. */
  qualityScorer?: string;
  pairwise: PairwiseSummary[];
  /** Their comparisons (quality:*, quality, pairwise_win_rate:*), overall. */
  comparisons: MetricComparison[];
  /** Their per-segment comparisons (carrying `segment`); adjusted by Holm together with the summaries'. */
  segmentComparisons: MetricComparison[];
  excludedFromQuality?: { primary: number; canary: number };
  notes: string[];
}

/** Input of {@link analyzeSummaries}. */
export interface SummaryAnalysisInput {
  runId: string;
  /** The mergeable summary of both arms (types.ts in src/analysis/summary). */
  summary: RunSummary;
  /** Quality and pairwise results computed per item (offline runs); absent for logs. */
  perItem?: PerItemResults;
  /** Items per segment when known (offline runs); default: the larger arm's calls in the segment. */
  segmentItems?: ReadonlyArray<SegmentInfo>;
  /** Compare segments (default true when the summary has any). */
  segments?: boolean;
}

/**
 * Turns summaries into the comparisons the decision reads and everything charts and the report show: per
 * arm success rate (Wilson; two-proportion z), latency P50/P95/P99 and TTFT P50/P95 from the histograms
 * (order-statistic intervals; Price–Bonett difference), cost per 1K tokens and per request (delta method
 * from the sums), error rate per time window (χ² homogeneity, variance with a bootstrap over windows), and
 * the same per segment with Holm-adjusted p-values. comparison.json keeps the summary: its size does not
 * grow with the number of calls.
 *
 * @throws {AnalysisError} ANALYSIS_NO_CALLS when an arm has no calls; ANALYSIS_BAD_OPTION for an option out
 *   of range; ANALYSIS_BAD_SUMMARY (with the field) for a malformed summary
 * @example
 * const analysis = analyzeSummaries({ runId: 'logs-2026-12-01', summary }, { monthlyRequests: 3_000_000 });
 * decide(analysis.comparisons, DEFAULT_POLICY).verdict;
 */
export function analyzeSummaries(input: SummaryAnalysisInput, opts: AnalyzeOptions = {}): RunAnalysis {
  const s = readOptions(opts, 'analyzeSummaries');
  const { summary, runId } = input;
  try {
    checkSummary(summary);
  } catch (e) {
    if (e instanceof SummaryError)
      throw new AnalysisError('ANALYSIS_BAD_SUMMARY', `run ${runId}: ${e.message}`);
    throw e;
  }
  for (const arm of ARMS)
    if (summary[arm].calls === 0)
      throw new AnalysisError(
        'ANALYSIS_NO_CALLS',
        `analyzeRun: run ${runId} has no ${arm} calls; both arms are needed for a comparison`,
      );
  const notes: string[] = [];
  const comparisons: MetricComparison[] = [];
  const perItem = input.perItem;
  comparisons.push(...coreFromStats(summary.primary, summary.canary, s, notes, undefined));
  if (perItem) comparisons.push(...perItem.comparisons);
  // Always-valid confidence sequences of the gate metrics (issue 17; docs/SEQUENTIAL.md).
  addAlwaysValid({
    comparisons,
    summary,
    quality: perItem?.quality.find((q) => q.scorer === perItem.qualityScorer),
    confidence: s.confidence,
    expectedSamples: opts.expectedSamples,
  });

  // Error-rate consistency across time windows.
  const widthMs = summary.windowing.widthMs;
  const windows = {
    primary: windowTable(summary.primary.windows),
    canary: windowTable(summary.canary.windows),
  };
  const homogeneity = { primary: homogeneityTest(windows.primary), canary: homogeneityTest(windows.canary) };
  const windowVariance = {
    primary: windows.primary.rates.length >= 2 ? variance(windows.primary.rates) : 0,
    canary: windows.canary.rates.length >= 2 ? variance(windows.canary.rates) : 0,
  };
  const ev = errorVarianceComparison(windows.primary.rates, windows.canary.rates, homogeneity.canary, s);
  if (ev) comparisons.push(ev);
  const consistency = errorRateConsistencyComparison({
    primary: summary.primary.windows,
    canary: summary.canary.windows,
    confidence: s.confidence,
  });
  if (consistency) comparisons.push(consistency);
  else
    notes.push(
      `Error-rate consistency not measured: fewer than 2 time windows of ${fmtDuration(widthMs)} with calls per arm (${windows.primary.rates.length} primary, ${windows.canary.rates.length} canary).`,
    );

  // Segments.
  const segments: SegmentInfo[] = [];
  const segKeys = new Map<string, { key: 'tier' | 'tag'; value: string }>();
  for (const arm of ARMS)
    for (const g of summary[arm].segments)
      segKeys.set(`${g.key}\u0000${g.value}`, { key: g.key, value: g.value });
  if (input.segments !== false && segKeys.size > 0) {
    const segComparisons: MetricComparison[] = [];
    for (const g of [...segKeys.values()].sort(compareSegments)) {
      const find = (arm: Arm) => summary[arm].segments.find((x) => x.key === g.key && x.value === g.value);
      const p = find('primary');
      const c = find('canary');
      const items =
        input.segmentItems?.find((x) => x.key === g.key && x.value === g.value)?.items ??
        Math.max(p?.calls ?? 0, c?.calls ?? 0);
      segments.push({ key: g.key, value: g.value, items });
      if (!p || !c || p.calls === 0 || c.calls === 0) {
        notes.push(`Segment ${g.key}=${g.value}: one arm has no calls; not compared.`);
        continue;
      }
      segComparisons.push(...coreFromStats(p, c, s, [], { key: g.key, value: g.value }));
    }
    if (perItem) segComparisons.push(...perItem.segmentComparisons);
    segComparisons.sort((a, b) => compareSegments(a.segment as SegmentInfo, b.segment as SegmentInfo));
    if (segComparisons.length > 0) {
      // One p-value per distinct test: the 'quality' alias repeats its scorer's test; counting a test twice
      // would only make Holm stricter for nothing.
      const testKey = (c: MetricComparison) =>
        `${c.segment?.key}\u0000${c.segment?.value}\u0000${c.test.method}\u0000${c.test.statistic}\u0000${c.test.pValue}`;
      const distinct = new Map<string, number>();
      for (const c of segComparisons)
        if (!distinct.has(testKey(c))) distinct.set(testKey(c), clampP(c.test.pValue));
      const keys = [...distinct.keys()];
      const adjusted = holm(keys.map((k) => distinct.get(k) as number));
      const byKey = new Map(keys.map((k, i) => [k, adjusted[i]]));
      for (const c of segComparisons) c.test.adjustedPValue = byKey.get(testKey(c));
      comparisons.push(...segComparisons);
      notes.push(
        `Segment p-values are adjusted by Holm's method across all ${keys.length} distinct segment × metric tests (test.adjustedPValue; family-wise error rate ${fmtPct(1 - s.confidence)}); segment intervals are not adjusted. Error-rate consistency is not computed per segment.`,
      );
    }
  }

  for (const arm of ARMS)
    if (summary[arm].calls < 30)
      notes.push(
        `Small sample: the ${arm} has only ${summary[arm].calls} calls, so every interval is wide; most gates will be inconclusive.`,
      );
  const errors = { primary: { ...summary.primary.failures }, canary: { ...summary.canary.failures } };
  for (const arm of ARMS) {
    const failed = summary[arm].calls - summary[arm].ok;
    if (failed > 0)
      notes.push(
        `${cap(arm)}: ${failed} of ${summary[arm].calls} calls failed (${Object.entries(errors[arm])
          .sort(([ka, a], [kb, b]) => b - a || (ka < kb ? -1 : 1))
          .map(([k, v]) => `${k} ${v}`)
          .join(
            ', ',
          )}); they count against the success rate and are left out of latency, cost per token and quality.`,
      );
  }
  const cost = {
    primary: armCost(summary.primary, s.monthlyRequests),
    canary: armCost(summary.canary, s.monthlyRequests),
    monthlyRequests: s.monthlyRequests,
  };
  const cached = summary.primary.cached + summary.canary.cached;
  if (cached > 0)
    notes.push(
      `${cached} calls were served from the response cache: they cost this evaluation nothing new; cost per 1K tokens and per request use the original price of their answers (calls cached before canarylab recorded it are left out of cost).`,
    );
  if (opts.monthlyRequests === undefined)
    notes.push(
      `Monthly spend is projected at ${s.monthlyRequests.toLocaleString('en-US')} requests per month per arm (the default; set monthlyRequests).`,
    );
  notes.push(
    `Latency and TTFT quantiles are read from log-spaced histograms (within 0.35% of the exact values); their intervals are distribution-free order-statistic intervals, and canary − primary uses Price–Bonett standard errors (independent arms). Cost intervals use the delta method on each arm's sums (independent arms). Error rates are counted per ${fmtDuration(widthMs)} window of start time.`,
  );
  if (perItem) notes.push(...perItem.notes);

  return {
    runId,
    comparisons,
    errors,
    excludedFromQuality: perItem?.excludedFromQuality ?? {
      primary: summary.primary.calls - summary.primary.ok,
      canary: summary.canary.calls - summary.canary.ok,
    },
    cost,
    errorWindows: {
      widthMs,
      primary: windows.primary.rates,
      canary: windows.canary.rates,
      homogeneity,
      variance: windowVariance,
    },
    summary,
    quality: perItem?.quality ?? [],
    pairwise: perItem?.pairwise[0],
    pairwiseJudges: perItem?.pairwise ?? [],
    segments,
    notes,
  };
}

// --- the metrics of one pair of CallStats (overall or one segment) ---------------------------------------

function coreFromStats(
  p: CallStats,
  c: CallStats,
  s: Settings,
  notes: string[],
  segment: { key: string; value: string } | undefined,
): MetricComparison[] {
  const out: MetricComparison[] = [];
  const push = (mc: MetricComparison | null) => {
    if (!mc) return;
    if (segment) mc.segment = { ...segment };
    out.push(mc);
  };
  push(successRate(p, c, s));
  for (const [name, q] of [
    ['latency_p50_ms', 0.5],
    ['latency_p95_ms', 0.95],
    ['latency_p99_ms', 0.99],
  ] as const)
    push(quantileComparison(name, q, p, c, 'latencyMs', s, segment ? undefined : notes));
  if (p.ttftMs.count > 0 || c.ttftMs.count > 0) {
    for (const [name, q] of [
      ['ttft_p50_ms', 0.5],
      ['ttft_p95_ms', 0.95],
    ] as const)
      push(quantileComparison(name, q, p, c, 'ttftMs', s, segment ? undefined : notes));
  } else if (!segment) {
    notes.push('No time to first token was recorded (non-streaming calls): TTFT metrics are absent.');
  }
  for (const mc of costComparisons(p, c, s, segment ? undefined : notes)) push(mc);
  return out;
}

function wilson(x: number, n: number, confidence: number): ArmEstimate {
  const w = wilsonInterval(x, n, { confidence });
  return { n, estimate: w.estimate, ci: [w.lower, w.upper] };
}

function successRate(p: CallStats, c: CallStats, s: Settings): MetricComparison | null {
  if (p.calls === 0 || c.calls === 0) return null;
  const t = twoProportionZTest(c.ok, c.calls, p.ok, p.calls, { confidence: s.confidence });
  return {
    metric: 'success_rate',
    unit: METRIC_UNITS.success_rate,
    better: 'higher',
    primary: wilson(p.ok, p.calls, s.confidence),
    canary: wilson(c.ok, c.calls, s.confidence),
    delta: { estimate: t.estimate as number, ci: t.ci as [number, number] },
    test: { method: t.method, statistic: t.statistic, pValue: t.pValue },
  };
}

function quantileComparison(
  metric: string,
  q: number,
  p: CallStats,
  c: CallStats,
  field: 'latencyMs' | 'ttftMs',
  s: Settings,
  notes: string[] | undefined,
): MetricComparison | null {
  const hp = p[field];
  const hc = c[field];
  if (hp.count < 2 || hc.count < 2) {
    notes?.push(
      `${metric}: not measured, fewer than 2 ok calls with a value in an arm (${hp.count} primary, ${hc.count} canary).`,
    );
    return null;
  }
  const r = quantileDifferenceFromHistograms(hp, hc, q, s.confidence);
  const arm = (x: typeof r.primary): ArmEstimate => ({
    n: x.n,
    estimate: x.estimate,
    ci: [x.lower, x.upper],
  });
  const delta: MetricComparison['delta'] = {
    estimate: r.difference.estimate,
    ci: [r.difference.lower, r.difference.upper],
  };
  if (Number.isFinite(r.relative.estimate))
    delta.relative = { estimate: r.relative.estimate, ci: [r.relative.lower, r.relative.upper] };
  return {
    metric,
    unit: METRIC_UNITS.latency,
    better: 'lower',
    primary: arm(r.primary),
    canary: arm(r.canary),
    delta,
    test: Number.isNaN(r.pValue)
      ? {
          method: `Distribution-free order-statistic interval per arm from the latency histograms; no interval of the difference: an arm has too few values for a bounded ${fmtPct(s.confidence)} interval of this quantile (p-value set to 1)`,
          statistic: 0,
          pValue: 1,
        }
      : {
          method: `Distribution-free order-statistic interval per arm from the latency histograms (coverage ≥ ${fmtPct(s.confidence)}); ${r.method}; p-value: z-test of the difference`,
          statistic: r.z,
          pValue: r.pValue,
        },
  };
}

/** What one arm spent (priced calls: fresh ones, and cache hits at their answer's original cost). */
function armCost(a: CallStats, monthlyRequests: number): ArmCost {
  const k = a.cost;
  const perRequestUsd = k.n > 0 ? k.sumCost / k.n : 0;
  return {
    totalUsd: k.sumCost,
    requests: k.n,
    tokens: k.sumTokens,
    per1kTokensUsd: k.sumTokens > 0 ? (1000 * k.sumCost) / k.sumTokens : 0,
    perRequestUsd,
    monthlyUsd: perRequestUsd * monthlyRequests,
  };
}

function costComparisons(
  p: CallStats,
  c: CallStats,
  s: Settings,
  notes: string[] | undefined,
): MetricComparison[] {
  const out: MetricComparison[] = [];
  if (p.cost.n < 2 || c.cost.n < 2) {
    notes?.push(
      `Cost not compared: fewer than 2 priced calls in an arm (${p.cost.n} primary, ${c.cost.n} canary).`,
    );
    return out;
  }
  const specs = [
    {
      metric: 'cost_per_1k_tokens_usd',
      unit: METRIC_UNITS.cost_per_1k_tokens_usd,
      sums: costPerTokenSums,
      scale: 1000,
      what: 'total cost / total tokens',
    },
    {
      metric: 'cost_per_request_usd',
      unit: METRIC_UNITS.cost_per_request_usd,
      sums: costPerRequestSums,
      scale: 1,
      what: 'total cost / requests',
    },
  ];
  for (const spec of specs) {
    try {
      const r = ratioDifferenceFromSums(spec.sums(p.cost), spec.sums(c.cost), {
        scale: spec.scale,
        confidence: s.confidence,
      });
      const se = r.difference.standardError;
      const z = se > 0 ? r.difference.estimate / se : 0;
      out.push({
        metric: spec.metric,
        unit: spec.unit,
        better: 'lower',
        primary: { n: r.primary.n, estimate: r.primary.estimate, ci: [r.primary.lower, r.primary.upper] },
        canary: { n: r.canary.n, estimate: r.canary.estimate, ci: [r.canary.lower, r.canary.upper] },
        delta: {
          estimate: r.difference.estimate,
          ci: [r.difference.lower, r.difference.upper],
          relative: { estimate: r.relative.estimate, ci: [r.relative.lower, r.relative.upper] },
        },
        test: {
          method: `Delta method z-test of the difference of ratio metrics (${spec.what}) from each arm's sums, independent arms; relative change interval from the log ratio`,
          statistic: z,
          pValue: se > 0 ? Math.min(1, 2 * normalSf(Math.abs(z))) : 1,
        },
      });
    } catch (e) {
      if (!(e instanceof SummaryError)) throw e;
      notes?.push(`${spec.metric}: not compared (${e.message}).`);
    }
  }
  return out;
}

// --- error windows --------------------------------------------------------------------------------------

interface WindowTable {
  rates: number[];
  table: number[][];
}

function windowTable(ws: readonly WindowCount[]): WindowTable {
  const table = ws.filter((w) => w.calls > 0).map((w) => [w.calls - w.failures, w.failures]);
  return { rates: table.map(([ok, fail]) => fail / (ok + fail)), table };
}

function homogeneityTest(w: WindowTable): TestResult {
  const method = 'Chi-square test of independence, window × ok/failed';
  if (w.table.length < 2)
    return { method: `${method} (fewer than 2 windows)`, statistic: 0, pValue: 1, alternative: 'two-sided' };
  const fails = w.table.reduce((a, r) => a + r[1], 0);
  const oks = w.table.reduce((a, r) => a + r[0], 0);
  if (fails === 0 || oks === 0)
    return {
      method: `${method} (every call ${fails === 0 ? 'succeeded' : 'failed'}: rates are equal)`,
      statistic: 0,
      pValue: 1,
      alternative: 'two-sided',
      df: w.table.length - 1,
    };
  const r = chiSquareIndependence(w.table);
  return { method: r.method, statistic: r.statistic, pValue: r.pValue, alternative: r.alternative, df: r.df };
}

function errorVarianceComparison(
  p: number[],
  c: number[],
  canaryTest: TestResult,
  s: Settings,
): MetricComparison | null {
  if (p.length < 2 || c.length < 2) return null;
  const varStat = (x: Float64Array) => {
    let m = 0;
    for (const v of x) m += v;
    m /= x.length;
    let ss = 0;
    for (const v of x) ss += (v - m) * (v - m);
    return ss / (x.length - 1);
  };
  const boot = (run: (method: 'bca' | 'percentile') => { lower: number; upper: number }) => {
    try {
      return run('percentile');
    } catch {
      return null;
    }
  };
  const arm = (x: number[], seed: number): ArmEstimate => {
    const est = variance(x);
    const r = x.every((v) => v === x[0])
      ? null
      : boot((method) =>
          bootstrapCI({
            samples: [x],
            statistic: varStat,
            method,
            resamples: s.resamples,
            confidence: s.confidence,
            seed,
          }),
        );
    return { n: x.length, estimate: est, ci: r ? [r.lower, r.upper] : [est, est] };
  };
  const primary = arm(p, s.seed + 500);
  const canary = arm(c, s.seed + 501);
  const allEqual = p.every((v) => v === p[0]) && c.every((v) => v === c[0]);
  const d = allEqual
    ? null
    : boot((method) =>
        bootstrapCI({
          samples: [p, c],
          statistic: (x, y) => varStat(y) - varStat(x),
          method,
          resamples: s.resamples,
          confidence: s.confidence,
          seed: s.seed + 502,
        }),
      );
  const est = canary.estimate - primary.estimate;
  return {
    metric: 'error_rate_variance',
    unit: METRIC_UNITS.error_rate_variance,
    better: 'lower',
    primary,
    canary,
    delta: { estimate: est, ci: d ? [d.lower, d.upper] : [est, est] },
    test: {
      method: `Canary homogeneity across ${c.length} windows: ${canaryTest.method}; intervals by percentile bootstrap over windows`,
      statistic: canaryTest.statistic,
      pValue: canaryTest.pValue,
    },
  };
}

const clampP = (p: number) => (Number.isFinite(p) ? Math.min(1, Math.max(0, p)) : 1);
const cap = (x: string) => x.charAt(0).toUpperCase() + x.slice(1);
const fmtPct = (x: number) => `${Number((100 * x).toFixed(2))}%`;
const fmtDuration = (ms: number) =>
  ms % 3_600_000 === 0
    ? `${ms / 3_600_000}-hour`
    : ms % 60_000 === 0
      ? `${ms / 60_000}-minute`
      : ms % 1000 === 0
        ? `${ms / 1000}-second`
        : `${ms}-ms`;
