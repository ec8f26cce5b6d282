import type { TopLevelSpec } from 'vega-lite';
import { formatConfidence, formatMetricValue, formatPStatement, formatSigned } from '../format';
import { ChartInputError, INK, type Json, OKABE_ITO, r6, topLevel, unitStyle, withUnit } from './theme';

/** One look of a sequential test: the running estimate and confidence sequence after it. */
export interface SequentialChartLook {
  /** 1-based look number. */
  look: number;
  /** Observations in both arms together after this look (the x axis when every look has it). */
  n?: number;
  /** canary − primary at this look (NaN while it cannot be computed: the look is left out). */
  estimate: number;
  /** The confidence sequence after this look (±∞ before any evidence: drawn from the first finite one). */
  ci: [number, number];
  /** Always-valid p-value after this look. */
  pValue?: number;
}

/** Input of {@link sequentialSpec}. */
export interface SequentialChartInput {
  looks: readonly SequentialChartLook[];
  /** What is compared, e.g. 'success rate' or 'quality'; used in titles (default 'difference'). */
  metric?: string;
  /** Unit of the difference: 'ratio'/'proportion' (shown in percentage points), 'ms', … (default 'ratio'). */
  unit?: string;
  /**
   * The decision boundary besides zero: for a non-inferiority question, −margin (higher is better) or +margin;
   * the test decides once the band lies wholly on one side of it.
   */
  boundary?: number;
  /** Label of the boundary line (default 'non-inferiority margin'). */
  boundaryLabel?: string;
  /** Overall significance of the confidence sequence, for the subtitle (default 0.05). */
  alpha?: number;
}

const FN = 'sequentialSpec';

/**
 * The sequential monitoring trajectory: the confidence sequence (band) and running estimate (line and
 * points) of canary − primary over the looks, with zero ("no difference") and the decision boundary as
 * labelled horizontal lines. Looks whose interval is still unbounded are left out of the band.
 *
 * @throws {ChartInputError} when no look has a finite estimate and interval, or a look number is not an
 *   integer ≥ 1
 * @example
 * sequentialSpec({ looks: [{ look: 1, n: 200, estimate: 0.01, ci: [-0.05, 0.07] }], boundary: -0.02 });
 */
export function sequentialSpec(input: SequentialChartInput): TopLevelSpec {
  if (!Array.isArray(input.looks as unknown)) throw new ChartInputError(`${FN}: looks must be an array`);
  const unit = input.unit ?? 'ratio';
  const style = unitStyle(unit);
  const scale = style.proportion ? 100 : 1;
  const unitLabel = style.proportion ? 'pp' : style.label;
  // Signed: a difference of rates in percentage points (one decimal, as chart labels), else in its unit.
  const fmt = (x: number) =>
    style.proportion ? formatMetricValue(x, unit, { signed: true, digits: 1 }) : formatSigned(x, style.fmt);
  const useN = input.looks.length > 0 && input.looks.every((l) => Number.isFinite(l.n));
  const { rows, skipped } = lookRows(input.looks, scale, useN);
  const what = input.metric ?? 'difference';
  const yTitle = withUnit('canary − primary', style.proportion ? 'percentage points' : unitLabel);
  const xTitle = useN ? 'Observations so far, both arms (count)' : 'Look (number)';
  const x = { field: 'x', type: 'quantitative', title: xTitle, axis: { format: ',d', tickMinStep: 1 } };
  const refs = referenceLines(input, scale, fmt);
  const y = { field: 'estimate', type: 'quantitative', title: yTitle, axis: { format: '.3~r' } };
  return topLevel({
    title: { text: `Sequential monitoring of ${what}`, subtitle: sequentialSubtitle(input, skipped, fmt) },
    width: 520,
    height: 280,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'area', color: OKABE_ITO.skyBlue, opacity: 0.35, interpolate: 'step-after' },
        encoding: {
          x,
          y: { field: 'lo', type: 'quantitative', title: yTitle },
          y2: { field: 'hi' },
        },
      },
      ...refs.map(referenceLayer),
      estimateLayer({ rows, x, y, useN, unitLabel }),
    ],
  });
}

/** A labelled horizontal line: zero, or the decision boundary. */
interface ReferenceLine {
  value: number | null;
  label: string;
  dash: number[];
}

/**
 * A row per look with a finite estimate and interval (scaled; x is n when every look has it, else the look
 * number), and how many looks were left out.
 * @throws {ChartInputError} when a look number is not an integer ≥ 1 or no look can be drawn
 */
