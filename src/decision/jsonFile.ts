/** The decision layer's JSON files (history, decision.json): NaN/±∞ written as null, replaced atomically. */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../fileAtomic';

/**
 * Writes `value` as indented JSON to a temporary name beside `file` and renames it, so a reader never sees
 * half a file; creates the folder when missing. NaN and ±∞ are written as null: JSON.stringify itself does
 * that for every non-finite number (ECMA-262 SerializeJSONProperty), so no replacer is needed.
 */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}
