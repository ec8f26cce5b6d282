import { describe, expect, it } from 'vitest';
import { lcsLength, rougeTokens, squadTokens } from '../../src/scoring/similarity';
import { createRng } from '../../src/stats/random';

/** The textbook O(n·m) dynamic programme. */
function naiveLcs<T>(a: readonly T[], b: readonly T[]): number {
  const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      dp[i][j] = a[i - 1] === b[j - 1] ? dp[i - 1][j - 1] + 1 : Math.max(dp[i - 1][j], dp[i][j - 1]);
    }
  }
  return dp[a.length][b.length];
}

describe('lcsLength (bit-parallel)', () => {
  it('hand cases', () => {
    expect(lcsLength([...'ABCBDAB'], [...'BDCABA'])).toBe(4); // CLRS: BCBA
    expect(lcsLength([...'abcb'], [...'bcb'])).toBe(3);
    expect(lcsLength([], ['a'])).toBe(0);
    expect(lcsLength(['a'], [])).toBe(0);
    expect(lcsLength(['x'], ['y'])).toBe(0);
  });

  it('equals the dynamic programme on random sequences across word boundaries (31, 32, 33, 64, 65, 100 …)', () => {
    const rng = createRng(7);
    for (let t = 0; t < 300; t++) {
      const alphabet = 2 + rng.int(6);
      const n = rng.int(140);
      const m = [31, 32, 33, 63, 64, 65, 96, 100, 129][t % 9];
      const a = Array.from({ length: n }, () => rng.int(alphabet));
      const b = Array.from({ length: m }, () => rng.int(alphabet));
      expect(lcsLength(a, b), `case ${t}`).toBe(naiveLcs(a, b));
    }
  });

  it('is fast on a long sequence against a short one (1.2M × 60 tokens)', () => {
    const a = Array.from({ length: 1_200_000 }, (_, i) => `w${i % 97}`);
    const b = Array.from({ length: 60 }, (_, i) => `w${(i * 7) % 97}`);
    const t0 = performance.now();
    expect(lcsLength(a, b)).toBe(60);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('tokenizers', () => {
  it('squadTokens: lower case, no punctuation or articles, CJK per character', () => {
    expect(squadTokens('The Eiffel Tower, Paris!')).toEqual(['eiffel', 'tower', 'paris']);
    expect(squadTokens("don't stop")).toEqual(['dont', 'stop']);
    expect(squadTokens('東京タワー in Tokyo')).toEqual(['東', '京', 'タ', 'ワ', 'ー', 'in', 'tokyo']);
    expect(squadTokens('Hà Nội 😀')).toEqual(['hà', 'nội']);
  });

  it('rougeTokens: Unicode words, CJK per character', () => {
    expect(rougeTokens("Don't stop — Hà Nội, 2024!")).toEqual(['don', 't', 'stop', 'hà', 'nội', '2024']);
    expect(rougeTokens('北京市abc')).toEqual(['北', '京', '市', 'abc']);
    expect(rougeTokens('<script>alert(1)</script>')).toEqual(['script', 'alert', '1', 'script']);
  });
});
