import type { TopLevelSpec } from 'vega-lite';
import { histogramEcdf, histogramQuantile } from '../analysis/summary/histogram';
import type { LogHistogram } from '../analysis/summary/types';
import { formatNumber } from '../format';
import { percentiles as samplePercentiles } from '../stats/quantile';
import type { Arm, MetricComparison } from '../types';
import {
  ARM_DASHES,
  ARMS,
  armColor,
  armShape,
  ChartInputError,
  checkFinite,
  INK,
  type Json,
  r6,
  shareEncoding,
  topLevel,
  unitStyle,
  withUnit,
} from './theme';

/** One point of an empirical CDF: F(x) = share of values ≤ x. */
export interface EcdfPoint {
  x: number;
  cdf: number;
}

/**
 * The empirical CDF of a sample, at most `maxPoints` points: every distinct step when the sample is small
 * enough, else the ECDF evaluated at the order statistics x₍ᵢ₎ with i = max(1, ⌈n·k/(m − 1)⌉), k = 0…m − 1
 * (so the minimum and the maximum are always kept, and every point lies exactly on the full ECDF).
 * Deterministic: no sampling.
 *
 * @throws {ChartInputError} when a value is not finite or maxPoints < 2
 * @example
 * ecdfPoints([3, 1, 2, 2]); // => [{x:1,cdf:0.25},{x:2,cdf:0.75},{x:3,cdf:1}]
 */
export function ecdfPoints(values: readonly number[], maxPoints = 500): EcdfPoint[] {
  checkFinite('ecdfPoints', 'values', values);
  if (!Number.isInteger(maxPoints) || maxPoints < 2) {
    throw new ChartInputError(`ecdfPoints: maxPoints is ${maxPoints}; expected an integer ≥ 2`);
  }
  const n = values.length;
  if (n === 0) return [];
  const sorted = Float64Array.from(values).sort();
  // The last index of each distinct value: the ECDF's steps.
  const steps: number[] = [];
  for (let i = 0; i < n; i++) if (i === n - 1 || sorted[i + 1] !== sorted[i]) steps.push(i);
  const at = (i: number): EcdfPoint => ({ x: sorted[i], cdf: (i + 1) / n });
  if (steps.length <= maxPoints) return steps.map(at);
  const out: EcdfPoint[] = [];
  let last = -1;
  for (let k = 0; k < maxPoints; k++) {
    let i = Math.max(0, Math.ceil((n * k) / (maxPoints - 1)) - 1);
    // Move to the end of a run of ties: the ECDF's value at x₍ᵢ₎ counts all of them.
    while (i < n - 1 && sorted[i + 1] === sorted[i]) i++;
    if (i !== last) out.push(at(i));
    last = i;
  }
  return out;
}

const isHistogram = (a: readonly number[] | LogHistogram): a is LogHistogram =>
  !Array.isArray(a) && typeof (a as LogHistogram).count === 'number';

/** At most `maxPoints` of a histogram's ECDF steps, evenly by index, always keeping the first and the last. */
function thinEcdf(pts: EcdfPoint[], maxPoints: number): EcdfPoint[] {
  if (pts.length <= maxPoints) return pts;
  const out: EcdfPoint[] = [];
  let last = -1;
  for (let k = 0; k < maxPoints; k++) {
    const i = Math.round((k * (pts.length - 1)) / (maxPoints - 1));
    if (i !== last) out.push(pts[i]);
    last = i;
  }
  return out;
}

/** Input of {@link latencyEcdfSpec}. */
export interface LatencyEcdfInput {
  /**
   * latencyMs of each arm's successful calls: the values, or their log-spaced histogram (a run's
   * `analysis.summary.<arm>.latencyMs`; the curve then steps at the buckets, within 0.35% of the values).
   */
  primary: readonly number[] | LogHistogram;
  canary: readonly number[] | LogHistogram;
  /**
   * Comparisons carrying `latency_p50_ms`, `latency_p95_ms`, `latency_p99_ms` (non-segment); the markers use
   * their estimates. Markers of a metric not given are computed from the sample (type-7 quantile).
   */
  percentiles?: readonly MetricComparison[];
  /** Points per arm after downsampling (default 500). */
  maxPoints?: number;
}

