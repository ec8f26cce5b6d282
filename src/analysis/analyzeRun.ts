/**
 * Records → MetricComparison[] (runs/<runId>/comparison.json): success rate, latency and TTFT quantiles,
 * cost, quality per scorer, pairwise win rate, error-rate consistency, each also per segment.
 */

import { pairwiseSummary } from '../scoring/judgeReliability';
import { type BootstrapCIResult, bootstrapCI, quantileStatistic } from '../stats/bootstrapCI';
import { chiSquareIndependence } from '../stats/chiSquareIndependence';
import { normalSf, tQuantile, tSf } from '../stats/distributions';
import { holm } from '../stats/holm';
import { mannWhitneyU } from '../stats/mannWhitneyU';
import { mcnemarTest } from '../stats/mcnemarTest';
import { pairedNonInferiority } from '../stats/pairedNonInferiority';
import { pairedProportionNonInferiority } from '../stats/pairedProportionNonInferiority';
import { quantile } from '../stats/quantile';
import { quantileDifferenceCI } from '../stats/quantileDifferenceCI';
import { ratioDifferenceCI } from '../stats/ratioDifferenceCI';
import type { RatioData } from '../stats/ratioMetricCI';
import { twoProportionZTest } from '../stats/twoProportionZTest';
import type { TestResult } from '../stats/types';
import { variance } from '../stats/variance';
import { wilcoxonSignedRank } from '../stats/wilcoxonSignedRank';
import { wilsonInterval } from '../stats/wilsonInterval';
import type { Arm, ArmEstimate, CallRecord, MetricComparison, PairwiseRecord, ScoreRecord } from '../types';
import type {
  AnalyzeOptions,
  ArmCost,
  PairwiseSummary,
  QualityComparison,
  RunAnalysis,
  RunData,
  SegmentInfo,
} from './types';

