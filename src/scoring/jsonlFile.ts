import { createReadStream } from 'node:fs';

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
