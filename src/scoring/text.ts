import type { CallRecord, EvalItem } from '../types';

/**
 * Text normalisation applied to both the output and the expected text before comparing them.
 * Defaults (every rubric here): NFKC on, whitespace collapsed, trimmed, case and punctuation kept.
 */
export interface NormalizeOptions {
  /** Unicode NFKC (full-width → ASCII, ligatures, composed accents). Default true. */
  nfkc?: boolean;
  /** Compare case-insensitively (Unicode lower case). Default false. */
  ignoreCase?: boolean;
  /** Collapse every run of whitespace to one space. Default true. */
  collapseWhitespace?: boolean;
  /** Remove Unicode punctuation (\p{P}). Default false. */
  stripPunctuation?: boolean;
  /** Trim leading and trailing whitespace. Default true. */
  trim?: boolean;
}

/**
 * Normalises a text for comparison (see {@link NormalizeOptions}).
 * @example
 * normalizeText('  Ｈｅｌｌｏ,\n World! ', { ignoreCase: true, stripPunctuation: true }); // => 'hello world'
 */
export function normalizeText(text: string, opts: NormalizeOptions = {}): string {
  let s = text;
  if (opts.nfkc ?? true) s = s.normalize('NFKC');
  if (opts.ignoreCase) s = s.toLowerCase();
  if (opts.stripPunctuation) s = s.replace(/\p{P}+/gu, '');
  if (opts.collapseWhitespace ?? true) s = s.replace(/\s+/g, ' ');
  if (opts.trim ?? true) s = s.trim();
  return s;
}

/**
 * The output of a successful call ('' when it has no content). A failed call is never scored as a bad
 * answer: asking for its output throws, so a scorer called on it directly records an error.
 */
export function outputOf(record: CallRecord): string {
  if (record.ok === false) {
    throw new Error(
      `call ${record.itemId}/${record.arm}/${record.repeat} failed (${record.errorKind ?? 'error'}): failed calls are not scored`,
    );
  }
  return typeof record.content === 'string' ? record.content : '';
}

/** The texts to compare against: `given` when set, else the item's reference; throws when there is none. */
export function expectedTexts(scorer: string, item: EvalItem, given?: string | readonly string[]): string[] {
  if (given !== undefined) return typeof given === 'string' ? [given] : [...given];
  if (item.reference === undefined || item.reference === null) {
    throw new Error(
      `${scorer}: item ${item.id} has no reference (set item.reference or the scorer's option)`,
    );
  }
  return [String(item.reference)];
}

/** A short, quoted, escaped excerpt of untrusted text for a `reason`. */
export function snippet(text: string, max = 60): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut);
}

/** Builds a 0/1 result. */
export function binary(pass: boolean, reason?: string): { score: number; pass: boolean; reason?: string } {
  return reason === undefined ? { score: pass ? 1 : 0, pass } : { score: pass ? 1 : 0, pass, reason };
}
