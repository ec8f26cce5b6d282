import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isBudgetExceeded } from '../gateway/budget';
import type { Arm, CallRecord, EvalItem, ScoreRecord } from '../types';
import {
  appendJsonlTasks,
  type JsonlRecordShape,
  type JsonlTail,
  loadKeptRecords,
  readDoneKeys,
  readJsonlTolerant,
} from './jsonlFile';
import {
  optionalCount,
  optionalString,
  recordObject,
  requireBoolean,
  requireOneOf,
  requireStrings,
} from './recordFields';
import { type JudgeInfo, type ScoreResult, type Scorer, ScorerError } from './types';

/** File names inside a run folder (DESIGN.md, "The pipeline"). */
export const CALLS_FILE = 'calls.jsonl';
export const SCORES_FILE = 'scores.jsonl';

/** Options of {@link scoreRun}. */
export interface ScoreRunOptions {
  /** The run folder: reads `<runDir>/calls.jsonl`, appends to `<runDir>/scores.jsonl`. */
  runDir: string;
  /** The items the run was made from (looked up by CallRecord.itemId). */
  items: readonly EvalItem[];
  /** Scorers with unique names. */
  scorers: readonly Scorer[];
  /** Scorer calls in flight at once (judges make HTTP calls). Default 8. */
  concurrency?: number;
  /**
   * Score again the (item, arm, repeat, scorer) whose only records are errors (e.g. a judge that timed
   * out); the new record is appended and `loadScores` prefers it. Default false: any record counts as done.
   */
  retryErrors?: boolean;
  /** Stops scheduling new scorer calls; in-flight ones finish and are written, then scoreRun rejects. */
  signal?: AbortSignal;
  onProgress?: (progress: ScoreRunProgress) => void;
  /** Torn lines and duplicates are reported here (default: console.warn) and in the summary. */
  onWarning?: (message: string) => void;
}

/** Counts so far (the summary without warnings). */
export interface ScoreRunProgress {
  /** Distinct (item, arm, repeat) calls in calls.jsonl (the last record of each wins). */
  calls: number;
  /** New ScoreRecords with a score. */
  scored: number;
  /** New ScoreRecords with `score: null` and an error (the scorer threw or returned no finite score). */
  errors: number;
  /** (call, scorer) pairs already in scores.jsonl, not scored again. */
  skipped: number;
  /**
   * Calls that failed (ok: false): never scored, so never a bad answer; they count against the success
   * rate, and quality metrics are computed without them.
   */
  excludedFailedCalls: number;
}

/** What {@link scoreRun} did. */
export interface ScoreRunSummary extends ScoreRunProgress {
  scoresFile: string;
  warnings: string[];
}

const ARMS: readonly Arm[] = ['primary', 'canary'];
const MAX_REASON = 1000;
const MAX_ERROR = 500;
const MAX_VERDICT = 20_000;

function callKey(itemId: string, arm: string, repeat: number): string {
  return JSON.stringify([itemId, arm, repeat]);
}

function scoreKey(itemId: string, arm: string, repeat: number, scorer: string): string {
  return JSON.stringify([itemId, arm, repeat, scorer]);
}

/** Checks the fields of a calls.jsonl line that scoring relies on. */
export function parseCall(file: string, line: number, value: unknown): CallRecord {
  const where = `${file}:${line}`;
  const r = recordObject(where, value, 'CallRecord');
  requireStrings(where, r, ['runId', 'itemId']);
  requireOneOf(where, r, 'arm', ARMS);
  optionalCount(where, r, 'repeat');
  requireBoolean(where, r, 'ok');
  optionalString(where, r, 'content', true);
  return { ...(r as unknown as CallRecord), repeat: (r.repeat as number | undefined) ?? 0 };
}

