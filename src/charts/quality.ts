import type { TopLevelSpec } from 'vega-lite';
import { formatConfidence, formatMetricValue, formatNumber, formatPercent } from '../format';
import type { ArmEstimate, GateStatus } from '../types';
import {
  ARMS,
  armIntervalLayers,
  ChartInputError,
  INK,
  type Json,
  marginStatus,
  r6,
  STATUS_COLORS,
  STATUS_SHAPES,
  STATUSES,
  topLevel,
} from './theme';

/** One scorer's estimate per arm (RunAnalysis.quality[i] has these fields). */
export interface ScorerEstimates {
  scorer: string;
  kind: 'pass' | 'score';
  primary: ArmEstimate;
  canary: ArmEstimate;
}

/** Input of {@link qualityEstimatesSpec}. */
export interface QualityEstimatesInput {
  scorers: readonly ScorerEstimates[];
  /** Which scorers to draw: pass rates ('pass', default) or mean scores ('score'). */
  kind?: 'pass' | 'score';
  confidence?: number;
}

const checkEstimate = (fn: string, field: string, e: ArmEstimate | undefined): void => {
  for (const [k, v] of [
    ['estimate', e?.estimate],
    ['ci[0]', e?.ci?.[0]],
    ['ci[1]', e?.ci?.[1]],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ChartInputError(`${fn}: ${field}.${k} is ${String(v)}; expected a finite number`);
    }
  }
};

/**
 * Per-scorer pass rates (or mean scores) of each arm with confidence intervals: one panel per scorer, the
 * arms named on the axis, points in the arm's colour and shape, each labelled with its value.
 *
 * @throws {ChartInputError} when no scorer of the kind is given or an estimate is not finite
 * @example
 * qualityEstimatesSpec({ scorers: analysis.quality, kind: 'pass' });
 */
export function qualityEstimatesSpec(input: QualityEstimatesInput): TopLevelSpec {
  const fn = 'qualityEstimatesSpec';
  const kind = input.kind ?? 'pass';
  const scorers = input.scorers.filter((s) => s.kind === kind);
  if (scorers.length === 0) throw new ChartInputError(`${fn}: no scorer of kind '${kind}' to draw`);
  const pass = kind === 'pass';
  const rows: Json[] = [];
  input.scorers.forEach((s, i) => {
    if (s.kind !== kind) return;
    for (const arm of ARMS) {
      checkEstimate(fn, `scorers[${i}].${arm}`, s[arm]);
      const e = s[arm];
      rows.push({
        scorer: s.scorer,
        arm,
        estimate: r6(e.estimate),
        lo: r6(e.ci[0]),
        hi: r6(e.ci[1]),
        n: e.n,
        label: pass ? formatPercent(e.estimate, { digits: 1 }) : formatNumber(e.estimate),
      });
    }
  });
  const conf = formatConfidence(input.confidence ?? 0.95);
  const title = pass ? 'Pass rate (%)' : 'Mean score (scorer’s scale)';
  const format = pass ? '.0%' : '~g';
  const y = { field: 'estimate', type: 'quantitative', title, scale: { zero: false }, axis: { format } };
  return topLevel({
    title: {
      text: pass ? 'Quality: pass rate per scorer and arm' : 'Quality: mean score per scorer and arm',
      subtitle: `Points: ${pass ? 'pass rate' : 'mean score'} on the paired items; bars: ${conf} confidence interval`,
    },
    data: { values: rows },
    facet: {
      column: {
        field: 'scorer',
        type: 'nominal',
        sort: scorers.map((s) => s.scorer),
        title: null,
        header: { labelOrient: 'bottom', labelFontWeight: 'bold' },
      },
    },
    ...(pass ? {} : { resolve: { scale: { y: 'independent' } } }),
    spec: {
      width: 130,
      height: 220,
      layer: armIntervalLayers({
        y,
        title,
        pointSize: 100,
        tooltip: [
          { field: 'scorer', type: 'nominal', title: 'Scorer' },
          { field: 'arm', type: 'nominal', title: 'Arm' },
          { field: 'label', type: 'nominal', title: pass ? 'Pass rate' : 'Mean score' },
          { field: 'lo', type: 'quantitative', title: 'CI low', format: pass ? '.1%' : '.3~g' },
          { field: 'hi', type: 'quantitative', title: 'CI high', format: pass ? '.1%' : '.3~g' },
          { field: 'n', type: 'quantitative', title: 'n' },
        ],
        label: { dx: 10, fontSize: 10 },
      }),
    },
  });
}