const HEIGHT = 300;

const MARKERS = [
  { label: 'P50', p: 0.5, metric: 'latency_p50_ms' },
  { label: 'P95', p: 0.95, metric: 'latency_p95_ms' },
  { label: 'P99', p: 0.99, metric: 'latency_p99_ms' },
] as const;

/**
 * Latency ECDF of both arms (step lines, primary solid, canary dashed) with P50, P95 and P99 of each arm
 * marked by a rule, a point in the arm's shape and a label.
 *
 * @throws {ChartInputError} when both arms are empty or a latency is not finite
 * @example
 * latencyEcdfSpec({ primary: [120, 180, 240], canary: [100, 150, 400] });
 */
export function latencyEcdfSpec(input: LatencyEcdfInput): TopLevelSpec {
  const maxPoints = input.maxPoints ?? 500;
  checkLatencies(input);
  const curve: Json[] = [];
  const markers: Json[] = [];
  let downsampled = false;
  for (const arm of ARMS) {
    const values = input[arm];
    if (sizeOf(values) === 0) continue;
    const ecdf = armEcdf(values, maxPoints);
    if (ecdf.downsampled) downsampled = true;
    for (const p of ecdf.pts) curve.push({ arm, latencyMs: r6(p.x), share: r6(p.cdf) });
    markers.push(...armMarkers(input, arm, ecdf.computed));
  }
  const x = {
    field: 'latencyMs',
    type: 'quantitative',
    title: withUnit('Latency', 'ms'),
    axis: { format: ',.0f' },
  };
  const n = (arm: Arm) => formatNumber(sizeOf(input[arm]));
  return topLevel({
    title: {
      text: 'Latency of successful calls: empirical CDF',
      subtitle: [
        `n = ${n('primary')} primary, ${n('canary')} canary calls; P50, P95 and P99 of each arm marked` +
          (downsampled ? ` (curves drawn through at most ${maxPoints} points per arm)` : ''),
      ],
    },
    width: 520,
    height: HEIGHT,
    layer: [
      ecdfCurveLayer(x, curve),
      ...percentileMarkerLayers(x, markers),
      ...percentileLabelLayers(x, markers),
    ],
  });
}

const sizeOf = (a: readonly number[] | LogHistogram) => (isHistogram(a) ? a.count : a.length);

/** @throws {ChartInputError} when a latency is not finite or both arms are empty */
function checkLatencies(input: LatencyEcdfInput): void {
  const fn = 'latencyEcdfSpec';
  for (const arm of ARMS) {
    const a = input[arm];
    if (!isHistogram(a)) checkFinite(fn, arm, a);
  }
  if (sizeOf(input.primary) === 0 && sizeOf(input.canary) === 0) {
    throw new ChartInputError(`${fn}: primary and canary are both empty; expected latencies of ok calls`);
  }
}

/**
 * One arm's curve (at most `maxPoints` ECDF points), whether it was thinned, and the P50/P95/P99 of its
 * values or histogram.
 */
function armEcdf(
  values: readonly number[] | LogHistogram,
  maxPoints: number,
): { pts: EcdfPoint[]; downsampled: boolean; computed: number[] } {
  if (isHistogram(values)) {
    const all = histogramEcdf(values);
    const pts = thinEcdf(all, maxPoints);
    return {
      pts,
      downsampled: pts.length < all.length,
      computed: MARKERS.map((m) => histogramQuantile(values, m.p)),
    };
  }
  const pts = ecdfPoints(values, maxPoints);
  return {
    pts,
    downsampled: pts.length < new Set(values).size,
    computed: samplePercentiles(
      values,
      MARKERS.map((m) => m.p),
    ),
  };
}

