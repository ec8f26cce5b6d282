/**
 * Helpers of the reliability tests: the real CLI in its own process (bin/canarylab.cjs on the source),
 * configs pointing at a scripted server, and independent readers of what a run folder holds (spend,
 * units, every file's bytes) — computed here, not by the code under test.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CliResult, startCli as startCliWith } from '../cli/cliHelpers';

export { type CliResult, ROOT, tempDir } from '../cli/cliHelpers';

/** The real CLI in its own process, on the source being tested (test/cli/cliHelpers.ts with `env`). */
export function startCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { child: ChildProcess; done: Promise<CliResult> } {
  return startCliWith(args, { env });
}

export const runCli = (args: string[], env: NodeJS.ProcessEnv = {}) => startCli(args, env).done;

/** n items `{ id, prompt }` in a JSONL file. */
export function writeItems(dir: string, n: number): string {
  const file = join(dir, 'items.jsonl');
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({ id: `q${i}`, prompt: `Question ${i}: what is 2 + 2?`, reference: '4' }),
  );
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/**
 * A config for a scripted server: both arms (models `prim`, `can`) behind `$BASE_URL` with the key in
 * `$REL_KEY`, price 1000 USD per 1M tokens in and out (so a call with the server's usage of 40 + 8 tokens
 * costs exactly $0.048), `contains: "4"` as the rubric, a policy small runs can decide.
 */
export function relConfig(o: {
  items: string;
  concurrency: number;
  maxCostUsd?: number;
  maxTokens?: number;
  judge?: boolean;
  stream?: boolean;
  timeoutMs?: number;
  retry?: string;
  extra?: string;
}): string {
  const params = `{ max_tokens: ${o.maxTokens ?? 50}${o.stream ? ', stream: true' : ''} }`;
  const arm = (model: string) =>
    `{ model: ${model}, baseURLEnv: BASE_URL, apiKeyEnv: REL_KEY, params: ${params}, price: { inputPer1M: 1000, outputPer1M: 1000 }, timeoutMs: ${o.timeoutMs ?? 5000}, retry: ${o.retry ?? '{ maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 40 }'} }`;
  return `arms:
  primary: ${arm('prim')}
  canary: ${arm('can')}
dataset: { path: ${JSON.stringify(o.items)} }
scorers: [ { type: contains, values: "4" } ]
concurrency: ${o.concurrency}
${o.maxCostUsd !== undefined ? `maxCostUsd: ${o.maxCostUsd}` : ''}
${
  o.judge
    ? `judge: { model: judge-1, baseURLEnv: BASE_URL, apiKeyEnv: REL_KEY, single: true, pairwise: true, concurrency: 32, price: { inputPer1M: 1000, outputPer1M: 1000 }, params: { max_tokens: 40 } }`
    : ''
}
policy:
  gates:
    - { name: success rate, metric: success_rate, kind: absolute, direction: above, threshold: 0.5, severity: required }
  plan:
    - { stage: shadow, trafficPercent: 0, shadowPercent: 5 }
    - { stage: flag, trafficPercent: 5 }
${o.extra ?? ''}
`;
}

const jsonl = (file: string): Array<Record<string, unknown>> =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as Record<string, unknown>];
          } catch {
            return []; // a torn last line of a killed run
          }
        })
    : [];

export const calls = (runDir: string) => jsonl(join(runDir, 'calls.jsonl'));
export const lineCount = (file: string) =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '').length
    : 0;

/** Spend recorded in a run folder: calls, single-judge scores and pairwise records, summed here. */
export function recordedSpend(runDir: string): { calls: number; judge: number; total: number } {
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  const c = calls(runDir).reduce((s, r) => s + num(r.costUsd), 0);
  const single = jsonl(join(runDir, 'scores.jsonl')).reduce(
    (s, r) => s + num((r.judge as { costUsd?: number } | undefined)?.costUsd),
    0,
  );
  const pair = jsonl(join(runDir, 'pairwise.jsonl')).reduce((s, r) => s + num(r.costUsd), 0);
  return { calls: c, judge: single + pair, total: c + single + pair };
}

/** (item, arm, repeat) keys of calls.jsonl, with how many records each has. */
export function unitCounts(runDir: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of calls(runDir)) {
    const k = `${r.itemId}|${r.arm}|${r.repeat}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

/** Every file under a folder (recursively), dot-files and the response cache included. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** The files under `dir` whose bytes contain any of the secrets. */
export function filesContaining(dir: string, secrets: readonly string[]): string[] {
  return filesUnder(dir).filter((f) => {
    const text = readFileSync(f).toString('latin1');
    return secrets.some((s) => text.includes(s));
  });
}

/** Resolves once `file` has at least `n` lines (or after `timeoutMs`). */
export async function waitForLines(file: string, n: number, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let have = lineCount(file);
  while (have < n && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
    have = lineCount(file);
  }
  return have;
}

export const readJson = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
