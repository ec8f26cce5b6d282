/**
 * Where a run goes: its id (given, new, or for --resume the latest run of this config) and the checks of its
 * folder before anything is written (an existing run is resumed, replaced with --force, or refused).
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { clearRunFolder, validateRunId } from '../runner/runFolder';
import { pipelineMsg, RunFolderConflictError } from './errors';
import { type RunManifest, readManifest } from './manifest';

/** `<yyyymmddThhmmss>-<hash8>` in UTC. */
function newRunId(hash: string, now = new Date()): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, '')}-${hash.slice(0, 8)}`;
}

/** The latest run folder in `outDir` whose run.json has this config hash. */
async function latestRunOf(outDir: string, hash: string): Promise<string | null> {
  let names: string[];
  try {
    names = await readdir(outDir);
  } catch {
    return null;
  }
  let best: { runId: string; createdAt: string } | null = null;
  for (const n of names) {
    if (n.startsWith('.')) continue;
    const m = await readManifest(join(outDir, n)).catch(() => null);
    if (m?.configHash === hash && (!best || m.createdAt > best.createdAt))
      best = { runId: n, createdAt: m.createdAt };
  }
  return best?.runId ?? null;
}

/**
 * The run id: the one given, else (with `resume`) the latest run of this config, else a new one.
 * @throws {RunFolderConflictError} when `resume` finds no run of this config, or with both force and resume
 * @throws {RunIdError} for a run id that is not a plain folder name
 */
export async function chooseRunId(
  opts: { runId?: string; resume?: boolean; force?: boolean },
  outDir: string,
  hash: string,
): Promise<string> {
  let runId = opts.runId;
  if (opts.resume && runId === undefined) {
    runId = (await latestRunOf(outDir, hash)) ?? undefined;
    if (runId === undefined) throw new RunFolderConflictError(pipelineMsg.noEarlierRun(hash, outDir));
  }
  runId ??= newRunId(hash);
  validateRunId(runId, '--run-id');
  if (opts.force && opts.resume) throw new RunFolderConflictError(pipelineMsg.forceAndResume);
  return runId;
}

/**
 * Checks the (locked) run folder: a run already there is continued with `resume`, removed with `force`,
 * otherwise refused; a resumed run must have the same config hash. Returns the run's earlier manifest.
 * @throws {RunFolderConflictError} when the folder holds a run and neither option allows it, or another config's
 */
export async function prepareRunFolder(
  runDir: string,
  opts: { resume?: boolean; force?: boolean },
  hash: string,
): Promise<RunManifest | null> {
  let previous = await readManifest(runDir);
  const hasCalls = existsSync(join(runDir, 'calls.jsonl'));
  if ((previous || hasCalls) && !opts.resume) {
    if (!opts.force) throw new RunFolderConflictError(pipelineMsg.runExists(runDir));
    await clearRunFolder(runDir);
    previous = null;
  }
  if (previous && previous.configHash !== hash) {
    throw new RunFolderConflictError(pipelineMsg.otherConfig(runDir, previous.configHash, hash));
  }
  return previous;
}
