import { bench, describe } from 'vitest';
import { createQuantileSketch, QuantileSketch } from '../src/stats/quantileSketch';
import { createRng } from '../src/stats/random';

const N = 1_000_000;
const rng = createRng(2);
const latencies = new Float64Array(N);
for (let i = 0; i < N; i++) latencies[i] = 0.8 * Math.exp(0.6 * rng.normal());
const shards = [0, 1, 2, 3].map((k) => {
  const s = createQuantileSketch();
  for (let i = k; i < N; i += 4) s.add(latencies[i]);
  return JSON.stringify(s);
});

describe('QuantileSketch (DDSketch, α = 1%)', () => {
  bench('insert 1e6 latencies', () => {
    const s = createQuantileSketch({ relativeAccuracy: 0.01 });
    for (let i = 0; i < N; i++) s.add(latencies[i]);
  });
  bench('merge 4 shards from JSON + P50/P95/P99', () => {
    const s = createQuantileSketch();
    for (const json of shards) s.merge(QuantileSketch.fromJSON(JSON.parse(json)));
    s.quantiles([0.5, 0.95, 0.99]);
  });
});
