import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isBudgetExceeded } from '../gateway/budget';
import type { CallRecord, EvalItem, PairwiseRecord } from '../types';
import {
  appendJsonlTasks,
  type JsonlRecordShape,
  type JsonlTail,
  loadKeptRecords,
  readDoneKeys,
} from './jsonlFile';
import {
  optionalCount,
  optionalString,
  recordObject,
  requireBoolean,
  requireOneOf,
  requireStrings,
} from './recordFields';
import { forEachCall, recordedError, recordedReason, runInput, validJudge } from './scoreRun';
import { type PairwiseScorer, ScorerError } from './types';

/** File name of pairwise verdicts inside a run folder. */
export const PAIRWISE_FILE = 'pairwise.jsonl';

/**
 * A line of pairwise.jsonl: a PairwiseRecord plus the judge-cost and repeated-judgment fields that
 * src/types.ts's PairwiseRecord does not have yet (asked of the integrator; typed here meanwhile).
 */
export type JudgedPairRecord = PairwiseRecord & {
  /** 0-based index of a repeated judgment of the same pair (judgePairs `judgments` > 1). */
  judgment?: number;
  /** USD of every judge call behind this record, priced with the judge model's price. */
  costUsd?: number;
  /** Tokens of every judge call behind this record. */
  usage?: { promptTokens: number; completionTokens: number };
  /** Judge calls made for this record (2 in both orders, more after malformed-verdict retries). */
  judgeCalls?: number;
};

/** Options of {@link judgePairs}. */
export interface JudgePairsOptions {
  /** The run folder: reads `<runDir>/calls.jsonl`, appends to `<runDir>/pairwise.jsonl`. */
  runDir: string;
  items: readonly EvalItem[];
  judge: PairwiseScorer;
  /** Comparisons in flight at once (each makes 2 judge calls in both orders). Default 8. */
  concurrency?: number;
  /** Independent judgments of each pair (for the judge's self-consistency). Default 1. */
  judgments?: number;
  /** Judge again the pairs whose only records are errors. Default false. */
  retryErrors?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: JudgePairsProgress) => void;
  onWarning?: (message: string) => void;
}

/** Counts so far. */
export interface JudgePairsProgress {
  /** Distinct (item, repeat) with calls of both arms. */
  pairs: number;
  /** New records with a verdict. */
  judged: number;
  /** New records with an error (judge call failed, malformed verdict twice, …). */
  errors: number;
  /** (pair, judgment) already in pairwise.jsonl. */
  skipped: number;
  /** (item, repeat) not judged because a call of either arm failed or is missing: never a loss. */
  excludedPairs: number;
}

export interface JudgePairsSummary extends JudgePairsProgress {
  pairwiseFile: string;
  warnings: string[];
}

const WINNERS = ['primary', 'canary', 'tie'] as const;

function pairKey(itemId: string, repeat: number, judge: string, judgment: number): string {
  return JSON.stringify([itemId, repeat, judge, judgment]);
}

function parsePairwise(file: string, line: number, value: unknown): JudgedPairRecord {
  const where = `${file}:${line}`;
  const r = recordObject(where, value, 'PairwiseRecord');
  requireStrings(where, r, ['itemId', 'judge']);
  requireOneOf(where, r, 'winner', WINNERS);
  requireBoolean(where, r, 'orderConsistent');
  optionalCount(where, r, 'repeat');
  optionalCount(where, r, 'judgment');
  optionalString(where, r, 'error');
  return r as unknown as JudgedPairRecord;
}

/** pairwise.jsonl records: keyed by (item, repeat, judge, judgment); `error` marks a failed judgment. */
const PAIRWISE_SHAPE: JsonlRecordShape<JudgedPairRecord> = {
  parse: parsePairwise,
  key: (r) => pairKey(r.itemId, r.repeat ?? 0, r.judge, r.judgment ?? 0),
  isError: (r) => r.error !== undefined,
};

/**
 * Judges every pair of a run: the primary's and the canary's calls on the same item and repeat, both
 * successful (a pair with a failed or missing call is excluded and counted, never a loss), `judgments`
 * times each, and appends one `JudgedPairRecord` per (item, repeat, judgment) to
 * `<runDir>/pairwise.jsonl`. Resumable like scoreRun: pairs already in the file are skipped, a torn last
 * line is cut off with a warning. A comparison that throws is recorded with `error` (secrets redacted) and
 * its cost; `winner` is then 'tie' and must not be counted (pairwiseSummary and judgeReliability skip it).
 *
 * @throws {TypeError} before judging when items repeat an id, the judge is not a PairwiseScorer, or an
 *   option is out of range; while reading, naming `file:line` and the field, when a record is malformed or
 *   a call's item is not in `items`
 * @example
 * const summary = await judgePairs({ runDir: 'runs/r1', items, judge: pairwiseJudge({ name: 'pw', gateway, criteria }) });
 */
