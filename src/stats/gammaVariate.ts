// Gamma(shape, 1) random variates (Marsaglia & Tsang), used to draw uniform order statistics as Beta variates.
import type { Rng } from './random';

/**
 * Gamma(shape, 1) variate for shape ≥ 1 by Marsaglia & Tsang's squeeze-rejection method. Draws normals and
 * uniforms from `rng` (a seeded stream), so the same seed gives the same variates.
 * @see Marsaglia, G. & Tsang, W. W. (2000). A simple method for generating gamma variables. ACM TOMS 26(3).
 */
export function gammaVariate(rng: Rng, shape: number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}
