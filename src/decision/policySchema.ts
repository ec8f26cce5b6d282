/** The whole policy's schema (its parts, then the semantic checks), the default policy and parsePolicy. */
import { z } from 'zod';
import { type Locate, parseWithSchema } from '../input/schemaErrors';
import { policyProblems } from './policyChecks';
import {
  DEFAULT_EXPECTED_LOOKS,
  GateSchema,
  SequentialPolicySchema,
  SrmPolicySchema,
  StepSchema,
} from './policyFields';

export const PolicySchema = z
  .strictObject({
    /** Confidence of every gate's interval. */
    confidence: z.number().gt(0).lt(1).default(0.95),
    gates: z.array(GateSchema).min(1),
    plan: z.array(StepSchema).min(1),
    srm: SrmPolicySchema.default({ alpha: 0.001, severity: 'required' }),
    sequential: SequentialPolicySchema.default({
      alpha: 0.05,
      expectedLooks: DEFAULT_EXPECTED_LOOKS,
      blockOnHarm: true,
      alwaysValidGates: true,
    }),
  })
  .superRefine((p, ctx) => {
    for (const { path, message } of policyProblems(p)) ctx.addIssue({ code: 'custom', path, message });
  });
export type Policy = z.output<typeof PolicySchema>;
export type PolicyInput = z.input<typeof PolicySchema>;

/**
 * The rollout playbook's checklist and stages as the default policy:
 * success rate > 99.5% (required), P95 latency < 3 s (required), cost per 1K tokens up < 20% (important),
 * quality not worse than the primary by more than 2 points (important), error-rate consistency: the
 * between-window SD of the error rate beyond binomial noise < 0.1 points (recommended); shadow 5 → 20% of
 * copies in steps of 5, flag 5 → 25%, percentage 25 → 50 → 100%, full; a sample-ratio mismatch at
 * p < 0.001 blocks promotion; sequential monitoring at α = 0.05 with the confidence sequence tuned for 5,000 observations.
 */
export const DEFAULT_POLICY: Policy = PolicySchema.parse({
  confidence: 0.95,
  gates: [
    {
      name: 'success rate',
      metric: 'success_rate',
      kind: 'absolute',
      direction: 'above',
      threshold: 0.995,
      severity: 'required',
    },
    {
      name: 'P95 latency',
      metric: 'latency_p95_ms',
      kind: 'absolute',
      direction: 'below',
      threshold: 3000,
      severity: 'required',
    },
    {
      name: 'cost per 1K tokens',
      metric: 'cost_per_1k_tokens_usd',
      kind: 'relative',
      direction: 'below',
      threshold: 0.2,
      severity: 'important',
    },
    {
      name: 'output quality',
      metric: 'quality',
      kind: 'nonInferiority',
      margin: 0.02,
      severity: 'important',
      whenMissing: 'skip',
    },
    {
      name: 'error-rate consistency',
      metric: 'error_rate_consistency',
      kind: 'absolute',
      direction: 'below',
      threshold: 0.1,
      severity: 'recommended',
      description:
        'between-window SD of the error rate beyond binomial noise, in percentage points (the playbook\'s "< 0.1%")',
    },
  ],
  plan: [
    { stage: 'shadow', trafficPercent: 0, shadowPercent: 5 },
    { stage: 'shadow', trafficPercent: 0, shadowPercent: 10 },
    { stage: 'shadow', trafficPercent: 0, shadowPercent: 15 },
    { stage: 'shadow', trafficPercent: 0, shadowPercent: 20 },
    { stage: 'flag', trafficPercent: 5, targetTiers: ['beta_tester', 'premium'] },
    { stage: 'flag', trafficPercent: 25, targetTiers: ['beta_tester', 'premium'] },
    { stage: 'percentage', trafficPercent: 25 },
    { stage: 'percentage', trafficPercent: 50 },
    { stage: 'percentage', trafficPercent: 100 },
    { stage: 'full', trafficPercent: 100 },
  ],
  srm: { alpha: 0.001, severity: 'required' },
  sequential: { alpha: 0.05, blockOnHarm: true, alwaysValidGates: true },
});

/**
 * Validates a policy object (defaults filled in): strict keys, then `policyProblems`. Errors name
 * the field (and its line, given `locate`), with a did-you-mean for a misspelled key.
 *
 * @throws {ConfigError} naming `source` and each field with what was expected
 * @example
 * parsePolicy({ ...DEFAULT_POLICY, srm: { alhpa: 0.01 } }); // srm (…): unknown field "alhpa" (did you mean "alpha"?)
 */
export function parsePolicy(value: unknown, source = 'policy', locate?: Locate): Policy {
  return parseWithSchema(PolicySchema, value, source, locate);
}
