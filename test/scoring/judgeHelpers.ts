import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GSM8K_MODELS, type Gsm8kModel } from '../../src/datasets/gsm8k';
import { createChatClient } from '../../src/gateway/client';
import { createGateway, type Gateway } from '../../src/gateway/gateway';
import type { CallRecord, EvalItem } from '../../src/types';

const DATA = join(__dirname, '..', '..', 'datasets', 'gsm8k');

export { GSM8K_MODELS, type Gsm8kModel };

const readLines = (file: string) =>
  readFileSync(join(DATA, file), 'utf8')
    .split('\n')
    .filter((l: string) => l.trim() !== '')
    .map((l: string) => JSON.parse(l));

/** datasets/gsm8k as stored: test.jsonl's problems and model_solutions.jsonl's rows, in file order. */
export interface Gsm8kData {
  tests: { question: string; answer: string }[];
  solutions: ({ question: string } & Record<Gsm8kModel, { solution: string }>)[];
}

let cache: Gsm8kData | null = null;
/** The GSM8K files, parsed without src/ code (read once). */
export function gsm8kData(): Gsm8kData {
  cache ??= { tests: readLines('test.jsonl'), solutions: readLines('model_solutions.jsonl') };
  return cache;
}

/** A test.jsonl answer's reference: the number after `####` on its last line (thousands commas removed). */
export function gsm8kReference(answer: string): number {
  const m = /####\s*(-?[\d,]*\.?\d+)\s*$/.exec(answer);
  if (!m) throw new Error(`no #### answer in ${answer.slice(-40)}`);
  return Number(m[1].replace(/,/g, ''));
}

/** GSM8K items: the question as the prompt, the `####` number as the reference. */
export function gsm8kItems(n: number): EvalItem[] {
  return gsm8kData()
    .tests.slice(0, n)
    .map((t, i) => ({
      id: `gsm8k-${i}`,
      messages: [{ role: 'user' as const, content: t.question }],
      reference: gsm8kReference(t.answer),
    }));
}

/** The recorded solution of a model to item i. */
export function solution(model: Gsm8kModel, i: number): string {
  return gsm8kData().solutions[i][model].solution;
}

/** A successful call replaying a recorded solution. */
export function replayCall(
  model: Gsm8kModel,
  arm: 'primary' | 'canary',
  i: number,
  over: Partial<CallRecord> = {},
): CallRecord {
  return {
    runId: 'judge-test',
    itemId: `gsm8k-${i}`,
    arm,
    model,
    repeat: 0,
    ok: true,
    attempts: 1,
    latencyMs: 0,
    usage: { promptTokens: 0, completionTokens: 0 },
    costUsd: 0,
    content: solution(model, i),
    finishReason: 'stop',
    startedAt: '2026-01-01T00:00:00.000Z',
    cached: false,
    ...over,
  };
}

/** A run folder whose calls.jsonl holds the given calls. */
export function runDirWith(calls: readonly CallRecord[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'canarylab-judge-'));
  writeFileSync(join(dir, 'calls.jsonl'), calls.map((c) => `${JSON.stringify(c)}\n`).join(''));
  return dir;
}

/** A gateway to a simulator model (no backoff waits, so fault tests stay fast). */
export function simGateway(baseURL: string, model: string, maxAttempts = 3): Gateway {
  return createGateway({
    client: createChatClient({ baseURL, model, timeoutMs: 10_000 }),
    retry: { maxAttempts, baseDelayMs: 1, maxDelayMs: 2 },
  });
}
