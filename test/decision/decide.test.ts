import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/decision/decide';
import { DEFAULT_POLICY, loadPolicy, parsePolicy } from '../../src/decision/policy';
import type { SequentialSummary } from '../../src/decision/sequential';
import { healthy, mc } from './comparisons';

describe('decide: the playbook checklist on intervals', () => {
  it('promotes when every gate passes on its whole interval, to the next step of the plan', () => {
    const d = decide(healthy(), DEFAULT_POLICY, { stage: 'shadow', trafficPercent: 0, shadowPercent: 5 });
    expect(d.verdict).toBe('promote');
    expect(d.gates.map((g) => g.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass']);
    expect(d.next).toMatchObject({ stage: 'shadow', shadowPercent: 10 });
    expect(d.reasons.join(' ')).toContain('Promote to shadow (canary gets copies of 10% of requests');
  });

  it('rolls back when a required gate fails: success-rate interval wholly below 99.5%', () => {
    const cs = healthy();
    cs[0] = mc('success_rate', 'proportion', 'higher', [0.99, 0.9835, 0.9943]);
    const d = decide(cs, DEFAULT_POLICY, { stage: 'percentage', trafficPercent: 50 });
    expect(d.verdict).toBe('rollback');
    expect(d.trafficPercent).toBe(0);
    expect(d.nextStage).toBe('shadow');
    expect(d.gates[0].status).toBe('fail');
    expect(d.reasons[0]).toBe(
      'Required gate failed: success rate: canary 99.00% (95% CI 98.35% to 99.43%); must exceed 99.50%: failed with the whole interval on the bad side.',
    );
  });

  it('holds with a sample-size estimate when a required gate is inconclusive', () => {
    // P95 2,800 ms with CI [2,500, 3,100] at n = 400 against < 3,000 ms: upper half-width 300, distance 200,
    // so n_total = 400·(300/200)² = 900 and 500 more samples per arm.
    const cs = healthy();
    cs[1] = mc('latency_p95_ms', 'ms', 'lower', [2800, 2500, 3100], { n: 400 });
    const d = decide(cs);
    expect(d.verdict).toBe('hold');
    expect(d.gates[1]).toMatchObject({ status: 'inconclusive', samplesNeeded: 500 });
    expect(d.gates[1].reason).toContain('about 500 more samples per arm would decide it');
    expect(d.trafficPercent).toBe(0);
  });

  it('holds when an important gate fails: cost per 1K tokens up 25% [22%, 28%] against < 20%', () => {
    const cs = healthy();
    cs[2] = mc('cost_per_1k_tokens_usd', 'usd_per_1k_tokens', 'lower', [0.01, 0.0098, 0.0102], {
      relative: [0.25, 0.22, 0.28],
    });
    const d = decide(cs, DEFAULT_POLICY, { stage: 'flag', trafficPercent: 5 });
    expect(d.verdict).toBe('hold');
    expect(d.trafficPercent).toBe(5);
    expect(d.reasons[0]).toContain('cost per 1K tokens: canary vs primary +25.0% (95% CI +22.0% to +28.0%)');
  });

  it('quality non-inferiority: fails when the whole difference interval is below −margin', () => {
    const cs = healthy();
    cs[3] = mc('quality', 'proportion', 'higher', [0.7, 0.68, 0.72], { delta: [-0.08, -0.11, -0.05] });
    const d = decide(cs);
    expect(d.gates[3]).toMatchObject({ status: 'fail', threshold: -0.02 });
    expect(d.verdict).toBe('hold');
  });

  it('a failed recommended gate is reported but does not block promotion', () => {
    const cs = healthy();
    cs[4] = mc('error_rate_consistency', 'points', 'lower', [0.4, 0.2, 0.6], { n: 20 });
    const d = decide(cs);
    expect(d.verdict).toBe('promote');
    expect(d.reasons.at(-1)).toContain('Recommended gate failed (does not block)');
  });

  it('skips a missing quality metric, and a missing required metric is inconclusive', () => {
    const d = decide(healthy().filter((c) => c.metric !== 'quality'));
    expect(d.gates.map((g) => g.gate)).not.toContain('output quality');
    expect(d.verdict).toBe('promote');
    const d2 = decide(healthy().filter((c) => c.metric !== 'latency_p95_ms'));
    expect(d2.verdict).toBe('hold');
    expect(d2.reasons.join(' ')).toContain('no measurement of latency_p95_ms');
  });

  it('at full migration a promote has no next step', () => {
    const d = decide(healthy(), DEFAULT_POLICY, { stage: 'full', trafficPercent: 100 });
    expect(d.verdict).toBe('promote');
    expect(d.next).toBeUndefined();
    expect(d.trafficPercent).toBe(100);
  });

  it('rejects a position that is not in the plan', () => {
    expect(() => decide(healthy(), DEFAULT_POLICY, { stage: 'flag', trafficPercent: 7 })).toThrow(
      'decide: position flag at 7% is not a step of the policy',
    );
  });
});

describe('policy as data', () => {
  it('validates with messages naming the field', () => {
    expect(() =>
      parsePolicy({
        gates: [{ name: 'x', metric: 'm', kind: 'absolute', severity: 'required' }],
        plan: [{ stage: 'shadow', trafficPercent: 0 }],
      }),
    ).toThrow(/gates\[0\]\.threshold: required for an absolute gate/);
    expect(() =>
      parsePolicy({
        gates: [{ name: 'x', metric: 'm', kind: 'nonInferiority', severity: 'urgent' }],
        plan: [],
      }),
    ).toThrow(
      /gates\[0\]\.severity: expected one of "required", "important", "recommended", got "urgent"\n {2}- plan: expected an array with >= 1 items/,
    );
  });

  it('loads YAML and reports the file on errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'canarylab-policy-'));
    const good = join(dir, 'policy.yaml');
    writeFileSync(
      good,
      [
        'confidence: 0.9',
        'gates:',
        '  - { name: p95, metric: latency_p95_ms, kind: absolute, direction: below, threshold: 2000, severity: required }',
        'plan:',
        '  - { stage: flag, trafficPercent: 5 }',
      ].join('\n'),
    );
    const p = await loadPolicy(good);
    expect(p.confidence).toBe(0.9);
    expect(p.gates[0].whenMissing).toBe('inconclusive');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'gates: [ { name: 1 } ]\nplan: []\n');
    await expect(loadPolicy(bad)).rejects.toThrow(`${bad}: invalid configuration`);
    await expect(loadPolicy(join(dir, 'none.yaml'))).rejects.toThrow('cannot read the file (ENOENT)');
  });
});

