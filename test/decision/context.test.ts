import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decide, SRM_METRIC } from '../../src/decision/decide';
import { DEFAULT_POLICY, parsePolicy } from '../../src/decision/policy';
import { replaySequential } from '../../src/decision/sequential';
import { srmCheck } from '../../src/routing/srm';
import type { MetricComparison } from '../../src/types';
import { CONTRACT_UNITS, healthy as contractHealthy, mc } from './comparisons';

// Unit 'ratio' as the contract names success_rate's (the contract's metric names and units).
const healthy = (): MetricComparison[] => contractHealthy(CONTRACT_UNITS);
const failing = (): MetricComparison[] => {
  const cs = healthy();
  cs[0] = mc('success_rate', 'ratio', 'higher', [0.99, 0.9835, 0.9943]);
  return cs;
};

describe('stages: promote walks the plan, rollback falls back to shadow', () => {
  it('promote from each step goes to the next: shadow 5→10→15→20 %, flag 5→25 % (tiers first), percentage 25→50→100 %, full', () => {
    const walk: string[] = [];
    let position = DEFAULT_POLICY.plan[0];
    for (let k = 0; k < DEFAULT_POLICY.plan.length; k++) {
      const d = decide(healthy(), DEFAULT_POLICY, position);
      expect(d.verdict).toBe('promote');
      expect(d.stepIndex).toBe(k);
      expect(d.stage).toBe(position.stage);
      if (!d.next) {
        expect(k).toBe(DEFAULT_POLICY.plan.length - 1);
        expect(d.nextStage).toBeUndefined();
        break;
      }
      expect(d.nextStage).toBe(d.next.stage);
      expect(d.trafficPercent).toBe(d.next.trafficPercent);
      walk.push(
        `${d.next.stage} ${d.next.stage === 'shadow' ? `copies ${d.next.shadowPercent}` : d.next.trafficPercent}` +
          (d.next.targetTiers ? ` [${d.next.targetTiers.join(',')}]` : ''),
      );
      position = d.next;
    }
    expect(walk).toEqual([
      'shadow copies 10',
      'shadow copies 15',
      'shadow copies 20',
      'flag 5 [beta_tester,premium]',
      'flag 25 [beta_tester,premium]',
      'percentage 25',
      'percentage 50',
      'percentage 100',
      'full 100',
    ]);
  });

  it.each(DEFAULT_POLICY.plan.map((s, k) => [k, s] as const))(
    'rollback from step %i falls back to shadow at 5%, 0% served',
    (_k, step) => {
      const d = decide(failing(), DEFAULT_POLICY, step);
      expect(d.verdict).toBe('rollback');
      expect(d.nextStage).toBe('shadow');
      expect(d.trafficPercent).toBe(0);
      expect(d.fallback).toEqual({ stage: 'shadow', trafficPercent: 0, shadowPercent: 5 });
    },
  );

  it('hold keeps the current traffic and has no next stage', () => {
    const cs = healthy();
    cs[2] = mc('cost_per_1k_tokens_usd', 'USD/1K tokens', 'lower', [0.01, 0.0098, 0.0102], {
      relative: [0.25, 0.22, 0.28],
    });
    const d = decide(cs, DEFAULT_POLICY, { stage: 'percentage', trafficPercent: 50 });
    expect(d).toMatchObject({
      verdict: 'hold',
      stage: 'percentage',
      trafficPercent: 50,
      nextStage: undefined,
    });
  });

  it('error-rate consistency prints τ in points, never as a percentage (issue 17: it is a spread of rates)', () => {
    const d = decide(healthy());
    expect(d.gates[4].reason).toBe(
      'error-rate consistency: canary 0.02 pts (95% CI 0.00 pts to 0.06 pts); must stay below 0.10 pts: passed with the whole interval on the good side.',
    );
  });

  it('the old positional form and the DecideContext form decide the same', () => {
    const pos = { stage: 'flag' as const, trafficPercent: 5 };
    expect(decide(healthy(), DEFAULT_POLICY, { position: pos })).toEqual(
      decide(healthy(), DEFAULT_POLICY, pos),
    );
  });

  it("formats 'ratio' metrics as percentages and sizes a proportion gate with Wilson (unit 'ratio')", () => {
    const cs = healthy();
    cs[0] = mc('success_rate', 'ratio', 'higher', [1, 0.98735, 1]);
    cs[0].canary.n = 300;
    const d = decide(cs);
    // Zero failures in 300 calls: the Wilson bound clears 99.5% at n > 1.96²·0.995/0.005 = 764.45 → 465 more.
    expect(d.gates[0]).toMatchObject({ status: 'inconclusive', samplesNeeded: 465 });
    expect(d.gates[0].reason).toContain('canary 100.00% (95% CI 98.73% to 100.00%)');
  });
});

