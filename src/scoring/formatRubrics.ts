import { countTokensBounded } from '../gateway/tokens';
import { binary, outputOf } from './text';
import type { Scorer } from './types';

/** Untrusted text is plain text: special-token strings like `<|endoftext|>` never make encoding throw. */
export { countTokensBounded };

/** Code points of a text. */
function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!(c >= 0xdc00 && c <= 0xdfff && i > 0 && isHigh(text.charCodeAt(i - 1)))) n++;
  }
  return n;
}

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** Options of {@link lengthBounds}: any subset of the four bounds, inclusive. */
export interface LengthBoundsOptions {
  name?: string;
  /** Bounds on Unicode code points (an emoji is 1; a combining accent is its own code point). */
  minChars?: number;
  maxChars?: number;
  /** Bounds on o200k_base tokens (see countTokensBounded). */
  minTokens?: number;
  maxTokens?: number;
}

/**
 * 1 when the output's length is within every given bound, else 0 (reason says which bound failed). Token
 * counting stops once above the bounds, so a 1 MB output costs only as much as the bound allows.
 * @throws {RangeError} at construction when no bound is given or a bound is not a non-negative integer
 */
export function lengthBounds(opts: LengthBoundsOptions): Scorer {
  const name = opts.name ?? 'lengthBounds';
  const bounds = ['minChars', 'maxChars', 'minTokens', 'maxTokens'] as const;
  const given = bounds.filter((b) => opts[b] !== undefined);
  if (given.length === 0) throw new RangeError(`${name}: expected at least one of ${bounds.join(', ')}`);
  for (const b of given) {
    const v = opts[b] as number;
    if (!Number.isInteger(v) || v < 0)
      throw new RangeError(`${name}: ${b}: expected an integer >= 0, got ${v}`);
  }
  const { minChars, maxChars, minTokens, maxTokens } = opts;
  return {
    name,
    kind: 'rubric',
    score: (_item, record) => {
      const out = outputOf(record);
      const failures: string[] = [];
      if (minChars !== undefined || maxChars !== undefined) {
        const chars = codePoints(out);
        if (minChars !== undefined && chars < minChars) failures.push(`${chars} chars < ${minChars}`);
        if (maxChars !== undefined && chars > maxChars) failures.push(`${chars} chars > ${maxChars}`);
      }
      if (minTokens !== undefined || maxTokens !== undefined) {
        const stop = Math.max(minTokens ?? 0, maxTokens ?? 0);
        const tokens = countTokensBounded(out, stop);
        if (minTokens !== undefined && tokens < minTokens) failures.push(`${tokens} tokens < ${minTokens}`);
        if (maxTokens !== undefined && tokens > maxTokens) failures.push(`more than ${maxTokens} tokens`);
      }
      return binary(failures.length === 0, failures.length ? failures.join('; ') : undefined);
    },
  };
}

/**
 * 1 when the output is a single line (no \n, \r, U+2028 or U+2029; surrounding whitespace ignored), else 0.
 * An empty output is one (empty) line.
 */
export function oneLine(opts: { name?: string } = {}): Scorer {
  return {
    name: opts.name ?? 'oneLine',
    kind: 'rubric',
    score: (_item, record) => {
      const lines = outputOf(record)
        .trim()
        .split(/\r\n|[\n\r\u2028\u2029]/).length;
      return binary(lines === 1, lines === 1 ? undefined : `${lines} lines`);
    },
  };
}

/** The scripts {@link languageIs} can tell apart. */
export type ScriptName =
  | 'latin'
  | 'vietnamese'
  | 'cyrillic'
  | 'greek'
  | 'arabic'
  | 'hebrew'
  | 'devanagari'
  | 'thai'
  | 'cjk'
  | 'han'
  | 'japanese'
  | 'korean';

const SCRIPT_RE: Record<Exclude<ScriptName, 'vietnamese' | 'cjk' | 'japanese'>, RegExp> = {
  latin: /\p{Script=Latin}/u,
  cyrillic: /\p{Script=Cyrillic}/u,
  greek: /\p{Script=Greek}/u,
  arabic: /\p{Script=Arabic}/u,
  hebrew: /\p{Script=Hebrew}/u,
  devanagari: /\p{Script=Devanagari}/u,
  thai: /\p{Script=Thai}/u,
  han: /\p{Script=Han}/u,
  korean: /\p{Script=Hangul}/u,
};
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
/** Letters only Vietnamese uses among Latin-script languages (ă đ ơ ư ĩ ũ and the U+1EA0–U+1EF9 block). */
const VIETNAMESE = /[ăĂđĐơƠưƯĩĨũŨ\u1EA0-\u1EF9]/u;
const LETTER = /\p{L}/u;

