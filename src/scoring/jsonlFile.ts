import { createReadStream, existsSync } from 'node:fs';
import { open, truncate } from 'node:fs/promises';
import { redactKnownSecrets } from '../gateway/redact';

/** One line of a JSON Lines file with its 1-based number and byte offset. */
interface RawLine {
  line: number;
  text: string;
  /** Byte offset of the line's first byte. */
  start: number;
  /** False for a last line without a trailing newline. */
  terminated: boolean;
}

/** Streams the lines of a file with their byte offsets (so a torn tail can be cut off exactly). */
async function* readLines(file: string): AsyncGenerator<RawLine> {
  let pending: Buffer[] = [];
  let pendingStart = 0;
  let offset = 0;
  let line = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    let from = 0;
    for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, from)) {
      pending.push(chunk.subarray(from, nl));
      const bytes = Buffer.concat(pending);
      line++;
      // A newline byte never occurs inside a multi-byte UTF-8 sequence, so each line decodes on its own.
      yield { line, text: bytes.toString('utf8').replace(/\r$/, ''), start: pendingStart, terminated: true };
      pending = [];
      pendingStart = offset + nl + 1;
      from = nl + 1;
    }
    if (from < chunk.length) pending.push(chunk.subarray(from));
    offset += chunk.length;
  }
  if (pending.length > 0) {
    line++;
    yield { line, text: Buffer.concat(pending).toString('utf8'), start: pendingStart, terminated: false };
  }
}

/** A JSON Lines record with the line it came from. */
export interface JsonlRecord {
  line: number;
  value: unknown;
}

/** What a tolerant read found at the end of the file. */
export interface JsonlTail {
  /** Byte offset of a dropped torn last line (cut the file there before appending), if there was one. */
  tornAt?: number;
  /** True when the last kept line has no trailing newline (write one before appending). */
  needsNewline: boolean;
}

/**
 * Streams a JSON Lines file like `readJsonl`, except that a last line that is not valid JSON (a write torn
 * by a crash) is dropped with a warning instead of failing. Invalid JSON on any earlier line still fails
 * with `file:line`. `tail` is filled in when the iteration ends.
 */
export async function* readJsonlTolerant(
  file: string,
  tail: JsonlTail,
  onWarning: (message: string) => void,
): AsyncGenerator<JsonlRecord> {
  let bad: { line: number; start: number; message: string } | null = null;
  tail.needsNewline = false;
  for await (const raw of readLines(file)) {
    if (raw.text.trim() === '') continue;
    if (bad !== null) throw new SyntaxError(`${file}:${bad.line}: not valid JSON (${bad.message})`);
    let value: unknown;
    try {
      value = JSON.parse(raw.text);
    } catch (e) {
      bad = { line: raw.line, start: raw.start, message: (e as Error).message };
      continue;
    }
    tail.needsNewline = !raw.terminated;
    yield { line: raw.line, value };
  }
  if (bad !== null) {
    tail.tornAt = bad.start;
    tail.needsNewline = false;
    onWarning(`${file}:${bad.line}: dropped a torn last line (not valid JSON: ${bad.message})`);
  }
}

/** How a resumable JSON Lines output's records are read and keyed. */
export interface JsonlRecordShape<T> {
  /** Checks one line's value; throws naming `file:line` and the field when it is malformed. */
  parse: (file: string, line: number, value: unknown) => T;
  /** The unit of work a record is for ((item, arm, repeat, scorer), (item, repeat, judge, judgment), …). */
  key: (record: T) => string;
  /** True for a record that holds an error instead of a result. */
  isError: (record: T) => boolean;
}

/**
 * The keys of the work already done in a resumable JSON Lines output (missing file → none). With
 * `retryErrors`, keys whose only records are errors are left out, so that they are done again. `tail` is
 * filled in as by {@link readJsonlTolerant} (a torn last line is dropped with a warning).
 * @throws {SyntaxError} naming `file:line` on invalid JSON before the last line; whatever `parse` throws
 * @example
 * const tail: JsonlTail = { needsNewline: false };
 * const done = await readDoneKeys({ file, tail, onWarning: warn, parse, key, isError, retryErrors: true });
 */
export async function readDoneKeys<T>(
  opts: JsonlRecordShape<T> & {
    file: string;
    tail: JsonlTail;
    onWarning: (message: string) => void;
    retryErrors?: boolean;
  },
): Promise<Set<string>> {
  const done = new Set<string>();
  const onlyErrors = new Set<string>();
  if (existsSync(opts.file)) {
    for await (const { line, value } of readJsonlTolerant(opts.file, opts.tail, opts.onWarning)) {
      const r = opts.parse(opts.file, line, value);
      const key = opts.key(r);
      if (opts.isError(r)) {
        if (!done.has(key)) onlyErrors.add(key);
      } else onlyErrors.delete(key);
      done.add(key);
    }
  }
  if (opts.retryErrors) for (const key of onlyErrors) done.delete(key);
  return done;
}

