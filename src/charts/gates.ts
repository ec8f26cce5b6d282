import type { TopLevelSpec } from 'vega-lite';
import { formatConfidence, formatMetricValue, formatNumber, formatRelative, formatSigned } from '../format';
import type { GateResult, MetricComparison } from '../types';
import {
  ChartInputError,
  INK,
  type Json,
  r6,
  STATUS_LABELS,
  STATUSES,
  statusColor,
  statusShape,
  topLevel,
  unitStyle,
  withUnit,
} from './theme';

/** How one gate's row is scaled and labelled. */
export interface GateAxis {
  /** x-axis title, with the unit. */
  title: string;
  /** d3 format of the axis. */
  format: string;
  /** Factor applied to observed, interval and threshold before drawing (100 for percentage points). */
  factor: number;
  /** Formats a value (before the factor) for the row's labels. */
  fmt: (x: number) => string;
}

const METRIC_LABELS: Readonly<Record<string, string>> = {
  success_rate: 'success rate',
  latency_p50_ms: 'P50 latency',
  latency_p95_ms: 'P95 latency',
  latency_p99_ms: 'P99 latency',
  ttft_p50_ms: 'P50 time to first token',
  ttft_p95_ms: 'P95 time to first token',
  cost_per_1k_tokens_usd: 'cost per 1K tokens',
  cost_per_request_usd: 'cost per request',
  quality: 'quality',
  error_rate_variance: 'error-rate variance',
  error_rate_consistency: 'error-rate consistency (τ)',
};

/** A readable name of a metric ('latency_p95_ms' → 'P95 latency'; 'quality:exact' → 'quality (exact)'). */
export function metricLabel(metric: string): string {
  const known = METRIC_LABELS[metric];
  if (known) return known;
  const i = metric.indexOf(':');
  if (i > 0) return `${metricLabel(metric.slice(0, i))} (${metric.slice(i + 1)})`;
  return metric.replace(/_/g, ' ');
}

const near = (a: number, b: number): boolean =>
  Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/**
 * Works out what a gate's numbers are — the canary's own value, the relative change, or the difference
 * canary − primary — by matching them against the gate metric's comparison, and returns the axis for it.
 * Without a matching comparison the gate's numbers are shown as they are.
 *
 * @example
 * gateAxis(decision.gates[1], analysis.comparisons).title; // => 'canary P95 latency (ms)'
 */
export function gateAxis(gate: GateResult, comparisons: readonly MetricComparison[] = []): GateAxis {
  const mc = comparisons.find((c) => c.metric === gate.metric && !c.segment);
  const name = metricLabel(gate.metric);
  const plain: GateAxis = { title: name, format: '~g', factor: 1, fmt: unitStyle('').fmt };
  if (!mc) return plain;
  // A variance of error rates is a tiny number: shown in scientific notation, not as a percentage.
  const style = unitStyle(mc.metric === 'error_rate_variance' ? 'ratio²' : mc.unit);
  const matches = (e: { estimate: number } | undefined): boolean => !!e && near(gate.observed, e.estimate);
  if (matches(mc.canary)) {
    return {
      title: withUnit(`canary ${name}`, style.label),
      format: style.format,
      factor: 1,
      fmt: style.fmt,
    };
  }
  if (matches(mc.delta.relative)) {
    return {
      title: withUnit(`${name}: relative change, canary vs primary`, '%'),
      format: '+.0%',
      factor: 1,
      fmt: (x) => formatRelative(x),
    };
  }
  if (matches(mc.delta)) {
    if (style.proportion) {
      return {
        title: withUnit(`${name}: canary − primary`, 'percentage points'),
        format: '+.1~f',
        factor: 100,
        fmt: (x) => formatMetricValue(x, mc.unit, { signed: true, digits: 1 }),
      };
    }
    return {
      title: withUnit(`${name}: canary − primary`, style.label),
      format: `+${style.format}`,
      factor: 1,
      fmt: (x) => formatSigned(x, style.fmt),
    };
  }
  return plain;
}

/** Input of {@link gateDashboardSpec}. */
export interface GateDashboardInput {
  gates: readonly GateResult[];
  /** The run's comparisons: let each row name its unit and what its numbers are (see {@link gateAxis}). */
  comparisons?: readonly MetricComparison[];
  /** A line under the title, e.g. the verdict. */
  subtitle?: string;
  /** Confidence of the gates' intervals (default 0.95). */
  confidence?: number;
}

const FN = 'gateDashboardSpec';

/**
 * The gate dashboard: one row per gate with the observed value (point shaped and coloured by status), its
 * interval (bar in the status colour), the threshold (dashed line, labelled), and the status in words in the
 * row's title. Each row has its own axis in its own unit.
 *
 * @throws {ChartInputError} when gates is empty, a status is unknown, or a threshold is not finite
 * @example
 * gateDashboardSpec({ gates: decision.gates, comparisons: analysis.comparisons });
 */
export function gateDashboardSpec(input: GateDashboardInput): TopLevelSpec {
  if (!Array.isArray(input.gates as unknown) || input.gates.length === 0) {
    throw new ChartInputError(`${FN}: gates is empty; expected the decision's GateResult[]`);
  }
  const conf = formatConfidence(input.confidence ?? 0.95);
  const rows = input.gates.map((g, i) => gateRow(g, i, input.comparisons));
  return topLevel({
    title: {
      text: 'Promotion gates',
      subtitle: [
        ...(input.subtitle ? [input.subtitle] : []),
        `Point: observed; bar: ${conf} confidence interval; dashed line: threshold. Status by colour, shape and word.`,
      ],
    },
    vconcat: rows,
    spacing: 18,
    resolve: { scale: { x: 'independent' } },
  });
}

