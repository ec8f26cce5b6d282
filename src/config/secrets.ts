/** The run-time secrets of a config: API keys and base URLs read from the environment, never stored. */
import { ConfigError } from '../input/schemaErrors';
import type { LoadedEvalConfig, ResolvedEndpoints } from './types';

/**
 * Reads the API keys (and base URLs given as `baseURLEnv`) from the environment. A variable that is named
 * but not set (or empty) is a config error naming the field and the variable; values are never put in
 * messages. An endpoint left undefined means "the in-process simulator".
 *
 * @throws {ConfigError} naming e.g. `arms.canary.apiKeyEnv` and the missing variable
 */
export function resolveSecrets(
  loaded: LoadedEvalConfig,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedEndpoints {
  const issues: string[] = [];
  const read = (path: string, v: string | undefined): string | undefined => {
    if (v === undefined) return undefined;
    const value = env[v];
    if (value === undefined || value === '') {
      issues.push(`${path}: environment variable ${v} is not set (it is read at run time and never stored)`);
      return undefined;
    }
    return value;
  };
  const endpoint = (
    path: string,
    c: { baseURL?: string; baseURLEnv?: string; apiKeyEnv?: string },
  ): { baseURL?: string; apiKey?: string } => {
    const out: { baseURL?: string; apiKey?: string } = {};
    const fromEnv = c.baseURLEnv !== undefined ? env[c.baseURLEnv] : undefined;
    if (c.baseURLEnv !== undefined && (fromEnv === undefined || fromEnv === '') && !c.baseURL) {
      issues.push(
        `${path}.baseURLEnv: environment variable ${c.baseURLEnv} is not set (and no baseURL fallback)`,
      );
    } else if (fromEnv) {
      if (!URL.canParse(fromEnv) || !/^https?:$/.test(new URL(fromEnv).protocol)) {
        issues.push(`${path}.baseURLEnv: ${c.baseURLEnv} is not an http(s) URL`);
      } else out.baseURL = fromEnv;
    } else if (c.baseURL) out.baseURL = c.baseURL;
    const key = read(`${path}.apiKeyEnv`, c.apiKeyEnv);
    if (key !== undefined) out.apiKey = key;
    return out;
  };
  const cfg = loaded.config;
  const res: ResolvedEndpoints = {
    primary: endpoint('arms.primary', cfg.arms.primary),
    canary: endpoint('arms.canary', cfg.arms.canary),
  };
  if (cfg.judge) res.judge = endpoint('judge', cfg.judge);
  if (issues.length > 0) throw new ConfigError(loaded.file, issues);
  return res;
}
