/** Where the bundled defaults live (project root, GSM8K answers, price table) and how a config's relative paths resolve. */
import { isAbsolute, join, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../packageRoot';
import type { LoadedEvalConfig } from './types';

/** The project root (holds datasets/): defaults such as the GSM8K file and the price table live there. */
export const PROJECT_ROOT = PACKAGE_ROOT;
/** The bundled GSM8K file (questions, references and four recorded models' answers). */
export const GSM8K_FILE = join(PROJECT_ROOT, 'datasets', 'gsm8k', 'model_solutions.jsonl');
/** The bundled price table (the playbook's blended prices). */
export const PRICING_FILE = join(PROJECT_ROOT, 'datasets', 'pricing.json');

/** Resolves a path of the config against its directory. */
export function resolveConfigPath(loaded: Pick<LoadedEvalConfig, 'baseDir'>, p: string): string {
  return isAbsolute(p) ? p : resolve(loaded.baseDir, p);
}
