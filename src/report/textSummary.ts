/**
 * The terminal summaries of the CLI: the verdict with its gates table, and the comparisons of an analysis.
 */
import type { RunAnalysis } from '../analysis/types';
import { type DecisionDetails, describeStep } from '../decision/decide';
import { formatInterval, formatMetricValue, formatNumber, formatPValue, formatRelative } from '../format';
import type { Decision, MetricComparison } from '../types';
import { gateFormatter } from './format';
import { formatTable } from './textTable';

/** Exit status of a verdict under `--exit-code`: promote 0, hold 10, rollback 20. */
export const VERDICT_EXIT_CODES: Readonly<Record<Decision['verdict'], number>> = Object.freeze({
  promote: 0,
  hold: 10,
  rollback: 20,
});

const SEVERITY_ORDER = { required: 0, important: 1, recommended: 2 } as const;

/**
 * The verdict in a few lines: verdict and next step, the gates table (observed value, interval,
 * threshold, status), the reasons, and where the report is.
 *
 * @example
 * process.stdout.write(formatVerdict({ decision, comparisons: analysis.comparisons, reportFile }));
 */
export function formatVerdict(opts: {
  decision: Decision & Partial<Pick<DecisionDetails, 'current' | 'next' | 'fallback'>>;
  comparisons: readonly MetricComparison[];
  reportFile?: string;
  runDir?: string;
  evaluationCostUsd?: number;
  /** The split of the evaluation cost: both arms' calls and the judge's (named by its model). */
  costs?: { callsUsd: number; judgeUsd: number; judgeModel?: string };
}): string {
  const d = opts.decision;
  const out: string[] = [];
  const head = d.verdict.toUpperCase();
  let where = '';
  if (d.verdict === 'promote') {
    where = d.next ? `promote to ${describeStep(d.next)}` : 'already at full migration';
  } else if (d.verdict === 'hold') {
    where = d.current ? `hold at ${describeStep(d.current)}` : `hold at ${d.stage}`;
  } else {
    where = d.fallback ? `roll back to ${describeStep(d.fallback)}` : 'roll back';
  }
  out.push(`verdict: ${head} — ${where}; canary traffic ${d.trafficPercent}%`);
  out.push('');
  const gates = [...d.gates].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  out.push(
    formatTable(gates, [
      { header: 'gate', cell: (g) => g.gate },
      { header: 'severity', cell: (g) => g.severity },
      {
        header: 'status',
        cell: (g) => (g.status === 'pass' ? 'PASS' : g.status === 'fail' ? 'FAIL' : 'inconclusive'),
      },
      { header: 'observed', align: 'right', cell: (g) => gateFormatter(g, opts.comparisons)(g.observed) },
      {
        header: 'interval',
        align: 'right',
        cell: (g) => formatInterval(g.ci, gateFormatter(g, opts.comparisons)),
      },
      {
        header: 'threshold',
        align: 'right',
        cell: (g) => gateFormatter(g, opts.comparisons)(g.threshold),
      },
      {
        header: 'more samples',
        align: 'right',
        cell: (g) =>
          g.samplesNeeded !== undefined
            ? `${formatNumber(g.samplesNeeded)}${g.samplesUnit === 'windows' ? ' windows' : ''}`
            : '',
      },
    ]),
  );
  out.push('');
  for (const r of d.reasons) out.push(`  • ${r}`);
  if (opts.evaluationCostUsd !== undefined) {
    out.push('');
    const c = opts.costs;
    const split =
      c && c.judgeUsd > 0
        ? ` (model calls ${formatMetricValue(c.callsUsd, 'usd')}, judge${c.judgeModel ? ` ${c.judgeModel}` : ''} ${formatMetricValue(c.judgeUsd, 'usd')})`
        : '';
    out.push(`evaluation cost: ${formatMetricValue(opts.evaluationCostUsd, 'usd')}${split}`);
  }
  if (opts.runDir) out.push(`run folder: ${opts.runDir}`);
  if (opts.reportFile) out.push(`report: ${opts.reportFile}`);
  return `${out.join('\n')}\n`;
}

/** The overall comparisons of an analysis as a table (segments left out). */
export function formatComparisons(analysis: RunAnalysis): string {
  const rows = analysis.comparisons.filter((c) => !c.segment);
  const f = (c: MetricComparison) => (x: number) => formatMetricValue(x, c.unit);
  const table = formatTable(rows, [
    { header: 'metric', cell: (c) => c.metric },
    { header: 'primary', align: 'right', cell: (c) => f(c)(c.primary.estimate) },
    { header: 'canary', align: 'right', cell: (c) => f(c)(c.canary.estimate) },
    {
      header: 'canary − primary',
      align: 'right',
      cell: (c) =>
        c.delta.relative
          ? `${formatMetricValue(c.delta.estimate, c.unit, { signed: true })} (${formatRelative(c.delta.relative.estimate)})`
          : formatMetricValue(c.delta.estimate, c.unit, { signed: true }),
    },
    {
      header: 'interval',
      align: 'right',
      cell: (c) => formatInterval(c.delta.ci, (x) => formatMetricValue(x, c.unit, { signed: true })),
    },
    { header: 'p', align: 'right', cell: (c) => formatPValue(c.test.pValue) },
  ]);
  const notes = analysis.notes.map((n) => `  • ${n}`).join('\n');
  return `${table}\n${notes ? `\n${notes}\n` : ''}`;
}
