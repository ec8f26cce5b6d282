// Statistics core throughput: quantiles on 1e6 values, the classical tests on 1e5 values (seeded data).
// `npm run bench` prints ops/s; the "sort only" and "simple-statistics" rows are the in-run peers to read
// (quantile() selects in O(n) without sorting;
// our numbers against (percentiles must cost about one sort, however many ps are asked).
import { quantile as ssQuantile } from 'simple-statistics';
import { bench, describe } from 'vitest';
import { harrellDavisQuantile } from '../src/stats/harrellDavisQuantile';
import { leveneTest } from '../src/stats/leveneTest';
import { mannWhitneyU } from '../src/stats/mannWhitneyU';
import { percentiles, quantile } from '../src/stats/quantile';
import { createRng } from '../src/stats/random';
import { welchTTest } from '../src/stats/welchTTest';
import { wilcoxonSignedRank } from '../src/stats/wilcoxonSignedRank';

const rng = createRng(7);
const lognormal = (n: number) => Array.from({ length: n }, () => Math.exp(0.5 * rng.normal()));
const big = lognormal(1_000_000);
const x = lognormal(100_000);
const y = lognormal(100_000).map((v) => v * 1.01);

describe('quantiles on 1e6 values', () => {
  bench('sort only (Float64Array copy + sort): the floor', () => {
    Float64Array.from(big).sort();
  });
  bench('quantile(values, 0.95)', () => {
    quantile(big, 0.95);
  });
  bench('percentiles(values, [0.5, 0.95, 0.99]) — one sort', () => {
    percentiles(big, [0.5, 0.95, 0.99]);
  });
  bench('simple-statistics quantile(values, [0.5, 0.95, 0.99]) (peer)', () => {
    ssQuantile(big, [0.5, 0.95, 0.99]);
  });
});

describe('tests on 1e5 values per arm', () => {
  bench('welchTTest', () => {
    welchTTest(x, y);
  });
  bench('mannWhitneyU', () => {
    mannWhitneyU(x, y);
  });
  bench('wilcoxonSignedRank (paired)', () => {
    wilcoxonSignedRank(x, y);
  });
  bench('leveneTest (2 groups)', () => {
    leveneTest([x, y]);
  });
  bench('harrellDavisQuantile p=0.95 (1e5 incomplete-beta weights)', () => {
    harrellDavisQuantile(x, 0.95);
  });
});
