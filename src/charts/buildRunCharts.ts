import type { TopLevelSpec } from 'vega-lite';
import type { LogHistogram } from '../analysis/summary/types';
import type { RunAnalysis } from '../analysis/types';
import type { Decision, MetricComparison } from '../types';
import { costSpec } from './cost';
import { gateAxis, gateDashboardSpec } from './gates';
import { latencyEcdfSpec } from './latency';
import { PERCENTILE_METRICS, percentileBarsSpec } from './latencyPercentiles';
import { pairwiseSpec } from './pairwise';
import { qualityDifferencesSpec, qualityEstimatesSpec } from './quality';
import { errorKindsSpec, successRateSpec } from './reliability';
import { type SequentialChartInput, sequentialSpec } from './sequential';

/** One look of a monitored metric, as the sequential history stores it (decision/sequential's SequentialLook). */
interface HistoryLook {
  alwaysValidP: number;
  ci: [number, number];
  estimate: number;
}
interface HistoryCounts {
  primary: { n: number };
  canary: { n: number };
}

/**
 * The parts of the sequential monitoring summary (decision/sequential's SequentialSummary) the charts read:
 * the history's looks, oldest first.
 */
export interface SequentialHistoryInput {
  alpha: number;
  entries: ReadonlyArray<{
    runId?: string;
    cumulative: HistoryCounts;
    successRate: HistoryLook;
    qualityCumulative?: HistoryCounts;
    qualityLook?: HistoryLook;
  }>;
}

/**
 * The chart inputs of a sequential history: success rate always, quality when every look has it.
 * x is the cumulative number of calls (success rate) or paired scores (quality) of both arms.
 *
 * @example
 * sequentialChartInputs(summary).map((s) => sequentialSpec(s));
 */
export function sequentialChartInputs(
  history: SequentialHistoryInput,
  opts: { qualityBoundary?: number } = {},
): SequentialChartInput[] {
  const out: SequentialChartInput[] = [];
  const entries = history.entries ?? [];
  if (entries.length === 0) return out;
  const look = (l: HistoryLook, c: HistoryCounts, i: number) => ({
    look: i + 1,
    n: c.primary.n + c.canary.n,
    estimate: l.estimate,
    ci: l.ci,
    pValue: l.alwaysValidP,
  });
  out.push({
    looks: entries.map((e, i) => look(e.successRate, e.cumulative, i)),
    metric: 'success rate',
    unit: 'ratio',
    alpha: history.alpha,
  });
  if (entries.every((e) => e.qualityLook && e.qualityCumulative)) {
    out.push({
      looks: entries.map((e, i) =>
        look(e.qualityLook as HistoryLook, e.qualityCumulative as HistoryCounts, i),
      ),
      metric: 'quality pass rate',
      unit: 'ratio',
      alpha: history.alpha,
      ...(opts.qualityBoundary !== undefined ? { boundary: opts.qualityBoundary } : {}),
    });
  }
  return out;
}

/** One chart of a run: a stable id (file name of charts/<id>.svg), its title, and its vega-lite spec. */
export interface RunChart {
  id: string;
  title: string;
  spec: TopLevelSpec;
}

/**
 * The parts of RunAnalysis the charts read; a full RunAnalysis fits. Every part but `comparisons` is
 * optional: a chart whose data is absent is left out.
 */
export type ChartAnalysis = Pick<RunAnalysis, 'comparisons'> &
  Partial<Pick<RunAnalysis, 'errors' | 'cost' | 'quality' | 'pairwise' | 'pairwiseJudges'>> & {
    /** The run's summary: the latency ECDF is drawn from its histograms. */
    summary?: { primary: { latencyMs: LogHistogram }; canary: { latencyMs: LogHistogram } };
    /** Raw latencies of ok calls (comparison.json files written before summaries; or a notebook's own data). */
    latency?: { primary: number[]; canary: number[] };
  };

/** The quality charts of each scorer kind: [id, title] of the estimates chart and of the differences chart. */
const QUALITY_CHARTS = [
  {
    kind: 'pass',
    estimates: ['quality-pass-rates', 'Quality: pass rates'],
    differences: ['quality-differences', 'Quality: paired differences'],
  },
  {
    kind: 'score',
    estimates: ['quality-scores', 'Quality: mean scores'],
    differences: ['quality-score-differences', 'Quality: paired score differences'],
  },
] as const;

