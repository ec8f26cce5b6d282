// The all-metrics section: the overall comparisons, failed calls by error kind and the cost table.

import { formatMetricValue, formatNumber, formatUsd } from '../../format';
import type { MetricComparison } from '../../types';
import { escapeHtml as h } from '../escape';
import type { ReportAnalysis, ReportArmCost } from '../types';
import {
  COMPARISON_HEAD,
  comparisonCells,
  MethodNotes,
  metricLabel,
  sameComparison,
} from './comparisonCells';

/**
 * The overall comparisons as the report lists them: a `quality:<scorer>` row that the published `quality`
 * metric repeats is folded into it (the quality row names its scorer), so no row appears twice.
 */
export function metricRows(
  comparisons: readonly MetricComparison[],
): Array<{ c: MetricComparison; alias?: string }> {
  const overall = comparisons.filter((c) => !c.segment);
  const quality = overall.find((c) => c.metric === 'quality');
  const alias = quality
    ? overall.find((c) => c.metric.startsWith('quality:') && sameComparison(c, quality))
    : undefined;
  return overall
    .filter((c) => c !== alias)
    .map((c) => (c === quality && alias ? { c, alias: alias.metric.slice('quality:'.length) } : { c }));
}

/** The all-metrics section: the overall comparisons, failed calls by error kind and the cost table. */
export function renderMetrics(a: ReportAnalysis): string {
  const overall = metricRows(a.comparisons);
  const notes = new MethodNotes('method');
  const label = (r: { c: MetricComparison; alias?: string }) =>
    r.alias === undefined
      ? metricLabel(r.c)
      : `${metricLabel(r.c)}<br><span class="muted">scorer <code>${h(r.alias)}</code></span>`;
  const table = overall.length
    ? `<div class="table-wrap"><table>
<thead><tr><th>Metric</th>${COMPARISON_HEAD}</tr></thead>
<tbody>
${overall.map((r) => `<tr><td>${label(r)}</td>\n${comparisonCells(r.c, notes)}</tr>`).join('\n')}
</tbody></table></div>
${notes.render()}`
    : '<p class="empty">No metric comparisons.</p>';
  const parts = [`<section id="metrics"><h2>All metrics</h2>`, table];
  if (a.errors) {
    const kinds = [...new Set([...Object.keys(a.errors.primary), ...Object.keys(a.errors.canary)])].sort();
    parts.push(
      '<h3>Failed calls by error kind</h3>',
      kinds.length
        ? `<table class="narrow"><thead><tr><th>Error kind</th><th class="num">Primary</th><th class="num">Canary</th></tr></thead><tbody>${kinds
            .map(
              (k) =>
                `<tr><td>${h(k)}</td><td class="num">${h(formatNumber(a.errors?.primary[k] ?? 0))}</td><td class="num">${h(formatNumber(a.errors?.canary[k] ?? 0))}</td></tr>`,
            )
            .join('')}</tbody></table>`
        : '<p class="empty">No failed calls.</p>',
    );
  }
  if (a.cost) {
    const { primary: p, canary: c } = a.cost;
    const row = (label: string, f: (x: ReportArmCost) => string) =>
      `<tr><td>${label}</td><td class="num">${h(f(p))}</td><td class="num">${h(f(c))}</td></tr>`;
    parts.push(
      '<h3>Cost</h3>',
      `<table class="narrow"><thead><tr><th></th><th class="num">Primary</th><th class="num">Canary</th></tr></thead><tbody>
${row('Spent in this run', (x) => formatUsd(x.totalUsd))}
${row('Requests', (x) => formatNumber(x.requests))}
${row('Tokens', (x) => formatNumber(x.tokens))}
${row('Per 1K tokens', (x) => formatMetricValue(x.per1kTokensUsd, 'usd_per_1k_tokens'))}
${row('Per request', (x) => formatUsd(x.perRequestUsd))}
${row(`Projected monthly (${h(formatNumber(a.cost.monthlyRequests))} requests)`, (x) => formatUsd(x.monthlyUsd))}
</tbody></table>`,
    );
  }
  parts.push('</section>');
  return parts.join('\n');
}
