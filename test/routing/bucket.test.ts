import { describe, expect, it } from 'vitest';
import { bucketOf, routeToCanary, simulateRollout } from '../../src/routing/bucket';
import { chiSquareGoodnessOfFit } from '../../src/stats/chiSquareGoodnessOfFit';

describe('bucketOf', () => {
  it('is the router rule cyrb53(id) % 100 (JSDoc example: 7929297801672961 % 100 = 61)', () => {
    expect(bucketOf('a')).toBe(61);
  });

  it('spreads 100,000 ids uniformly over 100 buckets (chi-square goodness of fit)', () => {
    const counts = new Array<number>(100).fill(0);
    for (let i = 0; i < 100_000; i++) counts[bucketOf(`user-${i}`)]++;
    const r = chiSquareGoodnessOfFit(counts, new Array<number>(100).fill(1));
    // Under uniformity p ~ U(0, 1); a broken hash (e.g. sequential ids clustering) gives p ≈ 0.
    expect(r.pValue).toBeGreaterThan(0.001);
    expect(Math.min(...counts)).toBeGreaterThan(850);
  });

  it('a salt decorrelates experiments', () => {
    let same = 0;
    for (let i = 0; i < 10_000; i++) if (bucketOf(`u${i}`) === bucketOf(`u${i}`, { salt: 'exp-2' })) same++;
    // Independent buckets agree 1% of the time: expect about 100 of 10,000.
    expect(same).toBeGreaterThan(50);
    expect(same).toBeLessThan(160);
  });

  it('rejects a non-string id', () => {
    expect(() => bucketOf(42 as unknown as string)).toThrow('bucketOf: id must be a string, got number');
  });
});

describe('routeToCanary and simulateRollout', () => {
  const users = Array.from({ length: 20_000 }, (_, i) => ({
    userId: `user-${i}`,
    tier: i % 50 === 0 ? 'beta_tester' : 'free',
  }));

  it('target tiers always go to the canary; others by bucket', () => {
    expect(
      routeToCanary('user-0', { percentage: 0, targetTiers: ['beta_tester'], tier: 'beta_tester' }),
    ).toBe(true);
    expect(routeToCanary('a', { percentage: 61 })).toBe(false); // bucket 61 is not < 61
    expect(routeToCanary('a', { percentage: 62 })).toBe(true);
    expect(() => routeToCanary('a', { percentage: 101 })).toThrow('percentage must be in [0, 100], got 101');
  });

  it('realises the planned shares and never moves a user back to the primary', () => {
    const plan = [
      { stage: 'flag', percentage: 5, targetTiers: ['beta_tester'] },
      { stage: 'flag', percentage: 25, targetTiers: ['beta_tester'] },
      { stage: 'percentage', percentage: 50 },
      { stage: 'percentage', percentage: 100 },
    ];
    const steps = simulateRollout(users, plan);
    // Expected share with targeting: 2% beta testers + 98% × p.
    expect(steps[0].realisedShare).toBeCloseTo(0.02 + 0.98 * 0.05, 1);
    expect(steps[1].realisedShare).toBeCloseTo(0.02 + 0.98 * 0.25, 1);
    expect(steps[2].realisedShare).toBeCloseTo(0.5, 1);
    expect(steps[3].realisedShare).toBe(1);
    // Only where the plan drops tier targeting (step index 2) can a beta tester with bucket ≥ 50 leave.
    expect(steps[1].flippedBack).toBe(0);
    expect(steps[3].flippedBack).toBe(0);
  });
});
