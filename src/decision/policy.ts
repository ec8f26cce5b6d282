import { readSettingsFile } from '../input/yamlSource';
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
  const { value, locate } = await readSettingsFile(file, 'gates, plan, …');
  return parsePolicy(value, file, locate);
}