/** Input of {@link buildRunCharts}. */
export interface BuildRunChartsInput {
  analysis: ChartAnalysis;
  /** The decision (its gates feed the dashboard; their thresholds are drawn on the metric charts). */
  decision?: Pick<Decision, 'gates'> &
    Partial<Pick<Decision, 'verdict' | 'stage' | 'nextStage' | 'trafficPercent'>>;
  /**
   * Sequential monitoring, when the run is monitored: the summary updateSequentialHistory returns (one chart
   * per monitored metric), or chart inputs of your own.
   */
  sequential?: SequentialHistoryInput | SequentialChartInput | readonly SequentialChartInput[];
  /** Confidence of the intervals, for the captions (default 0.95). */
  confidence?: number;
}

const isHistory = (s: unknown): s is SequentialHistoryInput =>
  typeof s === 'object' && s !== null && Array.isArray((s as SequentialHistoryInput).entries);
const isChartInputList = (s: unknown): s is readonly SequentialChartInput[] => Array.isArray(s);

const overall = (comparisons: readonly MetricComparison[], metric: string): MetricComparison | undefined =>
  comparisons.find((c) => c.metric === metric && !c.segment);

/**
 * Every chart a run's data allows, in report order: gates, latency ECDF, latency percentiles, success
 * rate, error kinds, cost, quality pass rates, mean scores, paired differences, pairwise verdicts, sequential
 * monitoring. A chart whose data is absent (no latencies, no failures, no scorer, no judge, …) is skipped.
 *
 * @throws {ChartInputError} when data that is present cannot be drawn (a non-finite estimate, bad counts)
 * @example
 * for (const c of buildRunCharts({ analysis, decision })) await writeFile(`charts/${c.id}.svg`, await renderSvg(c.spec));
 */
export function buildRunCharts(input: BuildRunChartsInput): RunChart[] {
  const ctx: ChartContext = {
    input,
    confidence: input.confidence ?? 0.95,
    comparisons: input.analysis.comparisons ?? [],
    gates: input.decision?.gates ?? [],
  };
  return [
    ...gateCharts(ctx),
    ...latencyCharts(ctx),
    ...reliabilityCharts(ctx),
    ...costCharts(ctx),
    ...qualityCharts(ctx),
    ...sequentialCharts(ctx),
  ];
}

/** What every chart family reads: the input, and its comparisons, gates and confidence with defaults. */
interface ChartContext {
  input: BuildRunChartsInput;
  confidence: number;
  comparisons: readonly MetricComparison[];
  gates: NonNullable<BuildRunChartsInput['decision']>['gates'];
}

const chart = (id: string, title: string, spec: TopLevelSpec): RunChart => ({ id, title, spec });

/** The gate dashboard, subtitled with the verdict, when any gate was evaluated. */
function gateCharts({ input, gates, comparisons, confidence }: ChartContext): RunChart[] {
  const { decision } = input;
  if (gates.length === 0) return [];
  const verdict = decision?.verdict
    ? `Verdict: ${decision.verdict.toUpperCase()}` +
      (decision.stage ? ` at stage ${decision.stage}` : '') +
      (decision.nextStage && decision.verdict === 'promote' ? `, next: ${decision.nextStage}` : '') +
      (decision.trafficPercent !== undefined ? ` (canary traffic ${decision.trafficPercent}%)` : '')
    : undefined;
  return [
    chart(
      'gates',
      'Promotion gates',
      gateDashboardSpec({ gates, comparisons, subtitle: verdict, confidence }),
    ),
  ];
}

/** The latency ECDF (from the summary's histograms, or raw latencies) and the percentile bars. */
function latencyCharts({ input, comparisons, confidence }: ChartContext): RunChart[] {
  const { analysis } = input;
  const charts: RunChart[] = [];
  const latency = analysis.summary
    ? { primary: analysis.summary.primary.latencyMs, canary: analysis.summary.canary.latencyMs }
    : analysis.latency;
  const size = (a: number[] | LogHistogram) => (Array.isArray(a) ? a.length : a.count);
  if (latency && (size(latency.primary) > 0 || size(latency.canary) > 0)) {
    charts.push(
      chart(
        'latency-ecdf',
        'Latency distribution (ECDF)',
        latencyEcdfSpec({ primary: latency.primary, canary: latency.canary, percentiles: comparisons }),
      ),
    );
  }
  if (PERCENTILE_METRICS.some((m) => overall(comparisons, m.metric))) {
    charts.push(
      chart('latency-percentiles', 'Latency percentiles', percentileBarsSpec({ comparisons, confidence })),
    );
  }
  return charts;
}