describe('SRM in decide', () => {
  const position = { stage: 'flag' as const, trafficPercent: 5 };

  it('a mismatch blocks promotion (hold, not rollback) with the observed vs expected split and p', () => {
    const srm = srmCheck({
      observed: { primary: 9000, canary: 1000 },
      expectedCanaryShare: 0.05,
      unit: 'users',
    });
    const d = decide(healthy(), DEFAULT_POLICY, { position, srm });
    expect(d.verdict).toBe('hold');
    expect(d.trafficPercent).toBe(5);
    expect(d.reasons[0]).toBe(
      'Promotion blocked: Sample ratio mismatch: observed 9,000 primary / 1,000 canary users (canary 10.00%), ' +
        'expected 9,500 / 500 at the configured 5.00%; χ² = 526.32, p = 1.79e-116 < 0.001: the split is broken, ' +
        'so the arms are not comparable.',
    );
    const gate = d.gates.find((g) => g.metric === SRM_METRIC);
    expect(gate).toMatchObject({
      gate: 'sample ratio',
      status: 'fail',
      severity: 'required',
      threshold: 0.05,
      observed: 0.1,
    });
    expect(d.srm?.mismatch).toBe(true);
  });

  it('a failed required gate still rolls back, and the SRM is mentioned', () => {
    const srm = srmCheck({ observed: { primary: 9000, canary: 1000 }, expectedCanaryShare: 0.05 });
    const d = decide(failing(), DEFAULT_POLICY, { position, srm });
    expect(d.verdict).toBe('rollback');
    expect(d.reasons.at(-1)).toMatch(/^Also: Sample ratio mismatch/);
  });

  it('a passing check lets the verdict stand and is reported', () => {
    const srm = srmCheck({ observed: { primary: 9500, canary: 500 }, expectedCanaryShare: 0.05 });
    const d = decide(healthy(), DEFAULT_POLICY, { position, srm });
    expect(d.verdict).toBe('promote');
    expect(d.gates.find((g) => g.metric === SRM_METRIC)?.status).toBe('pass');
    expect(d.reasons).toContain(srm.reason);
  });

  it("is re-judged at the policy's alpha, and severity 'recommended' only reports it", () => {
    // 10,250 / 9,750 at 50%: p = 0.000407 (scipy, test/fixtures/decision.json) — < 0.001 but not < 0.0001.
    const srm = srmCheck({ observed: { primary: 10250, canary: 9750 }, expectedCanaryShare: 0.5 });
    expect(srm.mismatch).toBe(true);
    const strict = parsePolicy({ ...DEFAULT_POLICY, srm: { alpha: 0.0001 } });
    expect(strict.srm.severity).toBe('required');
    expect(
      decide(healthy(), strict, { position: { stage: 'percentage', trafficPercent: 50 }, srm }).verdict,
    ).toBe('promote');
    const lenient = parsePolicy({ ...DEFAULT_POLICY, srm: { severity: 'recommended' } });
    const d = decide(healthy(), lenient, { position: { stage: 'percentage', trafficPercent: 50 }, srm });
    expect(d.verdict).toBe('promote');
    expect(d.reasons.at(-1)).toMatch(/^Reported only \(srm.severity is recommended\): Sample ratio mismatch/);
  });

  it('the policy fills in srm and sequential defaults and validates them', () => {
    const p = parsePolicy({ gates: DEFAULT_POLICY.gates, plan: DEFAULT_POLICY.plan });
    expect(p.srm).toEqual({ alpha: 0.001, severity: 'required' });
    // no tuning default: a history is tuned for its expected sample size (issue 17), not a constant 5,000:
    // the first look's calls per arm × 8 expected looks
    expect(p.sequential).toEqual({
      alpha: 0.05,
      expectedLooks: 8,
      blockOnHarm: true,
      alwaysValidGates: true,
    });
    expect(() => parsePolicy({ ...DEFAULT_POLICY, sequential: { expectedLooks: 0 } })).toThrow(
      /sequential\.expectedLooks/,
    );
    expect(() => parsePolicy({ ...DEFAULT_POLICY, srm: { alpha: 2 } })).toThrow(
      /srm\.alpha: expected a number < 1/,
    );
  });
});

