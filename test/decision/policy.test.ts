/**
 * Issue 16 defect 7 (a loose policy file) and the parser points of defect 9 for policies: strict keys with a
 * did-you-mean, a semantic check that every gate can pass and every plan step is consistent, errors located
 * by file, line and field, an alias bomb refused naming the file, `1e400` called out of range (not null),
 * and syntax errors that never repeat the file's content. Before the fix, the first test's file loaded
 * (the misspelled keys were dropped) and so did every file of the second.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEvalConfig } from '../../src/config/evalConfig';
import { DEFAULT_POLICY, loadPolicy, parsePolicy, policyProblems } from '../../src/decision/policy';
import { ConfigError } from '../../src/input/schemaErrors';

const dir = mkdtempSync(join(tmpdir(), 'canarylab-policy-'));
let n = 0;
function file(text: string, ext = 'yaml'): string {
  const p = join(dir, `p${++n}.${ext}`);
  writeFileSync(p, text);
  return p;
}

/** The ConfigError of loading a policy file: its file and its issue lines. */
async function policyIssues(
  text: string,
  ext = 'yaml',
): Promise<{ path: string; issues: string[]; message: string }> {
  const path = file(text, ext);
  const e = await loadPolicy(path).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ConfigError);
  const err = e as ConfigError;
  expect(err.message.startsWith(`${path}: invalid configuration\n`)).toBe(true);
  return { path, issues: err.issues, message: err.message };
}

const GOOD_GATE = `  - { name: success rate, metric: success_rate, kind: absolute, direction: above, threshold: 0.995, severity: required }`;

describe('strict policy keys', () => {
  it('rejects the misspelled keys of the issue with a did-you-mean and their lines', async () => {
    const { issues } = await policyIssues(`confidence: 0.95
gates:
  - name: success rate
    metric: success_rate
    kind: absolute
    direction: above
    threshold: 0.995
    severity: required
  - name: p95
    metric: latency_p95_ms
    kind: absolute
    direction: below
    treshold: 3000
    severity: required
    whenMising: skip
plan:
  - { stage: shadow, trafficPercent: 0, shadowPercent: 5 }
srm: { alhpa: 0.01 }
sequentail: { alpha: 0.05 }
`);
    expect(issues).toEqual([
      'gates[1] (line 13): unknown fields "treshold" (did you mean "threshold"?), "whenMising" (did you mean "whenMissing"?)',
      'gates[1].threshold (line 9): required for an absolute gate',
      'srm (line 18): unknown field "alhpa" (did you mean "alpha"?)',
      '(root) (line 19): unknown field "sequentail" (did you mean "sequential"?)',
    ]);
  });

  it('rejects unknown keys in plan steps and in sequential, and one with no close match without a guess', async () => {
    const { issues } = await policyIssues(`gates:
${GOOD_GATE}
plan:
  - { stage: shadow, trafficPercent: 0, shadowPrecent: 5 }
sequential: { alpha: 0.05, blockOnHarm: true, colour: blue }
`);
    expect(issues).toEqual([
      'plan[0] (line 4): unknown field "shadowPrecent" (did you mean "shadowPercent"?)',
      'sequential (line 5): unknown field "colour"',
    ]);
  });

  it('an inline policy in the eval config gets the same checks under `policy.` with the config lines', async () => {
    const cfg = file(`simulator:
  models:
    prim: { latency: { p50Ms: 5, p95Ms: 10 }, answers: 175b_finetuning }
    can: { latency: { p50Ms: 5, p95Ms: 10 }, answers: 6b_verification }
arms:
  primary: { model: prim, price: { blendedPer1M: 8 } }
  canary: { model: can, price: { blendedPer1M: 4 } }
dataset: { gsm8k: { limit: 10 } }
policy:
  gates:
    - { name: success rate, metric: success_rate, kind: absolute, direction: above, treshold: 0.995, severity: required }
  plan: [ { stage: shadow, trafficPercent: 0, shadowPercent: 5 } ]
`);
    const e = await loadEvalConfig(cfg).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).issues).toEqual([
      'policy.gates[0] (line 11): unknown field "treshold" (did you mean "threshold"?)',
      'policy.gates[0].threshold (line 11): required for an absolute gate',
    ]);
  });
});

