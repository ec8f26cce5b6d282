/** decision.json in a run folder: written atomically (NaN/±∞ as null) and read back. */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../fileAtomic';
import type { Decision } from '../types';
import type { DecisionDetails } from './decide';
import { decisionMsg } from './errors';

/** File name of the decision inside a run folder. */
export const DECISION_FILE = 'decision.json';

/**
 * Writes runs/<runId>/decision.json: the decision with its gates and reasons, the plan steps (current,
 * next, fallback), and the sample-ratio check and sequential-monitoring state when `decide` had them.
 * Numbers JSON cannot hold (NaN of a missing measurement, ±∞ of an open interval) are written as null.
 * The file is written to a temporary name and renamed, so a reader never sees half a decision.
 *
 * @returns the path written
 * @example
 * await writeDecision('runs/2025-06-01', decide(analysis.comparisons, policy, { position, srm }));
 */
export async function writeDecision(runDir: string, decision: Decision | DecisionDetails): Promise<string> {
  await mkdir(runDir, { recursive: true });
  const file = join(runDir, DECISION_FILE);
  await writeJsonAtomic(file, decision);
  return file;
}

/**
 * Reads runs/<runId>/decision.json back (null numbers stay null: they were NaN or ±∞).
 * @throws {Error} naming the file when it is missing or not JSON
 */
export async function readDecision(runDir: string): Promise<DecisionDetails> {
  const file = join(runDir, DECISION_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: ${decisionMsg.decisionUnreadable((e as NodeJS.ErrnoException).code)}`);
  }
  try {
    return JSON.parse(text) as DecisionDetails;
  } catch (e) {
    throw new Error(`${file}: ${decisionMsg.decisionNotJson((e as Error).message)}`);
  }
}