/** Letter counts of a text by script (the first `maxLetters` letters only). */
export interface ScriptCounts {
  letters: number;
  latin: number;
  vietnamese: number;
  cyrillic: number;
  greek: number;
  arabic: number;
  hebrew: number;
  devanagari: number;
  thai: number;
  han: number;
  kana: number;
  korean: number;
}

/**
 * Counts letters (\p{L}, after NFC) by Unicode script; digits, punctuation, symbols and emoji are not
 * letters. Stops after `maxLetters` letters (default 100,000) so a 1 MB output costs a bounded time.
 */
export function countScripts(text: string, maxLetters = 100_000): ScriptCounts {
  const c: ScriptCounts = {
    letters: 0,
    latin: 0,
    vietnamese: 0,
    cyrillic: 0,
    greek: 0,
    arabic: 0,
    hebrew: 0,
    devanagari: 0,
    thai: 0,
    han: 0,
    kana: 0,
    korean: 0,
  };
  // NFC so that a base letter plus combining marks counts as one (composed) letter.
  const s =
    text.length > maxLetters * 4 ? text.slice(0, maxLetters * 4).normalize('NFC') : text.normalize('NFC');
  for (const ch of s) {
    const code = ch.charCodeAt(0);
    if (code < 128) {
      if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) {
        c.letters++;
        c.latin++;
      } else continue;
    } else {
      if (!LETTER.test(ch)) continue;
      c.letters++;
      if (KANA.test(ch)) c.kana++;
      else {
        for (const [script, re] of Object.entries(SCRIPT_RE) as [keyof typeof SCRIPT_RE, RegExp][]) {
          if (re.test(ch)) {
            c[script]++;
            break;
          }
        }
        if (VIETNAMESE.test(ch)) c.vietnamese++;
      }
    }
    if (c.letters >= maxLetters) break;
  }
  return c;
}

/**
 * Script-based language check: the score is the share of the output's letters written in the script
 * (0–1), pass when it is at least `minShare` (default 0.8). This tells scripts apart, not languages:
 * 'latin' cannot tell English from French, 'han' cannot tell Chinese from Japanese kanji. Special cases:
 * 'cjk' counts Han, kana and Hangul together; 'japanese' is Han + kana and also needs some kana;
 * 'vietnamese' is Latin and also needs Vietnamese-only letters (ă đ ơ ư ĩ ũ, ạ ả ấ … ỹ) in at least 5 % of
 * the letters (short or unaccented Vietnamese can fail; French or Portuguese rarely passes). An output
 * with no letters (empty, digits, emoji only) scores 0. Only the first 100,000 letters are examined.
 */
export function languageIs(opts: { name?: string; script: ScriptName; minShare?: number }): Scorer {
  const name = opts.name ?? 'languageIs';
  const minShare = opts.minShare ?? 0.8;
  if (!(minShare >= 0 && minShare <= 1))
    throw new RangeError(`${name}: minShare: expected 0..1, got ${minShare}`);
  if (!(opts.script in SCRIPT_RE) && !['vietnamese', 'cjk', 'japanese'].includes(opts.script)) {
    throw new RangeError(`${name}: script: unknown script ${JSON.stringify(opts.script)}`);
  }
  return {
    name,
    kind: 'rubric',
    score: (_item, record) => {
      const c = countScripts(outputOf(record));
      if (c.letters === 0) return { score: 0, pass: false, reason: 'no letters' };
      let inScript: number;
      let extra = true;
      let extraReason = '';
      switch (opts.script) {
        case 'cjk':
          inScript = c.han + c.kana + c.korean;
          break;
        case 'japanese':
          inScript = c.han + c.kana;
          extra = c.kana > 0;
          extraReason = 'no kana';
          break;
        case 'vietnamese':
          inScript = c.latin;
          extra = c.vietnamese >= 0.05 * c.letters;
          extraReason = `Vietnamese-only letters ${c.vietnamese}/${c.letters} < 5%`;
          break;
        default:
          inScript = c[opts.script];
      }
      const share = inScript / c.letters;
      const pass = share >= minShare && extra;
      const reason = `${opts.script} ${(share * 100).toFixed(1)}% of ${c.letters} letters`;
      return { score: share, pass, reason: extra ? reason : `${reason}; ${extraReason}` };
    },
  };
}
