/**
 * What every canarylab chart shares: the colour-blind-safe palette (Okabe & Ito), the shapes and words that
 * repeat each colour's meaning, axis formats per metric unit, the chart config, and input checks.
 */
import type { TopLevelSpec } from 'vega-lite';
import { formatMetricValue, formatNumber, formatPercent as formatSharedPercent, formatUsd } from '../format';
import type { Arm, GateStatus } from '../types';

/**
 * Okabe & Ito's palette of eight colours distinguishable with every common colour-vision deficiency.
 * @see Okabe, M. & Ito, K. (2008). Color Universal Design. https://jfly.uni-koeln.de/color/
 */
export const OKABE_ITO = {
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
  black: '#000000',
} as const;

/** Arm colours: primary blue, canary orange. */
export const ARM_COLORS: Readonly<Record<Arm, string>> = {
  primary: OKABE_ITO.blue,
  canary: OKABE_ITO.orange,
};
/** Arm point shapes (the second cue besides colour). */
export const ARM_SHAPES: Readonly<Record<Arm, string>> = { primary: 'circle', canary: 'triangle-up' };
/** Arm line dashes (the second cue on lines): primary solid, canary dashed. */
export const ARM_DASHES: Readonly<Record<Arm, number[]>> = { primary: [1, 0], canary: [6, 3] };
export const ARMS: readonly Arm[] = ['primary', 'canary'];

/** Gate status colours: pass bluish green, fail vermillion, inconclusive grey. */
export const STATUS_COLORS: Readonly<Record<GateStatus, string>> = {
  pass: OKABE_ITO.bluishGreen,
  fail: OKABE_ITO.vermillion,
  inconclusive: '#999999',
};
/** Status shapes: the same meaning without colour. */
export const STATUS_SHAPES: Readonly<Record<GateStatus, string>> = {
  pass: 'circle',
  fail: 'cross',
  inconclusive: 'diamond',
};
/** Status words, printed next to every status mark. */
export const STATUS_LABELS: Readonly<Record<GateStatus, string>> = {
  pass: 'PASS',
  fail: 'FAIL',
  inconclusive: 'INCONCLUSIVE',
};
export const STATUSES: readonly GateStatus[] = ['pass', 'fail', 'inconclusive'];

/** Neutral ink for reference lines (thresholds, zero, margins) and labels. */
export const INK = '#333333';

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** A JSON object under construction (the specs are checked against the vega-lite schema in the tests). */
export type Json = Record<string, unknown>;

/** Config shared by every chart: a system font (nothing is fetched), titles anchored left. */
export const CHART_CONFIG: Json = {
  font: 'Helvetica, Arial, sans-serif',
  title: { anchor: 'start', fontSize: 14, subtitleFontSize: 11, subtitleColor: '#555555' },
  axis: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal' },
  legend: { labelFontSize: 11, titleFontSize: 11 },
  header: { labelFontSize: 11, titleFontSize: 11 },
  view: { stroke: '#dddddd' },
};

/** Wraps a spec body with the schema, config and a white background. */
export function topLevel(body: Json): TopLevelSpec {
  return {
    $schema: VEGA_LITE_SCHEMA,
    background: 'white',
    config: CHART_CONFIG,
    ...body,
  } as unknown as TopLevelSpec;
}

/** Chart input that cannot be drawn: names the function and the field, and says what was expected. */
export class ChartInputError extends Error {
  readonly code = 'CANARYLAB_ERR_CHART_INPUT';
  constructor(message: string) {
    super(message);
    this.name = 'ChartInputError';
  }
}

/**
 * Checks that every value is a finite number.
 * @throws {ChartInputError} naming `fn`, `field[i]` and the bad value
 */
export function checkFinite(fn: string, field: string, values: readonly number[]): void {
  if (!Array.isArray(values as unknown))
    throw new ChartInputError(`${fn}: ${field} must be an array of numbers`);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ChartInputError(`${fn}: ${field}[${i}] is ${String(v)}; expected a finite number`);
    }
  }
}

