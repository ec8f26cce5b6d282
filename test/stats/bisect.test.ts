import { describe, expect, it } from 'vitest';
import { bisectDecreasing } from '../../src/stats/bisect';

describe('bisectDecreasing', () => {
  it('runs its @example: 1 − x² crosses 0 at x = 1 (hand-derived), to within 1 ulp', () => {
    const x = bisectDecreasing((v) => 1 - v * v, 0, 0, 2);
    expect(Math.abs(x - 1)).toBeLessThanOrEqual(Number.EPSILON);
  });

  it('finds e^(−x) = 0.5 at x = ln 2 (hand-derived) to floating-point resolution', () => {
    expect(bisectDecreasing((v) => Math.exp(-v), 0.5, 0, 10)).toBeCloseTo(Math.LN2, 14);
  });

  it('returns the midpoint of the bracket when it cannot be split (lo = hi)', () => {
    expect(bisectDecreasing(() => 0, 1, 3, 3)).toBe(3);
  });
});
