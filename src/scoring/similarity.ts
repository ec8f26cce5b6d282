import { distance } from 'fastest-levenshtein';
import { expectedTexts, type NormalizeOptions, normalizeText, outputOf } from './text';
import type { ScoreResult, Scorer } from './types';

/** Options shared by the similarity scorers. */
export interface SimilarityOptions {
  name?: string;
  /** Compare with this text (the best of several) instead of the item's reference. */
  reference?: string | readonly string[];
}

function bestOf(
  scorer: string,
  references: string[],
  one: (reference: string) => { score: number; reason: string },
): ScoreResult {
  let best: { score: number; reason: string } | null = null;
  for (const r of references) {
    const s = one(r);
    if (best === null || s.score > best.score) best = s;
  }
  if (best === null) throw new Error(`${scorer}: no reference to compare with`);
  return { score: best.score, reason: best.reason };
}

/**
 * Maps astral code points (emoji, CJK extension B…) of both texts to private-use BMP characters so that
 * fastest-levenshtein, which works on UTF-16 units, counts one edit per code point.
 */
function toCodePointUnits(a: string, b: string): [string, string] {
  const astral = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;
  const hasAstral = /[\uD800-\uDBFF][\uDC00-\uDFFF]/;
  if (!hasAstral.test(a) && !hasAstral.test(b)) return [a, b];
  if (/[\uE000-\uF8FF]/.test(a) || /[\uE000-\uF8FF]/.test(b)) return [a, b];
  const map = new Map<string, string>();
  const sub = (ch: string) => {
    let v = map.get(ch);
    if (v === undefined) {
      if (map.size >= 0x1900) return ch;
      v = String.fromCharCode(0xe000 + map.size);
      map.set(ch, v);
    }
    return v;
  };
  return [a.replace(astral, sub), b.replace(astral, sub)];
}

/**
 * Normalised Levenshtein similarity against the reference: 1 − distance / max(|output|, |reference|), in
 * code points after normalisation (both empty → 1). This is not python-Levenshtein's `ratio` (an indel
 * distance). Texts longer than `maxChars` (default 20,000) are cut to their first `maxChars` code points
 * (the reason says so), which bounds the time at ~20,000 × 20,000 / 32 word operations (Myers' bit-parallel
 * algorithm, fastest-levenshtein).
 */
export function levenshteinRatio(
  opts: SimilarityOptions & { normalize?: NormalizeOptions; maxChars?: number } = {},
): Scorer {
  const name = opts.name ?? 'levenshteinRatio';
  const maxChars = opts.maxChars ?? 20_000;
  return {
    name,
    kind: 'rubric',
    score: (item, record) => {
      const out = normalizeText(outputOf(record), opts.normalize);
      return bestOf(name, expectedTexts(name, item, opts.reference), (ref) => {
        let [a, b] = toCodePointUnits(out, normalizeText(ref, opts.normalize));
        const cut = a.length > maxChars || b.length > maxChars;
        if (cut) [a, b] = [a.slice(0, maxChars), b.slice(0, maxChars)];
        const longest = Math.max(a.length, b.length);
        const d = longest === 0 ? 0 : distance(a, b);
        const score = longest === 0 ? 1 : 1 - d / longest;
        return {
          score,
          reason: `distance ${d} over ${longest}${cut ? ` (first ${maxChars} chars only)` : ''}`,
        };
      });
    },
  };
}

const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}';
/** A Chinese/Japanese character alone, or a run of anything else but whitespace. */
const SQUAD_TOKEN = new RegExp(`[${CJK}]|[^\\s${CJK}]+`, 'gu');
/** A Chinese/Japanese character alone, or a run of other letters, digits and marks (v-flag set difference). */
const ROUGE_TOKEN = new RegExp(`[${CJK}]|[[\\p{L}\\p{N}\\p{M}]--[${CJK}]]+`, 'gv');

/**
 * SQuAD's answer normalisation, extended beyond ASCII: NFKC, lower case, punctuation and symbols removed
 * (\p{P}, \p{S}: SQuAD removes ASCII punctuation only), English articles removed, split on whitespace;
 * Chinese and Japanese characters are one token each (they are not space-separated).
 * @example
 * squadTokens('The Eiffel Tower, Paris!'); // => ['eiffel', 'tower', 'paris']
 */
export function squadTokens(text: string): string[] {
  const s = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]/gu, '')
    .replace(/\b(?:a|an|the)\b/g, ' ');
  return s.match(SQUAD_TOKEN) ?? [];
}

/**
 * SQuAD token F1 against the reference (the best of several): harmonic mean of token precision and recall
 * over the multiset of `squadTokens`. Both empty → 1, one empty → 0 (SQuAD's convention). Linear
 * time, no cap needed.
 */