/** Rounds to 6 significant digits, so specs stay small and snapshots stable; non-finite → null. */
export function r6(x: number): number | null {
  if (!Number.isFinite(x)) return null;
  return x === 0 ? 0 : Number(x.toPrecision(6));
}

/** True when every number is finite. */
export function allFinite(...xs: number[]): boolean {
  return xs.every((x) => typeof x === 'number' && Number.isFinite(x));
}

/** How a unit is shown on an axis: its name in the axis title, d3 format, and a JS formatter for labels. */
export interface UnitStyle {
  /** Text in parentheses after the axis title, e.g. 'ms'. */
  label: string;
  /** d3-format specifier for the axis. */
  format: string;
  /** Formats one value for a text label. */
  fmt: (x: number) => string;
  /** Values are proportions in [0, 1] (shown as percentages). */
  proportion: boolean;
}

/** A proportion as a chart label: src/format's formatPercent with `digits` decimals (default 1). */
export function formatPercent(x: number, digits = 1): string {
  return formatSharedPercent(x, { digits });
}

/**
 * The axis style of a MetricComparison unit. Accepts the contract's names ('ratio', 'ms', 'USD/1K tokens')
 * and the decision module's ('proportion', 'usd', 'usd_per_1k_tokens'); anything else is shown as is.
 */
export function unitStyle(unit: string): UnitStyle {
  switch (unit) {
    case 'ratio':
    case 'proportion':
      return {
        label: '%',
        format: '.1%',
        fmt: (x) => formatSharedPercent(x, { digits: 1 }),
        proportion: true,
      };
    case 'ms':
      return { label: 'ms', format: ',.0f', fmt: (x) => formatMetricValue(x, 'ms'), proportion: false };
    case 'USD/1K tokens':
    case 'usd_per_1k_tokens':
      return {
        label: 'USD per 1K tokens',
        format: '$.4~f',
        // The axis title states 'per 1K tokens'.
        fmt: (x) => formatMetricValue(x, unit, { bare: true }),
        proportion: false,
      };
    case 'USD':
    case 'usd':
      return { label: 'USD', format: '$,.4~f', fmt: formatUsd, proportion: false };
    case 'points':
      return {
        label: 'percentage points',
        format: '.2f',
        fmt: (x) => formatMetricValue(x, 'points'),
        proportion: false,
      };
    case 'ratio²':
      return { label: 'ratio²', format: '.2~e', fmt: (x) => formatNumber(x), proportion: false };
    default:
      return { label: unit, format: '~g', fmt: (x) => formatNumber(x), proportion: false };
  }
}

/** `<what> (<unit>)`, or just `<what>` when the unit is empty. */
export function withUnit(what: string, unit: string): string {
  return unit ? `${what} (${unit})` : what;
}

/** An arm colour encoding (legend off: arms are named on the axis or in labels). */
export function armColor(legend: boolean): Json {
  return armEncoding(
    ARMS.map((a) => ARM_COLORS[a]),
    legend,
  );
}

/** An arm shape encoding, paired with {@link armColor} (same legend). */
export function armShape(legend: boolean): Json {
  return armEncoding(
    ARMS.map((a) => ARM_SHAPES[a]),
    legend,
  );
}

/** The arms mapped onto one channel's `range` (colours or shapes), with the legend at the top or none. */
function armEncoding(range: string[], legend: boolean): Json {
  return {
    field: 'arm',
    type: 'nominal',
    title: 'Arm',
    scale: { domain: [...ARMS], range },
    legend: legend ? { orient: 'top', title: null } : null,
  };
}

/** A share in [0, 1] on a fixed 0–100% axis with whole-percent labels. */
export function shareEncoding(field: string, title: string): Json {
  return { field, type: 'quantitative', title, scale: { domain: [0, 1] }, axis: { format: '.0%' } };
}

/** A gate-status colour encoding with all three statuses in the legend. */
export function statusColor(field = 'status'): Json {
  return statusEncoding(
    field,
    STATUSES.map((s) => STATUS_COLORS[s]),
  );
}

