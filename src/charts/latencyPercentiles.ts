// Bars of each arm's latency percentiles (P50/P95/P99, TTFT P50/P95) with confidence-interval whiskers.
import type { TopLevelSpec } from 'vega-lite';
import { formatConfidence } from '../format';
import type { MetricComparison } from '../types';
import {
  ARMS,
  armAxisX,
  armColor,
  ChartInputError,
  INK,
  type Json,
  r6,
  topLevel,
  type UnitStyle,
  unitStyle,
  withUnit,
} from './theme';

/** Input of {@link percentileBarsSpec}. */
export interface PercentileBarsInput {
  /** Comparisons; the chart reads the non-segment latency_p50/p95/p99_ms and ttft_p50/p95_ms ones. */
  comparisons: readonly MetricComparison[];
  /** Confidence of the intervals, for the subtitle (default 0.95). */
  confidence?: number;
}

/** The metrics of {@link percentileBarsSpec}, in panel order. */
export const PERCENTILE_METRICS: ReadonlyArray<{ metric: string; label: string }> = [
  { metric: 'latency_p50_ms', label: 'P50 latency' },
  { metric: 'latency_p95_ms', label: 'P95 latency' },
  { metric: 'latency_p99_ms', label: 'P99 latency' },
  { metric: 'ttft_p50_ms', label: 'P50 time to first token' },
  { metric: 'ttft_p95_ms', label: 'P95 time to first token' },
];

/**
 * Bars of each arm's latency percentiles (P50/P95/P99 and TTFT P50/P95, whichever are present), one panel per
 * percentile, with confidence-interval whiskers.
 *
 * @throws {ChartInputError} when none of the percentile metrics is present or one has a non-finite estimate
 * @example
 * percentileBarsSpec({ comparisons: analysis.comparisons });
 */
export function percentileBarsSpec(input: PercentileBarsInput): TopLevelSpec {
  const { rows, present, unit } = percentileRows(input.comparisons);
  const style = unitStyle(unit);
  const conf = formatConfidence(input.confidence ?? 0.95);
  return topLevel({
    title: {
      text: 'Latency percentiles per arm',
      subtitle: `Bars: estimate; whiskers: ${conf} confidence interval`,
    },
    data: { values: rows },
    facet: {
      column: {
        field: 'metric',
        type: 'nominal',
        sort: present,
        title: null,
        header: { labelOrient: 'bottom' },
      },
    },
    spec: {
      width: 90,
      height: 240,
      layer: percentileBarLayers(style),
    },
  });
}

/**
 * A row per arm of each percentile metric present, the present metrics' labels in panel order, and the unit
 * (of the last one present).
 * @throws {ChartInputError} when none is present or an estimate is not finite
 */
function percentileRows(comparisons: readonly MetricComparison[]): {
  rows: Json[];
  present: string[];
  unit: string;
} {
  const fn = 'percentileBarsSpec';
  const rows: Json[] = [];
  const present: string[] = [];
  let unit = 'ms';
  for (const { metric, label } of PERCENTILE_METRICS) {
    const mc = comparisons.find((c) => c.metric === metric && !c.segment);
    if (!mc) continue;
    unit = mc.unit;
    present.push(label);
    for (const arm of ARMS) {
      const e = mc[arm];
      if (!Number.isFinite(e.estimate)) {
        throw new ChartInputError(
          `${fn}: ${metric}.${arm}.estimate is ${e.estimate}; expected a finite number`,
        );
      }
      rows.push({
        metric: label,
        arm,
        estimate: r6(e.estimate),
        lo: r6(e.ci[0]),
        hi: r6(e.ci[1]),
        n: e.n,
      });
    }
  }
  if (rows.length === 0) {
    throw new ChartInputError(
      `${fn}: comparisons have none of ${PERCENTILE_METRICS.map((m) => m.metric).join(', ')}`,
    );
  }
  return { rows, present, unit };
}

/** One panel's layers: the estimate as a bar, the interval as a whisker with ticks at both ends. */
function percentileBarLayers(style: UnitStyle): Json[] {
  const y = { field: 'estimate', type: 'quantitative', title: withUnit('Latency', style.label) };
  return [
    {
      mark: { type: 'bar' },
      encoding: {
        x: armAxisX(),
        y: { ...y, axis: { format: style.format } },
        color: armColor(false),
        tooltip: [
          { field: 'arm', type: 'nominal', title: 'Arm' },
          { field: 'estimate', type: 'quantitative', title: 'Estimate', format: style.format },
          { field: 'lo', type: 'quantitative', title: 'CI low', format: style.format },
          { field: 'hi', type: 'quantitative', title: 'CI high', format: style.format },
          { field: 'n', type: 'quantitative', title: 'n' },
        ],
      },
    },
    {
      mark: { type: 'rule', color: INK, strokeWidth: 1.5 },
      encoding: { x: armAxisX(), y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } },
    },
    {
      mark: { type: 'tick', color: INK, thickness: 1.5, size: 12 },
      encoding: { x: armAxisX(), y: { field: 'lo', type: 'quantitative' } },
    },
    {
      mark: { type: 'tick', color: INK, thickness: 1.5, size: 12 },
      encoding: { x: armAxisX(), y: { field: 'hi', type: 'quantitative' } },
    },
  ];
}
