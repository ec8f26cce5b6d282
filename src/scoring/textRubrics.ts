import type { CallRecord, EvalItem } from '../types';
import { binary, expectedTexts, type NormalizeOptions, normalizeText, outputOf, snippet } from './text';
import type { ScoreResult, Scorer } from './types';

/** Options shared by the text rubrics. */
export interface TextRubricOptions {
  /** Written as ScoreRecord.scorer; defaults to the factory's name. */
  name?: string;
  /** Applied to the output and to every expected text (see NormalizeOptions for the defaults). */
  normalize?: NormalizeOptions;
}

function rubricScorer(name: string, score: (item: EvalItem, record: CallRecord) => ScoreResult): Scorer {
  return { name, kind: 'rubric', score };
}

function nonEmptyList(scorer: string, field: string, values: string | readonly string[]): string[] {
  const list = typeof values === 'string' ? [values] : [...values];
  if (list.length === 0 || list.some((v) => typeof v !== 'string')) {
    throw new TypeError(`${scorer}: ${field}: expected a string or a non-empty array of strings`);
  }
  return list;
}

/**
 * 1 when the normalised output equals the normalised expected text (any of them), else 0. The expected
 * text is `opts.expected` or, by default, the item's reference.
 * @example
 * exactMatch({ normalize: { ignoreCase: true, stripPunctuation: true } }); // 'Paris.' matches 'paris'
 */
export function exactMatch(opts: TextRubricOptions & { expected?: string | readonly string[] } = {}): Scorer {
  const name = opts.name ?? 'exactMatch';
  return rubricScorer(name, (item, record) => {
    const out = normalizeText(outputOf(record), opts.normalize);
    const expected = expectedTexts(name, item, opts.expected).map((e) => normalizeText(e, opts.normalize));
    const hit = expected.includes(out);
    return binary(hit, hit ? undefined : `output ${snippet(out)} ≠ expected ${snippet(expected[0])}`);
  });
}

/**
 * 1 when the normalised output contains the values — all of them (`mode: 'all'`, the default) or at least
 * one (`'any'`) — else 0 (binary on purpose: partial credit belongs in a weighted `rubric`).
 */
export function contains(
  opts: TextRubricOptions & { values: string | readonly string[]; mode?: 'all' | 'any' },
): Scorer {
  const name = opts.name ?? 'contains';
  const values = nonEmptyList(name, 'values', opts.values).map((v) => normalizeText(v, opts.normalize));
  const mode = opts.mode ?? 'all';
  return rubricScorer(name, (_item, record) => {
    const out = normalizeText(outputOf(record), opts.normalize);
    const missing = values.filter((v) => !out.includes(v));
    const pass = mode === 'all' ? missing.length === 0 : missing.length < values.length;
    return binary(pass, pass ? undefined : `missing ${missing.map((v) => snippet(v, 30)).join(', ')}`);
  });
}

/**
 * 1 when the normalised output contains none of the values (`mode: 'all'`, the default: every value must be
 * absent) or misses at least one of them (`'any'`), else 0.
 */
export function notContains(
  opts: TextRubricOptions & { values: string | readonly string[]; mode?: 'all' | 'any' },
): Scorer {
  const name = opts.name ?? 'notContains';
  const values = nonEmptyList(name, 'values', opts.values).map((v) => normalizeText(v, opts.normalize));
  const mode = opts.mode ?? 'all';
  return rubricScorer(name, (_item, record) => {
    const out = normalizeText(outputOf(record), opts.normalize);
    const found = values.filter((v) => out.includes(v));
    const pass = mode === 'all' ? found.length === 0 : found.length < values.length;
    return binary(pass, pass ? undefined : `contains ${found.map((v) => snippet(v, 30)).join(', ')}`);
  });
}

/**
 * 1 when the pattern matches the output (searched anywhere; anchor it with ^…$ for a full match), else 0.
 * The output is not normalised. A string pattern is compiled once with `flags` (default 'u'); the
 * stateful flags g and y are dropped. The pattern is the author's: one with catastrophic backtracking
 * (e.g. `(a+)+$`) is slow on long untrusted outputs, so keep patterns linear.
 * @throws {SyntaxError} at construction, naming the scorer, when the pattern does not compile
 */
export function regexMatch(opts: { name?: string; pattern: RegExp | string; flags?: string }): Scorer {
  const name = opts.name ?? 'regexMatch';
  const source = typeof opts.pattern === 'string' ? opts.pattern : opts.pattern.source;
  const flags = (opts.flags ?? (typeof opts.pattern === 'string' ? 'u' : opts.pattern.flags)).replace(
    /[gy]/g,
    '',
  );
  let re: RegExp;
  try {
    re = new RegExp(source, flags);
  } catch (e) {
    throw new SyntaxError(`${name}: pattern: expected a valid regular expression (${(e as Error).message})`);
  }
  return rubricScorer(name, (_item, record) => {
    const hit = re.test(outputOf(record));
    return binary(hit, hit ? undefined : `no match for /${snippet(source, 40).slice(1, -1)}/${flags}`);
  });
}

/** 1 when the normalised output starts with the prefix (any of them), else 0. Leading whitespace is trimmed by default. */
export function startsWith(opts: TextRubricOptions & { prefix: string | readonly string[] }): Scorer {
  const name = opts.name ?? 'startsWith';
  const prefixes = nonEmptyList(name, 'prefix', opts.prefix).map((p) => normalizeText(p, opts.normalize));
  return rubricScorer(name, (_item, record) => {
    const out = normalizeText(outputOf(record), opts.normalize);
    const hit = prefixes.some((p) => out.startsWith(p));
    return binary(hit, hit ? undefined : `output starts ${snippet(out, 30)}`);
  });
}
