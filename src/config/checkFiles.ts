/**
 * The files a run will read, checked at load time: the dataset, the JSON schemas of scorers, and the price
 * table (every arm or judge without its own `price` must be in it, never priced at $0).
 */
import { existsSync, readFileSync } from 'node:fs';
import { parsePricing } from '../gateway/pricing';
import { describeJsonSyntax } from '../input/jsonValue';
import { PRICING_FILE, resolveConfigPath } from './defaults';
import type { EvalConfig } from './schema';
import type { ConfigIssues } from './types';

/** The models of the price table, or undefined (an issue recorded) when it cannot be read. */
function readPriceTable(tableFile: string, issues: ConfigIssues): Record<string, unknown> | undefined {
  let tableText = '';
  try {
    tableText = readFileSync(tableFile, 'utf8');
    return parsePricing(JSON.parse(tableText), tableFile).models;
  } catch (e) {
    // JSON.parse's message quotes the text: say where it stops being JSON instead.
    const why =
      e instanceof SyntaxError
        ? `not valid JSON: ${describeJsonSyntax(tableText)}`
        : ((e as NodeJS.ErrnoException).code ?? (e as Error).message.split('\n')[0]);
    issues.at(['pricing'], `cannot read the price table ${tableFile} (${why})`);
    return undefined;
  }
}

/** Prices: an arm (or judge) without `price` must be in the price table (the config's, else the bundled one). */
function checkPrices(config: EvalConfig, baseDir: string, issues: ConfigIssues): void {
  const tableFile = config.pricing ? resolveConfigPath({ baseDir }, config.pricing) : PRICING_FILE;
  const priced: Array<{ path: PropertyKey[]; model: string }> = [];
  for (const arm of ['primary', 'canary'] as const) {
    if (!config.arms[arm].price) priced.push({ path: ['arms', arm, 'price'], model: config.arms[arm].model });
  }
  if (config.judge && !config.judge.price)
    priced.push({ path: ['judge', 'price'], model: config.judge.model });
  if (priced.length === 0) return;
  const models = readPriceTable(tableFile, issues);
  if (!models) return;
  for (const { path, model } of priced) {
    if (!Object.hasOwn(models, model)) {
      issues.at(
        path,
        `required: model "${model}" is not in the price table ${tableFile}; set price: { inputPer1M, outputPer1M } or { blendedPer1M } (USD per 1M tokens)`,
      );
    }
  }
}

/** Records an issue for each file the run will read that is missing (dataset, prices, scorer schemas, in that order). */
export function checkFiles(config: EvalConfig, baseDir: string, issues: ConfigIssues): void {
  const d = config.dataset;
  if (d.path !== undefined) {
    const p = resolveConfigPath({ baseDir }, d.path);
    if (!existsSync(p)) issues.at(['dataset', 'path'], `file not found: ${p}`);
  }
  checkPrices(config, baseDir, issues);
  config.scorers.forEach((s, i) => {
    if (s.type === 'jsonSchema' && typeof s.schema === 'string') {
      const p = resolveConfigPath({ baseDir }, s.schema);
      if (!existsSync(p)) issues.at(['scorers', i, 'schema'], `file not found: ${p}`);
    }
  });
}
