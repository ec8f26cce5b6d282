/**
 * The dataset stage: the config's `dataset:` section → EvalItems, and runs/<runId>/items.jsonl (ids,
 * references and segment metadata only: no prompt text).
 */
import { mkdir } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { GSM8K_FILE } from '../config/defaults';
import type { LoadedEvalConfig } from '../config/types';
import { writeFileAtomic } from '../fileAtomic';
import { type LoadItemsOptions, loadCsvItems, loadGsm8kItems, loadJsonlItems } from '../runner/dataset';
import { createRng } from '../stats/random';
import type { EvalItem } from '../types';

/** File name of the items (meta only) inside a run folder. */
export const ITEMS_FILE = 'items.jsonl';

/** Where the items of a config come from, for run.json (a path, or 'gsm8k'). */
export function datasetSource(loaded: LoadedEvalConfig): string {
  const d = loaded.config.dataset;
  if (d.gsm8k !== undefined) return 'gsm8k (datasets/gsm8k/model_solutions.jsonl, test split)';
  const p = d.path as string;
  return isAbsolute(p) ? p : resolve(loaded.baseDir, p);
}

/**
 * Loads the items a config names: its file (JSONL, CSV, or a GSM8K model_solutions file) or the bundled
 * GSM8K set, filtered by `tags` (any of them), sampled (`sample`, seeded) and cut to `limit` (the smaller
 * of the config's and `opts.limit`, e.g. `--limit`).
 *
 * @throws {TypeError|SyntaxError} naming `file:line` and the field when a record is malformed
 * @throws {Error} when no item is left
 * @example
 * const items = await loadConfigItems(await loadEvalConfig('eval.yaml'), { limit: 50 });
 */
export async function loadConfigItems(
  loaded: LoadedEvalConfig,
  opts: { limit?: number } = {},
): Promise<EvalItem[]> {
  const d = loaded.config.dataset;
  const limits = [
    d.limit,
    d.gsm8k !== undefined && d.gsm8k !== true ? d.gsm8k.limit : undefined,
    opts.limit,
  ].filter((x): x is number => x !== undefined);
  const limit = limits.length ? Math.min(...limits) : undefined;
  const tags = d.tags;
  // One tag: the loaders filter while streaming. Several: load, filter by any tag, then sample and cut.
  const loaderOpts: LoadItemsOptions = {};
  if (!tags || tags.length === 1) {
    if (tags) loaderOpts.tag = tags[0];
    if (d.sample) loaderOpts.sample = d.sample;
    if (limit !== undefined) loaderOpts.limit = limit;
  }
  const format =
    d.gsm8k !== undefined ? 'gsm8k' : (d.format ?? (/\.csv$/i.test(d.path ?? '') ? 'csv' : 'jsonl'));
  const file =
    d.path !== undefined ? (isAbsolute(d.path) ? d.path : resolve(loaded.baseDir, d.path)) : GSM8K_FILE;
  let items =
    format === 'gsm8k'
      ? await loadGsm8kItems(file, loaderOpts)
      : format === 'csv'
        ? await loadCsvItems(file, loaderOpts)
        : await loadJsonlItems(file, loaderOpts);
  if (tags && tags.length > 1) {
    items = items.filter((i) => i.meta?.tags?.some((t) => tags.includes(t)));
    if (d.sample) items = seededSample(items, d.sample.n, d.sample.seed);
    if (limit !== undefined) items = items.slice(0, limit);
  }
  if (items.length === 0) {
    throw new Error(
      `${loaded.file}: dataset: no items left in ${file}${tags ? ` with tags ${tags.join(', ')}` : ''}`,
    );
  }
  return items;
}

/** A seeded uniform sample of n items, kept in their original order (Fisher–Yates on the indices). */
function seededSample<T>(items: readonly T[], n: number, seed: number): T[] {
  const rng = createRng(seed);
  const idx = items.map((_, i) => i);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx
    .slice(0, n)
    .sort((a, b) => a - b)
    .map((i) => items[i]);
}

/**
 * Writes runs/<runId>/items.jsonl: one `{ id, reference?, meta? }` per item (no prompt text), so that the
 * analysis can segment by meta.tier / meta.tags. Written atomically.
 */
export async function writeItems(runDir: string, items: readonly EvalItem[]): Promise<string> {
  await mkdir(runDir, { recursive: true });
  const file = join(runDir, ITEMS_FILE);
  const lines = items.map((i) => {
    const row: Record<string, unknown> = { id: i.id };
    if (i.reference !== undefined) row.reference = i.reference;
    if (i.meta !== undefined) row.meta = i.meta;
    return JSON.stringify(row);
  });
  await writeFileAtomic(file, lines.length ? `${lines.join('\n')}\n` : '');
  return file;
}
