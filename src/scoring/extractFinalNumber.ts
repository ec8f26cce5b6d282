/**
 * Reads the final numeric answer of a worked solution, the way GSM8K-style graders do, and returns it as
 * a number (or null when there is none). Looks for, in order of precedence, the last of:
 *   `#### 18` (GSM8K reference format), `\boxed{18}`, `A: 18` / `Answer: 18` / `Final answer: 18`,
 *   `the answer is 18`;
 * and, unless `strict` is set, falls back to the last number anywhere in the text. The number itself may
 * carry a sign, a currency symbol, thousands separators (`$1,234.50`), a percent sign, a simple fraction
 * (`7/14` → 0.5), a scale word (`1.8 billion`), and trailing units or punctuation (`18 eggs.`).
 *
 * @see https://github.com/openai/grade-school-math (the `#### <answer>` convention)
 * @example
 * extractFinalNumber('She makes 9 * 2 = $18 a day.\n#### 18'); // => 18
 * extractFinalNumber('The answer is $1,234.50.');              // => 1234.5
 * extractFinalNumber('so x = \\boxed{42}');                     // => 42
 * extractFinalNumber('no digits here');                         // => null
 */
export function extractFinalNumber(text: string, opts: { strict?: boolean } = {}): number | null {
  if (typeof text !== 'string') return null;
  const markers: RegExp[] = [
    /####\s*([^\n#]*)/g,
    /\\boxed\{([^{}]*)\}/g,
    /(?:^|\n)\s*(?:final\s+answer|answer|a)\s*[:：]\s*([^\n]*)/gi,
    /the\s+(?:final\s+)?answer\s+is\s*[:：]?\s*([^\n]*)/gi,
  ];
  for (const re of markers) {
    let last: string | null = null;
    for (const m of text.matchAll(re)) last = m[1];
    if (last !== null) {
      const v = parseLeadingNumber(last);
      if (v !== null) return v;
    }
  }
  if (opts.strict) return null;
  const all = [...text.matchAll(NUMBER)];
  if (all.length === 0) return null;
  return toNumber(all[all.length - 1]);
}

/** A number token: sign, currency, digits with optional thousands groups, decimals, fraction, scale, percent. */
const NUMBER =
  /(-|−)?\s*[$€£]?\s*(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?:\s*\/\s*(\d+(?:\.\d+)?))?(?:\s*(thousand|million|billion|trillion)\b)?/gi;

const SCALE: Record<string, number> = { thousand: 1e3, million: 1e6, billion: 1e9, trillion: 1e12 };

function parseLeadingNumber(s: string): number | null {
  NUMBER.lastIndex = 0;
  const m = NUMBER.exec(s);
  NUMBER.lastIndex = 0;
  return m ? toNumber(m) : null;
}

function toNumber(m: RegExpMatchArray): number | null {
  let v = Number(m[2].replace(/,/g, ''));
  if (m[3] !== undefined) {
    const den = Number(m[3]);
    if (den === 0) return null;
    v /= den;
  }
  if (m[4] !== undefined) v *= SCALE[m[4].toLowerCase()];
  if (m[1] !== undefined) v = -v;
  return Number.isFinite(v) ? v : null;
}

/** True when two extracted answers agree: equal within 1e-9 relative (so 18 and 18.00 match). */
export function numbersMatch(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return false;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}
