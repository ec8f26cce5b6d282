import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/decision/policy';
import { bucketOf, routeToCanary, rulesFromPlan, simulateRollout } from '../../src/routing/bucket';
import { chiSquareGoodnessOfFit } from '../../src/stats/chiSquareGoodnessOfFit';
import { createRng } from '../../src/stats/random';

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
    // Within 4 binomial standard errors at n = 20,000 (SE ≤ 0.0036).
    const within = (share: number, planned: number) =>
      expect(Math.abs(share - planned)).toBeLessThan(4 * Math.sqrt((planned * (1 - planned)) / 20_000));
    within(steps[0].realisedShare, 0.02 + 0.98 * 0.05);
    within(steps[1].realisedShare, 0.02 + 0.98 * 0.25);
    within(steps[2].realisedShare, 0.5);
    expect(steps[3].realisedShare).toBe(1);
    // Only where the plan drops tier targeting (step index 2) can a beta tester with bucket ≥ 50 leave.
    expect(steps[1].flippedBack).toBe(0);
    expect(steps[3].flippedBack).toBe(0);
  });
});

// The oracle: the playbook's own cyrb53 (test/fixtures/playbook-cyrb53.js), and its bucket rule hash % 100.
const { cyrb53: playbook } = createRequire(__filename)('../fixtures/playbook-cyrb53.js') as {
  cyrb53: (s: string, seed?: number) => number;
};

describe('bucketOf equals the playbook router bucket cyrb53(userId) % 100', () => {
  const ids: Array<[string, string]> = [
    ['ASCII', 'user-42'],
    ['ASCII e-mail', 'alice@example.com'],
    ['non-ASCII (Vietnamese)', 'Người dùng số 7'],
    ['non-ASCII (CJK + emoji, surrogate pairs)', '用户😀🚀'],
    ['empty', ''],
    ['1,000 characters', 'u'.repeat(1000)],
    [
      '1,000 mixed characters',
      Array.from({ length: 1000 }, (_, i) => String.fromCharCode(33 + ((i * 37) % 8000))).join(''),
    ],
  ];
  it.each(ids)('%s', (_label, id) => {
    expect(bucketOf(id)).toBe(playbook(id) % 100);
    expect(routeToCanary(id, { percentage: 37 })).toBe(playbook(id) % 100 < 37);
  });

  it('a salt hashes "salt:id"', () => {
    expect(bucketOf('Người dùng', { salt: 'exp-2' })).toBe(playbook('exp-2:Người dùng') % 100);
  });

  it('random (non-sequential) ids are uniform too: 100,000 seeded 16-hex-digit ids, chi-square p > 0.001', () => {
    const rng = createRng(7);
    const counts = new Array<number>(100).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const id =
        rng.nextUint32().toString(16).padStart(8, '0') + rng.nextUint32().toString(16).padStart(8, '0');
      counts[bucketOf(id)]++;
    }
    const r = chiSquareGoodnessOfFit(counts, new Array<number>(100).fill(1));
    expect(r.df).toBe(99);
    expect(r.pValue).toBeGreaterThan(0.001);
  });
});

describe('simulateRollout over the default policy plan', () => {
  // 20,000 users: beta testers i % 50 = 0 (2%), premium i % 100 in {1, 2, 3} (3%): 5% in the flag steps' target tiers.
  const users = Array.from({ length: 20_000 }, (_, i) => ({
    userId: `cust-${i.toString(36)}`,
    tier: i % 50 === 0 ? 'beta_tester' : i % 100 < 4 ? 'premium' : 'free',
  }));
  const steps = simulateRollout(users, rulesFromPlan(DEFAULT_POLICY.plan));

  it('has one result per plan step with the planned percentages (shadow 5→20, flag 5→25, percentage 25→50→100, full)', () => {
    expect(steps.map((s) => `${s.stage} ${s.percentage}`)).toEqual([
      'shadow 5',
      'shadow 10',
      'shadow 15',
      'shadow 20',
      'flag 5',
      'flag 25',
      'percentage 25',
      'percentage 50',
      'percentage 100',
      'full 100',
    ]);
  });

  it('realised share per step = the count by the playbook hash, within 4 binomial SE of the planned share', () => {
    const plan = rulesFromPlan(DEFAULT_POLICY.plan);
    const targeted = users.filter((u) => u.tier !== 'free').length / users.length;
    steps.forEach((s, k) => {
      const rule = plan[k];
      // Independent count: target tier → canary, else playbook cyrb53 % 100 < percentage.
      const count = users.filter(
        (u) => (rule.targetTiers?.includes(u.tier) ?? false) || playbook(u.userId) % 100 < rule.percentage,
      ).length;
      expect(s.canaryUsers).toBe(count);
      const p = rule.percentage / 100;
      const planned = rule.targetTiers ? targeted + (1 - targeted) * p : p;
      const se = Math.sqrt((planned * (1 - planned)) / users.length);
      expect(Math.abs(s.realisedShare - planned)).toBeLessThanOrEqual(4 * se + 1e-12);
    });
    expect(targeted).toBe(0.05);
  });

  it('sticky: raising the percentage only adds users, except where targeting is dropped (flag 25 → percentage 25)', () => {
    expect(steps.map((s) => s.copiesOnly)).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    // Dropping the target tiers sends back exactly the targeted users whose bucket is ≥ 25.
    const back = users.filter((u) => u.tier !== 'free' && playbook(u.userId) % 100 >= 25).length;
    expect(back).toBeGreaterThan(0);
    expect(steps.map((s) => s.flippedBack)).toEqual([0, 0, 0, 0, 0, 0, back, 0, 0, 0]);
  });
});
