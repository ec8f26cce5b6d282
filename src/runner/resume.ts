/** Resuming a run: which (item, arm, repeat) units calls.jsonl already holds, after repairing a torn last line. */
import { closeSync, createReadStream, openSync, readSync, writeSync } from 'node:fs';
import { rename, stat, truncate, unlink } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { CallRecord } from '../types';
import { runnerMsg } from './errors';

/**
 * Which (item, arm, repeat) units are recorded, compactly: one small integer bit mask per item id when
 * arms × repeats ≤ 31, string keys otherwise.
 */
export class UnitSet {
  private readonly masks = new Map<string, number>();
  private readonly keys: Set<string> | null;
  constructor(
    private readonly arms: number,
    private readonly repeats: number,
  ) {
    this.keys = arms * repeats > 31 ? new Set() : null;
  }
  add(itemId: string, arm: number, repeat: number): void {
    if (this.keys) this.keys.add(`${itemId}\u0000${arm}\u0000${repeat}`);
    else this.masks.set(itemId, (this.masks.get(itemId) ?? 0) | (1 << (repeat * this.arms + arm)));
  }
  has(itemId: string, arm: number, repeat: number): boolean {
    if (this.keys) return this.keys.has(`${itemId}\u0000${arm}\u0000${repeat}`);
    const m = this.masks.get(itemId);
    return m !== undefined && (m & (1 << (repeat * this.arms + arm))) !== 0;
  }
  /** Whether units of this repeat index fit (records of other repeat counts are kept but not tracked). */
  tracks(repeat: number): boolean {
    return repeat >= 0 && repeat < this.repeats;
  }
}

export interface RecoverOptions {
  retryFailed: boolean;
  warn: (m: string) => void;
  units: UnitSet;
  armIndex: Map<string, number>;
  /** Filled with the spend of the records kept. */
  recovered?: { spentUsd: number };
}

/**
 * Reads an existing calls.jsonl for resuming, streaming it (memory does not grow with the file): drops a
 * torn last line (truncating the file, with a warning) and returns the units already recorded. With
 * `retryFailed`, failed records are removed from the file so that their units are sent again and the file
 * keeps one record per unit.
 */
export async function recoverCalls(file: string, opts: RecoverOptions): Promise<UnitSet> {
  const { units } = opts;
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    return units;
  }
  if (size === 0) return units;
  const keep = lengthWithoutTornLine(file, size);
  if (keep < size) {
    opts.warn(runnerMsg.tornLine(file, size - keep));
    await truncate(file, keep);
  }
  if (keep === 0) return units;
  await readRecordedUnits(file, opts);
  return units;
}

/** The file's length up to its last newline (a file not ending in a newline ends with a torn line). */
function lengthWithoutTornLine(file: string, size: number): number {
  const fd = openSync(file, 'r');
  let keep = size;
  try {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] !== 0x0a) {
      // Find the last newline from the end.
      const chunk = Buffer.alloc(64 * 1024);
      let end = size;
      keep = 0;
      while (end > 0) {
        const start = Math.max(0, end - chunk.length);
        const n = readSync(fd, chunk, 0, end - start, start);
        const i = chunk.subarray(0, n).lastIndexOf(0x0a);
        if (i >= 0) {
          keep = start + i + 1;
          break;
        }
        end = start;
      }
    }
  } finally {
    closeSync(fd);
  }
  return keep;
}

/**
 * Streams the records: adds each kept record's unit to `opts.units` and its spend to `opts.recovered`;
 * with `retryFailed`, rewrites the file without its failed records.
 */
async function readRecordedUnits(file: string, opts: RecoverOptions): Promise<void> {
  const { units } = opts;
  const tmp = `${file}.tmp`;
  const out = opts.retryFailed ? openSync(tmp, 'w') : null;
  let removed = 0;
  let lineNo = 0;
  try {
    const rl = createInterface({
      input: createReadStream(file, { encoding: 'utf8' }),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    const kept: string[] = [];
    for await (const line of rl) {
      lineNo++;
      if (line === '') continue;
      let rec: Pick<CallRecord, 'itemId' | 'arm' | 'repeat' | 'ok' | 'costUsd'>;
      try {
        rec = JSON.parse(line);
      } catch {
        throw new SyntaxError(runnerMsg.badRecordLine(file, lineNo));
      }
      if (opts.retryFailed && !rec.ok) {
        removed++;
        continue;
      }
      if (
        opts.recovered &&
        typeof rec.costUsd === 'number' &&
        Number.isFinite(rec.costUsd) &&
        rec.costUsd > 0
      )
        opts.recovered.spentUsd += rec.costUsd;
      const a = opts.armIndex.get(rec.arm);
      const r = rec.repeat ?? 0;
      if (a !== undefined && units.tracks(r)) units.add(rec.itemId, a, r);
      if (out) {
        kept.push(line, '\n');
        if (kept.length >= 2048) {
          writeSync(out, kept.join(''));
          kept.length = 0;
        }
      }
    }
    if (out && kept.length) writeSync(out, kept.join(''));
  } finally {
    if (out !== null) closeSync(out);
  }
  if (out !== null) {
    if (removed > 0) await rename(tmp, file);
    else await unlink(tmp);
  }
}
