import { describe, expect, it } from 'vitest';
import { percentiles, quantile } from '../../src/stats/quantile';
import { expectClose, frozen, loadFixture, type Ref } from '../helpers/fixtures';

const fx = loadFixture<{
  samples: Record<string, number[]>;
  quantile: { sample: string; p: number; expected: Ref }[];
}>('stats.json');

describe('quantile (type 7) matches numpy.quantile', () => {
  it.each(fx.quantile.map((c) => [`${c.sample} p=${c.p}`, c] as const))('%s', (_n, c) => {
    expectClose(quantile(frozen(fx.samples[c.sample]), c.p), c.expected, 1e-9, 1e-12);
  });

  it('percentiles gives the same values as quantile, in the order asked', () => {
    for (const [name, values] of Object.entries(fx.samples)) {
      const ps = [0.99, 0.5, 0.95, 0];
      const want = fx.quantile.filter((c) => c.sample === name);
      const got = percentiles(frozen(values), ps);
      ps.forEach((p, i) => {
        const ref = want.find((c) => c.p === p);
        if (ref) expectClose(got[i], ref.expected, 1e-9, 1e-12, `${name} p=${p}`);
      });
    }
  });

  it('runs the JSDoc examples', () => {
    expect(quantile([1, 2, 3, 4, 10], 0.9)).toBeCloseTo(7.6, 12);
    const [p50, p90] = percentiles([1, 2, 3, 4, 10], [0.5, 0.9]);
    expect(p50).toBe(3);
    expect(p90).toBeCloseTo(7.6, 12);
  });

  it('does not mutate its input', () => {
    const x = [3, 1, 2];
    quantile(x, 0.5);
    expect(x).toEqual([3, 1, 2]);
  });

  it('rejects bad input with messages that name the function and the problem', () => {
    expect(() => quantile([1, 2], 1.5)).toThrow('quantile: p must be in [0, 1], got 1.5');
    expect(() => quantile([], 0.5)).toThrow('quantile: values needs at least 1 value, got 0');
    expect(() => quantile([1, Number.NaN], 0.5)).toThrow('quantile: values[1] must be finite, got NaN');
    expect(() => quantile([1, '2' as unknown as number], 0.5)).toThrow(TypeError);
    expect(() => percentiles([1, 2], [0.5, -0.1])).toThrow('percentiles: ps[1] must be in [0, 1], got -0.1');
  });
});
