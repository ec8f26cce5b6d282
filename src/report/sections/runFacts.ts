// The run section: models, dataset, calls, times, cost of the evaluation, stage, tool and config.

import { formatNumber, formatUsd } from '../../format';
import { escapeHtml as h } from '../escape';
import { formatDuration } from '../format';
import type { ReportAnalysis, ReportManifest } from '../types';
import { stepText } from './verdict';

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

/** The run section: what ran, on what, when, at what cost and stage, with the analysis notes. */
export function renderRunMeta(m: ReportManifest, a: ReportAnalysis): string {
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