describe('every gate can pass and every plan step is consistent', () => {
  it('reports the contradictory and impossible gates of the issue, and an inconsistent plan, each with its line', async () => {
    const { issues } = await policyIssues(`gates:
${GOOD_GATE}
  - { name: low success, metric: success_rate, kind: absolute, direction: below, threshold: 0.5, severity: required }
  - { name: p95, metric: latency_p95_ms, kind: absolute, direction: below, threshold: -3000, severity: required }
  - { name: percent, metric: success_rate, kind: absolute, direction: above, threshold: 99.5, severity: important }
  - { name: typo, metric: latency_p59_ms, kind: absolute, direction: below, threshold: 100, severity: required }
  - { name: cost, metric: cost_per_1k_tokens_usd, kind: relative, direction: below, threshold: -1.5, severity: important }
plan:
  - { stage: shadow, trafficPercent: 50 }
  - { stage: percentage, trafficPercent: 50 }
  - { stage: flag, trafficPercent: 25 }
  - { stage: full, trafficPercent: 90 }
`);
    expect(issues).toEqual([
      'gates[2].threshold (line 4): latency_p95_ms is never negative: no value is below -3000, so this gate can never pass',
      'gates[3].threshold (line 5): success_rate is a fraction between 0 and 1: no value is above 99.5, so this gate can never pass (write 0.995 for 99.5%)',
      "gates[4].metric (line 6): no metric 'latency_p59_ms' is published, so this gate can never pass (did you mean 'latency_p50_ms'?)",
      'gates[5].threshold (line 7): the relative change of cost_per_1k_tokens_usd (never negative) is at least −100%: it is never below -150%, so this gate can never pass',
      "gates[1].threshold (line 3): contradicts gates[0] ('success rate'): no value of success_rate is both above 0.995 and below 0.5, so the gates can never both pass",
      "gates[3].threshold (line 5): contradicts gates[1] ('low success'): no value of success_rate is both above 99.5 and below 0.5, so the gates can never both pass",
      'plan[0].trafficPercent (line 9): a shadow step serves no traffic (the canary only gets copies): expected 0, got 50 (set shadowPercent for the copied share, or use stage flag or percentage)',
      'plan[2].stage (line 11): flag after percentage: expected the stages in order shadow → flag → percentage → full',
      'plan[3].trafficPercent (line 12): the full step serves all traffic: expected 100, got 90',
    ]);
  });

  it('checks traffic and shadow copies never decrease, fields on the right stages, duplicates, margins', () => {
    const problems = policyProblems(
      parseLoose({
        gates: [
          { name: 'q', metric: 'success_rate', kind: 'nonInferiority', margin: 2, severity: 'important' },
          {
            name: 'q',
            metric: 'latency_p95_ms',
            kind: 'absolute',
            direction: 'below',
            threshold: 1,
            severity: 'required',
          },
        ],
        plan: [
          { stage: 'shadow', trafficPercent: 0, shadowPercent: 10 },
          { stage: 'shadow', trafficPercent: 0, shadowPercent: 5 },
          { stage: 'shadow', trafficPercent: 0, shadowPercent: 0 },
          { stage: 'flag', trafficPercent: 30, shadowPercent: 5 },
          { stage: 'percentage', trafficPercent: 20, targetTiers: ['premium'] },
          { stage: 'percentage', trafficPercent: 0 },
          { stage: 'percentage', trafficPercent: 50 },
          { stage: 'percentage', trafficPercent: 50 },
        ],
      }),
    ).map((p) => `${p.path.join('.')}: ${p.message}`);
    expect(problems).toEqual([
      'gates.0.margin: success_rate is a fraction: a margin of 2 lets any canary pass (write 0.02 for 2 points)',
      "gates.1.name: duplicate gate name 'q' (also gates[0])",
      'plan.1.shadowPercent: shadow copies go down from 10% to 5%: expected steps that never decrease',
      'plan.2.shadowPercent: a shadow step that copies 0% of requests measures nothing: expected more than 0',
      'plan.2.shadowPercent: shadow copies go down from 5% to 0%: expected steps that never decrease',
      'plan.3.shadowPercent: only a shadow step copies requests; this is a flag step',
      'plan.4.targetTiers: only a flag step targets tiers; this is a percentage step',
      'plan.4.trafficPercent: traffic goes down from 30% (plan[3]) to 20%: expected steps that never decrease',
      'plan.5.trafficPercent: a percentage step serves part of the traffic: expected more than 0 (a step serving none is a shadow step)',
      'plan.5.trafficPercent: traffic goes down from 20% (plan[4]) to 0%: expected steps that never decrease',
      'plan.7.stage: the same step as plan[6]: the rollout position would be ambiguous',
    ]);
  });

  it('the default policy, its JSON round trip and gates that can pass are accepted', async () => {
    expect(policyProblems(DEFAULT_POLICY)).toEqual([]);
    // policy.json in a run folder is the parsed policy: it must read back (strict keys, defaults included).
    expect(parsePolicy(JSON.parse(JSON.stringify(DEFAULT_POLICY)))).toEqual(DEFAULT_POLICY);
    const p = await loadPolicy(
      file(`gates:
${GOOD_GATE}
  - { name: ceiling, metric: success_rate, kind: absolute, direction: below, threshold: 1, severity: recommended }
  - { name: q, metric: "quality:numericAnswer", kind: difference, direction: above, threshold: -0.05, severity: important }
plan:
  - { stage: shadow, trafficPercent: 0, shadowPercent: 5 }
  - { stage: flag, trafficPercent: 5, targetTiers: [premium] }
  - { stage: full, trafficPercent: 100 }
`),
    );
    expect(p.gates).toHaveLength(3);
  });
});

