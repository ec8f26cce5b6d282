/**
 * Display helpers for the notebooks (tslab, the TypeScript Jupyter kernel): tables, charts, decisions,
 * progress and side-by-side answers as HTML. Every helper has a pure `…Html` twin that returns the markup,
 * so the markup is tested without a kernel; the `show…` functions hand it to tslab's display.
 * Model output, prompts, judge reasons and item ids are untrusted text: all of it is escaped.
 */
import { createRequire } from 'node:module';
import type * as Tslab from 'tslab';
import { renderSvg } from '../charts/render';
import { formatSignificant, formatSpend } from '../format';
import { escapeHtml } from '../report/escape';
import type { ReportDisagreement } from '../report/types';
import type { BatchProgress } from '../runner/runBatch';
import type { Decision, GateResult } from '../types';

// tslab is loaded on first display, not at import: it costs ~160 ms and ~47 MB of RSS, which every importer
// of the public API (the CLI, scripts, the runner) would otherwise pay.
let tslabModule: typeof Tslab | undefined;
function tslab(): typeof Tslab {
  tslabModule ??= createRequire(__filename)('tslab') as typeof Tslab;
  return tslabModule;
}
const tslabDisplay = { html: (markup: string) => tslab().display.html(markup) };

/** Where HTML goes: tslab's `display` (the default), or anything with an `html` method (tests, logs). */
export interface HtmlSink {
  html(markup: string): void;
}

/** A danfojs DataFrame, or anything shaped like one: column names and rows of values. */
export interface FrameLike {
  columns: string[];
  values: unknown[][] | unknown[];
}

/** Options of `tableHtml` / {@link showTable}. */
export interface TableOptions {
  /** Columns to show, in order (default: every column, in first-seen order). */
  columns?: string[];
  /** Caption above the table (escaped). */
  caption?: string;
  /** Show at most this many rows (default 50); a note says how many were left out. */
  maxRows?: number;
  /** Significant digits of non-integer numbers (default 4). */
  digits?: number;
  /** Where the HTML goes (default tslab's display). */
  display?: HtmlSink;
}

const isFrame = (x: unknown): x is FrameLike =>
  typeof x === 'object' &&
  x !== null &&
  !Array.isArray(x) &&
  Array.isArray((x as FrameLike).columns) &&
  Array.isArray((x as FrameLike).values);

/**
 * Formats one cell: numbers with `digits` significant digits (integers as they are), arrays and objects as
 * compact JSON, null/undefined as an empty cell.
 */
export function formatCell(value: unknown, digits = 4): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return String(value);
    if (Number.isInteger(value)) return String(value);
    return formatSignificant(value, digits);
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value, (_k, v) =>
    typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(digits)) : v,
  );
}

/**
 * Renders rows (objects) or a danfojs DataFrame as an HTML table. Every header and cell is escaped.
 *
 * @throws {TypeError} when `data` is neither an array of objects nor a DataFrame-like value
 * @example
 * tableHtml([{ arm: 'primary', n: 200 }, { arm: 'canary', n: 198 }], { caption: 'Calls' });
 */
export function tableHtml(data: readonly object[] | FrameLike, opts: TableOptions = {}): string {
  const digits = opts.digits ?? 4;
  const maxRows = opts.maxRows ?? 50;
  let columns: string[];
  let rows: unknown[][];
  if (isFrame(data)) {
    columns = data.columns.map(String);
    const values = data.values as unknown[];
    // A danfojs Series-like frame of one column gives a flat array.
    rows = values.map((r) => (Array.isArray(r) ? r : [r]));
    if (opts.columns) {
      const idx = opts.columns.map((c) => {
        const i = columns.indexOf(c);
        if (i < 0)
          throw new TypeError(`tableHtml: column '${c}' is not in the frame (${columns.join(', ')})`);
        return i;
      });
      rows = rows.map((r) => idx.map((i) => r[i]));
      columns = [...opts.columns];
    }
  } else if (Array.isArray(data)) {
    const records = data as readonly Record<string, unknown>[];
    records.forEach((r, i) => {
      if (typeof r !== 'object' || r === null || Array.isArray(r))
        throw new TypeError(
          `tableHtml: rows[${i}]: expected an object, got ${Array.isArray(r) ? 'an array' : typeof r}`,
        );
    });
    if (opts.columns) columns = [...opts.columns];
    else {
      const seen = new Set<string>();
      for (const r of records) for (const k of Object.keys(r)) seen.add(k);
      columns = [...seen];
    }
    rows = records.map((r) => columns.map((c) => r[c]));
  } else {
    throw new TypeError('tableHtml: expected an array of row objects or a DataFrame (columns + values)');
  }
  const shown = rows.slice(0, maxRows);
  const numeric = columns.map(
    (_, j) =>
      shown.length > 0 && shown.every((r) => r[j] === null || r[j] === undefined || typeof r[j] === 'number'),
  );
  const head = columns.map((c, j) => `<th${numeric[j] ? ' class="num"' : ''}>${escapeHtml(c)}</th>`).join('');
  const body = shown
    .map(
      (r) =>
        `<tr>${r.map((v, j) => `<td${numeric[j] ? ' class="num"' : ''}>${escapeHtml(formatCell(v, digits))}</td>`).join('')}</tr>`,
    )
    .join('\n');
  const caption = opts.caption ? `<caption>${escapeHtml(opts.caption)}</caption>` : '';
  const more =
    rows.length > shown.length
      ? `<p class="canarylab-more">${rows.length - shown.length} more rows not shown (${rows.length} in all).</p>`
      : '';
  return `<table class="canarylab-table">${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>${more}`;
}

