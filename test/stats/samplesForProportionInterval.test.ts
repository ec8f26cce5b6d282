import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/stats/random';
import { samplesForProportionInterval } from '../../src/stats/samplesForProportionInterval';
import { wilsonInterval } from '../../src/stats/wilsonInterval';
import { loadFixture } from '../helpers/fixtures';

const fx = loadFixture<{
  samplesForProportionInterval: { rate: number; threshold: number; confidence: number; n: number }[];
}>('decision_stats.json');

// The generator searches n = 1, 2, … for the first n whose Wilson lower bound, at an observed rate equal
// to `rate`, exceeds the threshold: a brute-force check of the closed form n > z²·t(1 − t)/(rate − t)².
describe('samplesForProportionInterval matches a brute-force search over n (generator)', () => {
  it.each(
    fx.samplesForProportionInterval.map((c) => [`rate=${c.rate} threshold=${c.threshold}`, c] as const),
  )('%s', (_n, c) => {
    expect(
      samplesForProportionInterval({ rate: c.rate, threshold: c.threshold, confidence: c.confidence }),
    ).toBe(c.n);
  });
});

describe('samplesForProportionInterval', () => {
  it('runs the JSDoc example: 765 flawless requests show > 99.5% at 95%, 764 do not', () => {
    // All successes: the Wilson lower bound is n/(n + z²), above 0.995 when n > z²·0.995/0.005 = 764.45.
    expect(samplesForProportionInterval({ rate: 1, threshold: 0.995 })).toBe(765);
    expect(wilsonInterval(765, 765).lower).toBeGreaterThan(0.995);
    expect(wilsonInterval(764, 764).lower).toBeLessThanOrEqual(0.995);
  });

  it("'below' is the mirror image (error rate under a threshold)", () => {
    const above = samplesForProportionInterval({ rate: 0.999, threshold: 0.995 });
    expect(above).toBe(1195);
    expect(samplesForProportionInterval({ rate: 0.001, threshold: 0.005, direction: 'below' })).toBe(above);
  });

  it('never, when the rate is not on the good side of the threshold', () => {
    expect(samplesForProportionInterval({ rate: 0.99, threshold: 0.995 })).toBe(Number.POSITIVE_INFINITY);
    expect(samplesForProportionInterval({ rate: 0.995, threshold: 0.995 })).toBe(Number.POSITIVE_INFINITY);
  });

  it('with power: the Wilson bound clears the threshold that often in simulation (seeded)', () => {
    // rate 0.9, threshold 0.85, 95%, power 0.8: n = ⌊((1.95996·√(0.85·0.15) + 0.84162·√(0.9·0.1))/0.05)²⌋ + 1
    const n = samplesForProportionInterval({ rate: 0.9, threshold: 0.85, power: 0.8 });
    const root = (1.959963984540054 * Math.sqrt(0.85 * 0.15) + 0.8416212335729143 * Math.sqrt(0.09)) / 0.05;
    expect(n).toBe(Math.floor(root * root) + 1);
    const rng = createRng(31);
    const reps = 3000;
    let cleared = 0;
    for (let r = 0; r < reps; r++) {
      let x = 0;
      for (let i = 0; i < n; i++) if (rng.next() < 0.9) x++;
      if (wilsonInterval(x, n).lower > 0.85) cleared++;
    }
    console.log(`samplesForProportionInterval: n = ${n}, simulated power ${cleared / reps} (target 0.8)`);
    // normal approximation + a binomial's discreteness: within 3 Monte-Carlo SE + 0.02
    expect(Math.abs(cleared / reps - 0.8)).toBeLessThan(3 * Math.sqrt((0.8 * 0.2) / reps) + 0.02);
  });

  it('rejects bad input naming the function and the argument', () => {
    const f = samplesForProportionInterval;
    expect(() => f({ rate: 1.1, threshold: 0.9 })).toThrow(
      'samplesForProportionInterval: rate must be in [0, 1]',
    );
    expect(() => f({ rate: 0.99, threshold: 1 })).toThrow(
      'samplesForProportionInterval: threshold must be in (0, 1), got 1',
    );
    expect(() => f({ rate: 0.99, threshold: 0.9, confidence: 0 })).toThrow(
      'samplesForProportionInterval: confidence must be in (0, 1)',
    );
    expect(() => f({ rate: 0.99, threshold: 0.9, power: 1 })).toThrow(
      'samplesForProportionInterval: power must be',
    );
    expect(() => f({ rate: 0.99, threshold: 0.9, direction: 'up' as never })).toThrow(
      "samplesForProportionInterval: direction must be 'above' or 'below'",
    );
  });
});