/** One scorer's paired difference canary − primary (RunAnalysis.quality[i] has these fields). */
export interface ScorerDifference {
  scorer: string;
  kind: 'pass' | 'score';
  delta: { estimate: number; ci: [number, number] };
  /** Non-inferiority margin (> 0) in the scorer's units; falls back to the input's `margin`. */
  nonInferiority?: { margin: number };
  n?: number;
}

/** Input of {@link qualityDifferencesSpec}. */
export interface QualityDifferencesInput {
  differences: readonly ScorerDifference[];
  /** Which scorers to draw (default 'pass': differences in pass rate, shown in percentage points). */
  kind?: 'pass' | 'score';
  /** Margin for rows without their own (default 0.02 = 2 points). */
  margin?: number;
  confidence?: number;
}

const VERDICT: Readonly<Record<GateStatus, string>> = {
  pass: 'non-inferior',
  fail: 'inferior',
  inconclusive: 'inconclusive',
};

/**
 * Paired quality differences canary − primary per scorer with their confidence interval, against the
 * non-inferiority margin (dashed line at −margin) and zero. Each row is coloured, shaped and labelled by its
 * verdict: non-inferior (interval wholly above −margin), inferior (wholly below) or inconclusive.
 *
 * @throws {ChartInputError} when no scorer of the kind is given, a difference is not finite, or a margin
 *   is not > 0
 * @example
 * qualityDifferencesSpec({ differences: analysis.quality, margin: 0.02 });
 */
export function qualityDifferencesSpec(input: QualityDifferencesInput): TopLevelSpec {
  const kind = input.kind ?? 'pass';
  const pass = kind === 'pass';
  // A difference of pass rates in percentage points (one decimal, as chart labels); of scores, 2 decimals.
  const fmt = (x: number) =>
    formatMetricValue(x, pass ? 'proportion' : '', { signed: true, digits: pass ? 1 : 2 });
  const { rows, margins } = differenceRows(input, kind, fmt);
  const conf = formatConfidence(input.confidence ?? 0.95);
  const sameMargin = margins.size === 1;
  const marginText = sameMargin ? fmt(-[...margins][0]) : 'per scorer';
  const y = { field: 'scorer', type: 'nominal', title: null, sort: rows.map((r) => r.scorer) };
  return topLevel({
    title: {
      text: 'Quality: paired difference canary − primary per scorer',
      subtitle: `Points: difference on the paired items; bars: ${conf} confidence interval; dashed line: non-inferiority margin (${marginText})`,
    },
    data: { values: rows },
    width: 420,
    height: { step: 42 },
    layer: [
      {
        data: { values: [{ zero: 0 }] },
        mark: { type: 'rule', color: '#888888' },
        encoding: { x: { field: 'zero', type: 'quantitative' } },
      },
      sameMargin ? sharedMarginLayer(rows[0].limit, marginText) : perScorerMarginLayer(y),
      ...differenceLayers(pass, y),
    ],
  });
}

/**
 * A row per scorer of the kind: difference, interval and −margin (in points for pass rates), the verdict
 * against the margin and its label; and the set of margins used.
 * @throws {ChartInputError} when a difference is not finite, a margin is not > 0, or no scorer is of the kind
 */
