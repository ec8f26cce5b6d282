import { describe, expect, it } from 'vitest';
import { averageRanks } from '../../src/stats/rank';

describe('averageRanks', () => {
  it('gives tied values the mean of their positions and the tie term Σ(t³ − t)', () => {
    // [10, 20, 20, 30]: 20s occupy positions 2 and 3 → 2.5 each; one tie group of 2 → 2³ − 2 = 6.
    const r = averageRanks([10, 20, 20, 30]);
    expect(Array.from(r.ranks)).toEqual([1, 2.5, 2.5, 4]);
    expect(r.tieTerm).toBe(6);
    // [3, 1, 3, 3, 2]: sorted 1,2,3,3,3 → 3s share positions 3..5 → 4; tie term 3³ − 3 = 24.
    const s = averageRanks([3, 1, 3, 3, 2]);
    expect(Array.from(s.ranks)).toEqual([4, 1, 4, 4, 2]);
    expect(s.tieTerm).toBe(24);
  });
});
