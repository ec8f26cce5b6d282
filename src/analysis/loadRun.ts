import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { readJsonl } from '../input/jsonl';
import { describeValue } from '../input/jsonValue';
import type { CallRecord, PairwiseRecord, ScoreRecord } from '../types';
import { analysisMsg, RunFolderError } from './errors';
import type { RunAnalysis, RunData, RunItem } from './types';

/** File names inside a run folder (canary-contracts "The run folder"). */
export const RUN_FILES = {
  calls: 'calls.jsonl',
  scores: 'scores.jsonl',
  pairwise: 'pairwise.jsonl',
  items: 'items.jsonl',
  manifest: 'run.json',
  comparison: 'comparison.json',
} as const;

export { RunFolderError } from './errors';

type Check = (v: Record<string, unknown>, where: string) => void;

const need = (v: Record<string, unknown>, where: string, field: string, type: string, ok: boolean) => {
  if (!ok)
    throw new RunFolderError(
      'RUN_BAD_RECORD',
      where.split(':')[0],
      analysisMsg.badField(where, field, type, describeValue(v[field])),
    );
};
const isArm = (x: unknown) => x === 'primary' || x === 'canary';
const isNum = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
/** A finite number >= 0: latencies and costs (a negative cost from a lying endpoint must not load). */
const isNonNeg = (x: unknown) => isNum(x) && (x as number) >= 0;

const checkCall: Check = (v, w) => {
  need(v, w, 'itemId', 'a string', typeof v.itemId === 'string');
  need(v, w, 'arm', "'primary' or 'canary'", isArm(v.arm));
  need(v, w, 'ok', 'true or false', typeof v.ok === 'boolean');
  need(v, w, 'latencyMs', 'a number of milliseconds >= 0', isNonNeg(v.latencyMs));
  need(v, w, 'costUsd', 'a number of USD >= 0', isNonNeg(v.costUsd));
  need(
    v,
    w,
    'startedAt',
    'an ISO-8601 time',
    typeof v.startedAt === 'string' && !Number.isNaN(Date.parse(v.startedAt)),
  );
  const u = v.usage as Record<string, unknown> | undefined;
  need(
    v,
    w,
    'usage',
    '{ promptTokens, completionTokens } numbers',
    typeof u === 'object' && u !== null && isNum(u.promptTokens) && isNum(u.completionTokens),
  );
  if (v.ttftMs !== undefined) need(v, w, 'ttftMs', 'a number of milliseconds >= 0', isNonNeg(v.ttftMs));
  if (v.repeat !== undefined) need(v, w, 'repeat', 'an integer >= 0', Number.isInteger(v.repeat));
};
const checkScore: Check = (v, w) => {
  need(v, w, 'itemId', 'a string', typeof v.itemId === 'string');
  need(v, w, 'arm', "'primary' or 'canary'", isArm(v.arm));
  need(v, w, 'scorer', 'a string', typeof v.scorer === 'string');
  need(v, w, 'score', 'a number or null', v.score === null || typeof v.score === 'number');
  if (v.pass !== undefined) need(v, w, 'pass', 'true or false', typeof v.pass === 'boolean');
};
const checkPairwise: Check = (v, w) => {
  need(v, w, 'itemId', 'a string', typeof v.itemId === 'string');
  need(v, w, 'judge', 'a string', typeof v.judge === 'string');
  need(v, w, 'winner', "'primary', 'canary' or 'tie'", isArm(v.winner) || v.winner === 'tie');
};
const checkItem: Check = (v, w) => {
  need(v, w, 'id', 'a string', typeof v.id === 'string');
  if (v.meta !== undefined) need(v, w, 'meta', 'an object', typeof v.meta === 'object' && v.meta !== null);
};

async function readRecords<T>(file: string, check: Check, required: boolean): Promise<T[]> {
  if (!existsSync(file)) {
    if (required)
      throw new RunFolderError('RUN_MISSING_FILE', file, analysisMsg.missingFile(file, basename(file)));
    return [];
  }
  const out: T[] = [];
  try {
    for await (const { line, value } of readJsonl(file)) {
      const where = `${file}:${line}`;
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw new RunFolderError('RUN_BAD_RECORD', file, analysisMsg.notAnObject(where));
      check(value as Record<string, unknown>, where);
      out.push(value as T);
    }
  } catch (e) {
    if (e instanceof RunFolderError) throw e;
    throw new RunFolderError('RUN_BAD_RECORD', file, (e as Error).message);
  }
  return out;
}

/**
 * Reads a run folder: calls.jsonl (required), scores.jsonl, pairwise.jsonl and items.jsonl (each [] when
 * absent). The run id comes from run.json, else from the calls, else from the folder's name.
 *
 * @throws {RunFolderError} RUN_MISSING_FILE when calls.jsonl is missing; RUN_BAD_RECORD naming
 *   `file:line` and the field when a line is not JSON or a record lacks a field the analysis reads
 * @example
 * const run = await loadRun('runs/nightly-2025-06-01');
 * run.calls.length; // 2 × items × repeats
 */
export async function loadRun(runDir: string): Promise<RunData> {
  const dir = resolve(runDir);
  const calls = await readRecords<CallRecord>(join(dir, RUN_FILES.calls), checkCall, true);
  const scores = await readRecords<ScoreRecord>(join(dir, RUN_FILES.scores), checkScore, false);
  const pairwise = await readRecords<PairwiseRecord>(join(dir, RUN_FILES.pairwise), checkPairwise, false);
  const items = await readRecords<RunItem>(join(dir, RUN_FILES.items), checkItem, false);
  let runId: string | undefined;
  const manifest = join(dir, RUN_FILES.manifest);
  if (existsSync(manifest)) {
    try {
      const m = JSON.parse(await readFile(manifest, 'utf8')) as { runId?: unknown };
      if (typeof m.runId === 'string') runId = m.runId;
    } catch (e) {
      throw new RunFolderError(
        'RUN_BAD_RECORD',
        manifest,
        analysisMsg.manifestNotJson(manifest, (e as Error).message),
      );
    }
  }
  runId ??= calls.find((c) => typeof c.runId === 'string')?.runId ?? basename(dir);
  return { runId, calls, scores, pairwise, items };
}

/**
 * Writes the analysis to `<runDir>/comparison.json` (pretty JSON, written to a temporary file and renamed,
 * so a reader never sees half a file). Non-finite numbers (an interval that could not be computed) are
 * written as null. Returns the file's path.
 *
 * @throws {Error} when the folder does not exist or cannot be written
 * @example
 * await writeAnalysis('runs/nightly-2025-06-01', analyzeRun(await loadRun('runs/nightly-2025-06-01')));
 */
/**
 * comparison.json's text: indented JSON, except that each histogram's `buckets` ([index, count] pairs) is
 * written on one line (a 100,000-call run: 1.2 MB indented pair by pair, ~0.4 MB this way).
 */
export function formatAnalysis(analysis: RunAnalysis): string {
  const text = JSON.stringify(
    analysis,
    (k, v) => (k === 'buckets' && Array.isArray(v) ? `\u0000${JSON.stringify(v)}\u0000` : v),
    2,
  );
  return text.replace(/"\\u0000(\[[-0-9,[\]]*\])\\u0000"/g, '$1');
}

export async function writeAnalysis(runDir: string, analysis: RunAnalysis): Promise<string> {
  const file = join(resolve(runDir), RUN_FILES.comparison);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${formatAnalysis(analysis)}\n`, 'utf8');
  await rename(tmp, file);
  return file;
}
