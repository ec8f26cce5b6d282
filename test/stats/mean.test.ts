import { describe, expect, it } from 'vitest';
import { mean } from '../../src/stats/mean';
import { standardDeviation } from '../../src/stats/standardDeviation';
import { variance } from '../../src/stats/variance';
import { expectClose, frozen, loadFixture, type Ref } from '../helpers/fixtures';

// mean, variance and standardDeviation share one fixture table (numpy mean / var(ddof=1) / std(ddof=1)).
const fx = loadFixture<{
  samples: Record<string, number[]>;
  moments: { sample: string; mean: Ref; variance: Ref; sd: Ref }[];
}>('stats.json');

describe('mean, variance, standardDeviation match numpy', () => {
  it.each(fx.moments.map((c) => [c.sample, c] as const))('%s', (_n, c) => {
    const x = frozen(fx.samples[c.sample]);
    expectClose(mean(x), c.mean, 1e-9, 1e-15, 'mean');
    expectClose(variance(x), c.variance, 1e-9, 1e-15, 'variance');
    expectClose(standardDeviation(x), c.sd, 1e-9, 1e-15, 'sd');
  });

  it('runs the JSDoc examples', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(variance([1, 2, 3, 4])).toBeCloseTo(5 / 3, 14);
    expect(standardDeviation([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 14);
  });

  it('rejects bad input naming the function', () => {
    expect(() => mean([])).toThrow('mean: values needs at least 1 value, got 0');
    expect(() => variance([1])).toThrow('variance: values needs at least 2 values, got 1');
    expect(() => standardDeviation([1, Number.POSITIVE_INFINITY])).toThrow(
      'standardDeviation: values[1] must be finite, got Infinity',
    );
  });
});
