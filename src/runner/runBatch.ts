/**
 * runBatch: every arm called on every item, one CallRecord per finished call in `<outDir>/<runId>/calls.jsonl`.
 * The jobs it puts together live beside it: batchSettings (options, prices), resume (recovering calls.jsonl),
 * spendCap, unitSource (the units to send), workerPool and runUnit (the calls), batchProgress, recordWriter.
 */
import { openSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ProgressTracker } from './batchProgress';
import { type BatchSettings, batchSettings } from './batchSettings';
import type { RunBatchOptions, RunBatchSummary } from './batchTypes';
import { RecordWriter } from './recordWriter';
import { recoverCalls, UnitSet } from './resume';
import { acquireRunLock } from './runFolder';
import type { BatchRun } from './runUnit';
import { spendCap, warnSpendCap } from './spendCap';
import { UnitSource } from './unitSource';
import { runWorkers } from './workerPool';

export type {
  ArmPrice,
  BatchArm,
  BatchProgress,
  ItemSource,
  RunBatchOptions,
  RunBatchSummary,
} from './batchTypes';
export { RecordWriter } from './recordWriter';

/**
 * Calls every arm on every item (k repeats), writing one CallRecord per finished call to
 * `<outDir>/<runId>/calls.jsonl`. Both arms of an item are dispatched together so drift over time hits them
 * equally. Crash-safe: rerunning the same command resumes — finished calls are not sent again, a torn last
 * line is dropped with a warning, and the file ends with exactly one record per (item, arm, repeat).
 *
 * Memory is bounded: `concurrency` workers pull units lazily from the item source (arrays, iterables and
 * async iterables alike), so no more than `concurrency` units exist at once; the live summary is a
 * fixed-size ring buffer. Durability: records finished in one event-loop turn are appended together with
 * one synchronous write at the end of that turn, and a call releases its concurrency slot only once its
 * record is in the file — so a kill -9 can lose at most the records of calls still holding a slot (at most
 * `concurrency`), and those calls are sent again on resume.
 *
 * @throws {TypeError} on a bad runId or an arm without a price (before any call)
 * @throws {RangeError} on a bad concurrency, repeats, shadowRatio or liveWindow, or no arms
 * @example
 * const s = await runBatch({ items: streamJsonlItems('data.jsonl'), arms, concurrency: 64, runId: 'r1' });
 * s.planned; s.sent; s.failed; s.spentUsd;
 */
export async function runBatch(opts: RunBatchOptions): Promise<RunBatchSummary> {
  const started = performance.now();
  const settings = batchSettings(opts);
  const runDir = join(settings.outDir, opts.runId);
  const callsFile = join(runDir, 'calls.jsonl');
  const cacheDir = join(settings.outDir, '.cache');
  await mkdir(runDir, { recursive: true });
  if (opts.cache !== false) await mkdir(cacheDir, { recursive: true });
  // One writer per run folder (re-entrant: the pipeline already holds it).
  const lock = acquireRunLock(runDir, 'runBatch');
  try {
    return await runLocked(opts, settings, {
      callsFile,
      cacheDir: opts.cache !== false ? cacheDir : null,
      started,
    });
  } finally {
    lock.release();
  }
}

/** The run, with the folder's lock held: resume, send what is left, warn about the cap, summarize. */
async function runLocked(
  opts: RunBatchOptions,
  s: BatchSettings,
  where: { callsFile: string; cacheDir: string | null; started: number },
): Promise<RunBatchSummary> {
  const { callsFile, started } = where;
  const armIndex = new Map(opts.arms.map((a, i) => [a.name as string, i]));
  const recovered = { spentUsd: 0 };
  const done = await recoverCalls(callsFile, {
    retryFailed: opts.retryFailed ?? false,
    warn: s.warn,
    units: new UnitSet(opts.arms.length, s.repeats),
    armIndex,
    recovered,
  });
  const cap = spendCap(opts, s.prices, recovered.spentUsd);
  const { arms } = cap;
  const tracker = new ProgressTracker(
    arms.map((a) => a.name as string),
    { totalKnown: !s.isAsync && Array.isArray(opts.items), liveWindow: s.liveWindow, started },
  );
  const { progress } = tracker;
  const source = new UnitSource({
    items: opts.items,
    repeats: s.repeats,
    armCount: arms.length,
    canaryIndex: armIndex.get('canary') ?? -1,
    shadowRatio: s.shadowRatio,
    done,
    tracker,
  });
  const run: BatchRun = {
    runId: opts.runId,
    arms,
    prices: s.prices,
    cacheDir: where.cacheDir,
    writer: new RecordWriter(openSync(callsFile, 'a')),
    tracker,
    onProgress: opts.onProgress,
    sent: 0,
    cached: 0,
    failed: 0,
    stoppedForBudget: false,
  };
  try {
    await runWorkers(run, source, { concurrency: s.concurrency, budget: cap.budget });
  } finally {
    run.writer.close();
    if (!source.ended) await source.close();
  }
  warnSpendCap({
    cap,
    stoppedForBudget: run.stoppedForBudget,
    notSent: progress.totalKnown ? source.planned - progress.done : null,
    spentUsd: progress.spentUsd,
    warn: s.warn,
  });
  return {
    runId: opts.runId,
    callsFile,
    planned: source.planned,
    resumed: source.resumed,
    sent: run.sent,
    cached: run.cached,
    failed: run.failed,
    spentUsd: progress.spentUsd,
    spentBeforeUsd: cap.spentBefore,
    stoppedForBudget: run.stoppedForBudget,
    wallMs: performance.now() - started,
  };
}
