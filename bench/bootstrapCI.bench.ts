import { bench, describe } from 'vitest';
import { bootstrapCI, quantileStatistic } from '../src/stats/bootstrapCI';
import { quantileDifferenceCI } from '../src/stats/quantileDifferenceCI';
import { createRng } from '../src/stats/random';

/** Two arms of 10,000 lognormal latencies (median 0.8 s / 0.84 s, σ = 0.6), seeded. */
const rng = createRng(1);
const arm = (median: number) => Array.from({ length: 10_000 }, () => median * Math.exp(0.6 * rng.normal()));
const primary = arm(0.8);
const canary = arm(0.84);
const p95Difference = quantileStatistic(0.95, (p, c) => c - p);
const mean = (a: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
};

describe('bootstrapCI, 2 arms x 10,000 latencies, 9999 resamples', () => {
  bench('BCa, P95 difference (quantile fast path, unpaired)', () => {
    bootstrapCI({
      samples: [primary, canary],
      statistic: p95Difference,
      method: 'bca',
      resamples: 9999,
      seed: 1,
    });
  });
  bench('quantileDifferenceCI P95 (difference + ratio, BCa, unpaired)', () => {
    quantileDifferenceCI(primary, canary, 0.95, { seed: 1 });
  });
  bench(
    'BCa, P95 difference, paired (counting selection)',
    () => {
      bootstrapCI({ samples: [primary, canary], statistic: p95Difference, paired: true, seed: 1 });
    },
    { iterations: 3, time: 0, warmupIterations: 1, warmupTime: 0 },
  );
  bench(
    'BCa, mean difference (generic statistic on reused buffers)',
    () => {
      bootstrapCI({ samples: [primary, canary], statistic: (p, c) => mean(c) - mean(p), seed: 1 });
    },
    { iterations: 3, time: 0, warmupIterations: 1, warmupTime: 0 },
  );
});
