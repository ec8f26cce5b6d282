import type { TopLevelSpec } from 'vega-lite';
import { formatConfidence, formatNumber, formatPercent } from '../format';
import type { Arm, ArmEstimate } from '../types';
import {
  ARMS,
  armIntervalLayers,
  ChartInputError,
  INK,
  type Json,
  labelledStackLayers,
  OKABE_ITO,
  r6,
  topLevel,
} from './theme';

/** Input of {@link successRateSpec}. */
export interface SuccessRateInput {
  /** Success rate of each arm with its interval (the `success_rate` comparison's primary / canary). */
  primary: ArmEstimate;
  canary: ArmEstimate;
  /** The gate's minimum success rate, drawn as a dashed line (e.g. 0.995). */
  threshold?: number;
  /** Failed calls by error kind, for the subtitle's failure counts. */
  errors?: { primary: Record<string, number>; canary: Record<string, number> };
  /** Confidence of the intervals (default 0.95). */
  confidence?: number;
}

const sum = (r: Record<string, number> | undefined): number =>
  r ? Object.values(r).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0) : 0;

/**
 * Success rate of each arm: a point in the arm's shape with its confidence interval, labelled with the
 * rate, and the success-rate gate's threshold as a dashed line.
 *
 * @throws {ChartInputError} when an estimate or interval bound is not a finite proportion
 * @example
 * successRateSpec({ primary: { n: 500, estimate: 0.998, ci: [0.9928, 0.9995] }, canary: …, threshold: 0.995 });
 */
export function successRateSpec(input: SuccessRateInput): TopLevelSpec {
  const rows = ARMS.map((arm) => successRow(input, arm));
  const conf = formatConfidence(input.confidence ?? 0.95);
  const subtitle = [`Points: success rate; bars: ${conf} confidence interval`];
  if (input.errors) {
    const failed = (arm: Arm) =>
      `${arm} ${formatNumber(sum(input.errors?.[arm]))} of ${formatNumber(input[arm].n)}`;
    subtitle.push(`Failed calls: ${failed('primary')}, ${failed('canary')}`);
  }
  const y = {
    field: 'rate',
    type: 'quantitative',
    title: 'Success rate (%)',
    scale: { zero: false, nice: true },
    axis: { format: '.1%' },
  };
  const layer = armIntervalLayers({
    y,
    title: 'Success rate (%)',
    pointSize: 110,
    tooltip: [
      { field: 'arm', type: 'nominal', title: 'Arm' },
      { field: 'rate', type: 'quantitative', title: 'Success rate', format: '.2%' },
      { field: 'lo', type: 'quantitative', title: 'CI low', format: '.2%' },
      { field: 'hi', type: 'quantitative', title: 'CI high', format: '.2%' },
      { field: 'n', type: 'quantitative', title: 'Calls' },
    ],
    label: { dx: 12, fontSize: 11 },
  });
  if (input.threshold !== undefined) layer.push(...thresholdLayers(input.threshold));
  return topLevel({
    title: { text: 'Success rate per arm', subtitle },
    data: { values: rows },
    width: 260,
    height: 260,
    layer,
  });
}

/**
 * One arm's row: its success rate, interval, n and the rate as a label.
 * @throws {ChartInputError} when the estimate or an interval bound is not a finite proportion
 */
function successRow(input: SuccessRateInput, arm: Arm): Json {
  const e = input[arm];
  for (const [k, v] of [
    ['estimate', e?.estimate],
    ['ci[0]', e?.ci?.[0]],
    ['ci[1]', e?.ci?.[1]],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
      throw new ChartInputError(
        `successRateSpec: ${arm}.${k} is ${String(v)}; expected a proportion in [0, 1]`,
      );
    }
  }
  return {
    arm,
    rate: r6(e.estimate),
    lo: r6(e.ci[0]),
    hi: r6(e.ci[1]),
    n: e.n,
    label: formatPercent(e.estimate, { digits: 2 }),
  };
}

/**
 * The success-rate gate's threshold: a dashed line labelled at the right edge.
 * @throws {ChartInputError} when the threshold is not finite
 */
function thresholdLayers(threshold: number): Json[] {
  if (!Number.isFinite(threshold)) {
    throw new ChartInputError(`successRateSpec: threshold is ${threshold}; expected a finite proportion`);
  }
  const t = [{ threshold: r6(threshold), label: `gate: ≥ ${formatPercent(threshold, { digits: 2 })}` }];
  return [
    {
      data: { values: t },
      mark: { type: 'rule', strokeDash: [6, 4], color: INK },
      encoding: { y: { field: 'threshold', type: 'quantitative' } },
    },
    {
      data: { values: t },
      mark: { type: 'text', align: 'right', baseline: 'bottom', dy: -3, fontSize: 10, color: INK },
      encoding: {
        x: { value: 'width' },
        y: { field: 'threshold', type: 'quantitative' },
        text: { field: 'label', type: 'nominal' },
      },
    },
  ];
}