export function tokenF1(opts: SimilarityOptions = {}): Scorer {
  const name = opts.name ?? 'tokenF1';
  return {
    name,
    kind: 'rubric',
    score: (item, record) => {
      const pred = squadTokens(outputOf(record));
      return bestOf(name, expectedTexts(name, item, opts.reference), (ref) => {
        const gold = squadTokens(ref);
        if (pred.length === 0 || gold.length === 0) {
          const same = pred.length === gold.length;
          return { score: same ? 1 : 0, reason: same ? 'both empty' : 'one side has no tokens' };
        }
        const counts = new Map<string, number>();
        for (const t of gold) counts.set(t, (counts.get(t) ?? 0) + 1);
        let common = 0;
        for (const t of pred) {
          const c = counts.get(t);
          if (c) {
            common++;
            counts.set(t, c - 1);
          }
        }
        if (common === 0) return { score: 0, reason: 'no common tokens' };
        const p = common / pred.length;
        const r = common / gold.length;
        return { score: (2 * p * r) / (p + r), reason: `P ${p.toFixed(3)} R ${r.toFixed(3)}` };
      });
    },
  };
}

/**
 * ROUGE tokens: NFKC, lower case, runs of letters/digits/marks (Unicode, where rouge-score keeps only
 * [a-z0-9]); Chinese and Japanese characters are one token each. No stemming.
 */
export function rougeTokens(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(ROUGE_TOKEN) ?? [];
}

/**
 * Length of the longest common subsequence of two sequences, by the bit-parallel algorithm of Crochemore,
 * Iliopoulos, Pinzon & Reid (2001): O(|a|·⌈|b|/32⌉) time and O(|b|/32 · distinct(b)) memory, with the
 * bit vector over `b` (pass the shorter one as `b`).
 * @example
 * lcsLength(['a', 'b', 'c', 'b'], ['b', 'c', 'b']); // => 3
 */
export function lcsLength<T>(a: readonly T[], b: readonly T[]): number {
  const m = b.length;
  if (m === 0 || a.length === 0) return 0;
  const words = Math.ceil(m / 32);
  const masks = new Map<T, Uint32Array>();
  for (let j = 0; j < m; j++) {
    let mask = masks.get(b[j]);
    if (!mask) {
      mask = new Uint32Array(words);
      masks.set(b[j], mask);
    }
    mask[j >>> 5] |= 1 << (j & 31);
  }
  const v = new Uint32Array(words).fill(0xffffffff);
  for (const x of a) {
    const mask = masks.get(x);
    if (!mask) continue; // V' = (V + 0) | V = V
    let carry = 0;
    for (let k = 0; k < words; k++) {
      const vk = v[k];
      const u = (vk & mask[k]) >>> 0;
      const sum = vk + u + carry;
      carry = sum > 0xffffffff ? 1 : 0;
      v[k] = ((sum >>> 0) | (vk & ~mask[k])) >>> 0;
    }
  }
  let ones = 0;
  for (let k = 0; k < words; k++) {
    let w = v[k];
    w -= (w >>> 1) & 0x55555555;
    w = (w & 0x33333333) + ((w >>> 2) & 0x33333333);
    ones += (((w + (w >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  return words * 32 - ones;
}

/**
 * ROUGE-L against the reference (the best of several): F-measure of LCS precision and recall over
 * `rougeTokens` (β = 1, as Google's rouge-score reports; either side empty → 0). The LCS is
 * bit-parallel: O(n·⌈m/32⌉) time and small memory, so a 1 MB output against a paragraph takes
 * milliseconds. When both sides exceed `maxTokens` (default 10,000) both are cut to their first
 * `maxTokens` tokens and the reason says so (the score is then that of the two prefixes).
 */
export function rougeL(opts: SimilarityOptions & { maxTokens?: number; beta?: number } = {}): Scorer {
  const name = opts.name ?? 'rougeL';
  const maxTokens = opts.maxTokens ?? 10_000;
  const beta2 = (opts.beta ?? 1) ** 2;
  return {
    name,
    kind: 'rubric',
    score: (item, record) => {
      const outTokens = rougeTokens(outputOf(record));
      return bestOf(name, expectedTexts(name, item, opts.reference), (ref) => {
        let cand = outTokens;
        let gold = rougeTokens(ref);
        const cut = Math.min(cand.length, gold.length) > maxTokens;
        if (cut) [cand, gold] = [cand.slice(0, maxTokens), gold.slice(0, maxTokens)];
        if (cand.length === 0 || gold.length === 0) return { score: 0, reason: 'one side has no tokens' };
        const lcs = cand.length >= gold.length ? lcsLength(cand, gold) : lcsLength(gold, cand);
        if (lcs === 0) return { score: 0, reason: 'no common subsequence' };
        const p = lcs / cand.length;
        const r = lcs / gold.length;
        const f = ((1 + beta2) * p * r) / (r + beta2 * p);
        return {
          score: f,
          reason: `LCS ${lcs}, P ${p.toFixed(3)} R ${r.toFixed(3)}${cut ? ` (first ${maxTokens} tokens only)` : ''}`,
        };
      });
    },
  };
}
