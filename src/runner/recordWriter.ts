/** Group commit of calls.jsonl lines: one synchronous write per event-loop turn (see runBatch's durability note). */
import { closeSync, writeSync } from 'node:fs';
import { runnerMsg } from './errors';

/**
 * Group commit of calls.jsonl lines: lines appended during one event-loop turn are written together by one
 * synchronous write in a setImmediate callback, and every appender's promise resolves once its line is in
 * the file (the kernel's page cache: it survives kill -9 of this process). The buffer holds at most the
 * lines of one turn, and at most one line per call in flight.
 */
export class RecordWriter {
  private lines: string[] = [];
  private pending: Promise<void> | null = null;
  private resolve: (() => void) | null = null;
  private reject: ((e: unknown) => void) | null = null;
  private closed = false;

  constructor(private readonly fd: number) {}

  /** Queues a line (ending in `\n`); resolves once it has been written. */
  append(line: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error(runnerMsg.appendAfterClose()));
    this.lines.push(line);
    if (!this.pending) {
      this.pending = new Promise<void>((resolve, reject) => {
        this.resolve = resolve;
        this.reject = reject;
      });
      setImmediate(this.flush);
    }
    return this.pending;
  }

  private readonly flush = (): void => {
    const resolve = this.resolve as () => void;
    const reject = this.reject as (e: unknown) => void;
    const data = Buffer.from(this.lines.length === 1 ? this.lines[0] : this.lines.join(''), 'utf8');
    this.lines = [];
    this.pending = null;
    try {
      let off = 0;
      while (off < data.length) off += writeSync(this.fd, data, off, data.length - off);
      resolve();
    } catch (e) {
      reject(e);
    }
  };

  /** Writes what is queued and closes the file. */
  close(): void {
    if (this.closed) return;
    if (this.pending) this.flush();
    this.closed = true;
    closeSync(this.fd);
  }
}
