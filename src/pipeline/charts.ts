/**
 * The charts of a run, rendered for the report: buildRunCharts (vega-lite specs) + renderSvg (headless vega).
 */
import type { RunAnalysis } from '../analysis/types';
import { buildRunCharts } from '../charts/buildRunCharts';
import { renderSvg } from '../charts/render';
import type { SequentialChartInput } from '../charts/sequential';
import type { DecisionDetails } from '../decision/decide';
import type { SequentialSummary } from '../decision/sequential';
import type { ReportChart } from '../report/types';

/**
 * The sequential history as the trajectory chart reads it: quality (pass rate) when every look has it,
 * else the success rate; one point per look with its confidence sequence.
 */
export function sequentialChartInput(s: SequentialSummary): SequentialChartInput | undefined {
  if (!s.entries || s.entries.length === 0) return undefined;
  const quality = s.entries.every((e) => e.qualityLook && e.qualityCumulative);
  return {
    metric: quality ? 'quality (pass rate)' : 'success rate',
    unit: 'ratio',
    alpha: s.alpha,
    looks: s.entries.map((e, i) => {
      const look = quality && e.qualityLook ? e.qualityLook : e.successRate;
      const cum = quality && e.qualityCumulative ? e.qualityCumulative : e.cumulative;
      return {
        look: i + 1,
        n: cum.primary.n + cum.canary.n,
        estimate: look.estimate,
        ci: look.ci,
        pValue: look.alwaysValidP,
      };
    }),
  };
}

/**
 * Builds every chart of a run and renders each to SVG (the report inlines the SVG and, when small enough,
 * the spec for the interactive version).
 *
 * @example
 * const charts = await renderRunCharts({ analysis, decision });
 */
export async function renderRunCharts(input: {
  analysis: RunAnalysis;
  decision: DecisionDetails;
  sequential?: SequentialSummary;
  confidence?: number;
}): Promise<ReportChart[]> {
  const sequential = input.sequential ? sequentialChartInput(input.sequential) : undefined;
  const specs = buildRunCharts({
    analysis: input.analysis,
    decision: input.decision,
    ...(sequential ? { sequential } : {}),
    ...(input.confidence !== undefined ? { confidence: input.confidence } : {}),
  });
  const out: ReportChart[] = [];
  for (const c of specs) {
    out.push({ id: c.id, title: c.title, spec: c.spec as object, svg: await renderSvg(c.spec) });
  }
  return out;
}
