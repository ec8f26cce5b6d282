import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunAnalysis } from '../analysis/types';
import type { Pricing } from '../gateway/pricing';
import { importProductionLogs, type ProductionLogImport } from '../routing/logs';
import { analyzeStage, IMPORT_FILE, type ImportInfo } from './stages';

/** Options of {@link importLogsRun}. */
export interface ImportLogsRunOptions {
  /** The production-log JSONL file (the router's shadow or routing lines). */
  source: string;
  /** Folder the run folder is created in. */
  outDir: string;
  /** Name of the run folder. */
  runId: string;
  /** Skip malformed lines and count them (reported in the analysis notes) instead of failing on the first. */
  skipInvalid?: boolean;
  /** Price table for the cost of each line. */
  pricing?: Pricing;
  primaryModel?: string;
  canaryModel?: string;
}

/**
 * Turns production logs into a run folder that every later stage reads like a batch run: calls.jsonl,
 * items.jsonl, import.json (source, line counts, models, the observed split for the sample-ratio check) and
 * comparison.json.
 *
 * @throws {ProductionLogError} for a malformed line (`file:line: field: expected …`) unless `skipInvalid`,
 *   for a line whose arm cannot be told, or an unreadable file
 * @example
 * const { runDir, analysis } = await importLogsRun({ source: 'routing.jsonl', outDir: 'runs', runId: 'prod-0601' });
 */
export async function importLogsRun(opts: ImportLogsRunOptions): Promise<{
  runDir: string;
  imported: ProductionLogImport;
  analysis: RunAnalysis;
  file: string;
}> {
  const imported = await importProductionLogs(opts.source, {
    runId: opts.runId,
    skipInvalid: opts.skipInvalid === true,
    ...(opts.pricing ? { pricing: opts.pricing } : {}),
    ...(opts.primaryModel ? { primaryModel: opts.primaryModel } : {}),
    ...(opts.canaryModel ? { canaryModel: opts.canaryModel } : {}),
  });
  const runDir = join(opts.outDir, opts.runId);
  await mkdir(runDir, { recursive: true });
  const jsonl = (rows: readonly unknown[]) =>
    rows.length ? `${rows.map((r) => JSON.stringify(r)).join('\n')}\n` : '';
  await writeFile(join(runDir, 'calls.jsonl'), jsonl(imported.calls));
  await writeFile(join(runDir, 'items.jsonl'), jsonl(imported.items));
  const info: ImportInfo = {
    source: [opts.source],
    importedAt: new Date().toISOString(),
    invalidLines: imported.invalidLines,
    lines: imported.lines,
    models: imported.models,
    split: { users: imported.split.users, requests: imported.split.requests },
  };
  await writeFile(join(runDir, IMPORT_FILE), `${JSON.stringify(info, null, 2)}\n`);
  const { analysis, file } = await analyzeStage(runDir, { run: imported });
  return { runDir, imported, analysis, file };
}