/** Checks a scores.jsonl line. */
function parseScore(file: string, line: number, value: unknown): ScoreRecord {
  const where = `${file}:${line}`;
  const r = recordObject(where, value, 'ScoreRecord');
  requireStrings(where, r, ['runId', 'itemId', 'scorer']);
  requireOneOf(where, r, 'arm', ARMS);
  optionalCount(where, r, 'repeat', false);
  if (!(r.score === null || (typeof r.score === 'number' && Number.isFinite(r.score)))) {
    throw new TypeError(`${where}: score: expected a finite number or null`);
  }
  if (r.score === null && typeof r.error !== 'string') {
    throw new TypeError(`${where}: error: expected a string when score is null`);
  }
  return r as unknown as ScoreRecord;
}

/** scores.jsonl records: keyed by (item, arm, repeat, scorer); `score: null` is an error. */
const SCORE_SHAPE: JsonlRecordShape<ScoreRecord> = {
  parse: parseScore,
  key: (s) => scoreKey(s.itemId, s.arm, s.repeat ?? 0, s.scorer),
  isError: (s) => s.score === null,
};

/** Removes credentials an error message might carry (a judge's HTTP error echoing a header, say). */
export function redactSecrets(text: string): string {
  return text
    .replace(/\b(?:sk|pk|rk|ak)-[A-Za-z0-9_-]{8,}/g, '[redacted]')
    .replace(/\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, 'Bearer [redacted]')
    .replace(
      /\b(api[_-]?key|authorization|x-api-key|token|secret|password)(["']?\s*[:=]\s*["']?)[^\s"',;&]+/gi,
      '$1$2[redacted]',
    );
}

/** The text cut to `max` characters, with an ellipsis when it was longer. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** What a score or pairwise record keeps of a thrown error: its message, secrets redacted, clipped to 500. */
export function recordedError(e: unknown): string {
  return clip(redactSecrets(e instanceof Error ? e.message : String(e)), MAX_ERROR);
}

/** A scorer's or judge's reason as a record keeps it: clipped to 1,000 characters. */
export function recordedReason(reason: string): string {
  return clip(reason, MAX_REASON);
}

/**
 * The judge fields kept in a record: model, raw verdict (clipped), and the judge's cost, usage and call
 * count when they are well-formed (ScoreRecord.judge; typed locally as JudgeInfo until src/types.ts has them).
 */
export function validJudge(j: unknown): JudgeInfo | undefined {
  if (typeof j !== 'object' || j === null) return undefined;
  const { model, rawVerdict, costUsd, usage, calls } = j as Record<string, unknown>;
  if (typeof model !== 'string') return undefined;
  const out: JudgeInfo = { model };
  if (typeof rawVerdict === 'string') out.rawVerdict = clip(rawVerdict, MAX_VERDICT);
  if (typeof costUsd === 'number' && Number.isFinite(costUsd) && costUsd >= 0) out.costUsd = costUsd;
  const u = usage as { promptTokens?: unknown; completionTokens?: unknown } | undefined;
  if (
    typeof u === 'object' &&
    u !== null &&
    Number.isInteger(u.promptTokens) &&
    Number.isInteger(u.completionTokens)
  ) {
    out.usage = { promptTokens: u.promptTokens as number, completionTokens: u.completionTokens as number };
  }
  if (Number.isInteger(calls) && (calls as number) >= 0) out.calls = calls as number;
  return out;
}

/** What scoreRun and judgePairs read before their work: the items by id, calls.jsonl, a warning sink. */
export interface RunInput {
  /** The function's name, for error messages. */
  fn: string;
  items: Map<string, EvalItem>;
  /** `<runDir>/calls.jsonl` (it exists). */
  callsFile: string;
  /** Every warning so far (for the summary); `warn` adds one and passes it to `onWarning` (default console.warn). */
  warnings: string[];
  warn: (message: string) => void;
}

/**
 * Indexes the items by id, checks that `<runDir>/calls.jsonl` exists and sets up the warnings.
 * @throws {TypeError} when items repeat an id; {Error} when calls.jsonl is missing
 * @example
 * const { items, callsFile, warn } = runInput('scoreRun', { runDir, items: evalItems });
 */
export function runInput(
  fn: string,
  opts: { runDir: string; items: readonly EvalItem[]; onWarning?: (message: string) => void },
): RunInput {
  const items = new Map<string, EvalItem>();
  opts.items.forEach((item, i) => {
    if (items.has(item.id)) throw new TypeError(`${fn}: items[${i}].id: "${item.id}" is used twice`);
    items.set(item.id, item);
  });
  const warnings: string[] = [];
  const warn = (m: string) => {
    warnings.push(m);
    (opts.onWarning ?? console.warn)(m);
  };
  const callsFile = join(opts.runDir, CALLS_FILE);
  if (!existsSync(callsFile)) throw new Error(`${fn}: ${callsFile}: not found (run the batch first)`);
  return { fn, items, callsFile, warnings, warn };
}

/**
 * Visits every record of calls.jsonl in file order (a torn last line is dropped with a warning).
 * @throws {TypeError} naming `file:line` and the field when a record is malformed or its item is not in
 *   `items`
 * @example
 * await forEachCall(input, (call, line) => last.set(call.itemId, line));
 */
export async function forEachCall(
  input: RunInput,
  visit: (call: CallRecord, line: number) => void,
): Promise<void> {
  const { fn, items, callsFile } = input;
  for await (const { line, value } of readJsonlTolerant(callsFile, { needsNewline: false }, input.warn)) {
    const c = parseCall(callsFile, line, value);
    if (!items.has(c.itemId)) {
      throw new TypeError(
        `${callsFile}:${line}: itemId: "${c.itemId}" is not among the ${items.size} items given to ${fn}`,
      );
    }
    visit(c, line);
  }
}

/** Runs one scorer on one call and turns whatever happens into a ScoreRecord (never throws). */
async function scoreOne(
  scorer: Scorer,
  item: EvalItem,
  call: CallRecord,
  signal: AbortSignal | undefined,
): Promise<ScoreRecord> {
  const base = {
    runId: call.runId,
    itemId: call.itemId,
    arm: call.arm,
    repeat: call.repeat,
    scorer: scorer.name,
  };
  let result: ScoreResult;
  try {
    result = await scorer.score(item, call, { signal });
  } catch (e) {
    // The spend cap refused the judge call before it was sent: nothing to record, the run stops.
    if (isBudgetExceeded(e)) throw e;
    const rec: ScoreRecord = {
      ...base,
      score: null,
      error: recordedError(e),
    };
    const judge = e instanceof ScorerError ? validJudge(e.judge) : undefined;
    if (judge) rec.judge = judge;
    return rec;
  }
  const r = result as Partial<ScoreResult> | null | undefined;
  if (typeof r?.score !== 'number' || !Number.isFinite(r.score)) {
    return {
      ...base,
      score: null,
      error: `scorer returned score ${typeof r?.score === 'number' ? r.score : JSON.stringify(r?.score ?? null)}; expected a finite number`,
    };
  }
  const rec: ScoreRecord = { ...base, score: r.score };
  if (typeof r.pass === 'boolean') rec.pass = r.pass;
  if (typeof r.reason === 'string') rec.reason = recordedReason(r.reason);
  const judge = validJudge(r.judge);
  if (judge) rec.judge = judge;
  return rec;
}

/**
 * Scores every successful call of a run with every scorer and appends one ScoreRecord per (item, arm,
 * repeat, scorer) to `<runDir>/scores.jsonl`.
 *
 * - Resumable: pairs already in scores.jsonl are skipped; a torn last line there (a crash mid-write) is
 *   cut off with a warning before appending. A torn last line of calls.jsonl is ignored with a warning.
 * - When calls.jsonl holds several records of one (item, arm, repeat) (a resumed runner retried it), the
 *   last one is the call.
 * - A failed call (ok: false) is never scored: it is excluded from quality and counted in
 *   `excludedFailedCalls` (the success rate counts it).
 * - A scorer that throws, or returns no finite score, is recorded as `score: null` with `error` (secrets
 *   redacted): the run never crashes on it and never gets a made-up score.
 *
 * @throws {TypeError} before scoring when scorer names are empty or repeated, or items repeat an id; while
 *   reading, naming `file:line` and the field, when a record is malformed or a call's item is not in `items`
 */
export async function scoreRun(opts: ScoreRunOptions): Promise<ScoreRunSummary> {
  const { runDir, scorers, signal } = opts;
  const concurrency = opts.concurrency ?? 8;
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new RangeError(`scoreRun: concurrency: expected an integer >= 1, got ${concurrency}`);
  }
  const names = new Set<string>();
  scorers.forEach((s, i) => {
    if (typeof s?.name !== 'string' || s.name === '' || typeof s.score !== 'function') {
      throw new TypeError(`scoreRun: scorers[${i}]: expected a Scorer with a non-empty name`);
    }
    if (names.has(s.name)) throw new TypeError(`scoreRun: scorers[${i}].name: "${s.name}" is used twice`);
    names.add(s.name);
  });
  const input = runInput('scoreRun', opts);
  const { items, callsFile, warnings, warn } = input;
  const scoresFile = join(runDir, SCORES_FILE);

  // What is already scored.
  const scoresTail: JsonlTail = { needsNewline: false };
  const done = await readDoneKeys({
    ...SCORE_SHAPE,
    file: scoresFile,
    tail: scoresTail,
    onWarning: warn,
    retryErrors: opts.retryErrors,
  });

  // First pass over the calls: which line is the last record of each (item, arm, repeat).
  const lastLine = new Map<string, number>();
  await forEachCall(input, (c, line) => lastLine.set(callKey(c.itemId, c.arm, c.repeat), line));

  const progress: ScoreRunProgress = {
    calls: lastLine.size,
    scored: 0,
    errors: 0,
    skipped: 0,
    excludedFailedCalls: 0,
  };
  await appendJsonlTasks<ScoreRecord>({
    file: scoresFile,
    tail: scoresTail,
    concurrency,
    signal,
    onWritten: (rec) => {
      if (rec.score === null) progress.errors++;
      else progress.scored++;
      opts.onProgress?.({ ...progress });
    },
    schedule: async (queue) => {
      const ignoredTail: JsonlTail = { needsNewline: false };
      // Second pass: score the last record of each call.
      for await (const { line, value } of readJsonlTolerant(callsFile, ignoredTail, () => {})) {
        const call = parseCall(callsFile, line, value);
        if (lastLine.get(callKey(call.itemId, call.arm, call.repeat)) !== line) continue;
        if (!call.ok) {
          progress.excludedFailedCalls++;
          opts.onProgress?.({ ...progress });
          continue;
        }
        const item = items.get(call.itemId) as EvalItem;
        for (const scorer of scorers) {
          if (done.has(scoreKey(call.itemId, call.arm, call.repeat, scorer.name))) {
            progress.skipped++;
            continue;
          }
          if (!(await queue.add(() => scoreOne(scorer, item, call, signal)))) break;
        }
        if (queue.stopped()) break;
      }
    },
  });
  return { ...progress, scoresFile, warnings };
}

/**
 * Reads `<runDir>/scores.jsonl` (a torn last line is dropped with a warning; the file is not modified)
 * and returns one record per (item, arm, repeat, scorer), in file order: the first record with a score,
 * or, when there are only errors, the last error.
 */
export async function loadScores(
  runDir: string,
  opts: { onWarning?: (message: string) => void } = {},
): Promise<ScoreRecord[]> {
  const file = join(runDir, SCORES_FILE);
  const warn = opts.onWarning ?? console.warn;
  const { records, duplicates } = await loadKeptRecords({ ...SCORE_SHAPE, file, onWarning: warn });
  if (duplicates > 0)
    warn(`${file}: ${duplicates} duplicate scored records ignored (the first of each is kept)`);
  return records;
}
