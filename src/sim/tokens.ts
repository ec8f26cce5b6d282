/**
 * Token accounting of the simulator: o200k counts of texts (exact, with a cache of pre-tokenized pieces),
 * of a chat prompt (OpenAI's per-message overhead), and the cut of an answer to a max-tokens limit.
 */
import { countTextTokens, loadTokenizer } from '../gateway/tokens';
import { contentText, type SimMsg } from './protocols/types';

const PLAIN = { disallowedSpecial: new Set<string>() };

/** countTextTokens encodes texts up to this many characters in one piece (its CHUNK); longer ones in pieces. */
const ONE_PIECE_CHARS = 512;
/** gpt-tokenizer's own pre-tokenizer and per-piece encoder, when its internals have the expected shape. */
export interface PieceEncoder {
  split: RegExp;
  rank(piece: string): number | undefined;
  merge(piece: string): unknown[];
}
let pieceEncoder: PieceEncoder | null | undefined;
/** The piece encoder, loading the tokenizer the first time (~0.3 s); null when its internals look different. */
export function getPieceEncoder(): PieceEncoder | null {
  if (pieceEncoder !== undefined) return pieceEncoder;
  const tk = loadTokenizer() as unknown as { default?: unknown };
  const core = (tk.default as { bytePairEncodingCoreProcessor?: Record<string, unknown> } | undefined)
    ?.bytePairEncodingCoreProcessor;
  const split = core?.tokenSplitRegex;
  pieceEncoder =
    core &&
    split instanceof RegExp &&
    split.global &&
    typeof core.getBpeRankFromString === 'function' &&
    typeof core.bytePairEncode === 'function'
      ? {
          split,
          rank: (core.getBpeRankFromString as (k: string) => number | undefined).bind(core),
          merge: (core.bytePairEncode as (k: string) => unknown[]).bind(core),
        }
      : null;
  return pieceEncoder;
}
/** Tokens per pre-tokenized piece, for short pieces (they repeat: words, spaces, punctuation). */
const pieceCounts = new Map<string, number>();
const PIECE_CACHE_MAX = 50_000;

/**
 * o200k tokens of a text, exactly `loadTokenizer().encode(text, PLAIN).length`: encode splits the text with
 * its pre-tokenizer regex and encodes each piece on its own, so the count is the sum over pieces, and the
 * pieces repeat — a small map of piece → count replaces most lookups in the 200k-entry rank table (the
 * simulator's largest per-request cost). Falls back to encode when gpt-tokenizer's internals look different.
 */
export function exactTokenCount(text: string): number {
  const enc = getPieceEncoder();
  if (!enc) return loadTokenizer().encode(text, PLAIN).length;
  let n = 0;
  for (const m of text.matchAll(enc.split)) {
    const piece = m[0];
    // Pieces of 13+ characters may be slices that keep the whole text alive: counted, not cached.
    const cacheable = piece.length < 13;
    let c = cacheable ? pieceCounts.get(piece) : undefined;
    if (c === undefined) {
      c = enc.rank(piece) !== undefined ? 1 : enc.merge(piece).length;
      if (cacheable) {
        if (pieceCounts.size >= PIECE_CACHE_MAX) pieceCounts.clear();
        pieceCounts.set(piece, c);
      }
    }
    n += c;
  }
  return n;
}

/**
 * Bounded-piece counting, as countTextTokens: linear on a 1 MB run of one character, where plain BPE is
 * quadratic. Texts it encodes in one piece take the cached exact count.
 */
const countTokens = (text: string): number =>
  text.length === 0 ? 0 : text.length <= ONE_PIECE_CHARS ? exactTokenCount(text) : countTextTokens(text);

export function promptTokenCount(messages: SimMsg[]): number {
  let n = 3;
  for (const m of messages) {
    n += 3 + countTokens(contentText(m.content)) + countTokens(typeof m.role === 'string' ? m.role : '');
    if (typeof m.name === 'string') n += 1 + countTokens(m.name);
  }
  return n;
}

/** The text cut to its first `maxTokens` o200k tokens, and how many tokens that is. */
export function truncateToTokens(text: string, maxTokens: number): { text: string; tokens: number } {
  const tokens = loadTokenizer().encode(text, PLAIN).slice(0, maxTokens);
  return { text: loadTokenizer().decode(tokens), tokens: tokens.length };
}
