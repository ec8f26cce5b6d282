import type { TopLevelSpec } from 'vega-lite';
import { formatConfidence, formatNumber, formatRelative, formatUsd } from '../format';
import type { Arm, MetricComparison } from '../types';
import { ARMS, armAxisX, armColor, armShape, ChartInputError, INK, type Json, r6, topLevel } from './theme';

/** What one arm spent: the fields of RunAnalysis.cost.primary / canary the chart reads. */
export interface ArmCostInput {
  per1kTokensUsd: number;
  perRequestUsd: number;
  monthlyUsd: number;
}

/** Input of {@link costSpec}. */
export interface CostInput {
  cost: { primary: ArmCostInput; canary: ArmCostInput; monthlyRequests: number };
  /** The `cost_per_1k_tokens_usd` comparison: its intervals and relative change (optional). */
  per1kTokens?: MetricComparison;
  /** The `cost_per_request_usd` comparison: its intervals × monthlyRequests give the spend's interval. */
  perRequest?: MetricComparison;
  /** Confidence of the intervals (default 0.95). */
  confidence?: number;
}

const FN = 'costSpec';

/**
 * Cost per arm in two panels: cost per 1K tokens (point with interval) and projected monthly spend (bar with
 * interval, labelled in dollars) at the configured monthly request volume.
 *
 * @throws {ChartInputError} when a cost is not a finite number ≥ 0 or monthlyRequests is not > 0
 * @example
 * costSpec({ cost: analysis.cost, per1kTokens: find('cost_per_1k_tokens_usd'), perRequest: find('cost_per_request_usd') });
 */
export function costSpec(input: CostInput): TopLevelSpec {
  const { cost } = input;
  if (!(Number.isFinite(cost?.monthlyRequests) && cost.monthlyRequests > 0)) {
    throw new ChartInputError(
      `${FN}: cost.monthlyRequests is ${String(cost?.monthlyRequests)}; expected > 0`,
    );
  }
  const conf = formatConfidence(input.confidence ?? 0.95);
  const rows = ARMS.map((arm) => costRow(input, arm));
  const hasPer1kCi = rows.some((r) => 'per1kLo' in r);
  const hasMonthlyCi = rows.some((r) => 'monthlyLo' in r);
  return topLevel({
    title: { text: 'Cost per arm', subtitle: costSubtitle(input, conf) },
    data: { values: rows },
    hconcat: [per1kPanel(hasPer1kCi), monthlyPanel(hasMonthlyCi)],
    spacing: 40,
  });
}

/**
 * One arm's row: per-1K-token cost (the comparison's estimate when given) and monthly spend, their labels,
 * and their interval ends where measured.
 * @throws {ChartInputError} when a cost of the arm is not a finite amount ≥ 0
 */
function costRow(input: CostInput, arm: Arm): Json {
  const { cost } = input;
  const c = cost[arm];
  for (const k of ['per1kTokensUsd', 'perRequestUsd', 'monthlyUsd'] as const) {
    const v = c?.[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new ChartInputError(`${FN}: cost.${arm}.${k} is ${String(v)}; expected a finite amount ≥ 0`);
    }
  }
  const k1 = input.per1kTokens?.[arm];
  const pr = input.perRequest?.[arm];
  const row: Json = {
    arm,
    per1k: r6(k1 && Number.isFinite(k1.estimate) ? k1.estimate : c.per1kTokensUsd),
    monthly: r6(c.monthlyUsd),
    monthlyLabel: formatUsd(c.monthlyUsd),
    per1kLabel: formatUsd(k1 && Number.isFinite(k1.estimate) ? k1.estimate : c.per1kTokensUsd),
  };
  if (k1 && Number.isFinite(k1.ci[0]) && Number.isFinite(k1.ci[1])) {
    row.per1kLo = r6(k1.ci[0]);
    row.per1kHi = r6(k1.ci[1]);
  }
  if (pr && Number.isFinite(pr.ci[0]) && Number.isFinite(pr.ci[1])) {
    row.monthlyLo = r6(pr.ci[0] * cost.monthlyRequests);
    row.monthlyHi = r6(pr.ci[1] * cost.monthlyRequests);
  }
  return row;
}

