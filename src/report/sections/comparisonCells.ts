// The cells a comparison row shares in the metrics and segments tables, and their numbered method notes.

import {
  formatInterval,
  formatMetricValue,
  formatNumber,
  formatPValue,
  formatRelative,
  unitLabel,
} from '../../format';
import type { MetricComparison } from '../../types';
import { escapeHtml as h } from '../escape';

/** Numbered test-method notes of one table: long method descriptions go below it, not in every row. */
export class MethodNotes {
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

/** The header cells of a comparison's columns (both arms, the difference, n, the test's p). */
export const COMPARISON_HEAD =
  '<th class="num">Primary</th><th class="num">Canary</th><th class="num">Canary − primary</th><th class="num">n (P / C)</th><th class="num">p [test]</th>';

/** One comparison's cells: each arm's estimate and interval, the difference (and relative change), n, p. */
export function comparisonCells(c: MetricComparison, notes: MethodNotes): string {
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

/** A comparison's metric cell: its name, unit and which direction is better. */
export function metricLabel(c: MetricComparison): string {
  return `<code>${h(c.metric)}</code><br><span class="muted">${h(unitLabel(c.unit))}, ${h(c.better)} is better</span>`;
}

/** Same arms, same numbers: the published 'quality' metric and the scorer comparison it repeats. */
export function sameComparison(a: MetricComparison, b: MetricComparison): boolean {
  return (
    a.unit === b.unit &&
    a.primary.n === b.primary.n &&
    a.canary.n === b.canary.n &&
    a.primary.estimate === b.primary.estimate &&
    a.canary.estimate === b.canary.estimate &&
    a.delta.estimate === b.delta.estimate
  );
}
