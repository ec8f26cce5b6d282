/** Writing a whole file so that a reader never sees half of it: a temporary name beside it, then a rename. */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes `text` to `file` through `file.<pid>.tmp` and a rename (atomic on one file system), so a crash or a
 * concurrent reader sees the old file or the new one, never a torn one.
 *
 * @example
 * await writeFileAtomic('runs/r1/run.json', JSON.stringify(manifest, null, 2));
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text, 'utf8');
  await rename(tmp, file);
}

/**
 * Writes `value` as indented JSON with a final newline through {@link writeFileAtomic}, creating the folder
 * when missing (run.json, policy.json, decision.json, a sequential history). NaN and ±∞ are written as null:
 * JSON.stringify does that for every non-finite number (ECMA-262 SerializeJSONProperty).
 *
 * @example
 * await writeJsonAtomic('runs/r1/decision.json', decision);
 */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}
