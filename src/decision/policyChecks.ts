/**
 * The checks of a policy that its schema cannot express (every gate can pass, no two gates contradict each
 * other, the plan's steps are consistent), with the message of each problem.
 */
import { formatSettingPercent } from '../format';
import { didYouMean } from '../input/schemaErrors';
import type { Gate, RolloutStep } from './policyFields';

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
export function policyProblems(p: { gates: readonly Gate[]; plan: readonly RolloutStep[] }): PolicyProblem[] {
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
      `the relative change of ${g.metric} (never negative) is at least −100%: it is never below ${formatSettingPercent(t)}, ${never}`,
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