/** One arm's percentile markers: the comparisons' estimates where given, else the computed percentiles. */
function armMarkers(input: LatencyEcdfInput, arm: Arm, computed: readonly number[]): Json[] {
  return MARKERS.map((m, j) => {
    const mc = input.percentiles?.find((c) => c.metric === m.metric && !c.segment);
    const fromComparison = mc?.[arm].estimate;
    const value =
      typeof fromComparison === 'number' && Number.isFinite(fromComparison) ? fromComparison : computed[j];
    return {
      arm,
      percentile: m.label,
      p: m.p,
      base: 0,
      latencyMs: r6(value),
    };
  });
}

/** The ECDF step lines: colour and dash by arm. */
function ecdfCurveLayer(x: Json, curve: Json[]): Json {
  return {
    data: { values: curve },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
    encoding: {
      x,
      y: shareEncoding('share', 'Share of calls at or below (%)'),
      color: armColor(true),
      strokeDash: {
        field: 'arm',
        type: 'nominal',
        title: 'Arm',
        scale: { domain: [...ARMS], range: ARMS.map((a) => ARM_DASHES[a]) },
        legend: { orient: 'top', title: null },
      },
    },
  };
}

/** Each percentile marker: a dotted rule up from the axis and a point in the arm's colour and shape. */
function percentileMarkerLayers(x: Json, markers: Json[]): Json[] {
  return [
    {
      data: { values: markers },
      mark: { type: 'rule', strokeDash: [2, 2], strokeWidth: 1 },
      encoding: {
        x,
        y: { field: 'base', type: 'quantitative' },
        y2: { field: 'p' },
        color: armColor(true),
      },
    },
    {
      data: { values: markers },
      mark: { type: 'point', filled: true, size: 60, stroke: INK, strokeWidth: 0.5 },
      encoding: {
        x,
        y: { field: 'p', type: 'quantitative' },
        color: armColor(true),
        shape: armShape(true),
        tooltip: [
          { field: 'arm', type: 'nominal', title: 'Arm' },
          { field: 'percentile', type: 'nominal', title: 'Percentile' },
          { field: 'latencyMs', type: 'quantitative', title: 'Latency (ms)', format: ',.0f' },
        ],
      },
    },
  ];
}

/**
 * The percentile labels: one short tag per percentile, left of the leftmost marker; the values per arm in a
 * key at lower right.
 */
function percentileLabelLayers(x: Json, markers: Json[]): Json[] {
  const tags = MARKERS.flatMap((m) => {
    const xs = markers.filter((k) => k.percentile === m.label).map((k) => k.latencyMs as number);
    return xs.length > 0 ? [{ percentile: m.label, p: m.p, latencyMs: Math.min(...xs) }] : [];
  });
  const key = MARKERS.map((m, i) => ({
    py: HEIGHT - 6 - 14 * (MARKERS.length - 1 - i),
    text: `${m.label}: ${ARMS.flatMap((arm) => {
      const k = markers.find((x) => x.arm === arm && x.percentile === m.label);
      return k ? [`${arm} ${unitStyle('ms').fmt(k.latencyMs as number)}`] : [];
    }).join(' · ')}`,
  }));
  return [
    {
      data: { values: tags },
      mark: {
        type: 'text',
        align: 'right',
        baseline: 'middle',
        dx: -8,
        fontSize: 10,
        fontWeight: 'bold',
        color: INK,
      },
      encoding: {
        x,
        y: { field: 'p', type: 'quantitative' },
        text: { field: 'percentile', type: 'nominal' },
      },
    },
    {
      data: { values: key },
      mark: { type: 'text', align: 'right', baseline: 'bottom', fontSize: 10, color: INK },
      encoding: {
        x: { value: 'width' },
        y: { field: 'py', type: 'quantitative', scale: null },
        text: { field: 'text', type: 'nominal' },
      },
    },
  ];
}
