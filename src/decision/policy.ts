/**
 * The promotion policy as data: gates, the rollout plan, the sample-ratio check and sequential monitoring.
 * Every object is strict (a misspelled key such as `treshold` is an error with a did-you-mean, never
 * dropped), and {@link policyProblems} checks what the types cannot: every gate can pass, no two gates
 * contradict each other, and the plan's steps are consistent.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError, didYouMean, type Locate, parseWithSchema } from '../input/schemaErrors';
import { parseSettingsText } from '../input/yamlSource';

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

// --- semantic checks ------------------------------------------------------------------------------------

/** What is known of a metric's values, by name (the metrics analyzeRun publishes). */
type MetricRange = 'proportion' | 'nonNegative' | 'unknown';

/** Metrics published under a fixed name (others: `quality:<scorer>`, `pairwise_win_rate:<judge>`). */
export const KNOWN_METRICS: Readonly<Record<string, MetricRange>> = {
  success_rate: 'proportion',
  latency_p50_ms: 'nonNegative',
  latency_p95_ms: 'nonNegative',
  latency_p99_ms: 'nonNegative',
  ttft_p50_ms: 'nonNegative',
  ttft_p95_ms: 'nonNegative',
  ttft_p99_ms: 'nonNegative',
  cost_per_1k_tokens_usd: 'nonNegative',
  cost_per_request_usd: 'nonNegative',
  monthly_spend_usd: 'nonNegative',
  // A pass rate or a judge's score, depending on the scorer: only known to be a number.
  quality: 'unknown',
  error_rate_variance: 'nonNegative',
  // Percentage points of between-window standard deviation (issue 17).
  error_rate_consistency: 'nonNegative',
  srm_canary_share: 'proportion',
};

function metricRange(metric: string): MetricRange {
  if (Object.hasOwn(KNOWN_METRICS, metric)) return KNOWN_METRICS[metric];
  if (metric.startsWith('pairwise_win_rate:')) return 'proportion';
  if (/^(latency|ttft)_p\d+(\.\d+)?_ms$/.test(metric) || /^cost_.*_usd$/.test(metric)) return 'nonNegative';
  return 'unknown';
}

const STAGE_ORDER = { shadow: 0, flag: 1, percentage: 2, full: 3 } as const;

/** One semantic problem of a policy: the field path and what is wrong. */
export interface PolicyProblem {
  path: (string | number)[];
  message: string;
}

const pct = (x: number) => `${Number((x * 100).toPrecision(6))}%`;

/**
 * The checks a schema cannot express, run on every policy that passed the schema:
 * - every gate can pass: a rate (success_rate, pairwise win rate, the SRM share) is a fraction, so
 *   `above` 1 or more (e.g. 99.5 written for 99.5%) can never pass and `below` 0 or less neither; a
 *   latency, cost or error-rate spread is never negative, so `below` 0 or less can never pass, and its
 *   relative change is never below −100%; a difference of rates lies in [−1, 1]; a non-inferiority margin
 *   of 1 or more on a rate lets anything pass;
 * - no two gates on the same metric and kind contradict each other (above 0.995 and below 0.5);
 * - a metric name one or two letters away from a published one is a misspelling (did you mean);
 * - gate names are distinct;
 * - the plan: stages in order (shadow → flag → percentage → full), a shadow step serves no traffic
 *   (trafficPercent 0) and copies some (shadowPercent > 0), flag and percentage steps serve some traffic,
 *   the full step serves 100%, shadowPercent only on shadow steps and targetTiers only on flag steps,
 *   served traffic and shadow copies never decrease, and no step appears twice.
 *
 * @example
 * policyProblems({ ...DEFAULT_POLICY, plan: [{ stage: 'shadow', trafficPercent: 50 }] });
 * // [{ path: ['plan', 0, 'trafficPercent'], message: 'a shadow step serves no traffic … got 50' }]
 */
