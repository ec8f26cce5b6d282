// Bisection for the point where a decreasing function crosses a level (score bounds, spending bounds, τ²).

/**
 * The x in [lo, hi] where a decreasing `f` crosses `target`, by bisection to floating-point resolution (at
 * most 200 halvings; stops when the midpoint no longer lies strictly inside the bracket): the bracket keeps
 * f(lo) > target ≥ f(hi), and the midpoint of the last bracket is returned.
 * @see https://en.wikipedia.org/wiki/Bisection_method
 * @example
 * bisectDecreasing((x) => 1 - x * x, 0, 0, 2); // => 1 (to within 1 ulp)
 */
export function bisectDecreasing(f: (x: number) => number, target: number, lo: number, hi: number): number {
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (mid <= lo || mid >= hi) break;
    if (f(mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