/**
 * Shows rows or a danfojs DataFrame as an HTML table in the notebook.
 *
 * @example
 * showTable(dfd.toJSON(summary) as Record<string, unknown>[], { caption: 'Per arm' });
 * showTable(df, { columns: ['arm', 'ok', 'latencyMs'], maxRows: 10 });
 */
export function showTable(data: readonly object[] | FrameLike, opts: TableOptions = {}): void {
  (opts.display ?? tslabDisplay).html(tableHtml(data, opts));
}

/** A chart as the charts module builds it: a vega-lite spec with an optional title. */
export interface ChartInput {
  id?: string;
  title?: string;
  spec: unknown;
}

/**
 * Wraps a rendered chart's SVG in a figure with an escaped caption. The SVG must come from our renderer
 * (src/charts renderSvg); it is inlined as is.
 *
 * @throws {TypeError} when `svg` is not an <svg> element
 */
export function chartHtml(svg: string, title?: string): string {
  const trimmed = svg.replace(/^\s*(<\?xml[^>]*\?>\s*)?/, '');
  if (!/^<svg[\s>]/.test(trimmed)) throw new TypeError('chartHtml: expected SVG markup starting with <svg');
  const caption = title ? `<figcaption>${escapeHtml(title)}</figcaption>` : '';
  return `<figure class="canarylab-chart">${trimmed}${caption}</figure>`;
}

/**
 * Renders a chart (a vega-lite spec, or `{ title, spec }` as buildRunCharts returns them) to SVG with the
 * charts module's renderer (headless, no network) and shows it inline; resolves to the SVG.
 *
 * @throws {ChartRenderError} when the spec does not compile or render
 * @example
 * for (const chart of buildRunCharts({ analysis, decision })) await showChart(chart);
 */
export async function showChart(
  chart: ChartInput | Parameters<typeof renderSvg>[0],
  opts: { title?: string; display?: HtmlSink } = {},
): Promise<string> {
  const input = chart as ChartInput;
  const wrapped = typeof input === 'object' && input !== null && 'spec' in input && !('mark' in input);
  const spec = (wrapped ? input.spec : chart) as Parameters<typeof renderSvg>[0];
  const svg = await renderSvg(spec);
  (opts.display ?? tslabDisplay).html(chartHtml(svg, opts.title ?? (wrapped ? input.title : undefined)));
  return svg;
}

const STATUS_MARK: Record<GateResult['status'], string> = {
  pass: '✔ pass',
  fail: '✘ fail',
  inconclusive: '? inconclusive',
};
const VERDICT_COLOUR: Record<Decision['verdict'], string> = {
  promote: '#1b7837',
  hold: '#b35806',
  rollback: '#b2182b',
};

/**
 * Renders a decision: the verdict and where traffic goes, the reasons, and every gate with its observed
 * value, interval, threshold, status and (for inconclusive gates) the samples needed. All text is escaped.
 *
 * @example
 * decisionHtml(decide(analysis.comparisons, DEFAULT_POLICY));
 */