export function policyProblems(p: Policy): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  const names = new Map<string, number>();
  p.gates.forEach((g, i) => {
    const first = names.get(g.name);
    if (first !== undefined)
      out.push({
        path: ['gates', i, 'name'],
        message: `duplicate gate name '${g.name}' (also gates[${first}])`,
      });
    else names.set(g.name, i);
    out.push(...gateProblems(g, i));
  });
  // Contradictions: the same quantity must be above t1 and below t2 with t2 <= t1.
  const groups = new Map<string, number[]>();
  p.gates.forEach((g, i) => {
    if (g.kind === 'nonInferiority') return;
    const key = `${g.kind}\u0000${g.metric}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  for (const idx of groups.values()) {
    for (const i of idx) {
      const a = p.gates[i];
      if (a.direction !== 'below') continue;
      for (const j of idx) {
        const b = p.gates[j];
        if (b.direction !== 'above' || (b.threshold as number) < (a.threshold as number)) continue;
        const later = Math.max(i, j);
        const other = later === i ? j : i;
        out.push({
          path: ['gates', later, 'threshold'],
          message: `contradicts gates[${other}] ('${p.gates[other].name}'): no ${describeQuantity(a)} is both above ${b.threshold} and below ${a.threshold}, so the gates can never both pass`,
        });
      }
    }
  }
  out.push(...planProblems(p.plan));
  return out;
}

function describeQuantity(g: Gate): string {
  if (g.kind === 'relative') return `relative change of ${g.metric}`;
  if (g.kind === 'difference') return `difference in ${g.metric}`;
  return `value of ${g.metric}`;
}

function gateProblems(g: Gate, i: number): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  const at = (field: string, message: string) => out.push({ path: ['gates', i, field], message });
  if (!g.metric.includes(':') && !Object.hasOwn(KNOWN_METRICS, g.metric)) {
    const near = didYouMean(g.metric, Object.keys(KNOWN_METRICS));
    if (near)
      at(
        'metric',
        `no metric '${g.metric}' is published, so this gate can never pass (did you mean '${near}'?)`,
      );
  }
  const range = metricRange(g.metric);
  const t = g.threshold;
  const never = `so this gate can never pass`;
  if (g.kind === 'absolute' && t !== undefined) {
    if (range === 'proportion' && g.direction === 'above' && t >= 1)
      at(
        'threshold',
        `${g.metric} is a fraction between 0 and 1: no value is above ${t}, ${never}${t > 1 && t <= 100 ? ` (write ${t / 100} for ${t}%)` : ''}`,
      );
    if ((range === 'proportion' || range === 'nonNegative') && g.direction === 'below' && t <= 0)
      at('threshold', `${g.metric} is never negative: no value is below ${t}, ${never}`);
  }
  if (g.kind === 'relative' && t !== undefined && range !== 'unknown' && g.direction === 'below' && t <= -1)
    at(
      'threshold',
      `the relative change of ${g.metric} (never negative) is at least −100%: it is never below ${pct(t)}, ${never}`,
    );
  if (g.kind === 'difference' && t !== undefined && range === 'proportion') {
    if ((g.direction === 'above' && t >= 1) || (g.direction === 'below' && t <= -1))
      at(
        'threshold',
        `a difference of two fractions lies between −1 and 1: it is never ${g.direction} ${t}, ${never}`,
      );
  }
  if (g.kind === 'nonInferiority' && g.margin !== undefined && range === 'proportion' && g.margin >= 1)
    at(
      'margin',
      `${g.metric} is a fraction: a margin of ${g.margin} lets any canary pass (write 0.02 for 2 points)`,
    );
  if (g.kind === 'nonInferiority' && g.threshold !== undefined)
    at('threshold', 'a nonInferiority gate reads `margin`, not `threshold`');
  if (g.kind !== 'nonInferiority' && g.margin !== undefined)
    at('margin', `a ${g.kind} gate reads \`threshold\`, not \`margin\``);
  return out;
}

function planProblems(plan: readonly RolloutStep[]): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  const seen = new Map<string, number>();
  let prev: RolloutStep | undefined;
  let prevShadow: number | undefined;
  plan.forEach((s, i) => {
    const at = (field: string, message: string) => out.push({ path: ['plan', i, field], message });
    if (s.stage === 'shadow') {
      if (s.trafficPercent !== 0)
        at(
          'trafficPercent',
          `a shadow step serves no traffic (the canary only gets copies): expected 0, got ${s.trafficPercent} (set shadowPercent for the copied share, or use stage flag or percentage)`,
        );
      if (s.shadowPercent === 0)
        at(
          'shadowPercent',
          'a shadow step that copies 0% of requests measures nothing: expected more than 0',
        );
      if (s.shadowPercent !== undefined && prevShadow !== undefined && s.shadowPercent < prevShadow)
        at(
          'shadowPercent',
          `shadow copies go down from ${prevShadow}% to ${s.shadowPercent}%: expected steps that never decrease`,
        );
      if (s.shadowPercent !== undefined) prevShadow = s.shadowPercent;
    } else {
      if (s.shadowPercent !== undefined)
        at('shadowPercent', `only a shadow step copies requests; this is a ${s.stage} step`);
      if ((s.stage === 'flag' || s.stage === 'percentage') && s.trafficPercent === 0)
        at(
          'trafficPercent',
          `a ${s.stage} step serves part of the traffic: expected more than 0 (a step serving none is a shadow step)`,
        );
      if (s.stage === 'full' && s.trafficPercent !== 100)
        at('trafficPercent', `the full step serves all traffic: expected 100, got ${s.trafficPercent}`);
    }
    if (s.targetTiers !== undefined && s.stage !== 'flag')
      at('targetTiers', `only a flag step targets tiers; this is a ${s.stage} step`);
    if (prev) {
      if (STAGE_ORDER[s.stage] < STAGE_ORDER[prev.stage])
        at(
          'stage',
          `${s.stage} after ${prev.stage}: expected the stages in order shadow → flag → percentage → full`,
        );
      else if (s.trafficPercent < prev.trafficPercent)
        at(
          'trafficPercent',
          `traffic goes down from ${prev.trafficPercent}% (plan[${i - 1}]) to ${s.trafficPercent}%: expected steps that never decrease`,
        );
    }
    const key = `${s.stage}/${s.trafficPercent}/${s.shadowPercent ?? ''}`;
    const first = seen.get(key);
    if (first !== undefined)
      at('stage', `the same step as plan[${first}]: the rollout position would be ambiguous`);
    else seen.set(key, i);
    prev = s;
  });
  return out;
}

// --- the policy ---------------------------------------------------------------------------------------

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
 * Validates a policy object (defaults filled in): strict keys, then {@link policyProblems}. Errors name
 * the field (and its line, given `locate`), with a did-you-mean for a misspelled key.
 *
 * @throws {ConfigError} naming `source` and each field with what was expected
 * @example
 * parsePolicy({ ...DEFAULT_POLICY, srm: { alhpa: 0.01 } }); // srm (…): unknown field "alhpa" (did you mean "alpha"?)
 */
export function parsePolicy(value: unknown, source = 'policy', locate?: Locate): Policy {
  return parseWithSchema(PolicySchema, value, source, locate);
}

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
    throw new ConfigError(file, [`cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  const { value, locate } = parseSettingsText(text, file);
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(file, ['(root): expected a mapping of settings (gates, plan, …)']);
  }
  return parsePolicy(value, file, locate);
}
