/**
 * parseEvalConfig: a parsed config object → a LoadedEvalConfig. Validates it against the schema, then
 * resolves the policy, rollout position, simulator section and files, collecting every located issue before
 * throwing them together, hashes the canonical config, and builds the scorers to check their options.
 */
import { createHash } from 'node:crypto';
import { ConfigError, issueLine, type Locate, zodIssueLines } from '../input/schemaErrors';
import { checkFiles } from './checkFiles';
import { resolvePolicy, resolvePosition } from './resolvePolicy';
import { resolveSimulatorSection } from './resolveSimulator';
import { EvalConfigSchema } from './schema';
import { buildScorers } from './scorers';
import type { ConfigIssues, LoadedEvalConfig } from './types';

/** JSON with object keys sorted at every level (the canonical form that is hashed). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.keys(v as object)
          .sort()
          .map((k) => [k, (v as Record<string, unknown>)[k]]),
      );
    }
    return v;
  });
}

/** An empty issue list whose `at` words and locates each issue. */
function configIssues(locate: Locate | undefined): ConfigIssues {
  const lines: string[] = [];
  const issues: ConfigIssues = { lines, at: (path, message) => lines.push(issueLine(path, message, locate)) };
  if (locate) issues.locate = locate;
  return issues;
}

/**
 * Validates a parsed config object (defaults filled) and resolves what can be checked without calling
 * anything: the policy (inline or file), the rollout position against the plan, the simulator section and
 * its models, scorer options (by building the scorers), file paths of the dataset and schemas.
 * Environment variables are not read here (see {@link resolveSecrets}).
 *
 * @throws {ConfigError} naming `source`, each field path (with its line when `locate` is given) and what
 *   was expected
 * @example
 * const loaded = await parseEvalConfig(yamlObject, { source: 'eval.yaml', baseDir: '.' });
 */
export async function parseEvalConfig(
  value: unknown,
  opts: { source: string; baseDir: string; locate?: Locate },
): Promise<LoadedEvalConfig> {
  const { source, baseDir, locate } = opts;
  const input = value ?? {};
  const r = EvalConfigSchema.safeParse(input, { reportInput: true });
  if (!r.success) {
    throw new ConfigError(source, zodIssueLines(r.error.issues, { schema: EvalConfigSchema, input, locate }));
  }
  const config = r.data;
  const issues = configIssues(locate);
  const resolved = await resolvePolicy(config, { source, baseDir }, issues);
  const position = resolvePosition(config, resolved, issues);
  const simulator = resolveSimulatorSection(config, baseDir, issues);
  checkFiles(config, baseDir, issues);
  if (issues.lines.length > 0) throw new ConfigError(source, issues.lines);

  const { policy, policyFile } = resolved;
  const hash = createHash('sha256')
    .update(canonicalJson({ ...config, policy: policyFile ? policy : config.policy }))
    .digest('hex');
  const loaded: LoadedEvalConfig = { file: source, baseDir, config, policy, position, hash };
  if (policyFile) loaded.policyFile = policyFile;
  if (simulator) loaded.simulator = simulator;
  // Scorer options are checked by building the scorers (a regex that does not compile, bad bounds…).
  buildScorers(loaded, locate);
  return loaded;
}