export type {
  AnalysisTest,
  AnalyzeOptions,
  ArmCost,
  JudgeReliability,
  PairwiseSummary,
  QualityComparison,
  RunAnalysis,
  RunData,
  RunItem,
  SegmentInfo,
  TestResult,
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

interface Settings {
  confidence: number;
  seed: number;
  resamples: number;
  margin: number;
  monthlyRequests: number;
  windowSize?: number;
  qualityScorer?: string;
}

const ARMS: readonly Arm[] = ['primary', 'canary'];
const keyOf = (itemId: string, repeat: number | undefined) => `${itemId}\u0000${repeat ?? 0}`;

/**
 * Turns a run's records into the comparisons the decision reads, and everything the charts and the
 * report show. Pure and deterministic: the same records, options and seed give the same analysis.
 * Failed calls count against the success rate and are left out of latency and quality (never counted as
 * wrong answers); cached calls are priced at their answer's original cost. Segment comparisons (meta.tier,
 * each of meta.tags) carry `segment` and a Holm-adjusted p-value across every segment × metric test.
 *
 * @throws {AnalysisError} ANALYSIS_NO_CALLS when an arm has no calls; ANALYSIS_BAD_OPTION for an option
 *   out of range
 * @example
 * const analysis = analyzeRun(await loadRun('runs/2025-01-01'), { monthlyRequests: 3_000_000 });
 * decide(analysis.comparisons, DEFAULT_POLICY).verdict;
 */
export function analyzeRun(run: RunData, opts: AnalyzeOptions = {}): RunAnalysis {
  const s = readOptions(opts);
  const notes: string[] = [];
  const calls = dedupeCalls(run.calls ?? []);
  const byArm = splitArms(calls);
  for (const arm of ARMS) {
    if (byArm[arm].length === 0)
      throw new AnalysisError(
        'ANALYSIS_NO_CALLS',
        `analyzeRun: run ${run.runId} has no ${arm} calls; both arms are needed for a comparison`,
      );
  }
  const scores = run.scores ?? [];
  const pairwise = run.pairwise ?? [];

  const ctx: MetricContext = { s, notes, seedOffset: 0 };
  const comparisons: MetricComparison[] = [];
  const core = coreMetrics(calls, scores, pairwise, ctx, undefined);
  comparisons.push(...core.comparisons);

  // Error-rate consistency across windows of calls ordered by start time.
  const nMax = Math.max(byArm.primary.length, byArm.canary.length);
  const windowSize = s.windowSize ?? Math.max(ANALYZE_DEFAULTS.minWindowSize, Math.ceil(nMax / 20));
  const windows = {
    primary: windowRates(byArm.primary, windowSize),
    canary: windowRates(byArm.canary, windowSize),
  };
  const homogeneity = {
    primary: homogeneityTest(windows.primary),
    canary: homogeneityTest(windows.canary),
  };
  const windowVariance = {
    primary: windows.primary.rates.length >= 2 ? variance(windows.primary.rates) : 0,
    canary: windows.canary.rates.length >= 2 ? variance(windows.canary.rates) : 0,
  };
  const ev = errorVarianceComparison(windows.primary.rates, windows.canary.rates, homogeneity.canary, s);
  if (ev) comparisons.push(ev);
  else
    notes.push(
      `Error-rate consistency not measured: fewer than 2 windows of ${windowSize} calls per arm (${byArm.primary.length} primary, ${byArm.canary.length} canary calls).`,
    );

  // Segments: meta.tier and each tag.
  const segments: SegmentInfo[] = [];
  const items = run.items ?? [];
  const hasSegments = items.some((it) => it.meta?.tier !== undefined || (it.meta?.tags?.length ?? 0) > 0);
  if (opts.segments !== false && hasSegments) {
    const groups = new Map<string, { key: 'tier' | 'tag'; value: string; ids: Set<string> }>();
    for (const it of items) {
      const add = (key: 'tier' | 'tag', value: string) => {
        const g = groups.get(`${key}\u0000${value}`) ?? { key, value, ids: new Set<string>() };
        g.ids.add(it.id);
        groups.set(`${key}\u0000${value}`, g);
      };
      if (typeof it.meta?.tier === 'string') add('tier', it.meta.tier);
      for (const t of it.meta?.tags ?? []) if (typeof t === 'string') add('tag', t);
    }
    const sorted = [...groups.values()].sort(
      (a, b) => a.key.localeCompare(b.key) || a.value.localeCompare(b.value),
    );
    const segComparisons: MetricComparison[] = [];
    sorted.forEach((g, gi) => {
      segments.push({ key: g.key, value: g.value, items: g.ids.size });
      const segCalls = calls.filter((c) => g.ids.has(c.itemId));
      const arms = splitArms(segCalls);
      if (arms.primary.length === 0 || arms.canary.length === 0) {
        notes.push(`Segment ${g.key}=${g.value}: one arm has no calls; not compared.`);
        return;
      }
      const segCtx: MetricContext = { s, notes: [], seedOffset: 1000 * (gi + 1) };
      const r = coreMetrics(
        segCalls,
        scores.filter((x) => g.ids.has(x.itemId)),
        pairwise.filter((x) => g.ids.has(x.itemId)),
        segCtx,
        { key: g.key, value: g.value },
      );
      segComparisons.push(...r.comparisons);
    });
    if (segComparisons.length > 0) {
      // One p-value per distinct test: the 'quality' alias repeats its scorer's test, and the three latency
      // quantiles share one rank test; counting a test twice would only make Holm stricter for nothing.
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

  // Small samples.
  for (const arm of ARMS) {
    if (byArm[arm].length < 30)
      notes.push(
        `Small sample: the ${arm} has only ${byArm[arm].length} calls, so every interval is wide; most gates will be inconclusive.`,
      );
  }

  const errors = {
    primary: errorsByKind(byArm.primary),
    canary: errorsByKind(byArm.canary),
  };
  for (const arm of ARMS) {
    const failed = byArm[arm].filter((c) => !c.ok).length;
    if (failed > 0)
      notes.push(
        `${cap(arm)}: ${failed} of ${byArm[arm].length} calls failed (${Object.entries(errors[arm])
          .map(([k, v]) => `${k} ${v}`)
          .join(
            ', ',
          )}); they count against the success rate and are left out of latency, cost per token and quality.`,
      );
  }

  const latency = {
    primary: byArm.primary.filter((c) => c.ok).map((c) => c.latencyMs),
    canary: byArm.canary.filter((c) => c.ok).map((c) => c.latencyMs),
  };

  const cost = {
    primary: armCost(byArm.primary, s.monthlyRequests),
    canary: armCost(byArm.canary, s.monthlyRequests),
    monthlyRequests: s.monthlyRequests,
  };
  const cachedCount = calls.filter((c) => c.cached).length;
  if (cachedCount > 0)
    notes.push(
      `${cachedCount} calls were served from the response cache: they cost this evaluation nothing new; cost per 1K tokens and per request use the original price of their answers (calls cached before canarylab recorded it are left out of cost).`,
    );
  if (opts.monthlyRequests === undefined)
    notes.push(
      `Monthly spend is projected at ${s.monthlyRequests.toLocaleString('en-US')} requests per month per arm (the default; set monthlyRequests).`,
    );

  const published = core.quality.find((q) => q.scorer === core.qualityScorer);
  const excludedFromQuality = published
    ? { ...published.excluded }
    : {
        primary: byArm.primary.filter((c) => !c.ok).length,
        canary: byArm.canary.filter((c) => !c.ok).length,
      };

  return {
    runId: run.runId,
    comparisons,
    errors,
    excludedFromQuality,
    cost,
    errorWindows: {
      windowSize,
      primary: windows.primary.rates,
      canary: windows.canary.rates,
      homogeneity,
      variance: windowVariance,
    },
    latency,
    quality: core.quality,
    pairwise: core.pairwise[0],
    pairwiseJudges: core.pairwise,
    segments,
    notes: [...notes],
  };
}

// ---------------------------------------------------------------------------------------------------------

interface MetricContext {
  s: Settings;
  notes: string[];
  /** Added to the seed of every bootstrap so that segments draw independent streams. */
  seedOffset: number;
}

interface CoreResult {
  comparisons: MetricComparison[];
  quality: QualityComparison[];
  qualityScorer?: string;
  pairwise: PairwiseSummary[];
}

/** The metrics computed both overall and per segment. */
function coreMetrics(
  calls: CallRecord[],
  scores: readonly ScoreRecord[],
  pairwise: readonly PairwiseRecord[],
  ctx: MetricContext,
  segment: { key: string; value: string } | undefined,
): CoreResult {
  const out: MetricComparison[] = [];
  const arms = splitArms(calls);
  const push = (mc: MetricComparison | null) => {
    if (!mc) return;
    if (segment) mc.segment = { ...segment };
    out.push(mc);
  };
  push(successRate(arms.primary, arms.canary, ctx.s));
  const lat = (c: CallRecord) => (c.ok ? c.latencyMs : undefined);
  const ttft = (c: CallRecord) => (c.ok ? c.ttftMs : undefined);
  let seed = ctx.s.seed + ctx.seedOffset;
  for (const [name, p] of [
    ['latency_p50_ms', 0.5],
    ['latency_p95_ms', 0.95],
    ['latency_p99_ms', 0.99],
  ] as const) {
    push(quantileComparison(name, p, arms, lat, ctx, seed++));
  }
  const hasTtft = calls.some((c) => c.ok && c.ttftMs !== undefined);
  if (hasTtft) {
    for (const [name, p] of [
      ['ttft_p50_ms', 0.5],
      ['ttft_p95_ms', 0.95],
    ] as const) {
      push(quantileComparison(name, p, arms, ttft, ctx, seed++));
    }
  } else if (!segment) {
    ctx.notes.push('No time to first token was recorded (non-streaming calls): TTFT metrics are absent.');
  }
  for (const mc of costComparisons(arms, ctx)) push(mc);

  const quality = qualityComparisons(calls, scores, ctx);
  let qualityScorer = ctx.s.qualityScorer;
  if (qualityScorer === undefined) qualityScorer = quality.find((q) => q.kind === 'pass')?.scorer;
  if (ctx.s.qualityScorer !== undefined && !quality.some((q) => q.scorer === ctx.s.qualityScorer) && !segment)
    ctx.notes.push(
      `Quality scorer '${ctx.s.qualityScorer}' has no paired scores in this run: no 'quality' metric is published.`,
    );
  for (const q of quality) {
    const mc = qualityMetric(q);
    push(mc);
    if (q.scorer === qualityScorer) push({ ...qualityMetric(q), metric: 'quality' });
  }
  if (!segment && quality.length > 0 && qualityScorer === undefined)
    ctx.notes.push(
      "No pass/fail scorer in this run: no 'quality' metric is published (set qualityScorer to use a numeric one).",
    );

  const pw = pairwiseSummaries(pairwise, ctx);
  for (const p of pw) push(pairwiseMetric(p));
  return { comparisons: out, quality, qualityScorer, pairwise: pw };
}

// --- success rate ---------------------------------------------------------------------------------------

function successRate(primary: CallRecord[], canary: CallRecord[], s: Settings): MetricComparison | null {
  if (primary.length === 0 || canary.length === 0) return null;
  const okP = primary.filter((c) => c.ok).length;
  const okC = canary.filter((c) => c.ok).length;
  const t = twoProportion(okC, canary.length, okP, primary.length, s.confidence);
  return {
    metric: 'success_rate',
    unit: METRIC_UNITS.success_rate,
    better: 'higher',
    primary: wilson(okP, primary.length, s.confidence),
    canary: wilson(okC, canary.length, s.confidence),
    delta: { estimate: t.estimate as number, ci: t.ci as [number, number] },
    test: { method: t.method, statistic: t.statistic, pValue: t.pValue },
  };
}

function twoProportion(s1: number, n1: number, s2: number, n2: number, confidence: number): TestResult {
  return twoProportionZTest(s1, n1, s2, n2, { confidence });
}

function wilson(x: number, n: number, confidence: number): ArmEstimate {
  const w = wilsonInterval(x, n, { confidence });
  return { n, estimate: w.estimate, ci: [w.lower, w.upper] };
}

// --- latency and TTFT quantiles -------------------------------------------------------------------------

function quantileComparison(
  metric: string,
  p: number,
  arms: Record<Arm, CallRecord[]>,
  value: (c: CallRecord) => number | undefined,
  ctx: MetricContext,
  seed: number,
): MetricComparison | null {
  const { s } = ctx;
  const vals = (cs: CallRecord[]) => cs.map(value).filter((v): v is number => v !== undefined);
  const x = vals(arms.primary);
  const y = vals(arms.canary);
  if (x.length < 2 || y.length < 2) {
    if (!ctx.seedOffset)
      ctx.notes.push(
        `${metric}: not measured, fewer than 2 ok calls with a value in an arm (${x.length} primary, ${y.length} canary).`,
      );
    return null;
  }
  const boot = { resamples: s.resamples, confidence: s.confidence, seed };
  const primary = quantileArm(x, p, boot);
  const canary = quantileArm(y, p, { ...boot, seed: seed + 7919 });

  // Pair by item (and repeat) where both arms have a value.
  const px = new Map<string, number>();
  for (const c of arms.primary) {
    const v = value(c);
    if (v !== undefined) px.set(keyOf(c.itemId, c.repeat), v);
  }
  const pairedX: number[] = [];
  const pairedY: number[] = [];
  for (const c of arms.canary) {
    const v = value(c);
    const u = px.get(keyOf(c.itemId, c.repeat));
    if (v !== undefined && u !== undefined) {
      pairedX.push(u);
      pairedY.push(v);
    }
  }
  const paired = pairedX.length >= 2 && pairedX.length >= 0.5 * Math.min(x.length, y.length);
  const dx = paired ? pairedX : x;
  const dy = paired ? pairedY : y;
  let delta: MetricComparison['delta'];
  let how: string;
  try {
    const d = differenceCI(dx, dy, p, { ...boot, seed: seed + 104729, paired });
    delta = d.delta;
    how = d.method;
  } catch {
    delta = { estimate: quantile(dy, p) - quantile(dx, p), ci: [Number.NaN, Number.NaN] };
    how = 'no interval';
  }
  let test: TestResult;
  let testName: string;
  if (paired) {
    test = safeTest(() => wilcoxonSignedRank(pairedY, pairedX), 'Wilcoxon signed-rank test');
    testName = `Paired bootstrap (${how}) of the quantile difference over the ${dx.length} items both arms answered; p-value: ${test.method}`;
  } else {
    test = safeTest(() => mannWhitneyU(y, x), 'Mann-Whitney U test');
    testName = `Independent bootstrap (${how}) of the quantile difference; p-value: ${test.method}`;
  }
  return {
    metric,
    unit: METRIC_UNITS.latency,
    better: 'lower',
    primary,
    canary,
    delta,
    test: { method: testName, statistic: test.statistic, pValue: test.pValue },
  };
}

/** The bootstrap interval of one arm's quantile: BCa, falling back to the percentile interval. */
function quantileArm(
  values: number[],
  p: number,
  boot: { resamples: number; confidence: number; seed: number },
): ArmEstimate {
  const r = bootWithFallback((method) =>
    bootstrapCI({ samples: [values], statistic: quantileStatistic(p), method, ...boot }),
  );
  return {
    n: values.length,
    estimate: r ? r.estimate : quantile(values, p),
    ci: r ? [r.lower, r.upper] : [Number.NaN, Number.NaN],
  };
}

function differenceCI(
  x: number[],
  y: number[],
  p: number,
  o: { resamples: number; confidence: number; seed: number; paired: boolean },
): { delta: MetricComparison['delta']; method: string } {
  for (const method of ['bca', 'percentile'] as const) {
    try {
      const r = quantileDifferenceCI(x, y, p, { ...o, method });
      return {
        delta: {
          estimate: r.difference.estimate,
          ci: [r.difference.lower, r.difference.upper],
          relative: {
            estimate: r.ratio.estimate - 1,
            ci: [r.ratio.lower - 1, r.ratio.upper - 1],
          },
        },
        method: method === 'bca' ? 'BCa' : 'percentile',
      };
    } catch (e) {
      if (method === 'percentile' && !(e instanceof RangeError)) throw e;
      if (method === 'percentile') {
        // The ratio is undefined (a zero quantile): report the difference alone.
        const r = bootstrapCI({
          samples: [x, y],
          statistic: quantileStatistic(p, (qx, qy) => qy - qx),
          method: 'percentile',
          resamples: o.resamples,
          confidence: o.confidence,
          seed: o.seed,
          paired: o.paired,
        });
        return { delta: { estimate: r.estimate, ci: [r.lower, r.upper] }, method: 'percentile' };
      }
    }
  }
  throw new Error('unreachable');
}

function bootWithFallback(
  run: (method: 'bca' | 'percentile') => BootstrapCIResult,
): BootstrapCIResult | null {
  try {
    return run('bca');
  } catch {
    try {
      return run('percentile');
    } catch {
      return null;
    }
  }
}

function safeTest(fn: () => TestResult, method: string): TestResult {
  try {
    return fn();
  } catch {
    // Every difference zero / every value equal: no evidence of a difference.
    return {
      method: `${method} (undefined: no differences)`,
      statistic: 0,
      pValue: 1,
      alternative: 'two-sided',
    };
  }
}

// --- cost -----------------------------------------------------------------------------------------------

/**
 * Calls of an arm whose price is known: fresh calls (what the model charged) and cache hits that carry the
 * original cost of their answer (a hit costs nothing new, but production would pay that price).
 */
const billable = (cs: CallRecord[]) =>
  cs.filter((c) => !c.cached || c.originalCostUsd !== undefined).map(priced);
const priced = (c: CallRecord): CallRecord =>
  c.cached && c.originalCostUsd !== undefined ? { ...c, costUsd: c.originalCostUsd } : c;
const tokensOf = (c: CallRecord) => c.usage.promptTokens + c.usage.completionTokens;

function armCost(cs: CallRecord[], monthlyRequests: number): ArmCost {
  const b = billable(cs);
  const totalUsd = b.reduce((a, c) => a + c.costUsd, 0);
  const tokens = b.reduce((a, c) => a + tokensOf(c), 0);
  const perRequestUsd = b.length > 0 ? totalUsd / b.length : 0;
  return {
    totalUsd,
    requests: b.length,
    tokens,
    per1kTokensUsd: tokens > 0 ? (1000 * totalUsd) / tokens : 0,
    perRequestUsd,
    monthlyUsd: perRequestUsd * monthlyRequests,
  };
}

function costComparisons(arms: Record<Arm, CallRecord[]>, ctx: MetricContext): MetricComparison[] {
  const out: MetricComparison[] = [];
  const bp = billable(arms.primary);
  const bc = billable(arms.canary);
  if (bp.length < 2 || bc.length < 2) {
    if (!ctx.seedOffset)
      ctx.notes.push(
        `Cost not compared: fewer than 2 priced calls in an arm (${bp.length} primary, ${bc.length} canary).`,
      );
    return out;
  }
  // Pair request i of both arms when both arms made exactly the same (item, repeat) calls.
  const kp = bp.map((c) => keyOf(c.itemId, c.repeat)).sort();
  const kc = bc.map((c) => keyOf(c.itemId, c.repeat)).sort();
  const paired = kp.length === kc.length && kp.every((k, i) => k === kc[i]);
  const order = (cs: CallRecord[]) =>
    paired
      ? [...cs].sort((a, b) => {
          const ka = keyOf(a.itemId, a.repeat);
          const kb = keyOf(b.itemId, b.repeat);
          return ka < kb ? -1 : ka > kb ? 1 : 0;
        })
      : cs;
  const op = order(bp);
  const oc = order(bc);
  const specs: Array<{
    metric: string;
    unit: string;
    data: (cs: CallRecord[]) => RatioData;
    scale: number;
    what: string;
  }> = [
    {
      metric: 'cost_per_1k_tokens_usd',
      unit: METRIC_UNITS.cost_per_1k_tokens_usd,
      data: (cs) => ({ numerators: cs.map((c) => c.costUsd), denominators: cs.map(tokensOf) }),
      scale: 1000,
      what: 'total cost / total tokens',
    },
    {
      metric: 'cost_per_request_usd',
      unit: METRIC_UNITS.cost_per_request_usd,
      data: (cs) => ({ numerators: cs.map((c) => c.costUsd), denominators: cs.map(() => 1) }),
      scale: 1,
      what: 'total cost / requests',
    },
  ];
  for (const spec of specs) {
    try {
      const r = ratioDifferenceCI(spec.data(op), spec.data(oc), {
        scale: spec.scale,
        confidence: ctx.s.confidence,
        paired,
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
          method: `Delta method z-test of the difference of ratio metrics (${spec.what}), ${paired ? 'paired by item' : 'independent arms'}; relative change interval from the log ratio`,
          statistic: z,
          pValue: se > 0 ? Math.min(1, 2 * normalSf(Math.abs(z))) : 1,
        },
      });
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      if (!ctx.seedOffset) ctx.notes.push(`${spec.metric}: not compared (${e.message}).`);
    }
  }
  return out;
}

// --- quality --------------------------------------------------------------------------------------------

function qualityComparisons(
  calls: CallRecord[],
  scores: readonly ScoreRecord[],
  ctx: MetricContext,
): QualityComparison[] {
  const { s } = ctx;
  const callKeys: Record<Arm, Set<string>> = { primary: new Set(), canary: new Set() };
  const okKeys: Record<Arm, Set<string>> = { primary: new Set(), canary: new Set() };
  for (const c of calls) {
    callKeys[c.arm].add(keyOf(c.itemId, c.repeat));
    if (c.ok) okKeys[c.arm].add(keyOf(c.itemId, c.repeat));
  }
  const scorers: string[] = [];
  const byScorer = new Map<string, Record<Arm, Map<string, ScoreRecord>>>();
  const scorerErrors = new Map<string, Record<Arm, number>>();
  for (const r of scores) {
    if (!byScorer.has(r.scorer)) {
      scorers.push(r.scorer);
      byScorer.set(r.scorer, { primary: new Map(), canary: new Map() });
      scorerErrors.set(r.scorer, { primary: 0, canary: 0 });
    }
    const k = keyOf(r.itemId, r.repeat);
    // Only scores of ok calls of this run count; a failed call is excluded, never a bad answer.
    if (!okKeys[r.arm]?.has(k)) continue;
    const m = (byScorer.get(r.scorer) as Record<Arm, Map<string, ScoreRecord>>)[r.arm];
    if (r.score === null || r.error !== undefined || !Number.isFinite(r.score)) {
      if (!m.has(k)) (scorerErrors.get(r.scorer) as Record<Arm, number>)[r.arm]++;
      continue;
    }
    m.set(k, r);
  }
  const out: QualityComparison[] = [];
  for (const scorer of scorers) {
    const m = byScorer.get(scorer) as Record<Arm, Map<string, ScoreRecord>>;
    const keys = [...m.primary.keys()].filter((k) => m.canary.has(k)).sort();
    const excluded = {
      primary: callKeys.primary.size - keys.length,
      canary: callKeys.canary.size - keys.length,
    };
    const all = [...m.primary.values(), ...m.canary.values()];
    const kind: 'pass' | 'score' =
      all.length > 0 && all.every((r) => typeof r.pass === 'boolean') ? 'pass' : 'score';
    if (!ctx.seedOffset) {
      const failed = {
        primary: callKeys.primary.size - okKeys.primary.size,
        canary: callKeys.canary.size - okKeys.canary.size,
      };
      const errs = scorerErrors.get(scorer) as Record<Arm, number>;
      if (excluded.primary + excluded.canary > 0)
        ctx.notes.push(
          `Quality '${scorer}': ${keys.length} items paired; left out ${excluded.primary} primary and ${excluded.canary} canary calls (${failed.primary} + ${failed.canary} failed calls, never counted as wrong answers; ${errs.primary} + ${errs.canary} scorer errors; the rest lacked a score from the other arm).`,
        );
    }
    if (keys.length < 2) {
      if (!ctx.seedOffset)
        ctx.notes.push(`Quality '${scorer}': fewer than 2 items scored for both arms, not compared.`);
      continue;
    }
    try {
      out.push(
        kind === 'pass'
          ? passComparison({ scorer, keys, m, excluded }, s)
          : scoreComparison({ scorer, keys, m, excluded }, s),
      );
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      if (!ctx.seedOffset) ctx.notes.push(`Quality '${scorer}': not compared (${e.message}).`);
    }
  }
  return out;
}

/** One scorer's records of the items scored for both arms (`keys`), and the calls left out. */
interface PairedScores {
  scorer: string;
  keys: string[];
  m: Record<Arm, Map<string, ScoreRecord>>;
  excluded: { primary: number; canary: number };
}

function passComparison(paired: PairedScores, s: Settings): QualityComparison {
  const { scorer, keys, m, excluded } = paired;
  let xp = 0;
  let xc = 0;
  let b = 0;
  let c = 0;
  for (const k of keys) {
    const p = (m.primary.get(k) as ScoreRecord).pass === true;
    const q = (m.canary.get(k) as ScoreRecord).pass === true;
    if (p) xp++;
    if (q) xc++;
    if (p && !q) b++;
    if (q && !p) c++;
  }
  const n = keys.length;
  const alpha = (1 - s.confidence) / 2;
  const margin = Math.min(s.margin, 0.999);
  const ni = pairedProportionNonInferiority({ b, c, n }, { margin, alpha });
  // Two-sided Tango score interval: the lower bound of c − b, and minus the lower bound of b − c.
  const upper = -pairedProportionNonInferiority({ b: c, c: b, n }, { margin, alpha }).lowerBound;
  const test = mcnemarTest({ b, c }, { exact: true });
  return {
    scorer,
    kind: 'pass',
    primary: wilson(xp, n, s.confidence),
    canary: wilson(xc, n, s.confidence),
    delta: { estimate: (c - b) / n, ci: [ni.lowerBound, upper] },
    n,
    excluded,
    discordant: { b, c },
    test,
    nonInferiority: ni,
  };
}

function scoreComparison(paired: PairedScores, s: Settings): QualityComparison {
  const { scorer, keys, m, excluded } = paired;
  const xp = keys.map((k) => (m.primary.get(k) as ScoreRecord).score as number);
  const xc = keys.map((k) => (m.canary.get(k) as ScoreRecord).score as number);
  const n = keys.length;
  const alpha = (1 - s.confidence) / 2;
  const ni = pairedNonInferiority(xp, xc, { margin: s.margin, alpha });
  const upper = -pairedNonInferiority(xc, xp, { margin: s.margin, alpha }).lowerBound;
  const d = xc.map((v, i) => v - xp[i]);
  const meanD = d.reduce((a, v) => a + v, 0) / n;
  const sd = Math.sqrt(variance(d));
  let pairedT: TestResult;
  if (sd > 0) {
    const t = meanD / (sd / Math.sqrt(n));
    pairedT = {
      method: 'Paired t-test',
      statistic: t,
      pValue: Math.min(1, 2 * tSf(Math.abs(t), n - 1)),
      alternative: 'two-sided',
      df: n - 1,
    };
  } else {
    pairedT = {
      method: 'Paired t-test (every difference equal)',
      statistic: meanD === 0 ? 0 : Math.sign(meanD) * Number.POSITIVE_INFINITY,
      pValue: meanD === 0 ? 1 : 0,
      alternative: 'two-sided',
      df: n - 1,
    };
  }
  return {
    scorer,
    kind: 'score',
    primary: meanEstimate(xp, s.confidence),
    canary: meanEstimate(xc, s.confidence),
    delta: { estimate: meanD, ci: [ni.lowerBound, upper] },
    n,
    excluded,
    test: safeTest(() => wilcoxonSignedRank(xc, xp), 'Wilcoxon signed-rank test'),
    pairedT,
    nonInferiority: ni,
  };
}

function meanEstimate(x: number[], confidence: number): ArmEstimate {
  const n = x.length;
  const m = x.reduce((a, v) => a + v, 0) / n;
  const half = tQuantile(1 - (1 - confidence) / 2, n - 1) * Math.sqrt(variance(x) / n);
  return { n, estimate: m, ci: [m - half, m + half] };
}

function qualityMetric(q: QualityComparison): MetricComparison {
  return {
    metric: `quality:${q.scorer}`,
    unit: q.kind === 'pass' ? METRIC_UNITS.quality_pass : METRIC_UNITS.quality_score,
    better: 'higher',
    primary: { ...q.primary, ci: [...q.primary.ci] },
    canary: { ...q.canary, ci: [...q.canary.ci] },
    delta: { estimate: q.delta.estimate, ci: [...q.delta.ci] },
    test: { method: q.test.method, statistic: q.test.statistic, pValue: q.test.pValue },
  };
}

// --- pairwise -------------------------------------------------------------------------------------------

function pairwiseSummaries(records: readonly PairwiseRecord[], ctx: MetricContext): PairwiseSummary[] {
  const judges = [...new Set(records.map((r) => r.judge))].sort();
  const out: PairwiseSummary[] = [];
  for (const judge of judges) {
    let p: PairwiseSummary;
    try {
      p = pairwiseSummary(records, {
        judge,
        confidence: ctx.s.confidence,
        interval: 't',
        decisiveWinRate: false,
        bradleyTerryWhen: 'bothWon',
      });
    } catch (e) {
      // The judge has records, so the only RangeError left is "every judgment failed".
      if (!(e instanceof RangeError)) throw e;
      if (!ctx.seedOffset) ctx.notes.push(`Pairwise judge '${judge}': every judgment failed; no win rate.`);
      continue;
    }
    if (!ctx.seedOffset) {
      const { n, wins, ties, losses, errors, orderInconsistent } = p;
      ctx.notes.push(
        `Pairwise judge '${judge}': ${n} judgments (${wins} canary wins, ${ties} ties, ${losses} losses; ties count half)${errors > 0 ? `, ${errors} failed judgments left out` : ''}${orderInconsistent > 0 ? `; ${orderInconsistent} verdicts flipped with the answer order and were recorded as ties` : ''}.`,
      );
    }
    out.push(p);
  }
  return out;
}

function pairwiseMetric(p: PairwiseSummary): MetricComparison {
  const [lo, hi] = p.winRate.ci;
  // Sign test: canary wins against losses, ties left out (the exact binomial test McNemar uses).
  const t = mcnemarTest({ b: p.losses, c: p.wins }, { exact: true });
  return {
    metric: `pairwise_win_rate:${p.judge}`,
    unit: METRIC_UNITS.pairwise_win_rate,
    better: 'higher',
    primary: { n: p.n, estimate: 1 - p.winRate.estimate, ci: [1 - hi, 1 - lo] },
    canary: { ...p.winRate, ci: [lo, hi] },
    delta: { estimate: 2 * p.winRate.estimate - 1, ci: [2 * lo - 1, 2 * hi - 1] },
    test: {
      method: 'Sign test (exact binomial of wins vs losses, ties left out)',
      statistic: t.statistic,
      pValue: t.pValue,
    },
  };
}

// --- error windows --------------------------------------------------------------------------------------

interface Windows {
  rates: number[];
  table: number[][];
}

/**
 * Splits an arm's calls, ordered by start time, into consecutive windows of `size` calls; a last window
 * shorter than half the size joins the one before it.
 *
 * @example
 * windowRates(canaryCalls, 50).rates; // => [0, 0.02, 0, 0.04, …] (failed share of each window)
 */
export function windowRates(calls: readonly CallRecord[], size: number): Windows {
  const sorted = [...calls].sort(
    (a, b) =>
      Date.parse(a.startedAt) - Date.parse(b.startedAt) ||
      (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0) ||
      (a.repeat ?? 0) - (b.repeat ?? 0),
  );
  const groups: CallRecord[][] = [];
  for (let i = 0; i < sorted.length; i += size) groups.push(sorted.slice(i, i + size));
  if (groups.length >= 2 && groups[groups.length - 1].length < size / 2) {
    const last = groups.pop() as CallRecord[];
    groups[groups.length - 1].push(...last);
  }
  const table = groups.map((g) => {
    const fail = g.filter((c) => !c.ok).length;
    return [g.length - fail, fail];
  });
  return { rates: table.map(([ok, fail]) => fail / (ok + fail)), table };
}

function homogeneityTest(w: Windows): TestResult {
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
  const arm = (x: number[], seed: number): ArmEstimate => {
    const est = variance(x);
    const r = x.every((v) => v === x[0])
      ? null
      : bootWithFallback(() =>
          bootstrapCI({
            samples: [x],
            statistic: varStat,
            method: 'percentile',
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
    : bootWithFallback(() =>
        bootstrapCI({
          samples: [p, c],
          statistic: (x, y) => varStat(y) - varStat(x),
          method: 'percentile',
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

// --- helpers --------------------------------------------------------------------------------------------

function readOptions(opts: AnalyzeOptions): Settings {
  const bad = (field: string, expected: string, got: unknown) =>
    new AnalysisError(
      'ANALYSIS_BAD_OPTION',
      `analyzeRun: ${field}: expected ${expected}, got ${String(got)}`,
    );
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
  return {
    confidence,
    seed,
    resamples,
    margin,
    monthlyRequests,
    windowSize: opts.windowSize,
    qualityScorer: opts.qualityScorer,
  };
}

/** One record per (item, arm, repeat): the last one wins, as in calls.jsonl after a retry. */
function dedupeCalls(calls: readonly CallRecord[]): CallRecord[] {
  const m = new Map<string, CallRecord>();
  for (const c of calls) m.set(`${c.arm}\u0000${keyOf(c.itemId, c.repeat)}`, c);
  return [...m.values()];
}

function splitArms(calls: readonly CallRecord[]): Record<Arm, CallRecord[]> {
  return {
    primary: calls.filter((c) => c.arm === 'primary'),
    canary: calls.filter((c) => c.arm === 'canary'),
  };
}

function errorsByKind(cs: readonly CallRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of cs) {
    if (c.ok) continue;
    const k = c.errorKind ?? 'unknown';
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

const clampP = (p: number) => (Number.isFinite(p) ? Math.min(1, Math.max(0, p)) : 1);
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const fmtPct = (x: number) => `${Number((100 * x).toFixed(2))}%`;
