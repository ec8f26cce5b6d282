/**
 * Expected values for the protocol tests, computed here and not by the simulator: recorded GSM8K answers
 * read straight from the bundled file, and o200k token counts from gpt-tokenizer's own `encode`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from 'gpt-tokenizer';

const FILE = join(__dirname, '..', '..', 'datasets', 'gsm8k', 'model_solutions.jsonl');
const rows = readFileSync(FILE, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Record<string, unknown>);

export const QUESTION = rows[0].question as string;

/** The recorded solution of a GSM8K model to the question of row `i`. */
export function solution(field: string, i = 0): string {
  return (rows[i][field] as { solution: string }).solution;
}

/** o200k tokens of a text (gpt-tokenizer, special tokens read as text). */
export const tokens = (text: string): number => encode(text, { disallowedSpecial: new Set() }).length;

/**
 * Prompt tokens as the simulator documents its count (OpenAI's chat format: 3 tokens priming the reply, and
 * per message 3 tokens of framing plus the tokens of its role and its content):
 * 3 + Σ (3 + tokens(role) + tokens(content)).
 */
export const promptTokens = (messages: ReadonlyArray<{ role: string; content: string }>): number =>
  messages.reduce((n, m) => n + 3 + tokens(m.role) + tokens(m.content), 3);

/**
 * A few-shot system prompt of worked GSM8K examples, longer than the 1,024-token caching minimum. Lines are
 * joined by single newlines and runs of whitespace collapsed: the simulator counts texts over 512
 * characters in pieces cut at a whitespace (src/gateway/tokens.ts), which is exact only where no cut can
 * fall inside a run of whitespace that o200k encodes as one token.
 */
export const FEW_SHOT = (() => {
  let text = 'Solve grade-school math problems. End with "A: <number>". Worked examples follow.';
  for (let i = 1; tokens(text) < 1300; i++) {
    text += `\nQ: ${rows[i].question as string}\n${rows[i].ground_truth as string}`;
  }
  return text.replace(/[ \t]+/g, ' ').replace(/\n+/g, '\n');
})();

/** The question of row `i`. */
export const question = (i: number): string => rows[i].question as string;
