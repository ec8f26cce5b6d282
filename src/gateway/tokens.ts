/**
 * Token counts with gpt-tokenizer (o200k_base, the encoding of GPT-4o / GPT-4.1), for servers that send no
 * `usage`. Untrusted text is encoded as plain text: special-token strings like `<|endoftext|>` are not
 * special here and never make encoding throw.
 */
import { createRequire } from 'node:module';
import type { ChatMessage, Usage } from './types';

type Tokenizer = typeof import('gpt-tokenizer');
let tokenizer: Tokenizer | null = null;
/**
 * gpt-tokenizer, loaded on first use: its o200k tables cost ~115 MB of RSS, which a run whose servers all
 * send `usage` never needs.
 */
export function loadTokenizer(): Tokenizer {
  tokenizer ??= createRequire(__filename)('gpt-tokenizer') as Tokenizer;
  return tokenizer;
}
const encode: Tokenizer['encode'] = (text, options) => loadTokenizer().encode(text, options);

const PLAIN = { disallowedSpecial: new Set<string>() };

const CHUNK = 512;

/** Tokens of a text (bounded-piece encoding, see countTokensBounded). */
export function countTextTokens(text: string): number {
  return countTokensBounded(text);
}

/**
 * Counts o200k_base tokens (gpt-tokenizer; GPT-4o / GPT-4.1 — other models' tokenizers differ), stopping
 * once the count exceeds `stopAbove`. The text is encoded in pieces of at most 512 characters, cut at a
 * whitespace when there is one in the last half of the piece: exact for ordinary text, and off by at most
 * a token per cut inside an unbroken run of more than 256 characters. Bounding the pieces keeps a 1 MB
 * single-"word" output from taking minutes (BPE on one huge piece is quadratic).
 * @returns the count; when it stopped early, some number above `stopAbove` (not the full count)
 */
export function countTokensBounded(text: string, stopAbove = Number.POSITIVE_INFINITY): number {
  let n = 0;
  let i = 0;
  while (i < text.length && n <= stopAbove) {
    let end = Math.min(text.length, i + CHUNK);
    if (end < text.length) {
      let cut = end;
      while (cut > i + CHUNK / 2 && !/\s/.test(text[cut])) cut--;
      if (cut > i + CHUNK / 2) end = cut;
      // Never split a surrogate pair.
      const c = text.charCodeAt(end - 1);
      if (c >= 0xd800 && c <= 0xdbff) end--;
    }
    n += encode(text.slice(i, end), PLAIN).length;
    i = end;
  }
  return n;
}

/** Text of a message's content (string, or the text parts of a content array). */
export function messageText(message: Pick<ChatMessage, 'content'>): string {
  const c = message.content;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((p) => (typeof p.text === 'string' ? p.text : '')).join('');
  return '';
}

/**
 * Prompt tokens of a chat, counted the way OpenAI's cookbook does for its chat models: 3 tokens of framing
 * per message, 1 more for a name, 3 to prime the reply.
 */
export function countChatTokens(messages: readonly ChatMessage[]): number {
  let n = 3;
  for (const m of messages) {
    n += 3 + countTextTokens(messageText(m)) + countTextTokens(m.role);
    if (m.name) n += 1 + countTextTokens(m.name);
  }
  return n;
}

/**
 * Usage estimated from the prompt and the answer, for a response whose server sent no usage.
 *
 * @example
 * estimateUsage({ messages: [{ role: 'user', content: 'Hi' }], content: 'Hello!' });
 */
export function estimateUsage(options: { messages: readonly ChatMessage[]; content: string | null }): Usage {
  const promptTokens = countChatTokens(options.messages);
  const completionTokens = countTextTokens(options.content ?? '');
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
}
