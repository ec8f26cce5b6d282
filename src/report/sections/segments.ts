// The segments section: per-segment comparison tables, leaving out segments that repeat the overall ones.

import { formatPValue } from '../../format';
import type { MetricComparison } from '../../types';
import { escapeHtml as h } from '../escape';
import {
  COMPARISON_HEAD,
  comparisonCells,
  MethodNotes,
  metricLabel,
  sameComparison,
} from './comparisonCells';

/**
 * The segment comparisons worth a table: a segment key with a single value that covers every call of the
 * run (a tag on every item) repeats the overall metrics and is left out.
 */
export function segmentRows(comparisons: readonly MetricComparison[]): MetricComparison[] {
  const seg = comparisons.filter((c) => c.segment);
  const overall = new Map(comparisons.filter((c) => !c.segment).map((c) => [c.metric, c]));
  const values = new Map<string, Set<string>>();
  for (const c of seg) {
    const key = c.segment?.key ?? '';
    values.set(key, (values.get(key) ?? new Set()).add(c.segment?.value ?? ''));
  }
  const repeatsOverall = (key: string) =>
    values.get(key)?.size === 1 &&
    seg
      .filter((c) => c.segment?.key === key)
      .every((c) => {
        const o = overall.get(c.metric);
        return o !== undefined && sameComparison(o, c);
      });
  return seg.filter((c) => !repeatsOverall(c.segment?.key ?? ''));
}

/** The segments section: a table per segment key, or why there is none. */
export function renderSegments(comparisons: readonly MetricComparison[]): string {
  const seg = segmentRows(comparisons);
  if (seg.length === 0) {
    const why = comparisons.some((c) => c.segment)
      ? 'every segment covers all items, so its comparisons are the overall ones above'
      : 'items carry no tier or tags';
    return `<section id="segments"><h2>Segments</h2><p class="empty">No segment comparisons in this run (${why}).</p></section>`;
  }
  const byKey = new Map<string, MetricComparison[]>();
  for (const c of seg) {
    const key = c.segment?.key ?? '';
    byKey.set(key, [...(byKey.get(key) ?? []), c]);
  }
  const tables = [...byKey.entries()].map(([key, rows], k) => {
    const notes = new MethodNotes(`segment-method-${k + 1}`);
    const body = rows
      .map(
        (c) =>
          `<tr><td>${h(c.segment?.value)}</td><td>${metricLabel(c)}</td>\n${comparisonCells(c, notes)}\n<td class="num">${h(formatPValue(c.test.adjustedPValue))}</td></tr>`,
      )
      .join('\n');
    return `<h3>By ${h(key)}</h3>
<div class="table-wrap"><table class="dense">
<thead><tr><th>${h(key)}</th><th>Metric</th>${COMPARISON_HEAD}<th class="num">p (Holm)</th></tr></thead>
<tbody>
${body}
</tbody></table></div>
${notes.render()}`;
  });
  return `<section id="segments"><h2>Segments</h2>
<p class="sub">Per-segment comparisons; p-values adjusted across segments with Holm's method. Small segments have wide intervals.</p>
${tables.join('\n')}
</section>`;
}
