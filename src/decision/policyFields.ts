/** The schemas of a policy's parts: a gate, a rollout step, the sample-ratio check and sequential monitoring. */
import { z } from 'zod';

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
  .strictObject({
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
        ctx.addIssue({
          code: 'custom',
          path: ['threshold'],
          message: `required for ${article(g.kind)} gate`,
        });
      if (g.direction === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['direction'],
          message: `required for ${article(g.kind)} gate ('above' or 'below')`,
        });
    }
  });
export type Gate = z.output<typeof GateSchema>;

function article(kind: string): string {
  return `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;
}

export const StageSchema = z.enum(['shadow', 'flag', 'percentage', 'full']);

/** One step of the rollout plan: the stage and the share of traffic the canary gets there. */
export const StepSchema = z.strictObject({
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
export const SrmPolicySchema = z.strictObject({
  alpha: z.number().gt(0).lt(1).default(0.001),
  severity: z.enum(['required', 'important', 'recommended']).default('required'),
});
export type SrmPolicy = z.output<typeof SrmPolicySchema>;

/** Looks a monitoring history expects to need (see SequentialPolicySchema.expectedLooks). */
export const DEFAULT_EXPECTED_LOOKS = 8;

/**
 * Sequential monitoring of scheduled runs (always-valid p-values over the history file). When a
 * confidence sequence shows the canary worse than the primary, `blockOnHarm` keeps the verdict at most hold.
 */
export const SequentialPolicySchema = z.strictObject({
  /** Significance level valid over every look at once. */
  alpha: z.number().gt(0).lt(1).default(0.05),
  /**
   * Total sample size (both arms) at which the history's confidence sequences are narrowest. Default: none —
   * the history is tuned for its first look's calls per arm (the dataset size; or the traffic of a window).
   */
  tuning: z.number().positive().optional(),
  /**
   * Looks a verdict is expected within: a new history's confidence sequences are tuned for the first look's
   * calls per arm × expectedLooks (unless `tuning` is given). Tightest where a good canary is expected to be
   * promoted; the choice never affects validity (docs/SEQUENTIAL.md, docs/CALIBRATION.md).
   */
  expectedLooks: z.number().int().positive().default(DEFAULT_EXPECTED_LOOKS),
  blockOnHarm: z.boolean().default(true),
  /**
   * A required or important gate may pass or fail as soon as its always-valid confidence sequence clears
   * the threshold (issue 17), with the number of looks stated.
   */
  alwaysValidGates: z.boolean().default(true),
});
export type SequentialPolicy = z.output<typeof SequentialPolicySchema>;
