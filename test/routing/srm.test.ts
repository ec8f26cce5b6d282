import { describe, expect, it } from 'vitest';
import { srmCheck } from '../../src/routing/srm';
import { expectClose, loadFixture } from '../helpers/fixtures';

interface Case {
  name: string;
  primary: number;
  canary: number;
  share: number;
  alpha: number;
  statistic: number;
  pValue: number;
  expected: [number, number];
  ci: [number, number];
  mismatch: boolean;
}
const fx = loadFixture<{ srm: Case[] }>('decision.json');

describe('srmCheck matches scipy.stats.chisquare and the statsmodels Wilson interval (generate_decision.py)', () => {
  it.each(fx.srm.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const r = srmCheck({
      observed: { primary: c.primary, canary: c.canary },
      expectedCanaryShare: c.share,
      alpha: c.alpha,
    });
    expectClose(r.statistic, c.statistic, 1e-12, 1e-12, 'statistic');
    expectClose(r.pValue, c.pValue, 1e-9, 1e-300, 'pValue');
    expectClose(r.expected.primary, c.expected[0], 1e-12);
    expectClose(r.expected.canary, c.expected[1], 1e-12);
    expectClose(r.ci[0], c.ci[0], 1e-9, 1e-12, 'ci lo');
    expectClose(r.ci[1], c.ci[1], 1e-9, 1e-12, 'ci hi');
    expect(r.mismatch).toBe(c.mismatch);
    // The interval and the test agree: mismatch exactly when the configured share is outside the interval.
    expect(r.mismatch).toBe(!(r.ci[0] <= c.share && c.share <= r.ci[1]));
  });

  it('names the observed and expected split and p in its reason', () => {
    const r = srmCheck({
      observed: { primary: 9000, canary: 1000 },
      expectedCanaryShare: 0.05,
      unit: 'users',
    });
    expect(r.reason).toBe(
      'Sample ratio mismatch: observed 9,000 primary / 1,000 canary users (canary 10.00%), expected 9,500 / 500 ' +
        'at the configured 5.00%; χ² = 526.32, p = 1.79e-116 < 0.001: the split is broken, so the arms are not comparable.',
    );
    expect(r.observedCanaryShare).toBe(0.1);
  });

  it('rejects bad input with the field named', () => {
    expect(() => srmCheck({ observed: { primary: -1, canary: 3 }, expectedCanaryShare: 0.5 })).toThrow(
      'srmCheck: observed.primary must be an integer >= 0, got -1',
    );
    expect(() => srmCheck({ observed: { primary: 1, canary: 3 }, expectedCanaryShare: 5 })).toThrow(
      'expectedCanaryShare must be strictly between 0 and 1, got 5',
    );
    expect(() => srmCheck({ observed: { primary: 0, canary: 0 }, expectedCanaryShare: 0.5 })).toThrow(
      'srmCheck: no units observed in either arm',
    );
  });
});