/** Colours of the error kinds (Okabe–Ito), in a fixed order so a kind keeps its colour across runs. */
export const ERROR_KIND_COLORS: Readonly<Record<string, string>> = {
  timeout: OKABE_ITO.skyBlue,
  network: OKABE_ITO.reddishPurple,
  rate_limit: OKABE_ITO.yellow,
  server: OKABE_ITO.vermillion,
  client: OKABE_ITO.bluishGreen,
  invalid_response: OKABE_ITO.blue,
  content_filter: OKABE_ITO.orange,
  unknown: OKABE_ITO.black,
};
const DARK_FILLS = new Set<string>([
  OKABE_ITO.vermillion,
  OKABE_ITO.blue,
  OKABE_ITO.black,
  OKABE_ITO.bluishGreen,
]);

/** Input of {@link errorKindsSpec}: failed calls by error kind per arm. */
export interface ErrorKindsInput {
  errors: { primary: Record<string, number>; canary: Record<string, number> };
}

/**
 * Failed calls of each arm, stacked by error kind; each segment is labelled with its count (and its kind
 * when wide enough), so the kinds are not told apart by colour alone.
 *
 * @throws {ChartInputError} when a count is not a non-negative integer, or no call failed
 * @example
 * errorKindsSpec({ errors: { primary: { timeout: 2 }, canary: { timeout: 1, server: 4 } } });
 */
export function errorKindsSpec(input: ErrorKindsInput): TopLevelSpec {
  const fn = 'errorKindsSpec';
  const kinds = new Set<string>();
  for (const arm of ARMS) {
    const r = input.errors?.[arm];
    if (!r || typeof r !== 'object') throw new ChartInputError(`${fn}: errors.${arm} must be an object`);
    for (const [k, v] of Object.entries(r)) {
      if (!Number.isInteger(v) || v < 0) {
        throw new ChartInputError(`${fn}: errors.${arm}.${k} is ${String(v)}; expected a count ≥ 0`);
      }
      if (v > 0) kinds.add(k);
    }
  }
  if (kinds.size === 0) throw new ChartInputError(`${fn}: no failed calls in either arm; nothing to draw`);
  const known = Object.keys(ERROR_KIND_COLORS);
  const order = [...kinds].sort((a, b) => {
    const ia = known.indexOf(a);
    const ib = known.indexOf(b);
    if (ia !== ib) return (ia < 0 ? known.length : ia) - (ib < 0 ? known.length : ib);
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const extra = ['#777777', '#BBBBBB', '#444444'];
  const colors = order.map((k, i) => ERROR_KIND_COLORS[k] ?? extra[i % extra.length]);
  const totals = ARMS.map((arm) => sum(input.errors[arm]));
  const max = Math.max(...totals);
  const rows: Json[] = [];
  ARMS.forEach((arm, a) => {
    let start = 0;
    for (const [i, kind] of order.entries()) {
      const count = input.errors[arm][kind] ?? 0;
      if (count === 0) continue;
      const end = start + count;
      const wide = count / max >= 0.18;
      rows.push({
        arm,
        kind,
        count,
        start,
        end,
        mid: (start + end) / 2,
        label: wide ? `${kind} ${count}` : String(count),
        ink: DARK_FILLS.has(colors[i]) ? '#FFFFFF' : '#000000',
        total: totals[a],
      });
      start = end;
    }
  });
  const y = { field: 'arm', type: 'nominal', sort: [...ARMS], title: null, scale: { domain: [...ARMS] } };
  return topLevel({
    title: {
      text: 'Failed calls by error kind',
      subtitle: `primary ${formatNumber(totals[0])}, canary ${formatNumber(totals[1])} failed calls (after retries)`,
    },
    data: { values: rows },
    width: 460,
    height: { step: 44 },
    layer: labelledStackLayers({
      y,
      x: {
        field: 'start',
        type: 'quantitative',
        title: 'Failed calls (count)',
        axis: { tickMinStep: 1, format: ',d' },
      },
      color: {
        field: 'kind',
        type: 'nominal',
        title: 'Error kind',
        sort: order,
        scale: { domain: order, range: colors },
        legend: { orient: 'top' },
      },
      tooltip: [
        { field: 'arm', type: 'nominal', title: 'Arm' },
        { field: 'kind', type: 'nominal', title: 'Error kind' },
        { field: 'count', type: 'quantitative', title: 'Calls' },
      ],
    }),
  });
}