describe('policy files: located errors that never repeat the content', () => {
  it('a YAML syntax error names line and column but not the text (a secret pasted by mistake)', async () => {
    const secret = 'sk-live-4f1c2a9b8e7d6c5b4a3928171605f4e3';
    const { message } = await policyIssues(`gates:\n  - { name: "${secret}, metric: x }\nplan: []\n`);
    expect(message).toMatch(/line \d+, column \d+: not valid YAML: /);
    expect(message).not.toContain(secret);
    expect(message).not.toContain('sk-live');
    const json = await policyIssues(`{"gates": [{"name": "${secret}"`, 'json');
    expect(json.message).toMatch(
      /line 1, column \d+: not valid JSON: a closing quote, bracket or brace is missing/,
    );
    expect(json.message).not.toContain('sk-live');
  });

  it('an alias bomb is refused naming the file and the first alias line', async () => {
    const { path, issues, message } = await policyIssues(`a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
gates: *d
`);
    expect(message.startsWith(path)).toBe(true);
    expect(issues).toEqual([
      'line 2: not valid YAML: the aliases (*name) expand to more than 100 copies (an alias bomb?): write the values out or use fewer aliases',
    ]);
  });

  it('1e400 is a number out of range, not null; a long string value is described, not echoed ("Bearer " + 26 letters + 10 digits = 43 characters)', async () => {
    const { issues } = await policyIssues(`gates:
  - { name: p95, metric: latency_p95_ms, kind: absolute, direction: below, threshold: 1e400, severity: required }
  - { name: x, metric: success_rate, kind: absolute, direction: above, threshold: 0.9, severity: "Bearer abcdefghijklmnopqrstuvwxyz0123456789" }
plan: [ { stage: shadow, trafficPercent: 0, shadowPercent: 5 } ]
`);
    expect(issues).toEqual([
      'gates[0].threshold (line 2): expected a number, got a number out of range (∞: too large for a 64-bit float)',
      'gates[1].severity (line 3): expected one of "required", "important", "recommended", got a string of 43 characters',
    ]);
  });
});

/** A policy object with defaults filled but without the semantic check (to test policyProblems directly). */
function parseLoose(v: { gates: object[]; plan: object[] }) {
  return {
    ...DEFAULT_POLICY,
    gates: v.gates.map((g) => ({ whenMissing: 'inconclusive', ...g })),
    plan: v.plan,
  } as typeof DEFAULT_POLICY;
}
