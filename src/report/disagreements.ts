import { createRng } from '../stats/random';
import type { CallRecord, ChatMessage, PairwiseRecord, ScoreRecord } from '../types';
import type { ReportDisagreement, ReportScoreCell } from './types';

/** The text of a chat prompt: the one message's text, or 'role: text' blocks for several. */
export function promptText(messages: readonly ChatMessage[] | undefined): string {
  if (!messages || messages.length === 0) return '';
  const text = (m: ChatMessage) =>
    typeof m.content === 'string'
      ? m.content
      : Array.isArray(m.content)
        ? m.content.map((p) => p.text ?? `[${p.type}]`).join('\n')
        : '';
  if (messages.length === 1) return text(messages[0]);
  return messages.map((m) => `${m.role}: ${text(m)}`).join('\n\n');
}

function answerText(call: CallRecord | undefined): string {
  if (!call) return '[no call recorded]';
  if (!call.ok)
    return `[call failed: ${call.errorKind ?? 'error'}${call.errorMessage ? ` — ${call.errorMessage}` : ''}]`;
  return call.content ?? '';
}

/**
 * Picks a seeded random sample of the items where the arms disagree, for the report's side-by-side view:
 * a (item, repeat) whose primary and canary calls got a different pass/fail from some scorer (or, for a
 * scorer without pass/fail, a different score). Scorer errors never count as a disagreement. The sample
 * is returned sorted by item id and repeat.
 *
 * @example
 * const disagreements = selectDisagreements({ calls, scores, pairwise, items, limit: 10, seed: 7 });
 */
export function selectDisagreements(opts: {
  calls: readonly CallRecord[];
  scores: readonly ScoreRecord[];
  pairwise?: readonly PairwiseRecord[];
  /** The evaluation items (for prompt text and reference); items.jsonl alone has no prompt. */
  items: ReadonlyArray<{ id: string; messages?: ChatMessage[]; reference?: string | number }>;
  /** Only this scorer's verdicts count; default every scorer. */
  scorer?: string;
  /** Default 20. */
  limit?: number;
  /** Default 1. */
  seed?: number;
}): ReportDisagreement[] {
  const key = (itemId: string, repeat: number | undefined) => JSON.stringify([itemId, repeat ?? 0]);
  const calls = new Map<string, { primary?: CallRecord; canary?: CallRecord }>();
  for (const c of opts.calls) {
    const k = key(c.itemId, c.repeat);
    const e = calls.get(k) ?? {};
    e[c.arm] = c;
    calls.set(k, e);
  }
  const scores = new Map<string, Map<string, { primary?: ReportScoreCell; canary?: ReportScoreCell }>>();
  for (const s of opts.scores) {
    if (opts.scorer !== undefined && s.scorer !== opts.scorer) continue;
    const k = key(s.itemId, s.repeat);
    const byScorer = scores.get(k) ?? new Map();
    const e = byScorer.get(s.scorer) ?? {};
    const cell: ReportScoreCell = { score: s.score, pass: s.pass, reason: s.reason, error: s.error };
    // A usable verdict is never overwritten by a later error record (a retried scoring).
    if (!e[s.arm] || (e[s.arm].error && !s.error)) e[s.arm] = cell;
    byScorer.set(s.scorer, e);
    scores.set(k, byScorer);
  }
  const pairs = new Map<string, PairwiseRecord>();
  for (const p of opts.pairwise ?? []) if (!p.error) pairs.set(key(p.itemId, p.repeat), p);
  const items = new Map(opts.items.map((i) => [i.id, i]));

  const candidates: string[] = [];
  for (const [k, byScorer] of scores) {
    const differs = [...byScorer.values()].some(({ primary: p, canary: c }) => {
      if (!p || !c || p.error || c.error) return false;
      if (p.pass !== undefined && c.pass !== undefined) return p.pass !== c.pass;
      return p.score !== null && c.score !== null && p.score !== c.score;
    });
    if (differs) candidates.push(k);
  }
  candidates.sort();
  const rng = createRng(opts.seed ?? 1);
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
  }
  const picked = candidates.slice(0, opts.limit ?? 20).sort();
  return picked.map((k) => {
    const [itemId, repeat] = JSON.parse(k) as [string, number];
    const item = items.get(itemId);
    const arms = calls.get(k) ?? {};
    const p = pairs.get(k);
    const d: ReportDisagreement = {
      itemId,
      repeat,
      prompt: item ? promptText(item.messages) : '',
      reference: item?.reference,
      primary: answerText(arms.primary),
      canary: answerText(arms.canary),
      scores: [...(scores.get(k) ?? new Map()).entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([scorer, cells]) => ({ scorer, ...cells })),
    };
    if (p)
      d.pairwise = { judge: p.judge, winner: p.winner, orderConsistent: p.orderConsistent, reason: p.reason };
    return d;
  });
}
