// The charts section: each chart's sanitized static SVG, with a slot for its interactive version.
import { escapeHtml as h, ReportError, SAFE_ID, sanitizeSvg } from '../escape';
import type { ReportChart } from '../types';

/**
 * The charts with their SVG sanitized for inlining.
 * @throws {ReportError} when an id is not file-name safe or used twice, or an SVG is not one <svg> element
 */
export function validateCharts(charts: readonly ReportChart[]): ReportChart[] {
  const seen = new Set<string>();
  return charts.map((c, i) => {
    if (typeof c.id !== 'string' || !SAFE_ID.test(c.id)) {
      throw new ReportError(
        `renderReport: charts[${i}].id ${JSON.stringify(c.id)} must be 1–64 letters, digits, '-' or '_' (it names charts/<id>.svg)`,
      );
    }
    if (seen.has(c.id)) throw new ReportError(`renderReport: charts[${i}].id '${c.id}' is used twice`);
    seen.add(c.id);
    if (typeof c.svg !== 'string')
      throw new ReportError(`renderReport: charts[${i}].svg must be an SVG string`);
    try {
      return { ...c, svg: sanitizeSvg(c.svg) };
    } catch (err) {
      throw new ReportError(`renderReport: charts[${i}] ('${c.id}'): ${(err as Error).message}`);
    }
  });
}

/** The charts section: one figure per chart, with a slot for the interactive version when its spec is `live`. */
export function renderCharts(charts: readonly ReportChart[], live: ReadonlySet<string>): string {
  if (charts.length === 0) {
    return '<section id="charts"><h2>Charts</h2><p class="empty">No charts.</p></section>';
  }
  const figs = charts.map((c) => {
    const spec = live.has(c.id) ? ` data-spec="spec-${c.id}"` : '';
    const desc = c.description ? `<p class="desc">${h(c.description)}</p>` : '';
    return `<figure class="chart" id="chart-${c.id}"${spec}>
<figcaption>${h(c.title)}${desc}</figcaption>
<div class="chart-static">${c.svg.replace(/^<svg/i, `<svg role="img" aria-label="${h(c.title)}"`)}</div>
${live.has(c.id) ? '<div class="chart-live"></div>' : ''}
</figure>`;
  });
  const note = live.size
    ? '<p class="sub">Charts are interactive (hover for values) when JavaScript runs; the static versions are shown otherwise and in print.</p>'
    : '';
  return `<section id="charts"><h2>Charts</h2>${note}
<div class="charts">
${figs.join('\n')}
</div>
</section>`;
}