describe('sequential monitoring in decide', () => {
  const look = (runId: string, p: [number, number], c: [number, number]) => ({
    runId,
    at: '2025-06-01T00:00:00.000Z',
    counts: { primary: { successes: p[0], n: p[1] }, canary: { successes: c[0], n: c[1] } },
  });

  it('says how many looks were taken', () => {
    const seq = replaySequential({
      alpha: 0.05,
      tuning: 5000,
      inputs: [
        look('d1', [995, 1000], [996, 1000]),
        look('d2', [996, 1000], [995, 1000]),
        look('d3', [997, 1000], [997, 1000]),
      ],
    });
    const d = decide(healthy(), DEFAULT_POLICY, { sequential: seq });
    // From look 2 on the success gate is judged on the history's always-valid sequence of the canary's
    // cumulative success rate (2,988 of 3,000 = 99.6%): it cannot yet certify > 99.5%, so the verdict holds.
    expect(seq.gates?.success_rate?.looks).toBe(3);
    expect(d.verdict).toBe('hold');
    expect(d.reasons.at(-1)).toMatch(
      /^Sequential monitoring: 3 looks taken; success rate: canary − primary 0\.00 pts/,
    );
    expect(d.sequential?.looks).toBe(3);
    expect(d.sequential).not.toHaveProperty('entries');
    // With no failure at all in 3,000 canary calls the sequence clears 99.5% and the canary is promoted.
    const clean = replaySequential({
      alpha: 0.05,
      tuning: 5000,
      inputs: [
        look('d1', [995, 1000], [1000, 1000]),
        look('d2', [996, 1000], [1000, 1000]),
        look('d3', [997, 1000], [1000, 1000]),
      ],
    });
    expect(decide(healthy(), DEFAULT_POLICY, { sequential: clean }).verdict).toBe('promote');
  });

  it('a confidence sequence showing the canary worse blocks promotion (blockOnHarm)', () => {
    const seq = replaySequential({
      alpha: 0.05,
      tuning: 5000,
      inputs: [look('d1', [990, 1000], [950, 1000]), look('d2', [992, 1000], [948, 1000])],
    });
    expect(seq.harm).toBe(true);
    // The canary's own success sequence (1,898 of 2,000) is wholly below 99.5%: a required gate fails.
    expect(decide(healthy(), DEFAULT_POLICY, { sequential: seq }).verdict).toBe('rollback');
    // Without the gates' sequences (a history of counts only), the harm alone blocks promotion.
    const { gates: _gates, ...harmOnly } = seq;
    const d = decide(healthy(), DEFAULT_POLICY, { sequential: harmOnly });
    expect(d.verdict).toBe('hold');
    expect(d.reasons).toContain(
      'Promotion blocked by sequential monitoring: the canary is worse than the primary.',
    );
    const off = parsePolicy({ ...DEFAULT_POLICY, sequential: { blockOnHarm: false } });
    expect(decide(healthy(), off, { sequential: harmOnly }).verdict).toBe('promote');
  });
});

describe('README and behaviour agree on the sample-ratio gate (issue 17 point 5)', () => {
  it('the gate is added only with the configured share, as the README row says', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const row = readme.split('\n').find((l) => l.startsWith('| sample ratio |'));
    expect(row).toContain('only with the configured share: `canarylab decide --canary-share <share>`');
    expect(readme).toContain('`canarylab run` does not add it');
    // Behaviour: no SRM result, no sample-ratio gate; with one, the gate is there.
    expect(decide(healthy()).gates.map((g) => g.gate)).not.toContain('sample ratio');
    const srm = srmCheck({ observed: { primary: 9500, canary: 500 }, expectedCanaryShare: 0.05 });
    expect(decide(healthy(), DEFAULT_POLICY, { srm }).gates.map((g) => g.gate)).toContain('sample ratio');
  });

  it('`canarylab run` has no --canary-share option; `canarylab decide` has it', () => {
    // The commands live in src/cli/commands/ (one file each); read run's and decide's, in that order.
    const main = ['run.ts', 'decide.ts']
      .map((f) => readFileSync(join(__dirname, '..', '..', 'src', 'cli', 'commands', f), 'utf8'))
      .join('');
    const runCmd = main.slice(
      main.indexOf(".command('run')"),
      main.indexOf(".command('", main.indexOf(".command('run')") + 1),
    );
    const decideCmd = main.slice(
      main.indexOf(".command('decide')"),
      main.indexOf(".command('", main.indexOf(".command('decide')") + 1),
    );
    expect(runCmd).not.toContain('--canary-share');
    expect(decideCmd).toContain('--canary-share');
  });
});
