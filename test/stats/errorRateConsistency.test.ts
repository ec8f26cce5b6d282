import { describe, expect, it } from 'vitest';
import { errorRateConsistency, type WindowCounts } from '../../src/stats/errorRateConsistency';
import { expectClose, loadFixture } from '../helpers/fixtures';

interface Case {
  name: string;
  windows: WindowCounts[];
  confidence: number;
  Q: number;
  df: number;
  pValue: number;
  tau2: number;
  tau2Ci: [number, number];
  tauPoints: number;
  ciPoints: [number, number];
}
const fx = loadFixture<{ cases: Case[] }>('consistency.json');

describe('errorRateConsistency matches statsmodels (Paule–Mandel τ²) and scipy (Q-profile interval)', () => {
  it.each(fx.cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const r = errorRateConsistency(Object.freeze(c.windows.map((w) => Object.freeze({ ...w }))), {
      confidence: c.confidence,
    });
    expectClose(r.statistic, c.Q, 1e-9, 1e-12, 'Q');
    expect(r.df).toBe(c.df);
    expectClose(r.pValue, c.pValue, 1e-7, 1e-300, 'pValue');
    expectClose(r.tau2, c.tau2, 1e-8, 1e-16, 'tau2');
    expectClose(r.tau2Ci[0], c.tau2Ci[0], 1e-8, 1e-16, 'tau2 lower');
    expectClose(r.tau2Ci[1], c.tau2Ci[1], 1e-8, 1e-16, 'tau2 upper');
    expectClose(r.estimate, c.tauPoints, 1e-7, 1e-9, 'tau points');
    expectClose(r.ci[0], c.ciPoints[0], 1e-7, 1e-9, 'lower points');
    expectClose(r.ci[1], c.ciPoints[1], 1e-7, 1e-9, 'upper points');
    expect(r.ci[0]).toBeLessThanOrEqual(r.estimate);
    expect(r.ci[1]).toBeGreaterThanOrEqual(r.estimate);
  });

  it('reads in percentage points: the burst hour puts τ far above 0.1 points, steady 0.3% keeps τ̂ = 0', () => {
    const burst = fx.cases[0];
    const steady = fx.cases[1];
    expect(errorRateConsistency(burst.windows).ci[0]).toBeGreaterThan(1);
    expect(errorRateConsistency(steady.windows).estimate).toBe(0);
  });

  it('hand-derived: two equal windows, Q(0) = (y₁ − y₂)²/(2v); equal windows make Q(τ²) = Q(0)·v/(v + τ²)', () => {
    // 1000 calls each, 2 and 40 failures: p̃ = 42.5/2001, v = p̃(1 − p̃)/1000, y = 0.002, 0.04.
    const p = 42.5 / 2001;
    const v = (p * (1 - p)) / 1000;
    const q0 = (0.038 * 0.038) / (2 * v);
    const r = errorRateConsistency([
      { calls: 1000, failures: 2 },
      { calls: 1000, failures: 40 },
    ]);
    expect(r.statistic).toBeCloseTo(q0, 9);
    // Paule–Mandel: Q(τ²) = 1 ⇒ τ² = v·(Q(0) − 1).
    expect(r.tau2 / (v * (q0 - 1))).toBeCloseTo(1, 9);
    expect(r.method).toContain('Paule–Mandel');
  });

  it('no failures anywhere: τ̂ = 0 and a finite upper end at the data resolution, not a false [0, 0]', () => {
    const r = errorRateConsistency(Array.from({ length: 20 }, () => ({ calls: 66, failures: 0 })));
    expect(r.estimate).toBe(0);
    expect(r.ci[1]).toBeGreaterThan(0.1);
    expect(Number.isFinite(r.ci[1])).toBe(true);
  });

  it('rejects bad input, naming the window and field', () => {
    expect(() => errorRateConsistency([{ calls: 10, failures: 1 }])).toThrow(
      'errorRateConsistency: windows needs at least 2 windows, got 1',
    );
    expect(() =>
      errorRateConsistency([
        { calls: 10, failures: 1 },
        { calls: 10, failures: 11 },
      ]),
    ).toThrow('windows[1].failures must be in [0, 10], got 11');
    expect(() =>
      errorRateConsistency([
        { calls: 0, failures: 0 },
        { calls: 10, failures: 1 },
      ]),
    ).toThrow('windows[0].calls must be >= 1, got 0');
    expect(() =>
      errorRateConsistency([{ calls: 1.5, failures: 0 } as WindowCounts, { calls: 2, failures: 0 }]),
    ).toThrow(TypeError);
    expect(() => errorRateConsistency('x' as unknown as WindowCounts[])).toThrow('windows must be an array');
    expect(() =>
      errorRateConsistency(
        [
          { calls: 10, failures: 1 },
          { calls: 10, failures: 1 },
        ],
        { confidence: 1 },
      ),
    ).toThrow('confidence must be in (0, 1)');
  });
});