/** What one gate row draws: the gate, its axis, and whether it has an observed value and a finite interval. */
interface GateRowParts {
  g: GateResult;
  axis: GateAxis;
  measured: boolean;
  ciOk: boolean;
}

/**
 * One gate's row of the dashboard: its own data, axis domain and layers, titled with the status in words.
 * @throws {ChartInputError} when the gate's status is unknown or its threshold is not finite
 */
function gateRow(g: GateResult, i: number, comparisons: readonly MetricComparison[] | undefined): Json {
  if (!STATUSES.includes(g.status)) {
    throw new ChartInputError(
      `${FN}: gates[${i}].status is ${String(g.status)}; expected one of ${STATUSES.join(', ')}`,
    );
  }
  if (!Number.isFinite(g.threshold)) {
    throw new ChartInputError(
      `${FN}: gates[${i}].threshold is ${String(g.threshold)}; expected a finite number`,
    );
  }
  const parts: GateRowParts = {
    g,
    axis: gateAxis(g, comparisons),
    measured: Number.isFinite(g.observed),
    ciOk: Number.isFinite(g.ci?.[0]) && Number.isFinite(g.ci?.[1]),
  };
  return {
    title: gateRowTitle(g),
    data: { values: [gateDatum(parts)] },
    width: 480,
    height: 40,
    layer: gateLayers(parts, gateDomain(parts)),
  };
}

/** The row's title: gate, severity and status in words, and the samples that would decide it when known. */
function gateRowTitle(g: GateResult): Json {
  return {
    text: `${g.gate} (${g.severity}): ${STATUS_LABELS[g.status]}`,
    fontSize: 12,
    ...(g.samplesNeeded !== undefined
      ? {
          subtitle: `about ${formatNumber(g.samplesNeeded)} more samples per arm would decide it`,
        }
      : {}),
  };
}

/** The x domain of a row: threshold, observed value and interval (scaled), padded by 20% of their span. */
function gateDomain({ g, axis, measured, ciOk }: GateRowParts): [number, number] {
  const f = axis.factor;
  const values = [g.threshold, ...(measured ? [g.observed] : []), ...(ciOk ? g.ci : [])].map((v) => v * f);
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  const span = hi - lo;
  const pad = span > 0 ? span * 0.2 : Math.abs(hi) > 0 ? Math.abs(hi) * 0.2 : 1;
  lo -= pad;
  hi += pad;
  return [lo, hi];
}

/** The row's one datum: scaled values and the labels formatted in the gate's unit. */
function gateDatum({ g, axis, measured, ciOk }: GateRowParts): Json {
  const f = axis.factor;
  return {
    gate: g.gate,
    metric: g.metric,
    status: g.status,
    threshold: r6(g.threshold * f),
    thresholdLabel: `threshold ${axis.fmt(g.threshold)}`,
    observed: measured ? r6(g.observed * f) : null,
    lo: ciOk ? r6(g.ci[0] * f) : null,
    hi: ciOk ? r6(g.ci[1] * f) : null,
    measuredLabel: measured
      ? `${axis.fmt(g.observed)}${ciOk ? ` [${axis.fmt(g.ci[0])}, ${axis.fmt(g.ci[1])}]` : ''}`
      : `no measurement of ${g.metric}`,
  };
}

/**
 * The row's layers: the dashed threshold and its label, the interval bar (when finite), the observed point
 * (when measured) and the measured label under it.
 */
function gateLayers({ axis, measured, ciOk }: GateRowParts, [lo, hi]: [number, number]): Json[] {
  const x = (field: string): Json => ({
    field,
    type: 'quantitative',
    title: axis.title,
    scale: { domain: [r6(lo), r6(hi)], nice: false, zero: false },
    axis: { format: axis.format, tickCount: 6 },
  });
  const mid = { value: 16 };
  const layer: Json[] = [
    {
      mark: { type: 'rule', strokeDash: [5, 3], color: INK, strokeWidth: 1.5 },
      encoding: { x: x('threshold') },
    },
    {
      mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, dy: 1, fontSize: 9, color: INK },
      encoding: { x: x('threshold'), y: { value: 0 }, text: { field: 'thresholdLabel', type: 'nominal' } },
    },
  ];
  if (ciOk) {
    layer.push({
      mark: { type: 'rule', strokeWidth: 5, strokeCap: 'round', opacity: 0.6 },
      encoding: { x: x('lo'), x2: { field: 'hi' }, y: mid, color: statusColor() },
    });
  }
  if (measured) {
    layer.push({
      mark: { type: 'point', filled: true, size: 150, stroke: INK, strokeWidth: 0.7, opacity: 1 },
      encoding: {
        x: x('observed'),
        y: mid,
        color: statusColor(),
        shape: statusShape(),
        tooltip: [
          { field: 'gate', type: 'nominal', title: 'Gate' },
          { field: 'status', type: 'nominal', title: 'Status' },
          { field: 'measuredLabel', type: 'nominal', title: 'Observed [interval]' },
          { field: 'thresholdLabel', type: 'nominal', title: 'Threshold' },
        ],
      },
    });
  }
  layer.push({
    mark: { type: 'text', align: 'center', baseline: 'top', dy: 2, fontSize: 10, color: INK },
    encoding: {
      x: x(measured ? 'observed' : 'threshold'),
      y: { value: 24 },
      text: { field: 'measuredLabel', type: 'nominal' },
    },
  });
  return layer;
}