describe('samplesNeeded for a proportion gate uses the Wilson bound exactly', () => {
  it('no failures in 300 calls against > 99.5%: Wilson clears at n > 1.96²·0.995/0.005 = 764.45, so 465 more', () => {
    const cs = healthy();
    cs[0] = mc('success_rate', 'proportion', 'higher', [1, 0.98735, 1], { n: 300 });
    const d = decide(cs);
    expect(d.gates[0]).toMatchObject({ status: 'inconclusive', samplesNeeded: 765 - 300 });
    expect(d.verdict).toBe('hold');
  });
});

describe('issue 17 point 5: samples needed on the bad side, points printed as pts', () => {
  it('a canary at 99.17% (1,308 of 1,319) against > 99.5% needs 395 more calls to fail, not "may not decide it"', () => {
    // Wilson interval of 1308/1319 (statsmodels proportion_confint, method='wilson'): [98.513%, 99.534%],
    // so it straddles 99.5%. Its upper bound falls under t = 0.995 once n > z²·t(1 − t)/(t − p̂)²
    // = 1.95996²·0.995·0.005/(0.995 − 0.991660)² = 1713.51, i.e. n = 1,714: 1,714 − 1,319 = 395 more.
    const cs = healthy();
    cs[0] = mc(
      'success_rate',
      'proportion',
      'higher',
      [1308 / 1319, 0.9851282427760745, 0.9953369455135851],
      {
        n: 1319,
      },
    );
    const d = decide(cs);
    expect(d.gates[0]).toMatchObject({ status: 'inconclusive', samplesNeeded: 395 });
    expect(d.gates[0].reason).toContain('about 395 more samples per arm would decide it (as a fail');
    expect(d.gates[0].reason).not.toContain('may not decide it');
  });

  it('a canary on the good side is sized as a pass', () => {
    const cs = healthy();
    cs[0] = mc('success_rate', 'proportion', 'higher', [1, 0.98735, 1], { n: 300 });
    expect(decide(cs).gates[0].reason).toContain('(as a pass, if the estimate holds)');
  });

  it('quality differences print in points with "pts", never "%"', () => {
    const cs = healthy();
    cs[3] = mc('quality', 'proportion', 'higher', [0.8, 0.78, 0.82], { delta: [0.0432, 0.0151, 0.0715] });
    const g = decide(cs).gates[3];
    expect(g.reason).toBe(
      'output quality: canary − primary +4.32 pts (95% CI +1.51 pts to +7.15 pts); must exceed −2.00 pts: passed with the whole interval on the good side.',
    );
  });
});

