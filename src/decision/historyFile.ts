/** The sequential history file: read and validate it (null when missing), write it atomically. */
import { readFile } from 'node:fs/promises';
import { writeJsonAtomic } from '../fileAtomic';
import { decisionMsg, SequentialHistoryError } from './errors';
import { checkCounts, checkGateInput, checkPairs } from './sequentialCounts';
import type { SequentialHistory } from './sequentialTypes';

/**
 * The history in `file`, validated field by field; null when the file does not exist.
 * @throws {SequentialHistoryError} naming the file and the field when it cannot be read or is not a history
 */
export async function readHistory(file: string): Promise<SequentialHistory | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new SequentialHistoryError(file, decisionMsg.historyUnreadable((e as NodeJS.ErrnoException).code));
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new SequentialHistoryError(file, decisionMsg.historyNotJson((e as Error).message));
  }
  return checkHistory(file, v);
}

function checkHistory(file: string, v: unknown): SequentialHistory {
  const h = v as Partial<SequentialHistory> | null;
  if (!h || typeof h !== 'object' || h.version !== 1 || !Array.isArray(h.entries))
    throw new SequentialHistoryError(file, decisionMsg.historyNotHistory());
  if (!(typeof h.alpha === 'number' && h.alpha > 0 && h.alpha < 1))
    throw new SequentialHistoryError(file, decisionMsg.historyAlpha(h.alpha));
  if (!(typeof h.tuning === 'number' && h.tuning > 0))
    throw new SequentialHistoryError(file, decisionMsg.historyPositive('tuning', h.tuning));
  if (h.nExpected !== undefined && !(typeof h.nExpected === 'number' && h.nExpected > 0))
    throw new SequentialHistoryError(file, decisionMsg.historyPositive('nExpected', h.nExpected));
  h.entries.forEach((e, i) => {
    try {
      if (typeof e?.runId !== 'string') throw new RangeError(decisionMsg.entryRunId());
      checkCounts('counts', e.counts);
      if (e.quality) checkCounts('quality', e.quality);
      if (e.qualityPairs) checkPairs('qualityPairs', e.qualityPairs);
      if (e.gateInput !== undefined) checkGateInput(e.gateInput);
    } catch (err) {
      throw new SequentialHistoryError(file, decisionMsg.historyEntry(i, (err as Error).message));
    }
  });
  return h as SequentialHistory;
}

/** Replaces `file` with the history (its folder created when missing); a reader never sees half a file. */
export async function writeHistory(file: string, history: SequentialHistory): Promise<void> {
  await writeJsonAtomic(file, history);
}
