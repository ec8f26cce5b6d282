import { describe, expect, it } from 'vitest';
import { addAlwaysValid } from '../../src/analysis/alwaysValid';
import { analyzeRun } from '../../src/analysis/analyzeRun';
import {
  fixedCell,
  type Monitored,
  monitoredLook,
  productionConsistencyCell,
  sequentialCell,
} from '../../src/calibration/calibrate';
import { fixedHorizonN, promotePower } from '../../src/calibration/fixedHorizon';
import { generateRecords } from '../../src/calibration/generate';
import { checkGoals, runCalibration } from '../../src/calibration/run';
import { SCENARIOS } from '../../src/calibration/scenarios';
import { calibrationMarkdown } from '../../src/calibration/table';
import { DEFAULT_POLICY } from '../../src/decision/policy';
import type { CallRecord, ScoreRecord } from '../../src/types';

const scenario = (id: string) => {
  const s = SCENARIOS.find((x) => x.id === id);
  if (!s) throw new Error(id);
  return s;
};

const policy = DEFAULT_POLICY;

describe('the generator draws what it states', () => {
  it('pairs quality with the stated discordance and marginal rates (20,000 items, 4-SE bands)', () => {
    const s = scenario('better5'); // primary 80%, canary 85%, discordance 15%
    const { scores } = generateRecords({ truth: s.generator, n: 20_000, seed: 3 });
    const by = new Map<string, { p?: boolean; c?: boolean }>();
    for (const r of scores) {
      const e = by.get(r.itemId) ?? {};
      if (r.arm === 'primary') e.p = r.pass;
      else e.c = r.pass;
      by.set(r.itemId, e);
    }
    const pairs = [...by.values()].filter((e) => e.p !== undefined && e.c !== undefined);
    const n = pairs.length;
    const disc = pairs.filter((e) => e.p !== e.c).length / n;
    const pc = pairs.filter((e) => e.c).length / n;
    const pp = pairs.filter((e) => e.p).length / n;
    const band = (p: number) => 4 * Math.sqrt((p * (1 - p)) / n);
    expect(Math.abs(disc - 0.15)).toBeLessThan(band(0.15));
    expect(Math.abs(pc - 0.85)).toBeLessThan(band(0.85));
    expect(Math.abs(pp - 0.8)).toBeLessThan(band(0.8));
  });

  it('is seeded: the same seed gives the same records', () => {
    const a = generateRecords({ truth: scenario('identical').generator, n: 50, seed: 9 });
    const b = generateRecords({ truth: scenario('identical').generator, n: 50, seed: 9 });
    expect(a).toEqual(b);
  });
});

