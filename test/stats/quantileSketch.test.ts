import { describe, expect, it } from 'vitest';
import { createQuantileSketch, QuantileSketch } from '../../src/stats/quantileSketch';
import { createRng } from '../../src/stats/random';

const PS = [0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 0.9999, 1];

/** The value the guarantee is about: the ⌊p(n − 1)⌋-th smallest (0-based) of the exact sorted data. */
const exactLower = (sorted: Float64Array, p: number) => sorted[Math.floor(p * (sorted.length - 1))];

/** 1e6 seeded lognormal latencies (median 0.8 s, σ = 0.6, a long right tail), as from a day of logs. */
const N = 1_000_000;
const rng = createRng(20261127);
const latencies = new Float64Array(N);
for (let i = 0; i < N; i++) latencies[i] = Math.exp(Math.log(0.8) + 0.6 * rng.normal());
const sorted = latencies.slice().sort();

describe('QuantileSketch relative-error guarantee on 1e6 lognormal latencies', () => {
  it.each([0.01, 0.002, 0.05])('every quantile is within α = %s of the exact order statistic', (alpha) => {
    const sketch = createQuantileSketch({ relativeAccuracy: alpha });
    for (let i = 0; i < N; i++) sketch.add(latencies[i]);
    expect(sketch.count).toBe(N);
    expect(sketch.collapsed).toBe(false);
    for (const p of PS) {
      const exact = exactLower(sorted, p);
      const err = Math.abs(sketch.quantile(p) - exact) / exact;
      expect(err, `p=${p}`).toBeLessThanOrEqual(alpha * (1 + 1e-9));
    }
    expect(sketch.min).toBe(sorted[0]);
    expect(sketch.max).toBe(sorted[N - 1]);
    // Memory is buckets, not values: about ln(max/min)/ln γ of them.
    const buckets = sketch.toJSON().positive.counts.length;
    const gamma = (1 + alpha) / (1 - alpha);
    expect(buckets).toBeLessThanOrEqual(Math.ceil(Math.log(sorted[N - 1] / sorted[0]) / Math.log(gamma)) + 1);
  });

  it('uses the error budget (the bound is not vacuous): the worst error over many p exceeds α/4', () => {
    const sketch = createQuantileSketch({ relativeAccuracy: 0.01 });
    for (let i = 0; i < N; i++) sketch.add(latencies[i]);
    let worst = 0;
    for (let k = 1; k < 1000; k++) {
      const exact = exactLower(sorted, k / 1000);
      worst = Math.max(worst, Math.abs(sketch.quantile(k / 1000) - exact) / exact);
    }
    expect(worst).toBeGreaterThan(0.0025);
    expect(worst).toBeLessThanOrEqual(0.01 * (1 + 1e-9));
  });
});

describe('QuantileSketch merge and JSON (shards)', () => {
  it('merging 4 shards (through JSON) gives exactly the sketch of all the data', () => {
    const whole = createQuantileSketch();
    for (let i = 0; i < N; i++) whole.add(latencies[i]);
    const shards = [0, 1, 2, 3].map(() => createQuantileSketch());
    for (let i = 0; i < N; i++) shards[i % 4].add(latencies[i]);
    const merged = createQuantileSketch();
    for (const s of shards) merged.merge(QuantileSketch.fromJSON(JSON.parse(JSON.stringify(s))));
    const a = merged.toJSON();
    const b = whole.toJSON();
    expect(a.positive).toEqual(b.positive);
    expect(a.count).toBe(b.count);
    expect(a.sum).toBeCloseTo(b.sum, 6);
    expect([a.min, a.max]).toEqual([b.min, b.max]);
    expect(merged.quantiles([0.5, 0.95, 0.99])).toEqual(whole.quantiles([0.5, 0.95, 0.99]));
  });

  it('round-trips through JSON exactly, including negatives, zeros and weights', () => {
    const s = createQuantileSketch({ relativeAccuracy: 0.02 });
    [-5, -1, 0, 0, 2, 10, 1e-320].forEach((v) => {
      s.add(v);
    });
    s.add(3, 4);
    const back = QuantileSketch.fromJSON(JSON.parse(JSON.stringify(s)));
    expect(back.toJSON()).toEqual(s.toJSON());
    expect(back.quantiles(PS)).toEqual(s.quantiles(PS));
  });

  it('refuses to merge sketches of different accuracy', () => {
    expect(() =>
      createQuantileSketch({ relativeAccuracy: 0.01 }).merge(
        createQuantileSketch({ relativeAccuracy: 0.02 }),
      ),
    ).toThrow(/QuantileSketch.merge: other must have relativeAccuracy 0.01, got 0.02/);
  });
});

