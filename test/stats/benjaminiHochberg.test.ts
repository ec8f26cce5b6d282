import { describe, expect, it } from 'vitest';
import { benjaminiHochberg } from '../../src/stats/benjaminiHochberg';
import { expectClose, frozen, loadFixture, type Ref } from '../helpers/fixtures';

const fx = loadFixture<{ multipleTesting: { name: string; pValues: number[]; bh: Ref[] }[] }>(
  'decision_stats.json',
);

describe('benjaminiHochberg matches statsmodels multipletests(method="fdr_bh") (= R p.adjust(p, "BH"))', () => {
  it.each(fx.multipleTesting.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const adj = benjaminiHochberg(frozen(c.pValues));
    expect(adj).toHaveLength(c.pValues.length);
    adj.forEach((v, i) => {
      expectClose(v, c.bh[i], 1e-12, 1e-300, `adjusted[${i}]`);
    });
  });
});

describe('benjaminiHochberg', () => {
  it('runs the JSDoc example: unsorted input, answers in input order', () => {
    // sorted 0.01, 0.03, 0.04 (m = 3), from the largest down: 3/3·0.04 = 0.04; min(0.04, 3/2·0.03 = 0.045) = 0.04;
    // min(0.04, 3/1·0.01) = 0.03
    const adj = benjaminiHochberg([0.01, 0.04, 0.03]);
    [0.03, 0.04, 0.04].forEach((v, i) => {
      expect(adj[i]).toBeCloseTo(v, 15);
    });
  });

  it('hand-computed case with ties: [0.02, 0.01, 0.02, 0.04, 0.01]', () => {
    // sorted 0.01, 0.01, 0.02, 0.02, 0.04 (ranks 1–5, m = 5), from the top: 0.04·5/5 = 0.04;
    // min(0.04, 0.02·5/4 = 0.025) = 0.025; min(0.025, 0.02·5/3) = 0.025; min(0.025, 0.01·5/2 = 0.025) = 0.025;
    // min(0.025, 0.01·5) = 0.025.
    const adj = benjaminiHochberg([0.02, 0.01, 0.02, 0.04, 0.01]);
    [0.025, 0.025, 0.025, 0.04, 0.025].forEach((v, i) => {
      expect(adj[i]).toBeCloseTo(v, 15);
    });
  });

  it('caps at 1 and accepts an empty list', () => {
    expect(benjaminiHochberg([0.9, 0.95])).toEqual([0.95, 0.95]);
    expect(benjaminiHochberg([1])).toEqual([1]);
    expect(benjaminiHochberg([])).toEqual([]);
  });

  it('rejects bad input naming the function and the argument', () => {
    expect(() => benjaminiHochberg([-0.1])).toThrow(
      'benjaminiHochberg: pValues[0] must be in [0, 1], got -0.1',
    );
    expect(() => benjaminiHochberg([Number.NaN])).toThrow('benjaminiHochberg: pValues[0] must be a number');
  });
});
