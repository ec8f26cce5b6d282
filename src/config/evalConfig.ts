import { dirname, resolve } from 'node:path';
import { issueLine, type Locate } from '../input/schemaErrors';
import { readSettingsFile } from '../input/yamlSource';
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
  const { value, locate } = await readSettingsFile(file, 'arms, dataset, scorers, …');
  return parseEvalConfig(value, {
    source: file,
    baseDir: dirname(resolve(file)),
    locate,
  });
}
