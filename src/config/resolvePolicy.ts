/** The config's promotion policy (inline, from its file, or the default) and the rollout position checked against its plan. */
import type { RolloutPosition } from '../decision/decide';
import { DEFAULT_POLICY, loadPolicy, type Policy, PolicySchema } from '../decision/policy';
import { ConfigError, zodIssueLines } from '../input/schemaErrors';
import { resolveConfigPath } from './defaults';
import type { EvalConfig } from './schema';
import type { ConfigIssues } from './types';

/** The policy of a config, its file when it names one, and whether it could be read. */
export interface ResolvedPolicy {
  policy: Policy;
  policyFile?: string;
  /** False when the policy file could not be read (DEFAULT_POLICY stands in; the issue is recorded). */
  read: boolean;
}

/**
 * The policy: inline (validated here, errors under `policy.`), a file (errors name that file), or
 * DEFAULT_POLICY. A policy file that cannot be read is an issue of this config's `policy` field.
 * @throws {ConfigError} for an invalid inline policy (naming `source`) or an invalid policy file (naming it)
 */
export async function resolvePolicy(
  config: EvalConfig,
  where: { source: string; baseDir: string },
  issues: ConfigIssues,
): Promise<ResolvedPolicy> {
  if (typeof config.policy === 'string') {
    const policyFile = resolveConfigPath(where, config.policy);
    try {
      return { policy: await loadPolicy(policyFile), policyFile, read: true };
    } catch (e) {
      // A policy file that cannot be read is a problem of this config's `policy` field (located here);
      // an invalid one is reported in its own file, with its own lines.
      const unreadable = e instanceof ConfigError && /^cannot read the file \(/.test(e.issues[0] ?? '');
      if (!unreadable) throw e;
      issues.at(
        ['policy'],
        `cannot read the policy file ${policyFile} ${(e as ConfigError).issues[0].slice(21)}`,
      );
      return { policy: DEFAULT_POLICY, policyFile, read: false };
    }
  }
  if (config.policy) {
    const pr = PolicySchema.safeParse(config.policy, { reportInput: true });
    if (!pr.success) {
      throw new ConfigError(
        where.source,
        zodIssueLines(pr.error.issues, {
          schema: PolicySchema,
          input: config.policy,
          locate: issues.locate,
          prefix: ['policy'],
        }),
      );
    }
    return { policy: pr.data, read: true };
  }
  return { policy: DEFAULT_POLICY, read: true };
}

/**
 * Where the rollout stands: the config's `stage`, or the first step of the plan. A stage that is not a step
 * of the plan is an issue (not checked when the policy file could not be read).
 */
export function resolvePosition(
  config: EvalConfig,
  policy: ResolvedPolicy,
  issues: ConfigIssues,
): RolloutPosition {
  const plan = policy.policy.plan;
  const first = plan[0];
  const position: RolloutPosition = config.stage ?? {
    stage: first.stage,
    trafficPercent: first.trafficPercent,
    ...(first.shadowPercent !== undefined ? { shadowPercent: first.shadowPercent } : {}),
  };
  const inPlan = plan.some(
    (s) =>
      s.stage === position.stage &&
      s.trafficPercent === position.trafficPercent &&
      (position.shadowPercent === undefined || s.shadowPercent === position.shadowPercent),
  );
  if (!inPlan && policy.read) {
    const steps = plan
      .map(
        (s) =>
          `${s.stage} ${s.trafficPercent}%${s.shadowPercent !== undefined ? ` (shadow ${s.shadowPercent}%)` : ''}`,
      )
      .join(', ');
    issues.at(['stage'], `not a step of the policy's plan; expected one of: ${steps}`);
  }
  return position;
}
