/** One unit's call: the response cache, the gateway call, its record appended to calls.jsonl, the progress. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../fileAtomic';
import { isBudgetExceeded } from '../gateway/budget';
import type { ChatParams } from '../gateway/types';
import type { CallRecord, EvalItem } from '../types';
import type { ProgressTracker } from './batchProgress';
import type { ArmPrice, BatchArm, BatchProgress } from './batchTypes';
import { cachedRecord, toRecord } from './callRecord';
import type { RecordWriter } from './recordWriter';
import type { Unit } from './unitSource';

/** What the workers of one runBatch invocation share. */
export interface BatchRun {
  runId: string;
  arms: readonly BatchArm[];
  prices: readonly ArmPrice[];
  /** Folder of the response cache; null when the cache is off. */
  cacheDir: string | null;
  writer: RecordWriter;
  tracker: ProgressTracker;
  onProgress: ((p: BatchProgress) => void) | undefined;
  /** Calls sent over the network, cache hits and failed records, by this invocation. */
  sent: number;
  cached: number;
  failed: number;
  /** Set when the spend cap refused a call: no worker takes another unit. */
  stoppedForBudget: boolean;
}

const EMPTY_PARAMS: ChatParams = Object.freeze({}) as ChatParams;

/**
 * Runs one unit: a cache hit, or the arm's gateway call (a call the spend cap refuses records nothing and
 * stops the run). Resolves once the record is in the file: the caller's concurrency slot is held until then.
 */
export async function runUnit(run: BatchRun, u: Unit): Promise<void> {
  const { item, repeat } = u;
  const arm = run.arms[u.armIndex];
  const params = arm.params ?? EMPTY_PARAMS;
  // Hashing the request costs CPU on every call: only when the cache is on.
  const cachePath = run.cacheDir ? cachePathOf(run.cacheDir, arm, item, params, repeat) : null;
  const startedAt = new Date().toISOString();
  let rec: CallRecord | null = null;
  if (cachePath) {
    const hit = await readFile(cachePath, 'utf8').catch(() => null);
    if (hit) {
      rec = cachedRecord({ hit, runId: run.runId, item, arm, repeat, startedAt });
      run.cached++;
    }
  }
  if (!rec) {
    const outcome = await arm.gateway.call({
      messages: item.messages,
      params,
      key: `${item.id}:${arm.name}:${repeat}`,
    });
    if (!outcome.ok && isBudgetExceeded(outcome.error)) {
      // Not sent: nothing to record; a rerun with a larger cap sends it.
      run.stoppedForBudget = true;
      return;
    }
    run.sent++;
    rec = toRecord({
      outcome,
      runId: run.runId,
      item,
      arm,
      repeat,
      startedAt,
      price: run.prices[u.armIndex],
    });
    if (rec.ok && cachePath) await writeFileAtomic(cachePath, JSON.stringify(rec));
  }
  // The slot is held until the record is in the file (see runBatch's durability note).
  await run.writer.append(`${JSON.stringify(rec)}\n`);
  if (!rec.ok) run.failed++;
  run.tracker.countRecord(u.armIndex, rec, run.onProgress);
}

/** The cache file of a request: a hash of the endpoint, the model, the messages, the params and the repeat. */
function cachePathOf(
  cacheDir: string,
  arm: BatchArm,
  item: EvalItem,
  params: ChatParams,
  repeat: number,
): string {
  const key = JSON.stringify([arm.baseURL, arm.gateway.model, item.messages, params, repeat]);
  return join(cacheDir, `${createHash('sha256').update(key).digest('hex')}.json`);
}
