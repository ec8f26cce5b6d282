/**
 * Recorded answers: datasets/gsm8k/model_solutions.jsonl loaded once, lazily, into a Map keyed by question.
 * A prompt matches when its last user message is the question, or contains it (prompt templates around it).
 */
import { readFile } from 'node:fs/promises';
import { ANSWER_FIELDS, type AnswerField } from './config';
import { simMsg } from './messages';

export interface AnswerEntry {
  question: string;
  groundTruth: string;
  solutions: Partial<Record<AnswerField, string>>;
}

export interface AnswerBook {
  /** The entry whose question is (or is contained in) the text, if any. */
  find(text: string): AnswerEntry | undefined;
  readonly size: number;
}

const cache = new Map<string, Promise<AnswerBook>>();

/** Loads (once per path, shared by every simulator in the process) the answers file. */
export function loadAnswerBook(path: string): Promise<AnswerBook> {
  let p = cache.get(path);
  if (!p) {
    p = build(path);
    cache.set(path, p);
    p.catch(() => cache.delete(path));
  }
  return p;
}

async function build(path: string): Promise<AnswerBook> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new Error(simMsg.answersMissing(path));
  }
  const byQuestion = new Map<string, AnswerEntry>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof row.question !== 'string') continue;
    const solutions: Partial<Record<AnswerField, string>> = {};
    for (const field of ANSWER_FIELDS) {
      const v = row[field] as { solution?: unknown } | undefined;
      if (v && typeof v.solution === 'string') solutions[field] = v.solution;
    }
    const question = row.question.trim();
    byQuestion.set(question, {
      question,
      groundTruth: typeof row.ground_truth === 'string' ? row.ground_truth : '',
      solutions,
    });
  }
  const entries = [...byQuestion.values()];
  return {
    size: byQuestion.size,
    find(raw: string) {
      const t = raw.trim();
      const exact = byQuestion.get(t);
      if (exact) return exact;
      let best: AnswerEntry | undefined;
      for (const e of entries) {
        if (t.includes(e.question) && (!best || e.question.length > best.question.length)) best = e;
      }
      return best;
    },
  };
}