export function decisionHtml(decision: Decision, opts: { digits?: number; title?: string } = {}): string {
  const d = opts.digits ?? 4;
  const num = (x: number | undefined) => (x === undefined ? '' : formatCell(x, d));
  const towards =
    decision.verdict === 'rollback' ? 'roll back to' : decision.verdict === 'promote' ? 'next' : 'stays at';
  const next = decision.nextStage ? ` → ${towards} <b>${escapeHtml(decision.nextStage)}</b>` : '';
  const colour = VERDICT_COLOUR[decision.verdict] ?? '#333';
  const title = opts.title ? `<h4>${escapeHtml(opts.title)}</h4>` : '';
  const head =
    `<p class="canarylab-verdict" style="font-size:1.2em">Verdict: <b style="color:${colour}">${escapeHtml(decision.verdict.toUpperCase())}</b>` +
    ` at stage <b>${escapeHtml(decision.stage)}</b>${next}, canary traffic ${escapeHtml(num(decision.trafficPercent))}%</p>`;
  const reasons = `<ul class="canarylab-reasons">${decision.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul>`;
  const gates = tableHtml(
    decision.gates.map((g) => ({
      gate: g.gate,
      metric: g.metric,
      severity: g.severity,
      status: STATUS_MARK[g.status] ?? g.status,
      observed: g.observed,
      interval: `[${num(g.ci[0])}, ${num(g.ci[1])}]`,
      threshold: g.threshold,
      'samples needed': g.samplesNeeded,
    })),
    { caption: 'Gates', digits: d, maxRows: Number.POSITIVE_INFINITY },
  );
  return `<div class="canarylab-decision">${title}${head}${reasons}${gates}</div>`;
}

/** Shows a decision (see `decisionHtml`). */
export function showDecision(
  decision: Decision,
  opts: { digits?: number; title?: string; display?: HtmlSink } = {},
): void {
  (opts.display ?? tslabDisplay).html(decisionHtml(decision, opts));
}

/** Progress of a long job: runBatch's BatchProgress, or any `{ total, done }`. */
export type ProgressLike = Pick<BatchProgress, 'total' | 'done'> & Partial<BatchProgress>;

/**
 * Renders one progress state: a bar, done/total, per-arm counts, errors by kind, spend, rate and ETA.
 */
export function progressHtml(p: ProgressLike, label = 'Progress'): string {
  const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
  const pct = (100 * frac).toFixed(0);
  const parts: string[] = [`${p.done}/${p.total} (${pct}%)`];
  if (p.perArm)
    parts.push(
      Object.entries(p.perArm)
        .map(
          ([arm, a]) =>
            `${arm} ${a.done}${a.errors ? `, ${a.errors} failed` : ''}${a.cached ? `, ${a.cached} cached` : ''}`,
        )
        .join(' · '),
    );
  if (p.errorsByKind) {
    const errs = Object.entries(p.errorsByKind).map(([k, n]) => `${k} ${n}`);
    parts.push(`errors: ${errs.length ? errs.join(', ') : 'none'}`);
  }
  if (p.spentUsd !== undefined) parts.push(formatSpend(p.spentUsd));
  if (p.callsPerSecond !== undefined) parts.push(`${p.callsPerSecond.toFixed(1)}/s`);
  if (p.etaSeconds !== undefined && p.etaSeconds !== null && p.done < p.total)
    parts.push(`ETA ${Math.ceil(p.etaSeconds)} s`);
  return (
    `<div class="canarylab-progress"><b>${escapeHtml(label)}</b> ` +
    `<progress value="${p.done}" max="${p.total}"></progress> ${escapeHtml(parts.join(' | '))}</div>`
  );
}

/** Options of {@link notebookProgress}. */
export interface NotebookProgressOptions {
  /** Shown before the bar. Default 'Progress'. */
  label?: string;
  /** Redraw at most this often (the last state is always drawn). Default 250 ms. */
  intervalMs?: number;
  /** One display entry that each redraw overwrites (default: tslab's `newDisplay()`). */
  display?: HtmlSink;
  /** Clock (for tests). Default performance.now. */
  now?: () => number;
}

/** An onProgress callback that redraws one display entry, with `finish()` to draw the final state. */
export interface NotebookProgress {
  (p: ProgressLike): void;
  /** Draws the latest state now (call after the job: a run stopped early never reaches done = total). */
  finish(): void;
  /** The latest state received. */
  readonly latest: ProgressLike | null;
}

