/** How the final answer was found: a marker, or (non-strict only) the last number of the text. */
export type FinalAnswerMarker = '####' | 'boxed' | 'answer:' | 'the answer is' | 'last number';

/** The final answer of a worked solution: its value, how it was found, and the text it was read from. */
export interface FinalAnswer {
  value: number;
  marker: FinalAnswerMarker;
  /** The matched number as written (e.g. `$1,234.50`), trimmed. */
  text: string;
}

/*
 * Every quantifier that can meet a long run of the same character is either bounded or followed by
 * something that cannot backtrack into it, so each pattern runs in linear time on untrusted 1 MB outputs
 * (a run of newlines, spaces or digits used to cost O(n²) with adjacent `\s*`).
 */
const MARKERS: ReadonlyArray<readonly [FinalAnswerMarker, RegExp]> = [
  ['####', /####[ \t]*([^\n#]*)/g],
  ['boxed', /\\boxed\{([^{}]*)\}/g],
  ['answer:', /(?:^|\n)[ \t]*(?:final[ \t]+answer|answer|a)[ \t]*[:：][ \t]*\n?[ \t]*([^\n]*)/gi],
  ['the answer is', /the[ \t]+(?:final[ \t]+)?answer[ \t]+is[ \t]*[:：]?[ \t]*([^\n]*)/gi],
];

/** A number token: sign, currency, digits with optional thousands groups, decimals, fraction, scale, percent. */
const NUMBER =
  /(-|−)?\s{0,3}[$€£]?\s{0,3}(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?:\s{0,3}\/\s{0,3}(\d+(?:\.\d+)?))?(?:\s{0,3}(thousand|million|billion|trillion)\b)?/gi;

const SCALE: Record<string, number> = { thousand: 1e3, million: 1e6, billion: 1e9, trillion: 1e12 };

/**
 * Reads the final answer of a worked solution like {@link extractFinalNumber}, and also says which marker
 * it came from and how the number was written (for a grader's `reason`). Null when there is none.
 *
 * @example
 * extractFinalAnswer('9 * 2 = 18\nA: $18.'); // => { value: 18, marker: 'answer:', text: '$18' }
 */
export function extractFinalAnswer(text: string, opts: { strict?: boolean } = {}): FinalAnswer | null {
  if (typeof text !== 'string') return null;
  for (const [marker, re] of MARKERS) {
    let last: string | null = null;
    re.lastIndex = 0;
    for (const m of text.matchAll(re)) last = m[1];
    if (last !== null) {
      const found = firstNumber(last);
      if (found !== null) return { ...found, marker };
    }
  }
  if (opts.strict) return null;
  const found = lastNumber(text);
  return found === null ? null : { ...found, marker: 'last number' };
}

/**
 * Reads the final numeric answer of a worked solution, the way GSM8K-style graders do, and returns it as
 * a number (or null when there is none). Looks for, in order of precedence, the last of:
 *   `#### 18` (GSM8K reference format), `\boxed{18}`, `A: 18` / `Answer: 18` / `Final answer: 18`,
 *   `the answer is 18`;
 * and, unless `strict` is set, falls back to the last number anywhere in the text. The number itself may
 * carry a sign, a currency symbol, thousands separators (`$1,234.50`), a percent sign, a simple fraction
 * (`7/14` → 0.5), a scale word (`1.8 billion`), and trailing units or punctuation (`18 eggs.`).
 * Runs in linear time on any input (model output is untrusted).
 *
 * @see https://github.com/openai/grade-school-math (the `#### <answer>` convention)
 * @example
 * extractFinalNumber('She makes 9 * 2 = $18 a day.\n#### 18'); // => 18
 * extractFinalNumber('The answer is $1,234.50.');              // => 1234.5
 * extractFinalNumber('so x = \\boxed{42}');                     // => 42
 * extractFinalNumber('no digits here');                         // => null
 */
export function extractFinalNumber(text: string, opts: { strict?: boolean } = {}): number | null {
  return extractFinalAnswer(text, opts)?.value ?? null;
}

function firstNumber(s: string): { value: number; text: string } | null {
  NUMBER.lastIndex = 0;
  const m = NUMBER.exec(s);
  NUMBER.lastIndex = 0;
  return m ? toAnswer(m) : null;
}

/**
 * The last number token of a text. Only a window around the last digit is searched, so the cost does not
 * depend on how much text comes before or after it.
 */
function lastNumber(text: string): { value: number; text: string } | null {
  let i = text.length - 1;
  while (i >= 0 && !isDigit(text.charCodeAt(i))) i--;
  if (i < 0) return null;
  const lastDigit = i;
  i = backOverDigits(text, i);
  // A fraction `7 / 14`: also take its numerator.
  let j = i - 1;
  while (j >= 0 && i - j <= 3 && text.charCodeAt(j) === 32) j--;
  if (j >= 0 && text.charCodeAt(j) === 47) {
    let k = j - 1;
    while (k >= 0 && j - k <= 3 && text.charCodeAt(k) === 32) k--;
    if (k >= 0 && isDigit(text.charCodeAt(k))) i = backOverDigits(text, k);
  }
  // Leave room for a sign and a currency symbol before it, and a fraction or scale word after it.
  const tail = text.slice(Math.max(0, i - 8), lastDigit + 24);
  let found: RegExpMatchArray | null = null;
  NUMBER.lastIndex = 0;
  for (const m of tail.matchAll(NUMBER)) found = m;
  return found ? toAnswer(found) : null;
}

/** Index of the first character of the run of digits, commas and points that ends at `i`. */
function backOverDigits(text: string, i: number): number {
  let s = i;
  while (s > 0) {
    const c = text.charCodeAt(s - 1);
    if (!(isDigit(c) || c === 44 || c === 46)) break;
    s--;
  }
  return s;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function toAnswer(m: RegExpMatchArray): { value: number; text: string } | null {
  let v = Number(m[2].replace(/,/g, ''));
  if (m[3] !== undefined) {
    const den = Number(m[3]);
    if (den === 0) return null;
    v /= den;
  }
  if (m[4] !== undefined) v *= SCALE[m[4].toLowerCase()];
  if (m[1] !== undefined) v = -v;
  return Number.isFinite(v) ? { value: v, text: m[0].trim() } : null;
}

/** True when two extracted answers agree: equal within 1e-9 relative (so 18 and 18.00 match). */
export function numbersMatch(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return false;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}
