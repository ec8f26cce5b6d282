import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError, parseWithSchema } from '../config/schemaErrors';

/**
 * A promotion gate, as data. How its interval is read:
 * - `absolute`: the canary's own value (its `canary.ci`) against `threshold`;
 * - `relative`: the relative change canary/primary − 1 (`delta.relative.ci`) against `threshold`
 *   (0.2 = 20% increase);
 * - `difference`: canary − primary (`delta.ci`) against `threshold`;
 * - `nonInferiority`: canary − primary (`delta.ci`) must stay above −margin (for a higher-is-better
 *   metric; below +margin for lower-is-better).
 * `direction` says which side is good: 'above' (the value must exceed the threshold) or 'below'.
 */
export const GateSchema = z
  .object({
    name: z.string().min(1),
    metric: z.string().min(1).describe('MetricComparison.metric this gate reads, e.g. "latency_p95_ms"'),
    kind: z.enum(['absolute', 'relative', 'difference', 'nonInferiority']),
    direction: z.enum(['above', 'below']).optional(),
    threshold: z.number().finite().optional(),
    margin: z.number().positive().optional(),
    severity: z.enum(['required', 'important', 'recommended']),
    /** When no comparison has this metric: 'inconclusive' (default) or 'skip' (gate left out). */
    whenMissing: z.enum(['inconclusive', 'skip']).default('inconclusive'),
    description: z.string().optional(),
  })
  .superRefine((g, ctx) => {
    if (g.kind === 'nonInferiority') {
      if (g.margin === undefined)
        ctx.addIssue({ code: 'custom', path: ['margin'], message: 'required for a nonInferiority gate' });
    } else {
      if (g.threshold === undefined)
        ctx.addIssue({ code: 'custom', path: ['threshold'], message: `required for a ${g.kind} gate` });
      if (g.direction === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['direction'],
          message: `required for a ${g.kind} gate ('above' or 'below')`,
        });
    }
  });
export type Gate = z.output<typeof GateSchema>;

export const StageSchema = z.enum(['shadow', 'flag', 'percentage', 'full']);

/** One step of the rollout plan: the stage and the share of traffic the canary gets there. */
export const StepSchema = z.object({
  stage: StageSchema,
  /** Percent of traffic served by the canary (shadow: 0, the canary only receives copies). */
  trafficPercent: z.number().min(0).max(100),
  /** Shadow stage only: percent of requests copied to the canary. */
  shadowPercent: z.number().min(0).max(100).optional(),
  /** Flag stage: tiers served first. */
  targetTiers: z.array(z.string()).optional(),
});
export type RolloutStep = z.output<typeof StepSchema>;

/**
 * The sample-ratio-mismatch check of the observed traffic split. A mismatch is never a reason to roll back
 * on its own (it says the measurement is broken, not the canary): with severity 'required' or 'important'
 * it blocks promotion (verdict at most hold); with 'recommended' it is only reported.
 */
export const SrmPolicySchema = z.object({
  alpha: z.number().gt(0).lt(1).default(0.001),
  severity: z.enum(['required', 'important', 'recommended']).default('required'),
});
export type SrmPolicy = z.output<typeof SrmPolicySchema>;

/**
 * Sequential monitoring of scheduled runs (always-valid p-values over the history file). When a
 * confidence sequence shows the canary worse than the primary, `blockOnHarm` keeps the verdict at most hold.
 */
export const SequentialPolicySchema = z.object({
  /** Significance level valid over every look at once. */
  alpha: z.number().gt(0).lt(1).default(0.05),
  /** Total sample size (both arms) at which the confidence sequence is narrowest (GrowthBook's tuning). */
  tuning: z.number().positive().default(5000),
  blockOnHarm: z.boolean().default(true),
});
export type SequentialPolicy = z.output<typeof SequentialPolicySchema>;

export const PolicySchema = z
  .object({
    /** Confidence of every gate's interval. */
    confidence: z.number().gt(0).lt(1).default(0.95),
    gates: z.array(GateSchema).min(1),
    plan: z.array(StepSchema).min(1),
    srm: SrmPolicySchema.default({ alpha: 0.001, severity: 'required' }),
    sequential: SequentialPolicySchema.default({ alpha: 0.05, tuning: 5000, blockOnHarm: true }),
  })
  .superRefine((p, ctx) => {
    const names = new Set<string>();
    p.gates.forEach((g, i) => {
      if (names.has(g.name))
        ctx.addIssue({
          code: 'custom',
          path: ['gates', i, 'name'],
          message: `duplicate gate name '${g.name}'`,
        });
      names.add(g.name);
    });
  });
export type Policy = z.output<typeof PolicySchema>;
export type PolicyInput = z.input<typeof PolicySchema>;

/**
 * The rollout playbook's checklist and stages as the default policy:
 * success rate > 99.5% (required), P95 latency < 3 s (required), cost per 1K tokens up < 20% (important),
 * quality not worse than the primary by more than 2 points (important), error-rate variance across
 * batches < 0.1% (recommended); shadow 5 → 20% of copies in steps of 5, flag 5 → 25%, percentage
 * 25 → 50 → 100%, full; a sample-ratio mismatch at p < 0.001 blocks promotion; sequential monitoring at
 * α = 0.05 with the confidence sequence tuned for 5,000 observations.
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
      metric: 'error_rate_variance',
      kind: 'absolute',
      direction: 'below',
      threshold: 0.001,
      severity: 'recommended',
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
  sequential: { alpha: 0.05, tuning: 5000, blockOnHarm: true },
});

/** Validates a policy object (defaults filled in); errors name the field. */
export function parsePolicy(value: unknown, source = 'policy'): Policy {
  return parseWithSchema(PolicySchema, value, source);
}

/** Loads a policy from a YAML or JSON file; errors name the file and the field. */
export async function loadPolicy(file: string): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, [`cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  let value: unknown;
  try {
    value = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ConfigError(file, [
      `not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message}`,
    ]);
  }
  return parsePolicy(value, file);
}
