/** The export documents of an OTLP JSON file: one whole-file document, or one per line (streamed). */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { logsMsg, OtlpError } from './errors';

/**
 * The export documents of one file: a whole-file JSON document (pretty-printed exports), or one document
 * per line (the Collector's file exporter). Decided by the first non-blank character after the first line:
 * a file whose first line parses alone is read line by line.
 */
export async function* documents(file: string): AsyncGenerator<{ line: number; doc: unknown }> {
  const lines: string[] = [];
  let lineNo = 0;
  let perLine: boolean | undefined;
  let stream: ReturnType<typeof createReadStream>;
  try {
    stream = createReadStream(file, { encoding: 'utf8' });
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
  } catch (e) {
    throw new OtlpError({
      code: 'CANARYLAB_ERR_OTLP_FILE',
      file,
      line: 0,
      field: '',
      expected: logsMsg.otlpCannotRead((e as NodeJS.ErrnoException).code ?? (e as Error).message),
    });
  }
  const rl = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const raw of rl) {
    lineNo++;
    const text = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (perLine === undefined) {
      if (text.trim() === '') continue;
      try {
        const doc = JSON.parse(text);
        perLine = true;
        yield { line: lineNo, doc };
      } catch {
        perLine = false;
        lines.push(text);
      }
      continue;
    }
    if (perLine) {
      if (text.trim() === '') continue;
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch {
        doc = new OtlpParseFailure();
      }
      yield { line: lineNo, doc };
    } else {
      lines.push(text);
    }
  }
  if (perLine === false) {
    let doc: unknown;
    try {
      doc = JSON.parse(lines.join('\n'));
    } catch {
      doc = new OtlpParseFailure();
    }
    yield { line: 1, doc };
  }
  if (lineNo === 0) {
    throw new OtlpError({
      code: 'CANARYLAB_ERR_OTLP_FILE',
      file,
      line: 0,
      field: '',
      expected: logsMsg.otlpEmpty(),
    });
  }
}

/** A document that is not JSON (yielded so the caller reports it with its line, as any invalid document). */
export class OtlpParseFailure {}
