import { describe, expect, it } from 'vitest';
import { bradleyTerry, type PairwiseComparison } from '../../src/stats/bradleyTerry';
import { createRng } from '../../src/stats/random';
import { expectClose, loadFixture, type Ref } from '../helpers/fixtures';

const fx = loadFixture<{
  bradleyTerry: { comparisons: PairwiseComparison[]; half: Record<string, Ref>; ignore: Record<string, Ref> };
}>('decision_stats.json');

const games = (a: string, b: string, aWins: number, bWins: number, ties = 0): PairwiseComparison[] => [
  ...Array.from({ length: aWins }, () => ({ a, b, winner: 'a' as const })),
  ...Array.from({ length: bWins }, () => ({ a, b, winner: 'b' as const })),
  ...Array.from({ length: ties }, () => ({ a, b, winner: 'tie' as const })),
];

describe("bradleyTerry matches Chatbot Arena's compute_mle_elo (statsmodels Logit on duplicated battles)", () => {
  it.each([['half'], ['ignore']] as const)('ties: %s', (ties) => {
    const r = bradleyTerry(Object.freeze(fx.bradleyTerry.comparisons.slice()), { ties });
    const ref = fx.bradleyTerry[ties];
    expect(r.ratings.map((x) => x.player).sort()).toEqual(Object.keys(ref).sort());
    for (const x of r.ratings) expectClose(x.rating, ref[x.player], 1e-9, 0, x.player);
    const ratings = r.ratings.map((x) => x.rating);
    expect(ratings).toEqual([...ratings].sort((a, b) => b - a));
  });
});