describe('calibration, fast subset (full table: npm run calibrate)', () => {
  it('identical canary at n = 1,319 promotes at the normal-approximation power (27.4%), within a 4-SE band', () => {
    // Hand-derived power: success gate Φ((√1319·(0.999 − 0.995) − 1.96·√(0.995·0.005))/√(0.999·0.001)) = 0.9878;
    // quality gate Φ(0.02/√(0.15/1317.7) − 1.96) = Φ(1.8745 − 1.96) = 0.4660 (1317.7 ok pairs); product 0.2737.
    const power = promotePower({ truth: scenario('identical').generator, n: 1319 });
    expect(power).toBeCloseTo(0.2737, 3);
    const runs = 120;
    const c = fixedCell({ scenario: scenario('identical'), n: 1319, runs, seed: 11, policy });
    const se = Math.sqrt((power * (1 - power)) / runs);
    expect(Math.abs(c.promote.rate - power)).toBeLessThan(4 * se);
    expect(c.rollback.count).toBe(0);
  });

  it('bad canaries are not promoted at n = 1,319: quality −8 points held, success 99.0% never promoted', () => {
    const worse = fixedCell({ scenario: scenario('worse8'), n: 1319, runs: 30, seed: 12, policy });
    expect(worse.promote.count).toBe(0);
    expect(worse.hold.count).toBe(30);
    const s990 = fixedCell({ scenario: scenario('success990'), n: 1319, runs: 30, seed: 13, policy });
    expect(s990.promote.count).toBe(0);
    // P95 3.3 s (lognormal σ = ln 2.5/1.645 = 0.557): the P95 estimate's SE at ~1,318 ok calls is
    // √(0.05·0.95/1318)/f(ξ) with f(ξ) = φ(1.645)/(3300·0.557), i.e. ≈ 107 ms, so its lower bound clears
    // 3,000 ms with probability ≈ Φ(300/107 − 1.96) ≈ 0.80: never promoted, rolled back in most runs.
    const p95 = fixedCell({ scenario: scenario('p95_3300'), n: 1319, runs: 20, seed: 14, policy });
    expect(p95.promote.count).toBe(0);
    expect(p95.rollback.count).toBeGreaterThanOrEqual(10);
  });

  it('sequential monitoring stops a clearly bad canary at an early look and counts samples to it', () => {
    const c = sequentialCell({
      scenario: scenario('worse8'),
      lookSize: 500,
      maxLooks: 10,
      runs: 20,
      seed: 15,
      policy,
    });
    expect(c.promote.count).toBe(0);
    expect(c.sequential?.correct.count).toBe(20);
    expect(c.sequential?.medianToCorrect).toBeLessThanOrEqual(2000);
  });

  it('consistency gate at production sizes: the burst fails, steady 0.3% passes over a week of hours', () => {
    const burst = productionConsistencyCell({
      scenario: scenario('burst'),
      size: { callsPerDay: 50_000, days: 1 },
      runs: 50,
      seed: 16,
      policy,
    });
    expect(burst.consistency?.fail.count).toBeGreaterThanOrEqual(45);
    const steady = productionConsistencyCell({
      scenario: scenario('steady03'),
      size: { callsPerDay: 50_000, days: 7 },
      runs: 50,
      seed: 17,
      policy,
    });
    expect(steady.consistency?.pass.count).toBeGreaterThanOrEqual(45);
    expect(steady.consistency?.fail.count).toBe(0);
  });

  it('fixed-horizon n is the smallest n reaching the power', () => {
    const t = scenario('identical').generator;
    const n = fixedHorizonN({ truth: t, power: 0.9 });
    expect(promotePower({ truth: t, n })).toBeGreaterThanOrEqual(0.9);
    expect(promotePower({ truth: t, n: n - 1 })).toBeLessThan(0.9);
  });

  it('the whole pipeline renders the goals and the table', () => {
    const r = runCalibration({
      runs: 4,
      scenarios: ['worse8', 'burst'],
      sizes: [1319],
      lookSize: 0,
      policy,
      productionSizes: [{ callsPerDay: 50_000, days: 1 }],
    });
    expect(r.cells.map((c) => c.design)).toEqual([
      'n = 1,319',
      'n = 1,319',
      'logs 50,000/day × 1 d (hourly windows, consistency gate only)',
    ]);
    expect(checkGoals(r.cells, r.efficiency)[0].goal).toContain('false promotion ≤ 5%');
    const md = calibrationMarkdown(r, 'npm run calibrate');
    expect(md).toContain('| quality 8 points worse | n = 1,319 | 0.0% [0.0, 49.0] |');
    expect(md).toContain('### Generator assumptions');
  });
});

describe('sequential looks on merged summaries equal the analysis of all records so far', () => {
  it('after 4 looks: success, P95, cost, quality, consistency and their always-valid sequences match analyzeRun', () => {
    const s = scenario('identical');
    const state: Monitored = { quality: { n: 0, b: 0, c: 0, xp: 0, xc: 0 } };
    const calls: CallRecord[] = [];
    const scores: ScoreRecord[] = [];
    let last: ReturnType<typeof monitoredLook> | undefined;
    for (let look = 1; look <= 4; look++) {
      const add = generateRecords({
        truth: s.generator,
        n: 500,
        seed: 5,
        firstItem: (look - 1) * 500,
        hours: { start: (look - 1) * 0.8, end: look * 0.8 },
      });
      calls.push(...add.calls);
      scores.push(...add.scores);
      last = monitoredLook(state, add, {
        policy: DEFAULT_POLICY,
        analyze: { segments: false },
        look,
        expectedSamples: 15000,
      });
    }
    const a = analyzeRun(
      { runId: 'calibration', calls, scores, pairwise: [] },
      { segments: false, windowMs: 3_600_000 },
    );
    const q = a.quality.find((x) => x.scorer === 'quality');
    addAlwaysValid({
      comparisons: a.comparisons,
      summary: a.summary,
      quality: q,
      confidence: 0.95,
      expectedSamples: 15000,
      looks: 4,
    });
    for (const m of [
      'success_rate',
      'latency_p95_ms',
      'cost_per_1k_tokens_usd',
      'quality',
      'error_rate_consistency',
    ]) {
      const want = a.comparisons.find((x) => x.metric === m && !x.segment);
      const got = last?.comparisons.find((x) => x.metric === m);
      expect(got, m).toBeDefined();
      expect(got?.canary.estimate, m).toBeCloseTo(want?.canary.estimate as number, 9);
      expect(got?.delta.ci[0], m).toBeCloseTo(want?.delta.ci[0] as number, 9);
      expect(got?.delta.ci[1], m).toBeCloseTo(want?.delta.ci[1] as number, 9);
      // Cost sums are floats added in another order: equal to rounding.
      expect(got?.alwaysValid === undefined, m).toBe(want?.alwaysValid === undefined);
      if (want?.alwaysValid) {
        expect(got?.alwaysValid?.ci[0], m).toBeCloseTo(want.alwaysValid.ci[0], 9);
        expect(got?.alwaysValid?.ci[1], m).toBeCloseTo(want.alwaysValid.ci[1], 9);
      }
    }
  });
});
