import type { GateResult, GateStatus, MetricComparison } from '../types';
import { type InlineScript, inlineScript, vegaLibraries } from './assets';
import { escapeHtml as h, jsonForScript, ReportError, SAFE_ID, sanitizeSvg } from './escape';
import {
  formatDuration,
  formatInterval,
  formatMetricValue,
  formatNumber,
  formatPercent,
  formatPValue,
  formatRelative,
  formatUsd,
  gateFormatter,
  unitLabel,
} from './format';
import { REPORT_CSS } from './style';
import type {
  ReportAnalysis,
  ReportArmCost,
  ReportChart,
  ReportDecision,
  ReportDisagreement,
  ReportInput,
  ReportManifest,
  ReportOptions,
  ReportScoreCell,
  ReportStep,
} from './types';

/** Default limit of the specs' total JSON size for interactive: 'auto'. */
export const INTERACTIVE_LIMIT_BYTES = 1_000_000;

/**
 * Renders each chart's spec into its figure with vega-embed (expression interpreter, so the CSP needs no
 * 'unsafe-eval'; no action menu, so no link out), then hides the static SVG. On failure the static SVG stays
 * and the error is logged. Constant text: its CSP hash is computed once.
 */
const BOOT_SCRIPT = inlineScript(
  'boot',
  `(function () {
  'use strict';
  var figures = document.querySelectorAll('figure[data-spec]');
  Array.prototype.forEach.call(figures, function (fig) {
    var data = document.getElementById(fig.getAttribute('data-spec'));
    var live = fig.querySelector('.chart-live');
    var still = fig.querySelector('.chart-static');
    if (!data || !live || typeof vegaEmbed !== 'function') return;
    var spec;
    try { spec = JSON.parse(data.textContent); } catch (e) {
      console.error('canarylab report: chart ' + fig.id + ' has an unreadable spec');
      return;
    }
    fig.setAttribute('data-live', 'pending');
    vegaEmbed(live, spec, { mode: 'vega-lite', actions: false, ast: true, renderer: 'svg', tooltip: true })
      .then(function () {
        if (still) still.hidden = true;
        fig.setAttribute('data-live', 'ready');
      })
      .catch(function (err) {
        live.textContent = '';
        fig.setAttribute('data-live', 'failed');
        console.error('canarylab report: chart ' + fig.id + ' failed to render: ' + err);
      });
  });
})();`,
);

const STATUS_ICON: Record<GateStatus, string> = { pass: '✓', fail: '✗', inconclusive: '?' };
const VERDICT_LABEL = {
  promote: { icon: '✓', label: 'PROMOTE' },
  hold: { icon: '‖', label: 'HOLD' },
  rollback: { icon: '↺', label: 'ROLL BACK' },
} as const;

/**
 * Renders the run's report as one self-contained HTML page: verdict first, then the gates table, the charts
 * (inline SVG; interactive versions through inlined vega-embed when the size allows), all metrics, segment
 * tables, judge reliability, run metadata and a sample of items where the arms disagree, side by side.
 * It opens offline and requests nothing: a Content-Security-Policy allows only the inlined scripts (by
 * sha256 hash), inline styles and data: images. Every piece of model output and user data is escaped.
 *
 * @throws {ReportError} when the verdict or a gate status is unknown, a chart id is not file-name safe or a
 *   chart's SVG is not an <svg> element; with
 *   `interactive: true`, when the vega builds cannot be read (CANARYLAB_ERR_REPORT_ASSET)
 * @example
 * const html = renderReport({ decision, analysis, charts, manifest, disagreements }, { interactive: 'auto' });
 * await writeFile('runs/demo/report.html', html);
 */