describe('bradleyTerry', () => {
  it('runs the JSDoc example: A beats B 3 of 4 → rating difference 400·log10(3) exactly', () => {
    // Two players: the likelihood is p³(1 − p) with p = P(canary beats primary), maximal at p = 3/4.
    // p = 1/(1 + 10^(−ΔR/400)) = 3/4 ⇔ 10^(ΔR/400) = 3 ⇔ ΔR = 400·log10 3 = 190.848…; the ratings average
    // 1000, so they are 1000 ± 200·log10 3.
    const r = bradleyTerry([
      { a: 'canary', b: 'primary', winner: 'a' },
      { a: 'canary', b: 'primary', winner: 'a' },
      { a: 'primary', b: 'canary', winner: 'b' },
      { a: 'canary', b: 'primary', winner: 'b' },
    ]);
    expect(r.ratings.map((x) => x.player)).toEqual(['canary', 'primary']);
    expect(r.ratings[0].rating - r.ratings[1].rating).toBeCloseTo(400 * Math.log10(3), 10);
    expect(r.ratings[0].rating).toBeCloseTo(1000 + 200 * Math.log10(3), 10);
    expect(r.ratings[1].rating).toBeCloseTo(1000 - 200 * Math.log10(3), 10);
    expect(r.ratings[0]).toMatchObject({ wins: 3, losses: 1, ties: 0 });
    expect(r).toMatchObject({ scale: 400, base: 10, initial: 1000 });
  });

  it('ties count half: 2 wins, 2 ties, 0 losses is 3 : 1 again; ignoring ties leaves no finite rating', () => {
    const cmp = games('x', 'y', 2, 0, 2);
    const r = bradleyTerry(cmp, { ties: 'half' });
    expect(r.ratings[0].rating - r.ratings[1].rating).toBeCloseTo(400 * Math.log10(3), 10);
    expect(() => bradleyTerry(cmp, { ties: 'ignore' })).toThrow('bradleyTerry: the ratings do not exist');
  });

  it('three players, hand-made consistent case: A–B 2:1, B–C 2:1, A–C 4:1 gives log-odds ln 2, ln 2, ln 4', () => {
    // β_A − β_B = ln 2 and β_B − β_C = ln 2 make P(A beats C) = 4/5 = the observed 4:1, so every pair's fitted
    // probability equals its observed share and the score equations hold: ΔR = 400·log10 2 per step.
    const r = bradleyTerry([...games('A', 'B', 2, 1), ...games('B', 'C', 2, 1), ...games('A', 'C', 4, 1)]);
    const by = Object.fromEntries(r.ratings.map((x) => [x.player, x.rating]));
    expect(by.A - by.B).toBeCloseTo(400 * Math.log10(2), 9);
    expect(by.B - by.C).toBeCloseTo(400 * Math.log10(2), 9);
    expect((by.A + by.B + by.C) / 3).toBeCloseTo(1000, 9);
  });

  it('bootstrap: reproducible with a seed, brackets the estimate, and is about as wide as the delta method', () => {
    // 2 players, 300 games, 180 : 120. log-odds ln(1.5), its standard error √(1/180 + 1/120) = 0.1179,
    // so the 95% interval of ΔR is about ±1.96·0.1179·400/ln 10 = ±40.1, i.e. ±20 for each rating.
    const cmp = games('canary', 'primary', 180, 120);
    const opts = { bootstrap: { resamples: 400, seed: 12, confidence: 0.95 } };
    const a = bradleyTerry(cmp, opts);
    const b = bradleyTerry(cmp, opts);
    expect(a).toEqual(b);
    expect(a.bootstrap).toEqual({ resamples: 400, seed: 12, confidence: 0.95 });
    for (const x of a.ratings) {
      const [lo, hi] = x.ci as [number, number];
      expect(lo).toBeLessThan(x.rating);
      expect(hi).toBeGreaterThan(x.rating);
      expect((hi - lo) / 2).toBeGreaterThan(20 * 0.8);
      expect((hi - lo) / 2).toBeLessThan(20 * 1.25);
    }
    const other = bradleyTerry(cmp, { bootstrap: { resamples: 400, seed: 13 } });
    expect(other.ratings[0].ci).not.toEqual(a.ratings[0].ci);
  });

  it('recovers known ratings from simulated judgments (seeded)', () => {
    const truth: Record<string, number> = { m1: 1150, m2: 1050, m3: 950, m4: 850 };
    const names = Object.keys(truth);
    const rng = createRng(99);
    const cmp: PairwiseComparison[] = [];
    for (let k = 0; k < 6000; k++) {
      const i = rng.int(4);
      const j = (i + 1 + rng.int(3)) % 4;
      const p = 1 / (1 + 10 ** ((truth[names[j]] - truth[names[i]]) / 400));
      cmp.push({ a: names[i], b: names[j], winner: rng.next() < p ? 'a' : 'b' });
    }
    const r = bradleyTerry(cmp);
    for (const x of r.ratings) expect(Math.abs(x.rating - truth[x.player])).toBeLessThan(20);
  });

  it('rejects bad input naming the function and the argument', () => {
    expect(() => bradleyTerry([])).toThrow('bradleyTerry: comparisons needs at least 1 comparison, got 0');
    expect(() => bradleyTerry([{ a: 'x', b: 'x', winner: 'a' }])).toThrow(
      'bradleyTerry: comparisons[0] compares "x"',
    );
    expect(() => bradleyTerry([{ a: 'x', b: 'y', winner: 'draw' as never }])).toThrow(
      "bradleyTerry: comparisons[0].winner must be 'a', 'b' or 'tie'",
    );
    expect(() => bradleyTerry([{ a: '', b: 'y', winner: 'a' }])).toThrow(
      'bradleyTerry: comparisons[0].a must be',
    );
    expect(() => bradleyTerry(games('x', 'y', 3, 0))).toThrow('"x" never lost or tied');
    expect(() => bradleyTerry(games('x', 'y', 2, 1), { ties: 'all' as never })).toThrow(
      "bradleyTerry: ties must be 'half' or 'ignore'",
    );
    expect(() => bradleyTerry(games('x', 'y', 2, 1), { bootstrap: { resamples: 1, seed: 1 } })).toThrow(
      'bradleyTerry: bootstrap.resamples must be >= 2',
    );
    // A and B only play each other, C and D only each other: no common scale
    expect(() => bradleyTerry([...games('A', 'B', 2, 1), ...games('C', 'D', 1, 2)])).toThrow(
      'bradleyTerry: the ratings do not exist',
    );
    // a small sample whose bootstrap resamples lose all of one side's wins
    expect(() => bradleyTerry(games('x', 'y', 3, 1), { bootstrap: { resamples: 200, seed: 1 } })).toThrow(
      'bradleyTerry: bootstrap resample',
    );
  });
});