/**
 * Reads a resumable JSON Lines output (a torn last line is dropped with a warning; the file is not
 * modified) and keeps one record per key, in file order: the first record with a result, or, when there
 * are only errors, the last error. `duplicates` counts the later records with a result that were ignored.
 * @throws {SyntaxError} naming `file:line` on invalid JSON before the last line; whatever `parse` throws
 * @example
 * const { records } = await loadKeptRecords({ file, onWarning: console.warn, parse, key, isError });
 */
export async function loadKeptRecords<T>(
  opts: JsonlRecordShape<T> & { file: string; onWarning: (message: string) => void },
): Promise<{ records: T[]; duplicates: number }> {
  const kept = new Map<string, { order: number; rec: T }>();
  let order = 0;
  let duplicates = 0;
  for await (const { line, value } of readJsonlTolerant(opts.file, { needsNewline: false }, opts.onWarning)) {
    const rec = opts.parse(opts.file, line, value);
    const key = opts.key(rec);
    const prev = kept.get(key);
    order++;
    if (!prev) {
      kept.set(key, { order, rec });
      continue;
    }
    if (opts.isError(prev.rec)) kept.set(key, { order: opts.isError(rec) ? prev.order : order, rec });
    else if (!opts.isError(rec)) duplicates++;
  }
  const records = [...kept.values()].sort((a, b) => a.order - b.order).map((k) => k.rec);
  return { records, duplicates };
}

/** What {@link appendJsonlTasks} hands to its `schedule` callback. */
export interface JsonlTaskQueue<T> {
  /**
   * Waits for a free slot and starts `task`, whose record is appended when it resolves; returns false
   * (starting nothing) once the signal has aborted or a task has failed.
   */
  add(task: () => Promise<T>): Promise<boolean>;
  /** Resolves when every task started so far has finished. */
  idle(): Promise<void>;
  /** True once the signal has aborted or a task has failed: schedule nothing more. */
  stopped(): boolean;
}

/** Options of {@link appendJsonlTasks}. */
export interface AppendJsonlTasksOptions<T> {
  /** The output file (created when missing). */
  file: string;
  /** From reading the file: a torn last line is cut off, a missing final newline written, before appending. */
  tail: JsonlTail;
  /** Tasks in flight at once. */
  concurrency: number;
  signal?: AbortSignal;
  /** Starts the tasks through the queue; appendJsonlTasks waits for them once it returns. */
  schedule: (queue: JsonlTaskQueue<T>) => Promise<void>;
  /** Called after each record is written (to count it and report progress). */
  onWritten: (record: T) => void;
}

/**
 * Runs tasks `concurrency` at a time and appends each one's record to a JSON Lines file as soon as it is
 * ready, one line per record, after repairing the file's tail. Every started task finishes and is written
 * before this returns or rejects.
 * @throws the first task's failure (or write error); the signal's reason once it has aborted
 * @example
 * await appendJsonlTasks({ file, tail, concurrency: 8, signal, onWritten: (r) => n++,
 *   schedule: async (q) => { for (const x of work) if (!(await q.add(() => run(x)))) break; } });
 */
export async function appendJsonlTasks<T>(opts: AppendJsonlTasksOptions<T>): Promise<void> {
  const { file, tail, signal } = opts;
  const fh = await open(file, 'a');
  try {
    if (tail.tornAt !== undefined) await truncate(file, tail.tornAt);
    if (tail.needsNewline) await fh.write('\n');
    let writing: Promise<unknown> = Promise.resolve();
    const write = (rec: T) => {
      // Judge output is untrusted: a verdict echoing an API key this process uses is stored redacted.
      writing = writing.then(() => fh.write(`${redactKnownSecrets(JSON.stringify(rec))}\n`));
      return writing;
    };
    const running = new Set<Promise<void>>();
    let failure: unknown = null;
    const stopped = () => signal?.aborted === true || failure !== null;
    await opts.schedule({
      stopped,
      idle: async () => {
        await Promise.all(running);
      },
      add: async (run) => {
        if (stopped()) return false;
        while (running.size >= opts.concurrency) await Promise.race(running);
        const task = run()
          .then(async (rec) => {
            await write(rec);
            opts.onWritten(rec);
          })
          .catch((e) => {
            failure ??= e;
          })
          .finally(() => running.delete(task));
        running.add(task);
        return true;
      },
    });
    await Promise.all(running);
    await writing;
    if (failure !== null) throw failure;
    signal?.throwIfAborted();
  } finally {
    await fh.close();
  }
}