export function renderReport(input: ReportInput, options: ReportOptions = {}): string {
  const { decision, analysis, manifest } = input;
  if (!Object.hasOwn(VERDICT_LABEL, decision?.verdict)) {
    throw new ReportError(
      `renderReport: decision.verdict must be 'promote', 'hold' or 'rollback', got ${JSON.stringify(decision?.verdict)}`,
    );
  }
  const bad = decision.gates.findIndex((g) => !Object.hasOwn(STATUS_ICON, g.status));
  if (bad >= 0) {
    throw new ReportError(
      `renderReport: decision.gates[${bad}].status must be 'pass', 'fail' or 'inconclusive', got ${JSON.stringify(decision.gates[bad].status)}`,
    );
  }
  const charts = validateCharts(input.charts);
  const specs = charts
    .filter((c) => c.spec !== undefined)
    .map((c) => ({ id: c.id, json: jsonForScript(withoutSchemaUrl(c.spec as object)) }));
  let interactive = wantInteractive(options, charts, specs);
  let libraries: InlineScript[] = [];
  if (interactive) {
    try {
      libraries = vegaLibraries();
    } catch (err) {
      // 'auto' falls back to the static charts; an explicit `interactive: true` reports the missing build.
      if (options.interactive === true) throw err;
      interactive = false;
    }
  }
  const scripts: InlineScript[] = interactive ? [...libraries, BOOT_SCRIPT] : [];
  const csp = [
    "default-src 'none'",
    'img-src data:',
    "style-src 'unsafe-inline'",
    `script-src ${scripts.length ? scripts.map((s) => `'${s.hash}'`).join(' ') : "'none'"}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const title = `canarylab report · ${manifest.runId} · ${decision.verdict}`;

  const body = [
    renderHeader(manifest),
    renderVerdict(decision, manifest),
    renderGates(decision.gates, analysis.comparisons),
    renderCharts(charts, interactive ? new Set(specs.map((s) => s.id)) : new Set()),
    renderMetrics(analysis),
    renderSegments(analysis.comparisons),
    renderJudge(analysis),
    renderRunMeta(manifest, analysis),
    renderDisagreements(input.disagreements, manifest, options),
    `<footer>Generated by ${h(manifest.tool.name)} ${h(manifest.tool.version)} · config ${h(manifest.configHash)} · self-contained: this file requests nothing from any host.</footer>`,
  ].join('\n');

  const specTags = interactive
    ? specs.map((s) => `<script type="application/json" id="spec-${s.id}">${s.json}</script>`).join('\n')
    : '';
  const scriptTags = scripts.map((s) => `<script>${s.text}</script>`).join('\n');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${h(csp)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${h(`${manifest.tool.name} ${manifest.tool.version}`)}">
<title>${h(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
${body}
</main>
${specTags}
${scriptTags}
</body>
</html>
`;
}

function validateCharts(charts: readonly ReportChart[]): ReportChart[] {
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

/** The spec without its $schema URL (a link the page does not need: the mode is given to vega-embed). */
function withoutSchemaUrl(spec: object): object {
  const { $schema: _schema, ...rest } = spec as { $schema?: unknown };
  return rest;
}

function wantInteractive(
  options: ReportOptions,
  charts: readonly ReportChart[],
  specs: ReadonlyArray<{ json: string }>,
): boolean {
  const mode = options.interactive ?? 'auto';
  if (mode === false || specs.length === 0) return false;
  if (mode === true) return true;
  const limit = options.interactiveLimitBytes ?? INTERACTIVE_LIMIT_BYTES;
  const bytes = specs.reduce((sum, s) => sum + Buffer.byteLength(s.json), 0);
  return specs.length === charts.length && bytes <= limit;
}

function stepText(step: ReportStep): string {
  switch (step.stage) {
    case 'shadow':
      return `shadow (copies of ${step.shadowPercent ?? 0}% of requests; serves 0% of traffic)`;
    case 'flag':
      return `feature flag at ${step.trafficPercent}% of traffic${step.targetTiers?.length ? ` (tiers ${step.targetTiers.join(', ')} first)` : ''}`;
    case 'percentage':
      return `percentage rollout at ${step.trafficPercent}% of traffic`;
    default:
      return 'full migration (100% of traffic)';
  }
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function gateNames(gates: readonly GateResult[]): string {
  return gates.map((g) => g.gate).join(', ');
}

function renderHeader(m: ReportManifest): string {
  return `<header>
<h1>Canary report: <span class="arm-canary">${h(m.arms.canary.model)}</span> vs <span class="arm-primary">${h(m.arms.primary.model)}</span></h1>
<p class="sub">Run <code>${h(m.runId)}</code> · ${h(m.dataset.source)} · ${h(formatNumber(m.dataset.items))} items · ${h(m.createdAt)}</p>
<nav class="toc" aria-label="Sections"><a href="#gates">Gates</a><a href="#charts">Charts</a><a href="#metrics">Metrics</a><a href="#segments">Segments</a><a href="#judge">Judge</a><a href="#run">Run</a><a href="#disagreements">Disagreements</a></nav>
</header>`;
}

/**
 * The verdict's one sentence: what to do with the canary, and where traffic goes.
 *
 * @example
 * verdictSentence(decision, 'gemini-2.5-flash');
 * // => 'Promote gemini-2.5-flash to feature flag at 5% of traffic: every required and important gate passed on its whole interval.'
 */
export function verdictSentence(d: ReportDecision, canaryModel: string): string {
  const current: ReportStep = d.current ?? { stage: d.stage, trafficPercent: d.trafficPercent };
  const by = (status: GateStatus, severities: string[]) =>
    d.gates.filter((g) => g.status === status && severities.includes(g.severity));
  if (d.verdict === 'promote') {
    const next: ReportStep | undefined =
      d.next ?? (d.nextStage ? { stage: d.nextStage, trafficPercent: d.trafficPercent } : undefined);
    if (!next) {
      return `Keep ${canaryModel} at ${stepText(current)}: every required and important gate passed, and there is no further stage.`;
    }
    return `Promote ${canaryModel} to ${stepText(next)}: every required and important gate passed on its whole interval.`;
  }
  if (d.verdict === 'hold') {
    const failed = by('fail', ['important']);
    const open = by('inconclusive', ['required', 'important']);
    const why = [
      failed.length ? `${plural(failed.length, 'important gate')} failed (${gateNames(failed)})` : '',
      open.length ? `${plural(open.length, 'gate')} not yet decided (${gateNames(open)})` : '',
    ]
      .filter(Boolean)
      .join('; ');
    return `Hold ${canaryModel} at ${stepText(current)}: ${why || 'the policy does not allow promotion yet'}.`;
  }
  const fallback: ReportStep = d.fallback ?? {
    stage: d.nextStage ?? 'shadow',
    trafficPercent: d.trafficPercent,
  };
  const failed = by('fail', ['required']);
  const why = failed.length
    ? `${plural(failed.length, 'required gate')} failed (${gateNames(failed)})`
    : 'the policy requires it';
  return `Roll back ${canaryModel} to ${stepText(fallback)}: ${why}; all traffic goes to the primary.`;
}

function renderVerdict(d: ReportDecision, m: ReportManifest): string {
  const v = VERDICT_LABEL[d.verdict];
  const count = (s: GateStatus) => d.gates.filter((g) => g.status === s).length;
  const current: ReportStep = d.current ?? { stage: d.stage, trafficPercent: d.trafficPercent };
  let target: string;
  if (d.verdict === 'promote') {
    const next =
      d.next ?? (d.nextStage ? { stage: d.nextStage, trafficPercent: d.trafficPercent } : undefined);
    target = next ? `Next stage: ${stepText(next)}` : 'Already at the last stage';
  } else if (d.verdict === 'hold') {
    target = `Stay at: ${stepText(current)}`;
  } else {
    target = `Fallback stage: ${stepText(d.fallback ?? { stage: d.nextStage ?? 'shadow', trafficPercent: 0 })}`;
  }
  const reasons = d.reasons.length
    ? `<ul class="reasons">${d.reasons.map((r) => `<li>${h(r)}</li>`).join('')}</ul>`
    : '';
  return `<section id="verdict" class="verdict verdict-${h(d.verdict)}" role="status" aria-label="Verdict">
<p class="verdict-label"><span aria-hidden="true">${v.icon}</span> ${v.label}</p>
<p class="verdict-sentence">${h(verdictSentence(d, m.arms.canary.model))}</p>
<dl class="facts">
<dt>Canary traffic</dt><dd><strong>${h(formatNumber(d.trafficPercent))}%</strong> · ${h(target)}</dd>
<dt>Now at</dt><dd>${h(stepText(current))}</dd>
<dt>Gates</dt><dd>${count('pass')} pass · ${count('fail')} fail · ${count('inconclusive')} inconclusive</dd>
</dl>
${reasons}
</section>`;
}

function statusBadge(s: GateStatus): string {
  return `<span class="status status-${s}"><span aria-hidden="true">${STATUS_ICON[s]}</span> ${s}</span>`;
}

function renderGates(gates: readonly GateResult[], comparisons: readonly MetricComparison[]): string {
  if (gates.length === 0) {
    return '<section id="gates"><h2>Gates</h2><p class="empty">No gate was evaluated.</p></section>';
  }
  const rows = gates.map((g) => {
    const f = gateFormatter(g, comparisons);
    const needed =
      g.samplesNeeded === undefined
        ? '—'
        : `${formatNumber(g.samplesNeeded)}${g.samplesUnit === 'windows' ? ' windows' : ''}`;
    return `<tr class="gate-${g.status}">
<td>${h(g.gate)}<br><code class="muted">${h(g.metric)}</code></td>
<td class="sev-${h(g.severity)}">${h(g.severity)}</td>
<td class="num">${h(f(g.observed))}</td>
<td class="num">${h(formatInterval(g.ci, f))}</td>
<td class="num">${h(f(g.threshold))}</td>
<td>${statusBadge(g.status)}</td>
<td class="reason">${h(g.reason)}</td>
<td class="num">${h(needed)}</td>
</tr>`;
  });
  return `<section id="gates"><h2>Gates</h2>
<div class="table-wrap"><table class="dense">
<thead><tr><th>Gate</th><th>Severity</th><th class="num">Observed</th><th class="num">Interval</th><th class="num">Threshold</th><th>Status</th><th>Reason</th><th class="num">More samples / arm</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table></div>
</section>`;
}

function renderCharts(charts: readonly ReportChart[], live: ReadonlySet<string>): string {
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

/** Numbered test-method notes of one table: long method descriptions go below it, not in every row. */
class MethodNotes {
  private readonly methods: string[] = [];
  constructor(private readonly prefix: string) {}
  ref(method: string): string {
    let i = this.methods.indexOf(method);
    if (i < 0) i = this.methods.push(method) - 1;
    return `<sup><a href="#${this.prefix}-${i + 1}">[${i + 1}]</a></sup>`;
  }
  render(): string {
    if (this.methods.length === 0) return '';
    const items = this.methods.map((m, i) => `<li id="${this.prefix}-${i + 1}">${h(m)}</li>`).join('');
    return `<ol class="methods">${items}</ol>`;
  }
}

const COMPARISON_HEAD =
  '<th class="num">Primary</th><th class="num">Canary</th><th class="num">Canary − primary</th><th class="num">n (P / C)</th><th class="num">p [test]</th>';

function comparisonCells(c: MetricComparison, notes: MethodNotes): string {
  const f = (x: number) => formatMetricValue(x, c.unit, { bare: true });
  const fd = (x: number) => formatMetricValue(x, c.unit, { signed: true, bare: true });
  const rel = c.delta.relative
    ? `<br>${h(formatRelative(c.delta.relative.estimate))} <span class="muted">${h(formatInterval(c.delta.relative.ci, formatRelative))}</span>`
    : '';
  return `<td class="num">${h(f(c.primary.estimate))}<br><span class="muted">${h(formatInterval(c.primary.ci, f))}</span></td>
<td class="num">${h(f(c.canary.estimate))}<br><span class="muted">${h(formatInterval(c.canary.ci, f))}</span></td>
<td class="num">${h(fd(c.delta.estimate))}<br><span class="muted">${h(formatInterval(c.delta.ci, fd))}</span>${rel}</td>
<td class="num">${h(formatNumber(c.primary.n))} / ${h(formatNumber(c.canary.n))}</td>
<td class="num">${h(formatPValue(c.test.pValue))} ${notes.ref(c.test.method)}</td>`;
}

function metricLabel(c: MetricComparison): string {
  return `<code>${h(c.metric)}</code><br><span class="muted">${h(unitLabel(c.unit))}, ${h(c.better)} is better</span>`;
}

/** Same arms, same numbers: the published 'quality' metric and the scorer comparison it repeats. */
function sameComparison(a: MetricComparison, b: MetricComparison): boolean {
  return (
    a.unit === b.unit &&
    a.primary.n === b.primary.n &&
    a.canary.n === b.canary.n &&
    a.primary.estimate === b.primary.estimate &&
    a.canary.estimate === b.canary.estimate &&
    a.delta.estimate === b.delta.estimate
  );
}

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

function renderMetrics(a: ReportAnalysis): string {
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

function renderSegments(comparisons: readonly MetricComparison[]): string {
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

/** Flattens a reliability object into (path, value) rows: numbers, strings, booleans and [lo, hi] pairs. */
function flattenForTable(value: unknown, path: string, out: Array<[string, string]>, depth: number): void {
  if (out.length >= 80) return;
  if (value === null || value === undefined) return;
  if (typeof value === 'number') out.push([path, formatNumber(value)]);
  else if (typeof value === 'string' || typeof value === 'boolean') out.push([path, String(value)]);
  else if (Array.isArray(value)) {
    if (value.length === 2 && value.every((x) => typeof x === 'number')) {
      out.push([path, formatInterval(value as [number, number], formatNumber)]);
    } else if (value.every((x) => typeof x !== 'object' || x === null)) {
      out.push([path, value.map((x) => String(x)).join(', ')]);
    } else if (depth > 0) {
      value.forEach((x, i) => {
        flattenForTable(x, `${path}[${i}]`, out, depth - 1);
      });
    }
  } else if (typeof value === 'object' && depth > 0) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      flattenForTable(v, path ? `${path}.${k}` : k, out, depth - 1);
    }
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isInterval = (v: unknown): v is [number, number] =>
  Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number');
const isProportion = (
  v: unknown,
): v is { count?: number; n: number; estimate: number; ci: [number, number]; kappa?: unknown } =>
  isRecord(v) && typeof v.n === 'number' && typeof v.estimate === 'number' && isInterval(v.ci);

/** The measures of src/scoring judgeReliability, in reading order, with what each means. */
const RELIABILITY_MEASURES: ReadonlyArray<{ key: string; label: string; meaning: string }> = [
  {
    key: 'positionFlipRate',
    label: 'Verdict flips when the answer order is swapped',
    meaning: 'lower is better; a flipped verdict counts as a tie',
  },
  {
    key: 'firstPositionPreference',
    label: 'Picks the answer shown first',
    meaning: '50% = no position preference',
  },
  { key: 'selfConsistency', label: 'Agrees with itself on a repeated judgment', meaning: 'higher is better' },
  { key: 'lengthBias', label: 'Picks the longer answer', meaning: '50% = no length preference' },
];

/**
 * Judge reliability as a table: the known measures (proportions with their intervals, Cohen's kappa
 * agreements) with what they mean, then any other number, string or interval in it by its path.
 */
function renderReliability(rel: unknown): string {
  const pct = (x: number) => formatMetricValue(x, 'ratio');
  const rows: string[] = [];
  const rest: Array<[string, string]> = [];
  const known = new Set<string>(['judge']);
  const r = isRecord(rel) ? rel : {};
  for (const m of RELIABILITY_MEASURES) {
    const v = r[m.key];
    if (!isProportion(v)) continue;
    known.add(m.key);
    const kappa = typeof v.kappa === 'number' ? ` (κ ${formatNumber(v.kappa)})` : '';
    const count =
      typeof v.count === 'number' ? `${formatNumber(v.count)} of ${formatNumber(v.n)}` : formatNumber(v.n);
    rows.push(
      `<tr><td>${h(m.label)}</td><td class="num">${h(pct(v.estimate) + kappa)}</td><td class="num">${h(formatInterval(v.ci, pct))}</td><td class="num">${h(count)}</td><td class="muted">${h(m.meaning)}</td></tr>`,
    );
  }
  if (Array.isArray(r.agreement)) {
    known.add('agreement');
    for (const g of r.agreement) {
      if (!isRecord(g) || typeof g.kappa !== 'number') continue;
      const between = Array.isArray(g.between) ? g.between.map(String).join(' vs ') : '';
      rows.push(
        `<tr><td>Cohen's κ: ${h(between)}${g.on ? ` (on ${h(g.on)})` : ''}</td><td class="num">${h(formatNumber(g.kappa))}</td><td class="num">${h(isInterval(g.ci) ? formatInterval(g.ci, formatNumber) : '—')}</td><td class="num">${h(typeof g.n === 'number' ? formatNumber(g.n) : '—')}</td><td class="muted">above 0.6 substantial, above 0.8 almost perfect agreement</td></tr>`,
      );
    }
  }
  for (const [k, v] of Object.entries(r)) if (!known.has(k)) flattenForTable(v, k, rest, 3);
  if (!isRecord(rel)) flattenForTable(rel, 'value', rest, 3);
  if (rows.length === 0 && rest.length === 0) return '';
  const judge = typeof r.judge === 'string' ? ` <code>${h(r.judge)}</code>` : '';
  const main = rows.length
    ? `<table class="narrow"><thead><tr><th>Measure</th><th class="num">Estimate</th><th class="num">Interval</th><th class="num">n</th><th>Reading</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`
    : '';
  const other = rest.length
    ? `<table class="narrow"><tbody>
${rest.map(([k, v]) => `<tr><td><code>${h(k)}</code></td><td class="num">${h(v)}</td></tr>`).join('\n')}
</tbody></table>`
    : '';
  return `<h3>Agreement and bias checks of the judge${judge}</h3>\n${main}\n${other}`;
}

function renderJudge(a: ReportAnalysis): string {
  const parts = ['<section id="judge"><h2>Judge reliability</h2>'];
  let any = false;
  if (a.pairwise) {
    any = true;
    const p = a.pairwise;
    const share = (x: number) => (p.n > 0 ? formatPercent(x / p.n, { digits: 1 }) : '—');
    parts.push(
      `<h3>Pairwise judge <code>${h(p.judge)}</code></h3>
<table class="narrow"><tbody>
<tr><td>Judgments</td><td class="num">${h(formatNumber(p.n))}</td></tr>
<tr><td>Canary wins / ties / losses</td><td class="num">${h(formatNumber(p.wins))} / ${h(formatNumber(p.ties))} / ${h(formatNumber(p.losses))}</td></tr>
<tr><td>Canary win rate (ties as half)</td><td class="num">${h(formatMetricValue(p.winRate.estimate, 'ratio'))} ${h(formatInterval(p.winRate.ci, (x) => formatMetricValue(x, 'ratio')))}</td></tr>
<tr><td>Verdict flipped with answer order (counted as tie)</td><td class="num">${h(formatNumber(p.orderInconsistent))} (${h(share(p.orderInconsistent))})</td></tr>
</tbody></table>`,
    );
  }
  if (a.judgeReliability !== undefined && a.judgeReliability !== null) {
    const table = renderReliability(a.judgeReliability);
    if (table) {
      any = true;
      parts.push(table);
    }
  }
  if (a.excludedFromQuality && (a.excludedFromQuality.primary > 0 || a.excludedFromQuality.canary > 0)) {
    any = true;
    parts.push(
      `<p>Excluded from quality (failed calls or scorer errors): primary ${h(formatNumber(a.excludedFromQuality.primary))}, canary ${h(formatNumber(a.excludedFromQuality.canary))}.</p>`,
    );
  }
  if (!any) parts.push('<p class="empty">No judge in this run.</p>');
  parts.push('</section>');
  return parts.join('\n');
}

/**
 * A base URL for display: no user name, password, query or fragment (keys sometimes ride there). Not a
 * link: it is shown as escaped text.
 */
export function redactUrl(url: string | undefined): string {
  if (!url) return '—';
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return url.replace(/[?#].*$/, '').replace(/\/\/[^/@]*@/, '//');
  }
}

function renderRunMeta(m: ReportManifest, a: ReportAnalysis): string {
  const row = (k: string, v: string) => `<tr><th scope="row">${k}</th><td>${v}</td></tr>`;
  const calls = a.cost
    ? `${formatNumber(a.cost.primary.requests)} / ${formatNumber(a.cost.canary.requests)}`
    : '';
  const armCost = a.cost ? a.cost.primary.totalUsd + a.cost.canary.totalUsd : undefined;
  const evalCost =
    m.evaluationCostUsd !== undefined
      ? `${formatUsd(m.evaluationCostUsd)}${
          m.costs && m.costs.judgeUsd > 0
            ? ` (model calls ${formatUsd(m.costs.callsUsd)}, judge${m.judge ? ` ${m.judge.model}` : ''} ${formatUsd(m.costs.judgeUsd)})`
            : ''
        }`
      : armCost !== undefined
        ? `${formatUsd(armCost)} (model calls only)`
        : '—';
  const rows = [
    row('Run', `<code>${h(m.runId)}</code>`),
    row(
      'Primary',
      `<span class="arm-primary">${h(m.arms.primary.model)}</span> <span class="muted">${h(redactUrl(m.arms.primary.baseURL))}</span>`,
    ),
    row(
      'Canary',
      `<span class="arm-canary">${h(m.arms.canary.model)}</span> <span class="muted">${h(redactUrl(m.arms.canary.baseURL))}</span>`,
    ),
    row('Judge', m.judge ? h(m.judge.model) : '—'),
    row('Dataset', `${h(m.dataset.source)} · ${h(formatNumber(m.dataset.items))} items`),
    row('Repeats per item', h(m.repeats === undefined ? '—' : formatNumber(m.repeats))),
    ...(calls ? [row('Calls (primary / canary)', h(calls))] : []),
    row('Started', h(m.createdAt)),
    row(
      'Finished',
      `${h(m.finishedAt ?? '—')} <span class="muted">(${h(formatDuration(m.createdAt, m.finishedAt))})</span>`,
    ),
    row('Cost of this evaluation', h(evalCost)),
    row(
      'Rollout stage at run time',
      m.stage
        ? h(
            stepText({
              stage: m.stage.stage,
              trafficPercent: m.stage.trafficPercent,
              shadowPercent: m.stage.shadowPercent,
            }),
          )
        : '—',
    ),
    row('Tool', `${h(m.tool.name)} ${h(m.tool.version)}`),
    row(
      'Config',
      `<code>${h(m.configHash)}</code>${m.configFile ? ` <span class="muted">${h(m.configFile)}</span>` : ''}`,
    ),
  ];
  const notes = a.notes?.length
    ? `<h3>Analysis notes</h3><ul>${a.notes.map((n) => `<li>${h(n)}</li>`).join('')}</ul>`
    : '';
  return `<section id="run"><h2>Run</h2>
<table class="meta"><tbody>
${rows.join('\n')}
</tbody></table>
${notes}
</section>`;
}

function clip(text: string, max: number): string {
  if (text.length <= max) return h(text);
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${h(text.slice(0, end))}<span class="cut">… [cut: ${h(formatNumber(text.length))} characters in all]</span>`;
}

function scoreText(cell: ReportScoreCell | undefined): string {
  if (!cell) return '—';
  if (cell.error) return `error: ${cell.error}`;
  const score = cell.score === null ? 'no score' : formatNumber(cell.score);
  return cell.pass === undefined ? score : `${cell.pass ? 'pass' : 'fail'} (${score})`;
}

function renderDisagreements(
  list: readonly ReportDisagreement[],
  m: ReportManifest,
  o: ReportOptions,
): string {
  const max = o.maxDisagreements ?? 20;
  const maxChars = o.maxTextChars ?? 4000;
  const shown = list.slice(0, max);
  if (shown.length === 0) {
    return '<section id="disagreements"><h2>Where the arms disagree</h2><p class="empty">No item where the arms disagree.</p></section>';
  }
  const items = shown.map((d, i) => {
    const scoreRows = d.scores
      .map(
        (s) =>
          `<tr><td>${h(s.scorer)}</td><td>${h(scoreText(s.primary))}${s.primary?.reason ? `<br><span class="muted">${clip(s.primary.reason, 600)}</span>` : ''}</td><td>${h(scoreText(s.canary))}${s.canary?.reason ? `<br><span class="muted">${clip(s.canary.reason, 600)}</span>` : ''}</td></tr>`,
      )
      .join('');
    const pairwise = d.pairwise
      ? `<p>Pairwise judge <code>${h(d.pairwise.judge)}</code>: <strong>${h(d.pairwise.winner)}</strong>${d.pairwise.orderConsistent === false ? ' (verdict flipped with answer order)' : ''}${d.pairwise.reason ? ` — <span class="muted">${clip(d.pairwise.reason, 600)}</span>` : ''}</p>`
      : '';
    return `<article class="dis" id="dis-${i + 1}">
<h3>Item <code>${h(d.itemId)}</code>${d.repeat ? ` <span class="muted">(repeat ${h(d.repeat)})</span>` : ''}</h3>
<h4>Prompt</h4><pre>${clip(d.prompt, maxChars)}</pre>
${d.reference === undefined ? '' : `<h4>Reference</h4><pre>${clip(String(d.reference), maxChars)}</pre>`}
<div class="side">
<div><h4 class="arm-head primary">Primary · ${h(m.arms.primary.model)}</h4><pre>${clip(d.primary, maxChars)}</pre></div>
<div><h4 class="arm-head canary">Canary · ${h(m.arms.canary.model)}</h4><pre>${clip(d.canary, maxChars)}</pre></div>
</div>
${scoreRows ? `<table class="scores"><thead><tr><th>Scorer</th><th>Primary</th><th>Canary</th></tr></thead><tbody>${scoreRows}</tbody></table>` : ''}
${pairwise}
</article>`;
  });
  const more =
    list.length > shown.length ? ` Showing ${shown.length} of ${formatNumber(list.length)} such items.` : '';
  return `<section id="disagreements"><h2>Where the arms disagree</h2>
<p class="sub">Items whose scores differ between the arms, side by side. Model output is shown as plain text.${h(more)}</p>
${items.join('\n')}
</section>`;
}
