import { readJsonl } from '../input/jsonl';
import { extractFinalNumber } from '../scoring/extractFinalNumber';

/** The four models whose written solutions datasets/gsm8k/model_solutions.jsonl records. */
export const GSM8K_MODELS = [
  '6b_finetuning',
  '6b_verification',
  '175b_finetuning',
  '175b_verification',
] as const;
export type Gsm8kModel = (typeof GSM8K_MODELS)[number];

/** One GSM8K test problem with its reference answer and the recorded solutions of the four models. */
export interface Gsm8kProblem {
  /** `gsm8k-<index>`, 0-based in file order. */
  id: string;
  question: string;
  /** The reference's final number (`A: n` / `#### n` line of the ground truth). */
  reference: number;
  /** Each model's full written solution, as recorded. */
  solutions: Record<Gsm8kModel, string>;
}

/**
 * Loads datasets/gsm8k/model_solutions.jsonl (OpenAI grade-school-math, MIT): 1,319 test problems with
 * the ground truth and four GPT-3 models' solutions. Streams the file; a malformed line fails naming
 * `file:line` and the field.
 */
export async function loadGsm8kSolutions(file: string): Promise<Gsm8kProblem[]> {
  const out: Gsm8kProblem[] = [];
  for await (const { line, value } of readJsonl(file)) {
    const where = `${file}:${line}`;
    const row = value as Record<string, unknown>;
    if (typeof row?.question !== 'string') throw new TypeError(`${where}: question: expected a string`);
    if (typeof row.ground_truth !== 'string')
      throw new TypeError(`${where}: ground_truth: expected a string`);
    const reference = extractFinalNumber(row.ground_truth, { strict: true });
    if (reference === null)
      throw new TypeError(`${where}: ground_truth: expected a final "A: <number>" line`);
    const solutions = {} as Record<Gsm8kModel, string>;
    for (const m of GSM8K_MODELS) {
      const s = (row[m] as { solution?: unknown } | undefined)?.solution;
      if (typeof s !== 'string') throw new TypeError(`${where}: ${m}.solution: expected a string`);
      solutions[m] = s;
    }
    out.push({ id: `gsm8k-${out.length}`, question: row.question, reference, solutions });
  }
  return out;
}
