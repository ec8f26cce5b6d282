import { describe, expect, it } from 'vitest';
import { clopperPearsonInterval } from '../../src/stats/clopperPearsonInterval';
import { wilsonInterval } from '../../src/stats/wilsonInterval';
import { expectClose, loadFixture, type Ref } from '../helpers/fixtures';

// Covers src/stats/wilsonInterval.ts and src/stats/clopperPearsonInterval.ts (same fixture rows).
const fx = loadFixture<{
  proportionIntervals: {
    successes: number;
    n: number;
    confidence: number;
    wilson: Ref[];
    clopperPearson: Ref[];
  }[];
}>('stats.json');

describe('binomial proportion intervals match statsmodels proportion_confint', () => {
  it.each(fx.proportionIntervals.map((c) => [`${c.successes}/${c.n} @${c.confidence}`, c] as const))(
    '%s',
    (_n, c) => {
      const w = wilsonInterval(c.successes, c.n, { confidence: c.confidence });
      expect(w.estimate).toBe(c.successes / c.n);
      expectClose(w.lower, c.wilson[0], 1e-9, 1e-15, 'wilson lower');
      expectClose(w.upper, c.wilson[1], 1e-9, 1e-15, 'wilson upper');
      const cp = clopperPearsonInterval(c.successes, c.n, { confidence: c.confidence });
      expectClose(cp.lower, c.clopperPearson[0], 1e-9, 1e-15, 'clopper-pearson lower');
      expectClose(cp.upper, c.clopperPearson[1], 1e-9, 1e-15, 'clopper-pearson upper');
    },
  );

  it('runs the JSDoc examples', () => {
    expect(wilsonInterval(0, 10).upper).toBeCloseTo(0.2775327998628899, 12);
    // Clopper–Pearson at x = n: lower = (α/2)^(1/n) = 0.025^(1/10).
    expect(clopperPearsonInterval(10, 10).lower).toBeCloseTo(0.025 ** 0.1, 12);
  });

  it('rejects bad input naming the function and argument', () => {
    expect(() => wilsonInterval(5, 0)).toThrow('wilsonInterval: n must be >= 1, got 0');
    expect(() => wilsonInterval(11, 10)).toThrow('wilsonInterval: successes must be <= n (10), got 11');
    expect(() => wilsonInterval(1.5, 10)).toThrow('wilsonInterval: successes must be an integer, got 1.5');
    expect(() => wilsonInterval(1, 10, { confidence: 95 })).toThrow(
      'wilsonInterval: confidence must be in (0, 1), got 95',
    );
    expect(() => clopperPearsonInterval(-1, 10)).toThrow(
      'clopperPearsonInterval: successes must be >= 0, got -1',
    );
  });
});
