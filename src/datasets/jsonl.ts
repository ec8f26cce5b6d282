import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** One parsed JSON Lines record with the 1-based line it came from (for error messages). */
export interface JsonlLine {
  line: number;
  value: unknown;
}

/**
 * Streams a JSON Lines file one record at a time (memory does not grow with the file). Blank lines are
 * skipped; a line that is not JSON fails with `file:line: not valid JSON (…)`.
 */
export async function* readJsonl(file: string): AsyncGenerator<JsonlLine> {
  const rl = createInterface({
    input: createReadStream(file, { encoding: 'utf8' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let line = 0;
  for await (const text of rl) {
    line++;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new SyntaxError(`${file}:${line}: not valid JSON (${(e as Error).message})`);
    }
    yield { line, value };
  }
}