/** The subtitle lines: the canary's relative per-1K-token cost (when compared) and the projection's basis. */
function costSubtitle(input: CostInput, conf: string): string[] {
  const subtitle: string[] = [];
  const rel = input.per1kTokens?.delta.relative;
  if (rel && Number.isFinite(rel.estimate)) {
    subtitle.push(
      `Canary cost per 1K tokens ${formatRelative(rel.estimate)} vs primary` +
        (Number.isFinite(rel.ci[0]) && Number.isFinite(rel.ci[1])
          ? ` (${conf} CI ${formatRelative(rel.ci[0])} to ${formatRelative(rel.ci[1])})`
          : ''),
    );
  }
  subtitle.push(
    `Monthly spend projected at ${formatNumber(input.cost.monthlyRequests)} requests per arm; ` +
      `bars/whiskers: ${conf} confidence intervals where measured`,
  );
  return subtitle;
}

/** The left panel: cost per 1K tokens per arm as a point, its interval (when any) and a dollar label. */
function per1kPanel(hasCi: boolean): Json {
  const per1kY = {
    field: 'per1k',
    type: 'quantitative',
    title: 'Cost per 1K tokens (USD)',
    scale: { zero: true },
    axis: { format: '$.4~f' },
  };
  return {
    title: { text: 'Cost per 1K tokens', fontSize: 12 },
    width: 200,
    height: 240,
    layer: [
      ...(hasCi
        ? [
            {
              transform: [{ filter: 'isValid(datum.per1kLo)' }],
              mark: { type: 'rule', strokeWidth: 3 },
              encoding: {
                x: armAxisX(),
                y: { field: 'per1kLo', type: 'quantitative', title: 'Cost per 1K tokens (USD)' },
                y2: { field: 'per1kHi' },
                color: armColor(false),
              },
            },
          ]
        : []),
      {
        mark: { type: 'point', filled: true, size: 110, stroke: INK, strokeWidth: 0.5 },
        encoding: {
          x: armAxisX(),
          y: per1kY,
          color: armColor(false),
          shape: armShape(false),
          tooltip: [
            { field: 'arm', type: 'nominal', title: 'Arm' },
            { field: 'per1kLabel', type: 'nominal', title: 'Cost per 1K tokens' },
          ],
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 12, fontSize: 11, color: INK },
        encoding: { x: armAxisX(), y: per1kY, text: { field: 'per1kLabel', type: 'nominal' } },
      },
    ],
  };
}

/** The right panel: projected monthly spend per arm as a bar, its interval (when any) and a dollar label. */
function monthlyPanel(hasCi: boolean): Json {
  const monthlyY = {
    field: 'monthly',
    type: 'quantitative',
    title: 'Projected monthly spend (USD)',
    axis: { format: '$,.0f' },
  };
  return {
    title: { text: 'Projected monthly spend', fontSize: 12 },
    width: 200,
    height: 240,
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          x: armAxisX(),
          y: monthlyY,
          color: armColor(false),
          tooltip: [
            { field: 'arm', type: 'nominal', title: 'Arm' },
            { field: 'monthlyLabel', type: 'nominal', title: 'Monthly spend' },
          ],
        },
      },
      ...(hasCi
        ? [
            {
              transform: [{ filter: 'isValid(datum.monthlyLo)' }],
              mark: { type: 'rule', color: INK, strokeWidth: 1.5 },
              encoding: {
                x: armAxisX(),
                y: { field: 'monthlyLo', type: 'quantitative' },
                y2: { field: 'monthlyHi' },
              },
            },
          ]
        : []),
      monthlyLabelLayer(hasCi, monthlyY),
    ],
  };
}

/** The dollar label above each monthly bar, or above its whisker when the interval reaches higher. */
function monthlyLabelLayer(hasCi: boolean, monthlyY: Json): Json {
  return {
    mark: { type: 'text', baseline: 'bottom', dy: -4, fontSize: 11, color: INK },
    encoding: {
      x: armAxisX(),
      y: hasCi ? { field: 'monthlyTop', type: 'quantitative' } : monthlyY,
      text: { field: 'monthlyLabel', type: 'nominal' },
    },
    ...(hasCi
      ? {
          transform: [
            {
              calculate: 'isValid(datum.monthlyHi) ? max(datum.monthly, datum.monthlyHi) : datum.monthly',
              as: 'monthlyTop',
            },
          ],
        }
      : {}),
  };
}
