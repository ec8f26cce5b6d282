/**
 * The runner's errors and every message the runner puts in an error or a warning, in one place: the run
 * folder errors (classes with stable codes: match on `code`, not on the message), the checks of dataset
 * records and of runBatch's options, the resume of a calls.jsonl and the spend-cap warnings.
 */

import { formatSpend } from '../format';

/** A bad run id (code CANARYLAB_ERR_RUN_ID). */
export class RunIdError extends Error {
  readonly code = 'CANARYLAB_ERR_RUN_ID';
  constructor(message: string) {
    super(message);
    this.name = 'RunIdError';
  }
}

/** Another process holds the run folder's lock (code CANARYLAB_ERR_RUN_LOCKED). */
export class RunLockedError extends Error {
  readonly code = 'CANARYLAB_ERR_RUN_LOCKED';
  constructor(message: string) {
    super(message);
    this.name = 'RunLockedError';
  }
}

/** A run folder that already holds a run (code CANARYLAB_ERR_RUN_EXISTS). */
export class RunExistsError extends Error {
  readonly code = 'CANARYLAB_ERR_RUN_EXISTS';
  constructor(message: string) {
    super(message);
    this.name = 'RunExistsError';
  }
}

/** Message builders of the runner, grouped by where they are raised. */
export const runnerMsg = {
  // run ids (validateRunId): `what` names the option, `shown` is the quoted (cut) id
  runIdEmpty: (what: string, runId: unknown) =>
    `${what}: expected a non-empty name, got ${JSON.stringify(runId ?? null)}`,
  runIdDots: (what: string, shown: string) =>
    `${what} ${shown}: must name a folder inside --out, not '.' or '..'`,
  runIdPath: (what: string, shown: string) =>
    `${what} ${shown}: must be a single folder name (no '/' or '\\', not an absolute path)`,
  runIdControl: (what: string, shown: string) => `${what} ${shown}: must not contain control characters`,
  runIdLong: (what: string, shown: string) => `${what} ${shown}: longer than 200 characters`,
  // run folders and their lock
  runExists: (runDir: string, hint: string) =>
    `${runDir} already holds a run: choose another --run-id, or pass ${hint} to replace it`,
  lockHolder: (i: { pid: number; host: string; command?: string; createdAt?: string }) =>
    `process ${i.pid} on ${i.host}${i.command ? ` (${i.command}` : ''}${i.createdAt ? `${i.command ? ', ' : ' ('}since ${i.createdAt})` : i.command ? ')' : ''}`,
  lockedOtherHost: (runDir: string, holder: string, file: string) =>
    `${runDir} is being written by ${holder}: only one process may write a run folder. If that process is gone, delete ${file}`,
  lockedLive: (runDir: string, holder: string) =>
    `${runDir} is being written by ${holder}: only one process may write a run folder; wait for it to finish (or stop it), then retry`,
  lockBeingTaken: (runDir: string) =>
    `${runDir} is being locked by another process right now; retry in a moment`,
  lockChangingHands: (runDir: string, file: string) =>
    `${runDir}: could not take the lock ${file} (it keeps changing hands); retry`,
  // runBatch options (thrown before any call)
  badInteger: (name: string, got: number) => `runBatch: ${name} must be an integer >= 1, got ${got}`,
  badShadowRatio: (got: number) => `runBatch: shadowRatio must be in [0, 1], got ${got}`,
  noArms: () => 'runBatch: arms must not be empty',
  badItems: () => 'runBatch: items must be an array, an iterable or an async iterable of EvalItem',
  noPrice: (i: number, arm: string, model: string) =>
    `runBatch: arms[${i}] (${arm}, model ${model}): no price — set arm.price or pass pricing`,
  // dataset records (`where` is file:line)
  itemNotObject: (where: string) => `${where}: expected a JSON object per line`,
  itemField: (where: string, field: string, expected: string) => `${where}: ${field}: expected ${expected}`,
  duplicateId: (where: string, id: string, firstLine: number) =>
    `${where}: id: duplicate id ${id} (first at line ${firstLine})`,
  badCsv: (file: string, line: number | string, problem: string) =>
    `${file}:${line}: not valid CSV (${problem})`,
  // the live window
  ringCapacity: (got: number) => `RingBuffer: capacity must be an integer >= 1, got ${got}`,
  ringIndex: (count: number, got: number) => `RingBuffer.at: index must be in [0, ${count}), got ${got}`,
  // calls.jsonl
  appendAfterClose: () => 'RecordWriter: append after close',
  tornLine: (file: string, bytes: number) =>
    `${file}: dropped a torn last line (${bytes} bytes) left by an interrupted run`,
  badRecordLine: (file: string, lineNo: number) =>
    `${file}:${lineNo}: not valid JSON in the middle of the file (only a torn last line is repaired)`,
  // the spend cap (warnings)
  budgetReached: (capUsd: number | undefined, spentUsd: number, left: string) =>
    `budget of $${capUsd} reached after ${formatSpend(spentUsd)}: stopped before the next call's worst case could pass it; ${left} (rerun with --resume --max-cost <larger USD> to continue)`,
  budgetLeft: (notSent: number | null) =>
    notSent === null ? 'the rest not sent' : `${notSent} calls not sent`,
  usageOverrun: (overrunUsd: number) =>
    `endpoints reported usage above the reserved worst case (by $${overrunUsd.toFixed(6)}): check the servers' usage counts`,
} as const;
