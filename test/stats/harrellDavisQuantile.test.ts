import { describe, expect, it } from 'vitest';
import { harrellDavisQuantile } from '../../src/stats/harrellDavisQuantile';
import { expectClose, frozen, loadFixture, type Ref } from '../helpers/fixtures';

const fx = loadFixture<{
  samples: Record<string, number[]>;
  harrellDavis: { sample: string; p: number; expected: Ref }[];
}>('stats.json');

describe('harrellDavisQuantile matches scipy.stats.mstats.hdquantiles', () => {
  it.each(fx.harrellDavis.map((c) => [`${c.sample} p=${c.p}`, c] as const))('%s', (_n, c) => {
    expectClose(harrellDavisQuantile(frozen(fx.samples[c.sample]), c.p), c.expected, 1e-9, 1e-12);
  });

  it('returns the single value of a one-element sample (scipy gives NaN there)', () => {
    expect(harrellDavisQuantile([4.2], 0.95)).toBe(4.2);
  });

  it('runs the JSDoc example and rejects bad input', () => {
    expect(harrellDavisQuantile([1, 2, 3, 4, 5], 0.5)).toBeCloseTo(3, 12);
    expect(() => harrellDavisQuantile([1, 2], 2)).toThrow('harrellDavisQuantile: p must be in [0, 1], got 2');
    expect(() => harrellDavisQuantile([], 0.5)).toThrow(
      'harrellDavisQuantile: values needs at least 1 value',
    );
  });
});
