/**
 * Run folders: the one validation of run ids (every command), the refusal to reuse an existing run, and the
 * exclusive lock that keeps a second process from writing the same folder.
 *
 * The lock is `<runDir>/.lock`, created with O_EXCL (open flag `wx`) and holding
 * `{ pid, host, startTime, command, createdAt }`. A lock whose process is gone (same host, no such pid, or a
 * pid now belonging to a process started at another time) is stale and taken over; a lock held by a live
 * process, or by another host, is refused with a clear error naming the holder. Within one process the
 * lock is re-entrant (the pipeline holds it while its stages take it again).
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { RunExistsError, RunIdError, RunLockedError, runnerMsg } from './errors';

/** File name of the lock inside a run folder. */
export const LOCK_FILE = '.lock';

export { RunExistsError, RunIdError, RunLockedError } from './errors';

/**
 * Checks a run id: one path segment (no `/`, `\`, NUL or control character), not `.` or `..`, not
 * absolute, at most 200 characters. Every command that takes `--run-id` calls this.
 *
 * @throws {RunIdError} naming the id and what is wrong with it
 * @example
 * validateRunId('20260101T000000-1a2b3c4d'); // ok
 * validateRunId('../x'); // throws RunIdError
 */
export function validateRunId(runId: unknown, what = 'run id'): string {
  if (typeof runId !== 'string' || runId.length === 0)
    throw new RunIdError(runnerMsg.runIdEmpty(what, runId));
  const shown = JSON.stringify(runId.length > 80 ? `${runId.slice(0, 80)}…` : runId);
  if (runId === '.' || runId === '..') throw new RunIdError(runnerMsg.runIdDots(what, shown));
  if (isAbsolute(runId) || /[/\\]/.test(runId)) throw new RunIdError(runnerMsg.runIdPath(what, shown));
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(runId)) throw new RunIdError(runnerMsg.runIdControl(what, shown));
  if (runId.length > 200) throw new RunIdError(runnerMsg.runIdLong(what, shown));
  return runId;
}

/** Whether a folder exists and holds anything but a lock file (a run, or the remains of one). */
export function holdsFiles(dir: string): boolean {
  try {
    return readdirSync(dir).some((n) => n !== LOCK_FILE);
  } catch {
    return false;
  }
}

/**
 * The folder of a new run: `<outDir>/<runId>` after validating the id; refused when that folder already
 * holds files, unless `force` (then its contents are removed — call it with the folder's lock held).
 *
 * @throws {RunIdError} for a bad id; {RunExistsError} for an existing run without `force`
 * @example
 * const runDir = await prepareNewRunFolder({ outDir: 'runs', runId: 'logs-2026-01-01', force: false });
 */
export async function prepareNewRunFolder(opts: {
  outDir: string;
  runId: string;
  force?: boolean;
  /** How to name the override in the error (default `--force`). */
  hint?: string;
}): Promise<string> {
  validateRunId(opts.runId);
  const runDir = join(opts.outDir, opts.runId);
  if (holdsFiles(runDir)) {
    if (!opts.force) throw new RunExistsError(runnerMsg.runExists(runDir, opts.hint ?? '--force'));
    await clearRunFolder(runDir);
  }
  return runDir;
}

/** Removes everything in a run folder but its lock file (for `--force`). */
export async function clearRunFolder(runDir: string): Promise<void> {
  for (const n of readdirSync(runDir)) {
    if (n === LOCK_FILE) continue;
    await rm(join(runDir, n), { recursive: true, force: true });
  }
}

interface LockInfo {
  pid: number;
  host: string;
  startTime?: string;
  command?: string;
  createdAt?: string;
}

/** The start time of a process (field 22 of /proc/<pid>/stat, in clock ticks), when /proc has it. */
function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields after the last ')' are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A held lock: release it when the writing is done (also released when the process exits). */
export interface RunLock {
  readonly file: string;
  release(): void;
}

const held = new Map<string, { count: number; content: string; file: string }>();
let exitHook = false;

