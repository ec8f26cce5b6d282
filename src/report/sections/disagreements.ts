// The disagreements section: a sample of items where the arms disagree, prompts and outputs side by side.

import { formatNumber } from '../../format';
import { escapeHtml as h } from '../escape';
import type { ReportDisagreement, ReportManifest, ReportOptions, ReportScoreCell } from '../types';

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

/** The disagreements section: at most `maxDisagreements` items, each text cut at `maxTextChars`. */
export function renderDisagreements(
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
