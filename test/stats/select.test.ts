import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/stats/random';
import { lerp, quantileInPlace, quantileOfSorted, selectInPlace } from '../../src/stats/select';

describe('selectInPlace (Floyd–Rivest)', () => {
  const rng = createRng(7);
  it.each([
    [1, 'distinct'],
    [2, 'distinct'],
    [601, 'distinct'],
    [5000, 'distinct'],
    [5000, 'ties'],
    [3000, 'sorted'],
    [3000, 'reversed'],
  ] as const)('finds every probed k-th smallest of n=%s (%s) like a full sort', (n, kind) => {
    const base = Array.from({ length: n }, (_, i) =>
      kind === 'ties' ? rng.int(10) : kind === 'sorted' ? i : kind === 'reversed' ? n - i : rng.normal(),
    );
    const sorted = Float64Array.from(base).sort();
    for (const k of [0, 1, Math.floor(n / 2), Math.floor(0.95 * n), n - 2, n - 1].filter(
      (k) => k >= 0 && k < n,
    )) {
      const buf = Float64Array.from(base);
      expect(selectInPlace(buf, k)).toBe(sorted[k]);
      for (let i = 0; i < k; i++) expect(buf[i] <= buf[k]).toBe(true);
      for (let i = k + 1; i < n; i++) expect(buf[i] >= buf[k]).toBe(true);
      expect(buf.slice().sort()).toEqual(sorted); // a permutation of the input
    }
  });

  it('quantileInPlace equals the type-7 quantile of the sorted data', () => {
    const values = Array.from({ length: 1234 }, () => Math.exp(rng.normal()));
    const sorted = Float64Array.from(values).sort();
    for (const p of [0, 0.01, 0.5, 0.95, 0.99, 1]) {
      expect(quantileInPlace(Float64Array.from(values), p)).toBe(quantileOfSorted(sorted, p));
    }
  });

  it('runs the JSDoc example, and numpy’s values: np.percentile([1,2,3,4,10], 90) = 7.6', () => {
    const buf = Float64Array.from([5, 1, 4, 2, 3]);
    expect(selectInPlace(buf, 1)).toBe(2);
    expect(quantileInPlace(Float64Array.from([1, 2, 3, 4, 10]), 0.9)).toBeCloseTo(7.6, 14);
    expect(lerp(1, 3, 0.75)).toBe(2.5);
  });

  it('validates its arguments', () => {
    expect(() => selectInPlace(new Float64Array(0), 0)).toThrow(
      /selectInPlace: values needs at least 1 value, got 0/,
    );
    expect(() => selectInPlace(Float64Array.from([1, 2]), 2)).toThrow(
      /selectInPlace: k must be < values.length \(2\), got 2/,
    );
    expect(() => quantileInPlace(Float64Array.from([1, Number.NaN]), 0.5)).toThrow(
      /quantileInPlace: values\[1\] must be finite/,
    );
    expect(() => quantileInPlace(Float64Array.from([1]), -0.1)).toThrow(
      /quantileInPlace: p must be in \[0, 1\]/,
    );
  });
});
