import { describe, expect, it } from 'vitest';
import { holm } from '../../src/stats/holm';
import { expectClose, frozen, loadFixture, type Ref } from '../helpers/fixtures';

const fx = loadFixture<{ multipleTesting: { name: string; pValues: number[]; holm: Ref[] }[] }>(
  'decision_stats.json',
);

describe('holm matches statsmodels multipletests(method="holm") (= R p.adjust(p, "holm"))', () => {
  it.each(fx.multipleTesting.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const adj = holm(frozen(c.pValues));
    expect(adj).toHaveLength(c.pValues.length);
    adj.forEach((v, i) => {
      expectClose(v, c.holm[i], 1e-12, 1e-300, `adjusted[${i}]`);
    });
  });
});

describe('holm', () => {
  it('runs the JSDoc example: unsorted input, answers in input order', () => {
    // sorted 0.01, 0.03, 0.04 (m = 3): 3·0.01 = 0.03; max(0.03, 2·0.03) = 0.06; max(0.06, 1·0.04) = 0.06
    const adj = holm([0.01, 0.04, 0.03]);
    [0.03, 0.06, 0.06].forEach((v, i) => {
      expect(adj[i]).toBeCloseTo(v, 15);
    });
  });

  it('hand-computed case with ties: [0.02, 0.01, 0.02, 0.04, 0.01]', () => {
    // sorted 0.01, 0.01, 0.02, 0.02, 0.04 with factors 5, 4, 3, 2, 1: 0.05, max(0.05, 0.04) = 0.05,
    // 0.06, max(0.06, 0.04) = 0.06, max(0.06, 0.04) = 0.06 — ties get equal adjusted values.
    const adj = holm([0.02, 0.01, 0.02, 0.04, 0.01]);
    [0.06, 0.05, 0.06, 0.06, 0.05].forEach((v, i) => {
      expect(adj[i]).toBeCloseTo(v, 15);
    });
  });

  it('caps at 1, keeps 0, and accepts an empty list', () => {
    expect(holm([0.6, 0.7])).toEqual([1, 1]);
    expect(holm([0, 0.5])[0]).toBe(0);
    expect(holm([])).toEqual([]);
  });

  it('rejects bad input naming the function and the argument', () => {
    expect(() => holm([0.1, Number.NaN])).toThrow('holm: pValues[1] must be a number, got NaN');
    expect(() => holm([0.1, 1.2])).toThrow('holm: pValues[1] must be in [0, 1], got 1.2');
    expect(() => holm('0.1' as never)).toThrow('holm: pValues must be an array');
  });
});
