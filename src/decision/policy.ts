/**
 * The promotion policy as data: gates, the rollout plan, the sample-ratio check and sequential monitoring.
 * Every object is strict (a misspelled key such as `treshold` is an error with a did-you-mean, never
 * dropped), and `policyProblems` checks what the types cannot: every gate can pass, no two gates
 * contradict each other, and the plan's steps are consistent.
 *
 * The parts' schemas are in policyFields.ts, the semantic checks in policyChecks.ts, the whole schema and
 * the default policy in policySchema.ts; this file loads a policy from a file and re-exports them all.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../input/schemaErrors';
import { parseSettingsText } from '../input/yamlSource';
import { decisionMsg } from './errors';
import { type Policy, parsePolicy } from './policySchema';

export { KNOWN_METRICS, type PolicyProblem, policyProblems } from './policyChecks';
export {
  DEFAULT_EXPECTED_LOOKS,
  type Gate,
  GateSchema,
  type RolloutStep,
  type SequentialPolicy,
  SequentialPolicySchema,
  type SrmPolicy,
  SrmPolicySchema,
  StageSchema,
  StepSchema,
} from './policyFields';
export { DEFAULT_POLICY, type Policy, type PolicyInput, PolicySchema, parsePolicy } from './policySchema';

/**
 * Loads a policy from a YAML or JSON file (`.json`). Errors name the file, the line and the field, and
 * never repeat the file's content.
 *
 * @throws {ConfigError} when the file cannot be read, is not valid YAML/JSON, or is not a valid policy
 * @example
 * const policy = await loadPolicy('policy.yaml');
 */
export async function loadPolicy(file: string): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, [decisionMsg.policyUnreadable((e as NodeJS.ErrnoException).code)]);
  }
  const { value, locate } = parseSettingsText(text, file);
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(file, [decisionMsg.policyNotMapping()]);
  }
  return parsePolicy(value, file, locate);
}