function releaseAllOnExit(): void {
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const h of held.values()) removeIfOurs(h.file, h.content);
    held.clear();
  });
}

function removeIfOurs(file: string, content: string): void {
  try {
    if (readFileSync(file, 'utf8') === content) unlinkSync(file);
  } catch {
    // already gone
  }
}

/**
 * Takes the exclusive lock of a run folder (creating the folder): `run`, `analyze`, `decide`, `report` and
 * every other stage that writes call this first, so that two processes never write one folder.
 *
 * @throws {RunLockedError} when a live process (or a process on another host) holds the lock: the message
 *   names it, and how to remove a lock left by a process that is really gone
 * @example
 * const lock = acquireRunLock('runs/r1', 'run'); try { … } finally { lock.release(); }
 */
export function acquireRunLock(runDir: string, command = 'canarylab'): RunLock {
  const key = resolve(runDir);
  const mine = held.get(key);
  if (mine) {
    mine.count++;
    return { file: mine.file, release: () => releaseOnce(key) };
  }
  mkdirSync(runDir, { recursive: true });
  const file = join(runDir, LOCK_FILE);
  const info: LockInfo = { pid: process.pid, host: hostname(), command, createdAt: new Date().toISOString() };
  const start = processStartTime(process.pid);
  if (start !== undefined) info.startTime = start;
  const content = `${JSON.stringify(info)}\n`;
  for (let attempt = 0; attempt < 5; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const text = readLock(file);
      if (text === null) continue; // removed meanwhile: try again
      const other = parseLock(text);
      if (other && other.host !== info.host) {
        throw new RunLockedError(runnerMsg.lockedOtherHost(runDir, runnerMsg.lockHolder(other), file));
      }
      const stale = other ? !holderAlive(other) : lockAgeMs(file) > 10_000;
      if (!stale && other) {
        throw new RunLockedError(runnerMsg.lockedLive(runDir, runnerMsg.lockHolder(other)));
      }
      if (!stale) {
        throw new RunLockedError(runnerMsg.lockBeingTaken(runDir));
      }
      // Stale: remove it only if it is still the same stale lock (another process may have taken it over).
      if (readLock(file) === text) {
        try {
          unlinkSync(file);
        } catch {
          // someone else removed it first
        }
      }
      continue;
    }
    try {
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
    held.set(key, { count: 1, content, file });
    releaseAllOnExit();
    return { file, release: () => releaseOnce(key) };
  }
  throw new RunLockedError(runnerMsg.lockChangingHands(runDir, file));
}

function releaseOnce(key: string): void {
  const h = held.get(key);
  if (!h) return;
  h.count--;
  if (h.count > 0) return;
  held.delete(key);
  removeIfOurs(h.file, h.content);
}

function readLock(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function parseLock(text: string): LockInfo | null {
  try {
    const v = JSON.parse(text) as LockInfo;
    return Number.isInteger(v.pid) && typeof v.host === 'string' ? v : null;
  } catch {
    return null;
  }
}

function lockAgeMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function holderAlive(i: LockInfo): boolean {
  if (i.pid === process.pid)
    // Our own pid: held by this process (another copy of this module) unless it is a dead process's lock
    // whose pid was given to us.
    return i.startTime === undefined || i.startTime === processStartTime(process.pid);
  if (!processAlive(i.pid)) return false;
  // The pid may have been reused by a process started later.
  if (i.startTime !== undefined) {
    const now = processStartTime(i.pid);
    if (now !== undefined && now !== i.startTime) return false;
  }
  return true;
}

/**
 * Runs `fn` holding the run folder's lock.
 * @example
 * await withRunLock('runs/r1', 'decide', () => decideStage('runs/r1'));
 */
export async function withRunLock<T>(runDir: string, command: string, fn: () => Promise<T>): Promise<T> {
  const lock = acquireRunLock(runDir, command);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

/** Whether `<runDir>/.lock` exists (for tests and diagnostics). */
export function isLocked(runDir: string): boolean {
  return existsSync(join(runDir, LOCK_FILE));
}
