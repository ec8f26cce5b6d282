import { checkPValues } from './holm';

/**
 * Benjamini–Hochberg adjusted p-values ("q-values" controlling the false discovery rate for independent or
 * positively dependent tests), in the input's order. With p₍₁₎ ≤ … ≤ p₍ₘ₎ sorted ascending,
 * adj₍ᵢ₎ = min over j ≥ i of min(1, m/j·p₍ⱼ₎). Declaring every hypothesis with adjᵢ ≤ q keeps the expected
 * share of false discoveries at most q. Same as R's `p.adjust(p, 'BH')` and statsmodels
 * `multipletests(p, method='fdr_bh')`. An empty array gives an empty array.
 *
 * @see Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. JRSS B 57(1), 289–300.
 *   https://doi.org/10.1111/j.2517-6161.1995.tb02031.x
 * @throws {RangeError} when a p-value is NaN or outside [0, 1] (TypeError when not a number or not an array)
 * @example
 * benjaminiHochberg([0.01, 0.04, 0.03]); // => [0.03, 0.04, 0.04] (sorted: min(3·0.01, …), min(3/2·0.03, 0.04), 0.04)
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const { p, order } = checkPValues('benjaminiHochberg', pValues);
  const m = p.length;
  const out = new Array<number>(m);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const idx = order[rank];
    running = Math.min(running, (m / (rank + 1)) * p[idx]);
    out[idx] = running;
  }
  return out;
}
