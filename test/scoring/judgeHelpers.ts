import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChatClient } from '../../src/gateway/client';
import { createGateway, type Gateway } from '../../src/gateway/gateway';
import type { CallRecord, EvalItem } from '../../src/types';

const DATA = join(__dirname, '..', '..', 'datasets', 'gsm8k');
export const GSM8K_MODELS = [
  '6b_finetuning',
  '6b_verification',
  '175b_finetuning',
  '175b_verification',
] as const;
export type Gsm8kModel = (typeof GSM8K_MODELS)[number];

const readLines = (file: string) =>
  readFileSync(join(DATA, file), 'utf8')
    .split('\n')
    .filter((l: string) => l.trim() !== '')
    .map((l: string) => JSON.parse(l));

let cache: {
  tests: { question: string; answer: string }[];
  solutions: Record<string, { solution: string }>[];
} | null = null;
function data() {
  cache ??= { tests: readLines('test.jsonl'), solutions: readLines('model_solutions.jsonl') };
  return cache;
}

/** GSM8K items: the question as the prompt, the `####` number as the reference. */
export function gsm8kItems(n: number): EvalItem[] {
  return data()
    .tests.slice(0, n)
    .map((t, i) => {
      const m = /####\s*(-?[\d,]*\.?\d+)\s*$/.exec(t.answer) as RegExpExecArray;
      return {
        id: `gsm8k-${i}`,
        messages: [{ role: 'user' as const, content: t.question }],
        reference: Number(m[1].replace(/,/g, '')),
      };
    });
}

/** The recorded solution of a model to item i. */
export function solution(model: Gsm8kModel, i: number): string {
  return data().solutions[i][model].solution;
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
