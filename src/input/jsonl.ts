import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { describeJsonSyntax } from './jsonValue';

/** One parsed JSON Lines record with the 1-based line it came from (for error messages). */
export interface JsonlLine {
  line: number;
  value: unknown;
}

/**
 * Streams a JSON Lines file one record at a time (memory does not grow with the file). A UTF-8 byte-order
 * mark at the start of the file is ignored; blank lines are skipped; a line that is not JSON fails with
 * `file:line: not valid JSON (column C: <what was expected>)`, never quoting the line (it may hold a secret).
 */
export async function* readJsonl(file: string): AsyncGenerator<JsonlLine> {
  const rl = createInterface({
    input: createReadStream(file, { encoding: 'utf8' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let line = 0;
  for await (const text of rl) {
    line++;
    const t = line === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    if (t.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(t);
    } catch {
      throw new SyntaxError(`${file}:${line}: not valid JSON (${describeJsonSyntax(t)})`);
    }
    yield { line, value };
  }
}