export async function judgePairs(opts: JudgePairsOptions): Promise<JudgePairsSummary> {
  const { runDir, judge, signal } = opts;
  const concurrency = opts.concurrency ?? 8;
  const judgments = opts.judgments ?? 1;
  for (const [f, v] of [
    ['concurrency', concurrency],
    ['judgments', judgments],
  ] as const) {
    if (!(Number.isInteger(v) && v >= 1))
      throw new RangeError(`judgePairs: ${f}: expected an integer >= 1, got ${v}`);
  }
  if (typeof judge?.name !== 'string' || judge.name === '' || typeof judge.compare !== 'function') {
    throw new TypeError('judgePairs: judge: expected a PairwiseScorer (pairwiseJudge) with a non-empty name');
  }
  const input = runInput('judgePairs', opts);
  const { items, warnings, warn } = input;
  const pairwiseFile = join(runDir, PAIRWISE_FILE);

  const tail: JsonlTail = { needsNewline: false };
  const done = await readDoneKeys({
    ...PAIRWISE_SHAPE,
    file: pairwiseFile,
    tail,
    onWarning: warn,
    retryErrors: opts.retryErrors,
  });

  // The last record of each (item, arm, repeat), grouped by (item, repeat) in order of first appearance.
  const pairs = new Map<string, { primary?: CallRecord; canary?: CallRecord }>();
  await forEachCall(input, (c) => {
    const key = JSON.stringify([c.itemId, c.repeat]);
    const entry = pairs.get(key) ?? {};
    entry[c.arm] = c;
    pairs.set(key, entry);
  });

  const progress: JudgePairsProgress = { pairs: 0, judged: 0, errors: 0, skipped: 0, excludedPairs: 0 };
  for (const p of pairs.values()) {
    if (p.primary && p.canary) progress.pairs++;
    if (!(p.primary?.ok && p.canary?.ok)) progress.excludedPairs++;
  }
  await appendJsonlTasks<JudgedPairRecord>({
    file: pairwiseFile,
    tail,
    concurrency,
    signal,
    onWritten: (rec) => {
      if (rec.error !== undefined) progress.errors++;
      else progress.judged++;
      opts.onProgress?.({ ...progress });
    },
    // Judgment by judgment: every first judgment is in before a repeat of the same prompt is sent, so a
    // server that draws by (prompt, how often it saw it) — the simulator — answers the same way every run.
    schedule: async (queue) => {
      for (let j = 0; j < judgments; j++) {
        if (j > 0) await queue.idle();
        for (const p of pairs.values()) {
          if (!(p.primary?.ok && p.canary?.ok)) continue;
          const primary = p.primary;
          const canary = p.canary;
          const item = items.get(primary.itemId) as EvalItem;
          if (done.has(pairKey(primary.itemId, primary.repeat, judge.name, j))) {
            progress.skipped++;
            continue;
          }
          const task = () => compareOne({ judge, item, primary, canary, judgment: j, judgments, signal });
          if (!(await queue.add(task))) return;
        }
      }
    },
  });
  return { ...progress, pairwiseFile, warnings };
}

/** Runs one comparison and turns whatever happens into a record (rejects only when the signal aborted). */
async function compareOne(args: {
  judge: PairwiseScorer;
  item: EvalItem;
  primary: CallRecord;
  canary: CallRecord;
  judgment: number;
  judgments: number;
  signal?: AbortSignal;
}): Promise<JudgedPairRecord> {
  const { judge, item, primary, signal } = args;
  const base: JudgedPairRecord = {
    runId: primary.runId,
    itemId: primary.itemId,
    repeat: primary.repeat,
    judge: judge.name,
    winner: 'tie',
    orderConsistent: true,
  };
  if (args.judgments > 1) base.judgment = args.judgment;
  const withJudge = (rec: JudgedPairRecord, j: unknown): JudgedPairRecord => {
    const info = validJudge(j);
    if (!info) return rec;
    rec.judgeModel = info.model;
    if (info.rawVerdict !== undefined) rec.rawVerdict = info.rawVerdict;
    if (info.costUsd !== undefined) rec.costUsd = info.costUsd;
    if (info.usage !== undefined) rec.usage = info.usage;
    if (info.calls !== undefined) rec.judgeCalls = info.calls;
    return rec;
  };
  try {
    const r = await judge.compare(item, { primary, canary: args.canary }, { signal });
    if (!WINNERS.includes(r?.winner) || typeof r.orderConsistent !== 'boolean') {
      return {
        ...base,
        error: `judge returned winner ${JSON.stringify(r?.winner)}; expected primary, canary or tie`,
      };
    }
    const rec: JudgedPairRecord = { ...base, winner: r.winner, orderConsistent: r.orderConsistent };
    if (r.verdicts) rec.verdicts = { ...r.verdicts };
    if (r.lengths) rec.lengths = { ...r.lengths };
    if (typeof r.reason === 'string') rec.reason = recordedReason(r.reason);
    return withJudge(rec, r.judge);
  } catch (e) {
    if (signal?.aborted && !(e instanceof ScorerError)) throw e;
    // The spend cap refused the judge calls before any was sent: nothing to record, the run stops.
    if (isBudgetExceeded(e)) throw e;
    const rec: JudgedPairRecord = {
      ...base,
      error: recordedError(e),
    };
    if (e instanceof ScorerError) {
      if (e.verdicts && Object.keys(e.verdicts).length > 0) rec.verdicts = { ...e.verdicts };
      return withJudge(rec, e.judge);
    }
    return rec;
  }
}

/**
 * Reads `<runDir>/pairwise.jsonl` (missing file → []; a torn last line is dropped with a warning) and
 * returns one record per (item, repeat, judge, judgment), in file order: the first with a verdict, or,
 * when there are only errors, the last error.
 * @throws {TypeError} naming `file:line` and the field when a record is malformed
 */
export async function loadPairwise(
  runDir: string,
  opts: { onWarning?: (message: string) => void } = {},
): Promise<JudgedPairRecord[]> {
  const file = join(runDir, PAIRWISE_FILE);
  if (!existsSync(file)) return [];
  const warn = opts.onWarning ?? console.warn;
  return (await loadKeptRecords({ ...PAIRWISE_SHAPE, file, onWarning: warn })).records;
}
