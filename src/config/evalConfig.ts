/**
 * The eval config (`canarylab run --config eval.yaml`): one zod schema that validates the file and produces
 * its error messages (file, line, field path, what was expected). YAML or JSON. Relative paths inside the
 * file (dataset, policy, JSON schemas, pricing, simulator traces) resolve against the file's directory.
 * API keys are never in the file: an arm names the environment variable that holds its key (`apiKeyEnv`),
 * read at run time only ({@link resolveSecrets}).
 *
 * This file reads a config file ({@link loadEvalConfig}) and is the config's entry point: the schema is in
 * schema.ts, parsing and resolving in parse.ts (policy, simulator, files beside it), defaults in
 * defaults.ts, secrets in secrets.ts, shared types in types.ts; all are re-exported here.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError, issueLine, type Locate } from '../input/schemaErrors';
import { parseSettingsText } from '../input/yamlSource';
import { parseEvalConfig } from './parse';
import type { LoadedEvalConfig } from './types';

export { GSM8K_FILE, PRICING_FILE, PROJECT_ROOT, resolveConfigPath } from './defaults';
export { canonicalJson, parseEvalConfig } from './parse';
export { simulatorOptions } from './resolveSimulator';
export {
  type ArmConfig,
  ArmSchema,
  type DatasetConfig,
  DatasetSchema,
  DEFAULT_SCORER_NAMES,
  type EvalConfig,
  type EvalConfigInput,
  EvalConfigSchema,
  type JudgeConfig,
  JudgeSchema,
  PositionSchema,
  type PriceInput,
  PriceSchema,
  type ScorerConfig,
  ScorerSchema,
} from './schema';
export { resolveSecrets } from './secrets';
export type { LoadedEvalConfig, ResolvedEndpoints } from './types';
export { issueLine, type Locate };

/**
 * Reads and validates an eval config file (YAML, or JSON — `.json`). Errors name the file, the line, the
 * field and what was expected; nothing is called and no environment variable is read.
 *
 * @throws {ConfigError} when the file cannot be read or parsed, or the config is invalid
 * @example
 * const loaded = await loadEvalConfig('eval.yaml');
 * loaded.config.arms.canary.model; // 'gpt-4.1-mini'
 */
export async function loadEvalConfig(file: string): Promise<LoadedEvalConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, [`cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  const { value, locate } = parseSettingsText(text, file);
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(file, ['(root): expected a mapping of settings (arms, dataset, scorers, …)']);
  }
  return parseEvalConfig(value, {
    source: file,
    baseDir: dirname(resolve(file)),
    locate,
  });
}
