import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The folder of canarylab's own package.json (it holds datasets/: the GSM8K file, the llmperf traces, the
 * price table). Found by walking up from this module, because the module sits at a different depth in a
 * checkout run by tsx (src/) than in the built package (dist/, where every module is bundled into one
 * file). Falls back to two levels above the module when no package.json named canarylab is found.
 */
export function findPackageRoot(from: string): string {
  let dir = from;
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        if ((JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === 'canarylab') return dir;
      } catch {
        // an unreadable package.json is not ours: keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return join(from, '..', '..');
    dir = parent;
  }
}

/** The project (or installed package) root: holds package.json and datasets/. */
export const PACKAGE_ROOT = findPackageRoot(__dirname);

/** The bundled data folder under the package root: gsm8k/, llmperf/, pricing.json, demo/. */
export const DATASETS_DIR = join(PACKAGE_ROOT, 'datasets');