/** A gate-status shape encoding, merged with {@link statusColor} into one legend. */
export function statusShape(field = 'status'): Json {
  return statusEncoding(
    field,
    STATUSES.map((s) => STATUS_SHAPES[s]),
  );
}

/** The statuses mapped onto one channel's `range` (colours or shapes), named in upper case in the legend. */
function statusEncoding(field: string, range: string[]): Json {
  return {
    field,
    type: 'nominal',
    title: 'Status',
    scale: { domain: [...STATUSES], range },
    legend: { orient: 'top', labelExpr: 'upper(datum.label)' },
  };
}

/**
 * Status of a difference interval against a non-inferiority margin (higher is better): pass when the whole
 * interval lies above −margin, fail when it lies wholly below, inconclusive otherwise (the gates' rule).
 */
export function marginStatus(ci: readonly [number, number], margin: number): GateStatus {
  if (ci[0] > -margin) return 'pass';
  if (ci[1] < -margin) return 'fail';
  return 'inconclusive';
}

/** The arm-axis x encoding used by the per-arm panels (arm names as axis labels, never colour alone). */
export function armAxisX(title: string | null = null): Json {
  return {
    field: 'arm',
    type: 'nominal',
    sort: [...ARMS],
    title,
    axis: { labelAngle: 0 },
    scale: { domain: [...ARMS], paddingInner: 0.35, paddingOuter: 0.25 },
  };
}

/**
 * The two layers of a labelled stacked horizontal bar: bars from the rows' `start` to `end` with white
 * seams, coloured by `color`; and each segment's `label` at its `mid`, in the row's `ink` colour.
 * @example
 * layer: labelledStackLayers({ y, x: { field: 'start', type: 'quantitative', title: 'Calls' }, color, tooltip });
 */
export function labelledStackLayers(opts: { y: Json; x: Json; color: Json; tooltip: Json[] }): Json[] {
  const { y } = opts;
  return [
    {
      mark: { type: 'bar', stroke: '#FFFFFF', strokeWidth: 1 },
      encoding: { y, x: opts.x, x2: { field: 'end' }, color: opts.color, tooltip: opts.tooltip },
    },
    {
      mark: { type: 'text', fontSize: 10 },
      encoding: {
        y,
        x: { field: 'mid', type: 'quantitative' },
        text: { field: 'label', type: 'nominal' },
        color: { field: 'ink', type: 'nominal', scale: null },
      },
    },
  ];
}

/**
 * The three layers of a per-arm estimate chart (x: the arms): the interval as a thick rule from `lo` to
 * `hi`, the estimate as a point in the arm's colour and shape, and the row's `label` to its right.
 * @example
 * layer: armIntervalLayers({ y, title: 'Pass rate (%)', pointSize: 100, tooltip, label: { dx: 10, fontSize: 10 } });
 */
export function armIntervalLayers(opts: {
  /** Encoding of the estimate (the point and the label). */
  y: Json;
  /** Title of the y axis (on the interval's encoding). */
  title: string;
  pointSize: number;
  tooltip: Json[];
  label: { dx: number; fontSize: number };
}): Json[] {
  const { y } = opts;
  return [
    {
      mark: { type: 'rule', strokeWidth: 3 },
      encoding: {
        x: armAxisX(),
        y: { field: 'lo', type: 'quantitative', title: opts.title },
        y2: { field: 'hi' },
        color: armColor(false),
      },
    },
    {
      mark: { type: 'point', filled: true, size: opts.pointSize, stroke: INK, strokeWidth: 0.5 },
      encoding: { x: armAxisX(), y, color: armColor(false), shape: armShape(false), tooltip: opts.tooltip },
    },
    {
      mark: { type: 'text', align: 'left', dx: opts.label.dx, fontSize: opts.label.fontSize, color: INK },
      encoding: { x: armAxisX(), y, text: { field: 'label', type: 'nominal' } },
    },
  ];
}
