/** Writing a whole file so that a reader never sees half of it: a temporary name beside it, then a rename. */
import { rename, writeFile } from 'node:fs/promises';

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
