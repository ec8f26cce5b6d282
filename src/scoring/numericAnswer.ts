import type { EvalItem } from '../types';
import { extractFinalAnswer, extractFinalNumber, numbersMatch } from './extractFinalNumber';
import { binary, outputOf, snippet } from './text';
import type { Scorer } from './types';

/** Options of {@link numericAnswer}. */
export interface NumericAnswerOptions {
  name?: string;
  /**
   * Require an answer marker (`#### n`, `\boxed{n}`, `A: n` / `Answer: n`, `the answer is n`); default
   * true, the GSM8K reference grading. `false` also accepts the last number of the output (lm-eval's
   * "flexible extract"), which credits a truncated chain of thought that happens to end on the answer.
   */
  strict?: boolean;
  /**
   * Allowed difference: |got − want| ≤ max(absolute, relative·max(|got|, |want|)), each part default 0.
   * Without it, `numbersMatch` decides (equal within 1e-9 relative: 18 and 18.00 match, 18.5 does not).
   */
  tolerance?: { absolute?: number; relative?: number };
  /** The expected number; default the item's reference (a number, or a text whose final number is read). */
  expected?: number;
}

function referenceNumber(name: string, item: EvalItem, expected: number | undefined): number {
  if (expected !== undefined) return expected;
  const ref = item.reference;
  if (typeof ref === 'number' && Number.isFinite(ref)) return ref;
  if (typeof ref === 'string') {
    const v = extractFinalNumber(ref);
    if (v !== null) return v;
  }
  throw new Error(`${name}: item ${item.id}: reference: expected a number, got ${snippet(String(ref), 40)}`);
}

/**
 * Grades the final numeric answer of a worked solution (read with `extractFinalAnswer`) against the
 * reference: 1 when equal within the tolerance, else 0. On datasets/gsm8k this is the reference grader.
 * @example
 * numericAnswer();                                  // GSM8K: 'A: 18' / '#### 18' vs reference 18
 * numericAnswer({ tolerance: { relative: 0.01 } }); // within 1 %
 */
export function numericAnswer(opts: NumericAnswerOptions = {}): Scorer {
  const name = opts.name ?? 'numericAnswer';
  const strict = opts.strict ?? true;
  const tol = opts.tolerance;
  const abs = tol?.absolute ?? 0;
  const rel = tol?.relative ?? 0;
  if (!(abs >= 0 && rel >= 0 && Number.isFinite(abs) && Number.isFinite(rel))) {
    throw new RangeError(`${name}: tolerance: expected finite absolute/relative >= 0`);
  }
  if (opts.expected !== undefined && !Number.isFinite(opts.expected)) {
    throw new RangeError(`${name}: expected: expected a finite number, got ${opts.expected}`);
  }
  return {
    name,
    kind: 'rubric',
    score: (item, record) => {
      const want = referenceNumber(name, item, opts.expected);
      const got = extractFinalAnswer(outputOf(record), { strict });
      if (got === null) {
        return binary(
          false,
          strict ? 'no final answer marker (####, A:, \\boxed, "the answer is")' : 'no number',
        );
      }
      const ok = tol
        ? Math.abs(got.value - want) <= Math.max(abs, rel * Math.max(Math.abs(got.value), Math.abs(want)))
        : numbersMatch(got.value, want);
      return binary(ok, `${got.marker} ${snippet(got.text, 30)} → ${got.value}, expected ${want}`);
    },
  };
}