/** The success rate per arm (with the threshold of a gate on the canary's own rate) and the error kinds. */
function reliabilityCharts({ input, gates, comparisons, confidence }: ChartContext): RunChart[] {
  const { analysis } = input;
  const charts: RunChart[] = [];
  const success = overall(comparisons, 'success_rate');
  if (success) {
    // Only a gate on the canary's own success rate has a threshold on this chart's scale.
    const gate = gates.find(
      (g) => g.metric === 'success_rate' && gateAxis(g, comparisons).title.startsWith('canary '),
    );
    charts.push(
      chart(
        'success-rate',
        'Success rate',
        successRateSpec({
          primary: success.primary,
          canary: success.canary,
          threshold: gate?.threshold,
          errors: analysis.errors,
          confidence,
        }),
      ),
    );
  }
  const errors = analysis.errors;
  const failed = (r: Record<string, number> | undefined) => Object.values(r ?? {}).some((v) => v > 0);
  if (errors && (failed(errors.primary) || failed(errors.canary))) {
    charts.push(chart('error-kinds', 'Failed calls by error kind', errorKindsSpec({ errors })));
  }
  return charts;
}

/** The cost chart, when the analysis has costs. */
function costCharts({ input, comparisons, confidence }: ChartContext): RunChart[] {
  const { cost } = input.analysis;
  if (!cost) return [];
  return [
    chart(
      'cost',
      'Cost',
      costSpec({
        cost,
        per1kTokens: overall(comparisons, 'cost_per_1k_tokens_usd'),
        perRequest: overall(comparisons, 'cost_per_request_usd'),
        confidence,
      }),
    ),
  ];
}

/** Each scorer kind's estimates and paired differences (pass/fail first), then the pairwise verdicts. */
function qualityCharts({ input, confidence }: ChartContext): RunChart[] {
  const { analysis } = input;
  const charts: RunChart[] = [];
  const quality = analysis.quality ?? [];
  for (const c of QUALITY_CHARTS) {
    if (!quality.some((q) => q.kind === c.kind)) continue;
    charts.push(
      chart(
        c.estimates[0],
        c.estimates[1],
        qualityEstimatesSpec({ scorers: quality, kind: c.kind, confidence }),
      ),
      chart(
        c.differences[0],
        c.differences[1],
        qualityDifferencesSpec({ differences: quality, kind: c.kind, confidence }),
      ),
    );
  }
  const judges = (
    analysis.pairwiseJudges?.length ? analysis.pairwiseJudges : analysis.pairwise ? [analysis.pairwise] : []
  ).filter((j) => j.n > 0);
  if (judges.length > 0) {
    charts.push(chart('pairwise', 'Quality: pairwise verdicts', pairwiseSpec({ judges, confidence })));
  }
  return charts;
}

/**
 * One sequential chart per monitored metric with a drawable look: from the history (the quality chart's
 * boundary is the threshold of a difference gate on quality) or the caller's chart inputs.
 */
function sequentialCharts({ input, gates, comparisons }: ChartContext): RunChart[] {
  const { sequential } = input;
  if (!sequential) return [];
  const qualityGate = gates.find(
    (g) => g.metric === 'quality' && gateAxis(g, comparisons).title.includes('canary − primary'),
  );
  const history = isHistory(sequential) ? sequential : undefined;
  const inputs: readonly SequentialChartInput[] = history
    ? sequentialChartInputs(history, { qualityBoundary: qualityGate?.threshold })
    : isChartInputList(sequential)
      ? sequential
      : [sequential as SequentialChartInput];
  const drawable = inputs.filter((s) =>
    s.looks.some(
      (l) => Number.isFinite(l.estimate) && Number.isFinite(l.ci?.[0]) && Number.isFinite(l.ci?.[1]),
    ),
  );
  return drawable.map((s, i) => {
    const slug = (s.metric ?? 'difference').replace(/[^a-z0-9]+/gi, '-').toLowerCase();
    const id = drawable.length === 1 && i === 0 && !history ? 'sequential' : `sequential-${slug}`;
    return chart(id, `Sequential monitoring: ${s.metric ?? 'difference'}`, sequentialSpec(s));
  });
}