/**
 * Live progress for a notebook cell: pass it as runBatch's (or scoreRun's) `onProgress`. It redraws a single
 * display entry in place (tslab's `newDisplay`, which Jupyter updates live and nbclient keeps as the final
 * state), at most every `intervalMs` and always when done reaches total.
 *
 * @example
 * const progress = notebookProgress({ label: 'Batch' });
 * await runBatch({ items, arms, runId, onProgress: progress });
 * progress.finish();
 */
export function notebookProgress(opts: NotebookProgressOptions = {}): NotebookProgress {
  const interval = opts.intervalMs ?? 250;
  const now = opts.now ?? (() => performance.now());
  let sink: HtmlSink | undefined = opts.display;
  let last = Number.NEGATIVE_INFINITY;
  let latest: ProgressLike | null = null;
  const draw = (p: ProgressLike) => {
    sink ??= tslab().newDisplay();
    sink.html(progressHtml(p, opts.label));
  };
  const update = ((p: ProgressLike) => {
    latest = p;
    const t = now();
    if (p.done >= p.total || t - last >= interval) {
      last = t;
      draw(p);
    }
  }) as NotebookProgress;
  update.finish = () => {
    if (latest) draw(latest);
  };
  Object.defineProperty(update, 'latest', { get: () => latest });
  return update;
}

function scoreCell(c: ReportDisagreement['scores'][number]['primary']): string {
  if (!c) return '—';
  if (c.error) return `error: ${c.error}`;
  const v = c.pass === undefined ? formatCell(c.score) : c.pass ? 'pass' : 'fail';
  return c.reason ? `${v} (${c.reason})` : v;
}

/**
 * Renders disagreements (items where the arms' scores differ) side by side: prompt and reference, then
 * the primary's and the canary's answer in two columns, with each scorer's verdict under its answer and
 * the pairwise judge's winner. Every string is untrusted and escaped; long texts are cut at `maxChars`.
 *
 * @example
 * sideBySideHtml(selectDisagreements({ calls, scores, items, limit: 5 }));
 */
export function sideBySideHtml(
  disagreements: readonly ReportDisagreement[],
  opts: { maxChars?: number } = {},
): string {
  const max = opts.maxChars ?? 1500;
  const cut = (s: string) => (s.length > max ? `${s.slice(0, max)}… [${s.length - max} more characters]` : s);
  const pre = (s: string) => `<pre style="white-space:pre-wrap;margin:0">${escapeHtml(cut(s))}</pre>`;
  if (disagreements.length === 0)
    return '<p class="canarylab-sbs">No disagreements: the arms got the same verdicts.</p>';
  const blocks = disagreements.map((d) => {
    const scores = (arm: 'primary' | 'canary') =>
      d.scores.map((s) => `<li>${escapeHtml(s.scorer)}: ${escapeHtml(scoreCell(s[arm]))}</li>`).join('');
    const ref = d.reference === undefined ? '' : `<p><b>Reference:</b> ${escapeHtml(d.reference)}</p>`;
    const pw = d.pairwise
      ? `<p><b>Pairwise judge</b> ${escapeHtml(d.pairwise.judge)}: winner ${escapeHtml(d.pairwise.winner)}${
          d.pairwise.orderConsistent === false ? ' (flipped with the answer order)' : ''
        }${d.pairwise.reason ? ` — ${escapeHtml(d.pairwise.reason)}` : ''}</p>`
      : '';
    const repeat = d.repeat ? ` (repeat ${d.repeat})` : '';
    return (
      `<div class="canarylab-sbs" style="border-top:1px solid #ccc;padding:4px 0">` +
      `<p><b>Item ${escapeHtml(d.itemId)}${repeat}</b></p>${pre(d.prompt)}${ref}` +
      `<table style="width:100%;table-layout:fixed"><thead><tr><th>primary</th><th>canary</th></tr></thead><tbody><tr>` +
      `<td style="vertical-align:top">${pre(d.primary)}<ul>${scores('primary')}</ul></td>` +
      `<td style="vertical-align:top">${pre(d.canary)}<ul>${scores('canary')}</ul></td>` +
      `</tr></tbody></table>${pw}</div>`
    );
  });
  return blocks.join('\n');
}

/** Shows disagreements side by side (see `sideBySideHtml`). */
export function sideBySide(
  disagreements: readonly ReportDisagreement[],
  opts: { maxChars?: number; display?: HtmlSink } = {},
): void {
  (opts.display ?? tslabDisplay).html(sideBySideHtml(disagreements, opts));
}
