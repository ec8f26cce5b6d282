/**
 * Writing an answer at its drawn times: a JSON completion at the end-to-end latency (cut off halfway by the
 * `reset` fault, truncated by `malformed`), or a stream whose headers and first chunk come at the time to
 * first token and whose text follows in groups spread evenly until the end (cut or garbled halfway by
 * those faults).
 */
import type { ServerResponse } from 'node:http';
import type { FaultName } from './config';
import { resetSocket } from './http';
import type { SimAnswer, SimDialect, StreamFramer } from './protocols/types';

/** Runs fn `ms` after the request arrived (now, if that time has passed); never after the client left. */
export type At = (ms: number, fn: () => void) => void;

/** One answer on its way: where and when to write it, its fault, and what to count once it is written whole. */
export interface Delivery {
  res: ServerResponse;
  at: At;
  fault: FaultName | undefined;
  totalMs: number;
  ttftMs: number;
  onOk: () => void;
}

/** Writes a JSON completion body at the end-to-end latency (the dialect's headers taken at that time). */
function sendCompletion(d: Delivery, body: string, dialect: SimDialect): void {
  const { res, at, fault, totalMs } = d;
  if (fault === 'reset') {
    at(totalMs / 2, () => {
      const buf = Buffer.from(body);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': buf.length });
      res.write(buf.subarray(0, buf.length >> 1), () => resetSocket(res));
    });
    return;
  }
  if (fault === 'malformed') {
    at(totalMs, () => {
      const bad = body.slice(0, Math.max(1, body.length >> 1));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(bad) });
      res.end(bad);
    });
    return;
  }
  at(totalMs, () => {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      ...dialect.completionHeaders(totalMs),
    });
    res.end(body);
    d.onOk();
  });
}

/** The text's words (each with the whitespace before it). */
const words = (text: string): string[] => text.match(/\s*\S+|\s+/g) ?? [];

/** Words in `k` consecutive groups of near-equal counts, joined. */
function wordGroups(pieces: string[], k: number): string[] {
  const groups: string[] = [];
  for (let g = 0; g < k; g++) {
    groups.push(
      pieces.slice(Math.floor((g * pieces.length) / k), Math.floor(((g + 1) * pieces.length) / k)).join(''),
    );
  }
  return groups;
}

/** How many chunks a stream sends: one per interval of its span, at most one per word, at least one. */
function chunkCount(words: number, spanMs: number, intervalMs: number): number {
  return Math.max(1, Math.min(words, Math.floor(spanMs / Math.max(intervalMs, 0.001)) + 1));
}

interface Step {
  when: number;
  /** Writes its part; false when the connection died (no further step runs). */
  run: () => boolean;
}

/** Appends the stream's text steps: group g at its share of the span, the faulted one (reset or malformed) halfway. */
function pushTextSteps(steps: Step[], d: Delivery, framer: StreamFramer, groups: string[]): void {
  const { res, fault, totalMs, ttftMs } = d;
  const k = groups.length;
  const span = Math.max(0, totalMs - ttftMs);
  const cutAt = Math.floor(k / 2);
  for (let g = 0; g < k; g++) {
    const group = groups[g];
    steps.push({
      when: k === 1 ? ttftMs : ttftMs + (span * g) / (k - 1),
      run: () => {
        if (g === cutAt && fault === 'reset') {
          res.write(framer.delta(group).slice(0, 20), () => resetSocket(res));
          return false; // the connection dies here
        }
        if (g === cutAt && fault === 'malformed') {
          res.write(framer.malformed(group));
          return true;
        }
        if (group.length > 0) res.write(framer.delta(group));
        return true;
      },
    });
  }
}

/** Streams an answer: headers and the framer's opening at the TTFT, the text, then the close at the end. */
function streamAnswer(
  d: Delivery,
  s: { text: string; intervalMs: number; contentType: string; framer: StreamFramer },
): void {
  const { res, at, fault, totalMs, ttftMs } = d;
  const { framer } = s;
  const pieces = words(s.text);
  const groups = wordGroups(pieces, chunkCount(pieces.length, Math.max(0, totalMs - ttftMs), s.intervalMs));
  const steps: Step[] = [];
  steps.push({
    when: ttftMs,
    run: () => {
      res.writeHead(200, { 'content-type': s.contentType, 'cache-control': 'no-cache' });
      const first = framer.open();
      if (first.length > 0) res.write(first);
      else res.flushHeaders();
      return true;
    },
  });
  pushTextSteps(steps, d, framer, groups);
  steps.push({
    when: totalMs,
    run: () => {
      res.end(framer.close());
      if (fault !== 'malformed') d.onOk();
      return true;
    },
  });
  // Steps run strictly in order: each one schedules the next, so no timer can overtake another.
  const runFrom = (i: number): void => {
    if (i >= steps.length) return;
    at(steps[i].when, () => {
      if (steps[i].run()) runFrom(i + 1);
    });
  };
  runFrom(0);
}

/** Writes the answer: streamed in the dialect's frames, or as its JSON completion. */
export function deliverAnswer(
  d: Delivery,
  a: { answer: SimAnswer; dialect: SimDialect; stream: boolean; intervalMs: number },
): void {
  const { answer, dialect } = a;
  if (!a.stream) {
    sendCompletion(d, dialect.completion(answer), dialect);
    return;
  }
  streamAnswer(d, {
    text: answer.text,
    intervalMs: a.intervalMs,
    contentType: dialect.streamContentType,
    framer: dialect.framer(answer),
  });
}
