// The gates table: one row per gate with its observed value, interval, threshold and status.

import { formatInterval, formatNumber } from '../../format';
import type { GateResult, GateStatus, MetricComparison } from '../../types';
import { escapeHtml as h } from '../escape';
import { gateFormatter } from '../format';

/** The sign beside each gate status (the status is also written out). */
export const STATUS_ICON: Record<GateStatus, string> = { pass: '✓', fail: '✗', inconclusive: '?' };

function statusBadge(s: GateStatus): string {
  return `<span class="status status-${s}"><span aria-hidden="true">${STATUS_ICON[s]}</span> ${s}</span>`;
}

/** The gates table: each gate's values in its own reading (see gateFormatter), status and reason. */
export function renderGates(gates: readonly GateResult[], comparisons: readonly MetricComparison[]): string {
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
