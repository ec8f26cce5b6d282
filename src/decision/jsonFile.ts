/** The decision layer's JSON files (history, decision.json): NaN/±∞ written as null, replaced atomically. */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../fileAtomic';

/** JSON.stringify replacer: NaN and ±Infinity become null (JSON has neither). */
export function nanToNull(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? null : v;
}

/**
 * Writes `value` as indented JSON (NaN and ±∞ as null) to a temporary name beside `file` and renames it,
 * so a reader never sees half a file; creates the folder when missing.
 */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(value, nanToNull, 2)}\n`);
}
