/**
 * run.json: the manifest of a run folder (what was compared, with which config, when, at what cost).
 * It records the names of the environment variables that hold API keys, never their values.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../fileAtomic';
import { PACKAGE_ROOT } from '../packageRoot';
import type { Stage } from '../types';

/** File name of the manifest inside a run folder. */
export const MANIFEST_FILE = 'run.json';
/** The resolved policy of the run (so `decide <runDir>` judges with the same gates). */
export const POLICY_FILE = 'policy.json';

/** One arm as run.json records it. */
export interface ManifestArm {
  model: string;
  baseURL: string;
  name?: string;
  /** Name of the environment variable the API key was read from (never the key). */
  apiKeyEnv?: string;
  /** True when the arm was served by the in-process simulator. */
  simulated?: boolean;
  /** Wire protocol, when not the default openai (config `protocol`). */
  protocol?: 'anthropic' | 'gemini';
}

/** runs/<runId>/run.json (canary-contracts "RunManifest", plus the fields below `stage`). */
export interface RunManifest {
  runId: string;
  createdAt: string;
  finishedAt?: string;
  tool: { name: 'canarylab'; version: string };
  /** sha256 of the canonical config (keys sorted, defaults filled, the policy file inlined). */
  configHash: string;
  configFile?: string;
  dataset: { source: string; items: number };
  arms: { primary: ManifestArm; canary: ManifestArm };
  judge?: {
    model: string;
    baseURL?: string;
    apiKeyEnv?: string;
    pairwise?: boolean;
    single?: boolean;
    protocol?: 'anthropic' | 'gemini';
  };
  repeats: number;
  /** USD spent by this evaluation: both arms' calls (cached ones cost nothing) and the judge's calls. */
  evaluationCostUsd: number;
  stage: { stage: Stage; trafficPercent: number; shadowPercent?: number };
  /**
   * 'running' until the report is written; 'stopped' when the spend cap (maxCostUsd) stopped the run
   * before everything was sent (see `stopReason`).
   */
  status: 'running' | 'finished' | 'stopped';
  /** Why the run stopped early ('budget reached: …'). */
  stopReason?: string;
  /** Name of the config (`name:`). */
  name?: string;
  /** `--limit` given on the command line. */
  limit?: number;
  /** Analysis options used (so `analyze <runDir>` reproduces them). */
  analysis?: Record<string, unknown>;
  /** Sentences shown with the analysis notes (e.g. a compressed simulator clock). */
  notes?: string[];
  /** Where the sequential-monitoring history of this config lives. */
  historyFile?: string;
  /** Cost split: arms' calls and the judge's calls, USD. */
  costs?: { callsUsd: number; judgeUsd: number };
}

/** The version field of package.json (the tool version written into run.json). */
export function toolVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Writes run.json atomically (temporary file + rename). */
export async function writeManifest(runDir: string, manifest: RunManifest): Promise<string> {
  const file = join(runDir, MANIFEST_FILE);
  await writeJsonAtomic(file, manifest);
  return file;
}

/**
 * Reads run.json; null when the folder has none (e.g. a run imported from production logs).
 * @throws {Error} naming the file when it is not valid JSON
 */
export async function readManifest(runDir: string): Promise<RunManifest | null> {
  const file = join(runDir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`${file}: cannot read the manifest (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return JSON.parse(text) as RunManifest;
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
}