function differenceRows(
  input: QualityDifferencesInput,
  kind: 'pass' | 'score',
  fmt: (x: number) => string,
): { rows: Json[]; margins: Set<number> } {
  const fn = 'qualityDifferencesSpec';
  const scale = kind === 'pass' ? 100 : 1;
  const rows: Json[] = [];
  const margins = new Set<number>();
  input.differences.forEach((d, i) => {
    if (d.kind !== kind) return;
    const { estimate, ci } = d.delta ?? ({} as ScorerDifference['delta']);
    if (![estimate, ci?.[0], ci?.[1]].every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new ChartInputError(
        `${fn}: differences[${i}].delta (${d.scorer}) has a non-finite estimate or interval; expected finite numbers`,
      );
    }
    const margin = d.nonInferiority?.margin ?? input.margin ?? 0.02;
    if (!(Number.isFinite(margin) && margin > 0)) {
      throw new ChartInputError(`${fn}: margin of ${d.scorer} is ${margin}; expected a number > 0`);
    }
    margins.add(margin);
    const status = marginStatus(ci, margin);
    rows.push({
      scorer: d.scorer,
      delta: r6(scale * estimate),
      lo: r6(scale * ci[0]),
      hi: r6(scale * ci[1]),
      limit: r6(-scale * margin),
      verdict: VERDICT[status],
      n: d.n ?? null,
      label: `${fmt(estimate)} [${fmt(ci[0])}, ${fmt(ci[1])}]: ${VERDICT[status]}`,
    });
  });
  if (rows.length === 0) throw new ChartInputError(`${fn}: no scorer of kind '${kind}' to draw`);
  return { rows, margins };
}

/** One margin for every scorer: a dashed line at −margin across the chart, labelled at the top. */
function sharedMarginLayer(limit: unknown, marginText: string): Json {
  return {
    data: { values: [{ limit, label: `margin ${marginText}` }] },
    layer: [
      {
        mark: { type: 'rule', strokeDash: [6, 4], color: INK, strokeWidth: 1.5 },
        encoding: { x: { field: 'limit', type: 'quantitative' } },
      },
      {
        mark: {
          type: 'text',
          align: 'right',
          baseline: 'top',
          dx: -4,
          dy: 2,
          fontSize: 10,
          color: INK,
        },
        encoding: {
          x: { field: 'limit', type: 'quantitative' },
          y: { value: 0 },
          text: { field: 'label', type: 'nominal' },
        },
      },
    ],
  };
}

/** Margins that differ between scorers: a tick at each row's −margin. */
function perScorerMarginLayer(y: Json): Json {
  return {
    mark: { type: 'tick', color: INK, thickness: 2 },
    encoding: { x: { field: 'limit', type: 'quantitative' }, y },
  };
}

/** Each scorer's interval (rule), difference (point) and label, coloured and shaped by the verdict. */
function differenceLayers(pass: boolean, y: Json): Json[] {
  const xTitle = pass
    ? 'Difference in pass rate, canary − primary (percentage points)'
    : 'Difference in mean score, canary − primary (score units)';
  const x = { field: 'delta', type: 'quantitative', title: xTitle };
  const verdicts = STATUSES.map((s) => VERDICT[s]);
  const color = {
    field: 'verdict',
    type: 'nominal',
    title: 'Verdict',
    scale: { domain: verdicts, range: STATUSES.map((s) => STATUS_COLORS[s]) },
    legend: { orient: 'top' },
  };
  const shape = { ...color, scale: { domain: verdicts, range: STATUSES.map((s) => STATUS_SHAPES[s]) } };
  return [
    {
      mark: { type: 'rule', strokeWidth: 3 },
      encoding: { x: { field: 'lo', type: 'quantitative', title: xTitle }, x2: { field: 'hi' }, y, color },
    },
    {
      mark: { type: 'point', filled: true, size: 110, stroke: INK, strokeWidth: 0.5 },
      encoding: {
        x,
        y,
        color,
        shape,
        tooltip: [
          { field: 'scorer', type: 'nominal', title: 'Scorer' },
          { field: 'label', type: 'nominal', title: 'Difference' },
          { field: 'n', type: 'quantitative', title: 'Paired items' },
        ],
      },
    },
    {
      mark: { type: 'text', align: 'left', dx: 8, fontSize: 10, color: INK },
      encoding: { x: { field: 'hi', type: 'quantitative' }, y, text: { field: 'label', type: 'nominal' } },
    },
  ];
}
