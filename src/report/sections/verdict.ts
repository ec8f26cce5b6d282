// The page header (title, run line, table of contents) and the verdict block with its one sentence.

import { formatNumber } from '../../format';
import type { GateResult, GateStatus } from '../../types';
import { escapeHtml as h } from '../escape';
import type { ReportDecision, ReportManifest, ReportStep } from '../types';

/** The verdict's sign and word in the verdict block. */
export const VERDICT_LABEL = {
  promote: { icon: '✓', label: 'PROMOTE' },
  hold: { icon: '‖', label: 'HOLD' },
  rollback: { icon: '↺', label: 'ROLL BACK' },
} as const;

/** A rollout step in words, as the verdict block and the run section show it. */
export function stepText(step: ReportStep): string {
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

/** The page header: both models, the run line and the table of contents. */
export function renderHeader(m: ReportManifest): string {
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

/** The verdict block: sign and word, the sentence, traffic and stage, gate counts and the reasons. */
export function renderVerdict(d: ReportDecision, m: ReportManifest): string {
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