function lookRows(
  looks: readonly SequentialChartLook[],
  scale: number,
  useN: boolean,
): { rows: Json[]; skipped: number } {
  const rows: Json[] = [];
  let skipped = 0;
  looks.forEach((l, i) => {
    if (!Number.isInteger(l.look) || l.look < 1) {
      throw new ChartInputError(`${FN}: looks[${i}].look is ${String(l.look)}; expected an integer ≥ 1`);
    }
    const ok = Number.isFinite(l.estimate) && Number.isFinite(l.ci?.[0]) && Number.isFinite(l.ci?.[1]);
    if (!ok) {
      skipped++;
      return;
    }
    rows.push({
      look: l.look,
      x: useN ? l.n : l.look,
      estimate: r6(scale * l.estimate),
      lo: r6(scale * l.ci[0]),
      hi: r6(scale * l.ci[1]),
      pValue: l.pValue !== undefined && Number.isFinite(l.pValue) ? r6(l.pValue) : null,
    });
  });
  if (rows.length === 0) {
    throw new ChartInputError(`${FN}: no look has a finite estimate and interval; nothing to draw`);
  }
  return { rows, skipped };
}

/**
 * Zero, and the decision boundary when given (scaled, labelled with its value).
 * @throws {ChartInputError} when the boundary is not finite
 */
function referenceLines(
  input: SequentialChartInput,
  scale: number,
  fmt: (x: number) => string,
): ReferenceLine[] {
  const refs: ReferenceLine[] = [{ value: 0, label: 'no difference (0)', dash: [1, 0] }];
  if (input.boundary !== undefined) {
    if (!Number.isFinite(input.boundary)) {
      throw new ChartInputError(`${FN}: boundary is ${input.boundary}; expected a finite number`);
    }
    refs.push({
      value: r6(scale * input.boundary),
      label: `${input.boundaryLabel ?? 'non-inferiority margin'} (${fmt(input.boundary)})`,
      dash: [6, 4],
    });
  }
  return refs;
}

/** What the band and line show, how many looks there were, and the last look's estimate and p-value. */
function sequentialSubtitle(
  input: SequentialChartInput,
  skipped: number,
  fmt: (x: number) => string,
): string[] {
  const last = input.looks[input.looks.length - 1];
  const alpha = input.alpha ?? 0.05;
  const subtitle = [
    `Band: ${formatConfidence(1 - alpha)} confidence sequence (valid at every look); line: running estimate; ` +
      `${input.looks.length} look${input.looks.length === 1 ? '' : 's'}` +
      (skipped > 0 ? `, ${skipped} without a finite interval yet not drawn` : ''),
  ];
  if (last && Number.isFinite(last.estimate) && Number.isFinite(last.ci[0]) && Number.isFinite(last.ci[1])) {
    subtitle.push(
      `Last look: ${fmt(last.estimate)} [${fmt(last.ci[0])}, ${fmt(last.ci[1])}]` +
        (last.pValue !== undefined && Number.isFinite(last.pValue)
          ? `, ${formatPStatement(last.pValue, 'always-valid p')}`
          : ''),
    );
  }
  return subtitle;
}

/** A reference line across the chart with its label at the left end. */
function referenceLayer(ref: ReferenceLine): Json {
  return {
    data: { values: [ref] },
    layer: [
      {
        mark: { type: 'rule', color: INK, strokeWidth: 1.2, strokeDash: ref.dash },
        encoding: { y: { field: 'value', type: 'quantitative' } },
      },
      {
        mark: {
          type: 'text',
          align: 'left',
          baseline: 'bottom',
          dx: 4,
          dy: -3,
          fontSize: 10,
          color: INK,
        },
        encoding: {
          x: { value: 0 },
          y: { field: 'value', type: 'quantitative' },
          text: { field: 'label', type: 'nominal' },
        },
      },
    ],
  };
}

/** The running estimate: a line with a point per look, and each look's numbers in its tooltip. */
function estimateLayer(o: { rows: Json[]; x: Json; y: Json; useN: boolean; unitLabel: string }): Json {
  return {
    data: { values: o.rows },
    mark: {
      type: 'line',
      color: OKABE_ITO.black,
      strokeWidth: 1.5,
      point: { filled: true, size: 30, color: OKABE_ITO.black },
    },
    encoding: {
      x: o.x,
      y: o.y,
      tooltip: [
        { field: 'look', type: 'quantitative', title: 'Look' },
        { field: 'x', type: 'quantitative', title: o.useN ? 'Observations' : 'Look' },
        {
          field: 'estimate',
          type: 'quantitative',
          title: withUnit('Estimate', o.unitLabel),
          format: '.3~g',
        },
        { field: 'lo', type: 'quantitative', title: 'CS low', format: '.3~g' },
        { field: 'hi', type: 'quantitative', title: 'CS high', format: '.3~g' },
        { field: 'pValue', type: 'quantitative', title: 'Always-valid p', format: '.3~g' },
      ],
    },
  };
}