describe('error-rate consistency gate on τ in points (issue 17 point 4)', () => {
  const policy = parsePolicy({
    gates: [
      {
        name: 'error-rate consistency',
        metric: 'error_rate_consistency',
        kind: 'absolute',
        direction: 'below',
        threshold: 0.1,
        severity: 'recommended',
      },
    ],
    plan: [{ stage: 'shadow', trafficPercent: 0, shadowPercent: 5 }],
  });

  it('fails when the whole interval of τ is above 0.1 points, printing points', () => {
    const d = decide(
      [mc('error_rate_consistency', 'points', 'lower', [1.6377, 1.2697, 2.3014], { n: 24 })],
      policy,
    );
    expect(d.gates[0].status).toBe('fail');
    expect(d.gates[0].reason).toContain(
      'canary 1.64 pts (95% CI 1.27 pts to 2.30 pts); must stay below 0.10 pts',
    );
  });

  it('inconclusive: samples needed are counted in windows on the τ² scale', () => {
    // τ̂ = 0, upper end 0.1209 at k = 24 windows: k_total = 24·(0.1209²/0.1²)² = 24·2.1365 = 51.28 → 52,
    // so 28 more windows.
    const d = decide([mc('error_rate_consistency', 'points', 'lower', [0, 0, 0.1209], { n: 24 })], policy);
    expect(d.gates[0]).toMatchObject({ status: 'inconclusive', samplesNeeded: 28, samplesUnit: 'windows' });
    expect(d.gates[0].reason).toContain('about 28 more windows of the same size would decide it (as a pass');
  });
});

describe('always-valid gates under continuous monitoring (issue 17 point 3, read by decide)', () => {
  const withAv = (
    c: ReturnType<typeof mc>,
    av: { target: 'canary' | 'delta' | 'relative'; ci: [number, number]; looks: number; n: number },
  ) => ({ ...c, alwaysValid: { ...av, alpha: 0.05, method: 'hand-made' } });

  it('from the second look, a gate is judged on its confidence sequence and says after how many looks', () => {
    const cs = healthy();
    // Fixed interval passes (lower 99.75% > 99.5%), the confidence sequence [99.4%, 99.98%] does not yet.
    cs[0] = withAv(cs[0], { target: 'canary', ci: [0.994, 0.9998], looks: 4, n: 4000 });
    const d = decide(cs, DEFAULT_POLICY, { looks: 4 });
    expect(d.gates[0].status).toBe('inconclusive');
    expect(d.gates[0].ci).toEqual([0.994, 0.9998]);
    expect(d.gates[0].reason).toContain('always-valid 95% confidence sequence after 4 looks, n = 4,000');
    expect(d.verdict).toBe('hold');
  });

  it('rolls back as soon as the sequence is wholly on the bad side, naming the look', () => {
    const cs = healthy();
    cs[1] = withAv(cs[1], { target: 'canary', ci: [3050, 3600], looks: 3, n: 1500 });
    const d = decide(cs, DEFAULT_POLICY, { looks: 3 });
    expect(d.verdict).toBe('rollback');
    expect(d.gates[1].reason).toContain('failed at look 3 with the whole interval on the bad side');
  });

  it('at one look the fixed interval decides (it is valid for a single look); recommended gates never use it', () => {
    const cs = healthy();
    cs[0] = withAv(cs[0], { target: 'canary', ci: [0.994, 0.9998], looks: 1, n: 1000 });
    expect(decide(cs, DEFAULT_POLICY).gates[0].status).toBe('pass');
    // A sequence on another scale than the gate's (target mismatch) is ignored.
    const cs2 = healthy();
    cs2[3] = withAv(cs2[3], { target: 'canary', ci: [0.1, 0.2], looks: 5, n: 1000 });
    expect(decide(cs2, DEFAULT_POLICY, { looks: 5 }).gates[3].status).toBe('pass');
  });
});

describe('a sequence pooled over a history shows the pooled estimate, not this run’s (S’s report, 03:45)', () => {
  it('observed is the pooled estimate and the reason names this run’s own value', () => {
    const cs = healthy();
    cs[1] = mc('latency_p95_ms', 'ms', 'lower', [821, 790, 850]);
    const gates = {
      latency_p95_ms: {
        target: 'canary' as const,
        ci: [926, 1035] as [number, number],
        alpha: 0.05,
        looks: 3,
        n: 3900,
        estimate: 980,
        method: 'hand-made',
      },
    };
    const sequential = { looks: 3, gates, reason: '3 looks taken' } as unknown as SequentialSummary;
    const d = decide(cs, DEFAULT_POLICY, { sequential, looks: 3 });
    const g = d.gates[1];
    expect(g.observed).toBe(980);
    expect(g.ci).toEqual([926, 1035]);
    expect(g.reason).toContain(
      'canary, pooled over 3 looks, 980 ms (always-valid 95% confidence sequence after 3 looks',
    );
    expect(g.reason).toContain('this run alone 821 ms');
  });
});
