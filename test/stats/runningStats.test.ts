import { describe, expect, it } from 'vitest';
import { RunningStats } from '../../src/stats/runningStats';
import { expectClose, loadFixture, type Ref } from '../helpers/fixtures';

const fx = loadFixture<{
  samples: Record<string, number[]>;
  moments: { sample: string; mean: Ref; variance: Ref }[];
}>('stats.json');

describe('RunningStats (Welford, mergeable)', () => {
  it.each(fx.moments.map((c) => [c.sample, c] as const))(
    '%s: streaming and merged shards match numpy',
    (_n, c) => {
      const x = fx.samples[c.sample];
      const all = new RunningStats();
      for (const v of x) all.push(v);
      expect(all.count()).toBe(x.length);
      expectClose(all.mean(), c.mean, 1e-9, 1e-15);
      expectClose(all.variance(), c.variance, 1e-9, 1e-15);
      // Split in three uneven shards, merge: same numbers.
      const cut1 = Math.floor(x.length / 3);
      const cut2 = Math.floor((2 * x.length) / 3) + 1;
      const shards = [x.slice(0, cut1), x.slice(cut1, cut2), x.slice(cut2)].map((s) => {
        const r = new RunningStats();
        for (const v of s) r.push(v);
        return r;
      });
      const merged = shards.reduce((acc, s) => acc.merge(s), new RunningStats());
      expect(merged.count()).toBe(x.length);
      expectClose(merged.mean(), c.mean, 1e-9, 1e-15);
      expectClose(merged.variance(), c.variance, 1e-9, 1e-15);
      expect(merged.min()).toBe(Math.min(...x));
      expect(merged.max()).toBe(Math.max(...x));
    },
  );

  it('stays accurate with a large offset (where the naive sum-of-squares formula fails)', () => {
    // 1e9 + {4, 7, 13, 16}: mean 1e9 + 10, variance (36 + 9 + 9 + 36)/3 = 30 exactly.
    const s = new RunningStats();
    for (const v of [4, 7, 13, 16]) s.push(1e9 + v);
    expect(s.mean()).toBe(1e9 + 10);
    expect(s.variance()).toBeCloseTo(30, 6);
  });

  it('runs the JSDoc example and reports NaN before enough data', () => {
    const s = new RunningStats();
    expect(Number.isNaN(s.mean())).toBe(true);
    for (const x of [1, 2, 3, 4]) s.push(x);
    expect(s.mean()).toBe(2.5);
    expect(s.variance()).toBeCloseTo(5 / 3, 14);
    expect(() => s.push(Number.NaN)).toThrow('RunningStats.push: value must be a finite number, got NaN');
  });
});
