import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/decision/decide';
import { DEFAULT_POLICY } from '../../src/decision/policy';
import { replaySequential } from '../../src/decision/sequential';
import { readDecision, writeDecision } from '../../src/decision/writeDecision';
import { srmCheck } from '../../src/routing/srm';
import type { MetricComparison } from '../../src/types';

const comparison = (metric: string, canary: [number, number, number]): MetricComparison => ({
  metric,
  unit: metric === 'success_rate' ? 'ratio' : 'ms',
  better: metric === 'success_rate' ? 'higher' : 'lower',
  primary: { n: 2000, estimate: canary[0], ci: [canary[1], canary[2]] },
  canary: { n: 2000, estimate: canary[0], ci: [canary[1], canary[2]] },
  delta: { estimate: 0, ci: [-0.01, 0.01] },
  test: { method: 'hand-made', statistic: 0, pValue: 1 },
});

describe('writeDecision', () => {
  it('writes decision.json with gates, reasons, plan steps, the SRM check and the sequential state', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'canarylab-dec-')), 'runs', 'r1');
    const srm = srmCheck({
      observed: { primary: 9000, canary: 1000 },
      expectedCanaryShare: 0.05,
      unit: 'users',
    });
    const sequential = replaySequential({
      alpha: 0.05,
      tuning: 5000,
      inputs: [
        {
          runId: 'r1',
          at: '2025-06-01T00:00:00.000Z',
          counts: { primary: { n: 2000, successes: 1998 }, canary: { n: 2000, successes: 1999 } },
        },
      ],
    });
    // Cost is missing: its gate is inconclusive with NaN observed, which JSON writes as null.
    const d = decide(
      [
        comparison('success_rate', [0.9995, 0.9972, 0.9999]),
        comparison('latency_p95_ms', [1500, 1400, 1600]),
      ],
      DEFAULT_POLICY,
      { position: { stage: 'flag', trafficPercent: 5 }, srm, sequential },
    );
    const file = await writeDecision(dir, d);
    expect(file).toBe(join(dir, 'decision.json'));
    const json = JSON.parse(readFileSync(file, 'utf8'));
    expect(json.verdict).toBe('hold');
    expect(json.stage).toBe('flag');
    expect(json.current).toEqual({
      stage: 'flag',
      trafficPercent: 5,
      targetTiers: ['beta_tester', 'premium'],
    });
    expect(json.fallback).toEqual({ stage: 'shadow', trafficPercent: 0, shadowPercent: 5 });
    expect(json.srm).toMatchObject({
      observed: { primary: 9000, canary: 1000 },
      mismatch: true,
      unit: 'users',
    });
    expect(json.sequential.looks).toBe(1);
    expect(json.sequential).not.toHaveProperty('entries');
    const cost = json.gates.find((g: { metric: string }) => g.metric === 'cost_per_1k_tokens_usd');
    expect(cost).toMatchObject({ status: 'inconclusive', observed: null, ci: [null, null] });
    expect(json.reasons).toEqual(d.reasons);
    expect(await readDecision(dir)).toEqual(json);
  });

  it('names the file when reading a missing decision', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'canarylab-dec-'));
    await expect(readDecision(dir)).rejects.toThrow(
      `${join(dir, 'decision.json')}: cannot read the decision (ENOENT)`,
    );
  });
});
