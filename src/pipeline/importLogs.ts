import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RUN_FILES } from '../analysis/loadRun';
import type { RunSummary } from '../analysis/summary/types';
import type { RunAnalysis } from '../analysis/types';
import { type SequentialSummary, updateSequentialHistory } from '../decision/sequential';
import { type LogSummary, type SummarizeLogsOptions, summarizeLogs } from '../logs/summarizeLogs';
import { runnerMsg } from '../runner/errors';
import { acquireRunLock, holdsFiles, RunExistsError, validateRunId } from '../runner/runFolder';
import { analyzeStage, IMPORT_FILE, type ImportInfo } from './stages';

/** The summary of an imported log, kept in the run folder instead of the log (its size does not grow). */
export const SUMMARY_FILE = 'summary.json';

/** Options of {@link importLogsRun}: where the logs are and where the run goes, plus summarizeLogs' options. */
export interface ImportLogsRunOptions extends SummarizeLogsOptions {
  /**
   * The production logs: a file, folder or glob of JSONL / JSONL.gz / CSV / Parquet (DuckDB, embedded), or
   * `clickhouse://HOST:PORT/DATABASE/TABLE` (credentials in CANARYLAB_CLICKHOUSE_USER / _PASSWORD).
   */
  source: string;
  /** Folder the run folder is created in. */
  outDir: string;
  /** Name of the run folder (one path segment). */
  runId: string;
  /** Replace an existing run folder of that name (default: refuse). */
  force?: boolean;
  /** Add one sequential look per time window to this history file (`<runId>@<window start>`). */
  historyFile?: string;
}

/** What import.json holds for a log import. */
export interface LogImportInfo extends ImportInfo {
  engine: 'duckdb' | 'clickhouse' | 'js';
  windowMs: number;
  usersInBothArms: number;
  /** The first skipped lines, located (never their content). */
  invalidSample: string[];
}

/**
 * Turns production logs into a run folder that every later stage reads like a batch run, without copying
 * the log: summary.json (the mergeable summary computed by DuckDB or ClickHouse), import.json (source name,
 * engine, line counts, models, the observed split for the sample-ratio check) and comparison.json. The
 * folder appears complete or not at all: it is written in a temporary folder beside it and renamed.
 * With `historyFile`, each time window of the log is a sequential look.
 *
 * @throws {LogSourceError} missing file, glob matching nothing, empty log, ClickHouse unreachable, table
 *   without the needed columns
 * @throws {ProductionLogError} for a malformed line (`file:line: field: expected …`) unless `skipInvalid`,
 *   or a line whose arm cannot be told
 * @throws {RunIdError} for a run id that is not one folder name; {RunExistsError} when the run exists and
 *   `force` is not set
 * @example
 * const { runDir, analysis } = await importLogsRun({ source: 'logs/*.jsonl.gz', outDir: 'runs', runId: 'prod-0601' });
 */
export async function importLogsRun(opts: ImportLogsRunOptions): Promise<{
  runDir: string;
  imported: LogSummary;
  analysis: RunAnalysis;
  file: string;
  /** The sequential state after this import's looks (with historyFile). */
  sequential?: SequentialSummary;
}> {
  const { source, outDir, runId, force, historyFile, ...logOptions } = opts;
  validateRunId(runId);
  const runDir = join(outDir, runId);
  if (holdsFiles(runDir) && !force) throw new RunExistsError(runnerMsg.runExists(runDir, '--force'));
  const imported = await summarizeLogs(source, logOptions);
  await mkdir(outDir, { recursive: true });
  const tmp = join(outDir, `.${runId}.importing-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp);
  let analysis: RunAnalysis;
  try {
    const info: LogImportInfo = {
      source: [imported.source],
      importedAt: new Date().toISOString(),
      invalidLines: imported.invalidLines,
      lines: imported.facts.lines,
      models: imported.facts.models,
      split: { users: imported.facts.split.users, requests: imported.facts.split.requests },
      engine: imported.engine,
      windowMs: imported.summary.windowing.widthMs,
      usersInBothArms: imported.facts.split.usersInBothArms,
      invalidSample: imported.invalid.slice(0, 100).map((i) => i.message),
    };
    await writeFile(join(tmp, IMPORT_FILE), `${JSON.stringify(info, null, 2)}\n`);
    await writeFile(join(tmp, SUMMARY_FILE), `${JSON.stringify(imported.summary)}\n`);
    ({ analysis } = await analyzeStage(tmp, { summary: imported.summary, runId: runId }));
    // Publish: a new folder by one rename; an existing one (with --force) under its lock, swapped out.
    if (holdsFiles(runDir)) {
      const lock = acquireRunLock(runDir, 'analyze');
      const old = join(outDir, `.${runId}.replaced-${process.pid}`);
      try {
        await rename(runDir, old);
        await rename(tmp, runDir);
      } finally {
        lock.release();
      }
      await rm(old, { recursive: true, force: true });
    } else {
      await rm(runDir, { recursive: true, force: true }); // an empty folder or a stale lock only
      await rename(tmp, runDir);
    }
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  let sequential: SequentialSummary | undefined;
  if (historyFile) sequential = await addWindowLooks(historyFile, runId, imported.summary);
  return { runDir, imported, analysis, file: join(runDir, RUN_FILES.comparison), sequential };
}

/**
 * Sequential monitoring on logs: each time window of a summary is one look (`<runId>@<window start ISO>`,
 * in time order), so a daily `analyze` of the last day's logs adds its hourly looks to the history file.
 * Re-importing the same windows replaces their looks (idempotent).
 *
 * @example
 * await addWindowLooks('runs/history.json', 'prod-0601', summary);
 */
export async function addWindowLooks(
  historyFile: string,
  runId: string,
  summary: RunSummary,
): Promise<SequentialSummary | undefined> {
  const starts = [
    ...new Set([...summary.primary.windows, ...summary.canary.windows].map((w) => w.start)),
  ].sort((a, b) => a - b);
  const at = (arm: 'primary' | 'canary', start: number) => {
    const w = summary[arm].windows.find((x) => x.start === start);
    return { n: w?.calls ?? 0, successes: (w?.calls ?? 0) - (w?.failures ?? 0) };
  };
  await mkdir(dirname(historyFile), { recursive: true });
  let last: SequentialSummary | undefined;
  for (const start of starts) {
    const iso = new Date(start).toISOString();
    last = await updateSequentialHistory({
      historyFile,
      runId: `${runId}@${iso}`,
      counts: { primary: at('primary', start), canary: at('canary', start) },
      at: new Date(start + summary.windowing.widthMs).toISOString(),
    });
  }
  return last;
}

/** Reads the summary of an imported run folder (null when the folder holds records instead). */
export async function readRunSummary(runDir: string): Promise<RunSummary | null> {
  const f = join(runDir, SUMMARY_FILE);
  if (!existsSync(f)) return null;
  return JSON.parse(await readFile(f, 'utf8')) as RunSummary;
}
