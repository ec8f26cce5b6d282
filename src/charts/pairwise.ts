// The pairwise judge chart: each judge's verdicts as a 100% bar of canary wins, ties and primary wins.
import type { TopLevelSpec } from 'vega-lite';
import type { PairwiseSummary } from '../analysis/types';
import { formatConfidence, formatNumber, formatPercent } from '../format';
import {
  ARM_COLORS,
  ChartInputError,
  INK,
  type Json,
  labelledStackLayers,
  r6,
  shareEncoding,
  topLevel,
} from './theme';

/**
 * A pairwise judge's verdicts from the canary's point of view: the part of the analysis's PairwiseSummary
 * (RunAnalysis.pairwiseJudges) the chart reads; `winRate` is the canary win rate, ties as half.
 */
export type PairwiseInput = Pick<
  PairwiseSummary,
  'judge' | 'wins' | 'ties' | 'losses' | 'orderInconsistent' | 'n'
> &
  Partial<Pick<PairwiseSummary, 'winRate'>>;

/**
 * Pairwise judge verdicts as 100% bars, one per judge: canary wins, ties, primary wins (canary losses); each
 * segment labelled with its outcome and count, a dashed line at 50%.
 *
 * @throws {ChartInputError} when no judge is given or counts are not integers ≥ 0 adding up to n > 0
 * @example
 * pairwiseSpec({ judges: analysis.pairwiseJudges });
 */
export function pairwiseSpec(input: { judges: readonly PairwiseInput[]; confidence?: number }): TopLevelSpec {
  if (!Array.isArray(input.judges as unknown) || input.judges.length === 0) {
    throw new ChartInputError(`${FN}: judges is empty; expected at least one judge's verdict counts`);
  }
  const conf = formatConfidence(input.confidence ?? 0.95);
  const rows: Json[] = [];
  const subtitle: string[] = [];
  input.judges.forEach((j, i) => {
    checkCounts(j, i);
    rows.push(...outcomeRows(j));
    subtitle.push(judgeLine(j, conf));
  });
  const y = { field: 'judge', type: 'nominal', title: 'Judge', sort: input.judges.map((j) => j.judge) };
  return topLevel({
    title: { text: 'Quality: pairwise judge verdicts', subtitle },
    data: { values: rows },
    width: 460,
    height: { step: 46 },
    layer: [
      ...outcomeBarLayers(y),
      {
        data: { values: [{ half: 0.5 }] },
        mark: { type: 'rule', strokeDash: [4, 3], color: INK },
        encoding: { x: { field: 'half', type: 'quantitative' } },
      },
    ],
  });
}

const FN = 'pairwiseSpec';

/** The outcomes in bar order, with their colour and the ink of their labels. */
const OUTCOMES = [
  { key: 'wins', label: 'canary wins', color: ARM_COLORS.canary, ink: '#000000' },
  { key: 'ties', label: 'tie', color: '#BBBBBB', ink: '#000000' },
  { key: 'losses', label: 'primary wins', color: ARM_COLORS.primary, ink: '#FFFFFF' },
] as const;

/** @throws {ChartInputError} when a count is not an integer ≥ 0 or wins + ties + losses ≠ n or n = 0 */
function checkCounts(j: PairwiseInput, i: number): void {
  for (const k of ['wins', 'ties', 'losses', 'orderInconsistent', 'n'] as const) {
    if (!Number.isInteger(j[k]) || j[k] < 0) {
      throw new ChartInputError(`${FN}: judges[${i}].${k} is ${String(j[k])}; expected a count ≥ 0`);
    }
  }
  if (j.n === 0 || j.wins + j.ties + j.losses !== j.n) {
    throw new ChartInputError(
      `${FN}: judges[${i}] (${j.judge}): wins + ties + losses = ${j.wins + j.ties + j.losses} but n = ${j.n}; expected equal and > 0`,
    );
  }
}

/** One judge's stacked segments (outcomes with a count > 0): shares of n, labelled with outcome and count. */
function outcomeRows(j: PairwiseInput): Json[] {
  const rows: Json[] = [];
  let start = 0;
  for (const o of OUTCOMES) {
    const count = j[o.key];
    const share = count / j.n;
    if (count > 0) {
      rows.push({
        judge: j.judge,
        outcome: o.label,
        count,
        start: r6(start),
        end: r6(start + share),
        mid: r6(start + share / 2),
        label: share >= 0.2 ? `${o.label} ${count}` : String(count),
        ink: o.ink,
      });
    }
    start += share;
  }
  return rows;
}

/** One judge's subtitle line: the canary win rate with its interval (or the counts), n and flips. */
function judgeLine(j: PairwiseInput, conf: string): string {
  const wr = j.winRate;
  const rate =
    wr && Number.isFinite(wr.estimate)
      ? `canary win rate (ties as half) ${formatPercent(wr.estimate, { digits: 1 })}` +
        (Number.isFinite(wr.ci[0]) && Number.isFinite(wr.ci[1])
          ? ` (${conf} CI ${formatPercent(wr.ci[0], { digits: 1 })} to ${formatPercent(wr.ci[1], { digits: 1 })})`
          : '')
      : `canary wins ${j.wins}, ties ${j.ties}, primary wins ${j.losses}`;
  return `${j.judge}: ${rate}; ${formatNumber(j.n)} judgments, ${j.orderInconsistent} order-inconsistent (counted as ties)`;
}

/** The 100% bars by outcome, with their labels. */
function outcomeBarLayers(y: Json): Json[] {
  return labelledStackLayers({
    y,
    x: shareEncoding('start', 'Share of judgments (%)'),
    color: {
      field: 'outcome',
      type: 'nominal',
      title: 'Verdict',
      sort: OUTCOMES.map((o) => o.label),
      scale: { domain: OUTCOMES.map((o) => o.label), range: OUTCOMES.map((o) => o.color) },
      legend: { orient: 'top', title: null },
    },
    tooltip: [
      { field: 'judge', type: 'nominal', title: 'Judge' },
      { field: 'outcome', type: 'nominal', title: 'Verdict' },
      { field: 'count', type: 'quantitative', title: 'Judgments' },
    ],
  });
}
