// The judge reliability section: the pairwise judge's tally and the judge's agreement and bias checks.

import { formatInterval, formatMetricValue, formatNumber, formatPercent } from '../../format';
import { escapeHtml as h } from '../escape';
import type { ReportAnalysis } from '../types';

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

/** The judge reliability section: the pairwise tally, the reliability table, quality exclusions. */
export function renderJudge(a: ReportAnalysis): string {
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