describe('QuantileSketch', () => {
  it('runs the JSDoc examples', () => {
    const s = createQuantileSketch({ relativeAccuracy: 0.01 });
    for (let i = 1; i <= 1000; i++) s.add(i);
    expect(s.quantile(0.95)).toBeCloseTo(944.0492576839333, 9);
    expect(Math.abs(s.quantile(0.95) - 950) / 950).toBeLessThanOrEqual(0.01);

    const shardA = createQuantileSketch();
    const shardB = createQuantileSketch();
    [0.8, 1.1, 0.9].forEach((v) => {
      shardA.add(v);
    });
    [2.5, 1.0].forEach((v) => {
      shardB.add(v);
    });
    expect(QuantileSketch.fromJSON(JSON.parse(JSON.stringify(shardB))).merge(shardA).count).toBe(5);
  });

  it('handles negative values and zeros with the same guarantee', () => {
    const r = createRng(5);
    const values = Array.from({ length: 20001 }, (_, i) => (i % 7 === 0 ? 0 : r.normal() * 3));
    const s = createQuantileSketch({ relativeAccuracy: 0.01 });
    for (const v of values) s.add(v);
    const sortedV = Float64Array.from(values).sort();
    for (const p of PS) {
      const exact = exactLower(sortedV, p);
      const got = s.quantile(p);
      if (exact === 0) expect(got).toBe(0);
      else expect(Math.abs(got - exact) / Math.abs(exact), `p=${p}`).toBeLessThanOrEqual(0.01 * (1 + 1e-9));
    }
  });

  it('counts weights as repeated values', () => {
    const a = createQuantileSketch();
    const b = createQuantileSketch();
    a.add(1.5, 3).add(7, 2);
    [1.5, 1.5, 1.5, 7, 7].forEach((v) => {
      b.add(v);
    });
    expect(a.toJSON()).toEqual(b.toJSON());
  });

  it('keeps the guarantee for upper quantiles when maxBuckets forces collapsing, and says so', () => {
    const s = createQuantileSketch({ relativeAccuracy: 0.01, maxBuckets: 100 });
    for (let i = 0; i < N; i += 10) s.add(latencies[i]);
    const sub = latencies.filter((_, i) => i % 10 === 0).sort();
    expect(s.collapsed).toBe(true);
    expect(s.toJSON().positive.counts.length).toBeLessThanOrEqual(100);
    // 100 buckets of γ ≈ 1.0202 span a factor e² ≈ 7.4 below the max (≈ 10 s): P90 and up stay exact to α,
    // the median (0.8 s) falls into the merged lowest bucket.
    for (const p of [0.9, 0.95, 0.99, 0.999, 1]) {
      const exact = exactLower(sub, p);
      expect(Math.abs(s.quantile(p) - exact) / exact, `p=${p}`).toBeLessThanOrEqual(0.01 * (1 + 1e-9));
    }
    const back = QuantileSketch.fromJSON(JSON.parse(JSON.stringify(s)));
    expect(back.collapsed).toBe(true);
    expect(createQuantileSketch().merge(back).collapsed).toBe(true);
  });

  it('reports NaN min/max and throws on quantile when empty', () => {
    const s = createQuantileSketch();
    expect(s.count).toBe(0);
    expect(s.min).toBeNaN();
    expect(() => s.quantile(0.5)).toThrow(/QuantileSketch.quantile: the sketch is empty/);
  });

  it.each([
    [
      'relativeAccuracy 0',
      () => createQuantileSketch({ relativeAccuracy: 0 }),
      /QuantileSketch: relativeAccuracy must be in \(0, 1\), got 0/,
    ],
    [
      'relativeAccuracy NaN',
      () => createQuantileSketch({ relativeAccuracy: Number.NaN }),
      /QuantileSketch: relativeAccuracy must be a number, got NaN/,
    ],
    [
      'maxBuckets',
      () => createQuantileSketch({ maxBuckets: 8 }),
      /QuantileSketch: maxBuckets must be >= 16, got 8/,
    ],
    [
      'add NaN',
      () => createQuantileSketch().add(Number.NaN),
      /QuantileSketch.add: value must be a finite number, got NaN/,
    ],
    [
      'add weight',
      () => createQuantileSketch().add(1, 0.5),
      /QuantileSketch.add: weight must be an integer, got 0.5/,
    ],
    [
      'quantile p',
      () => createQuantileSketch().add(1).quantile(2),
      /QuantileSketch.quantile: p must be in \[0, 1\], got 2/,
    ],
    [
      'fromJSON format',
      () => QuantileSketch.fromJSON({ format: 'x' }),
      /QuantileSketch.fromJSON: json.format must be 'canarylab.ddsketch'/,
    ],
    [
      'fromJSON counts',
      () => {
        const j = createQuantileSketch().add(1).add(2).toJSON();
        j.positive.counts[0] = -1;
        return QuantileSketch.fromJSON(j);
      },
      /QuantileSketch.fromJSON: json.positive.counts\[0\] must be >= 0, got -1/,
    ],
    [
      'fromJSON count mismatch',
      () => QuantileSketch.fromJSON({ ...createQuantileSketch().add(1).toJSON(), count: 5 }),
      /QuantileSketch.fromJSON: json.count \(5\) must equal the bucket counts plus json.zeroCount/,
    ],
  ])('throws on bad input: %s', (_n, f, message) => {
    expect(f).toThrow(message);
  });
});
