// What a judge is shown of an item and an answer: the question, the reference, the answer cut to the
// judge's limit, and the answer's length in code points.
import { messageText } from '../gateway/tokens';
import type { EvalItem } from '../types';

/** The item's question: its last user message (all messages' text when it has none). */
export function questionOf(item: EvalItem): string {
  const msgs = Array.isArray(item.messages) ? item.messages : [];
  const users = msgs.filter((m) => m.role === 'user');
  const pick = users.length > 0 ? [users[users.length - 1]] : msgs;
  return pick.map((m) => messageText(m)).join('\n');
}

export function referenceOf(item: EvalItem): string | undefined {
  return item.reference === undefined || item.reference === null ? undefined : String(item.reference);
}

/** The answer cut to `max` UTF-16 units without splitting a surrogate pair. */
export function cut(text: string, max: number): { text: string; from?: number } {
  if (text.length <= max) return { text };
  let end = max;
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return { text: text.slice(0, end), from: text.length };
}

/** Length in code points. */
export function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}
