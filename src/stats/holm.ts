import { checkProbability } from './validate';

/**
 * Reads an array of p-values (each a number in [0, 1]) for the multiple-testing adjustments, and returns
 * the indices that sort it ascending (stable, so ties keep their input order).
 */
export function checkPValues(fn: string, pValues: unknown): { p: readonly number[]; order: number[] } {
  if (!Array.isArray(pValues)) throw new TypeError(`${fn}: pValues must be an array of numbers`);
  pValues.forEach((v, i) => {
    checkProbability(fn, `pValues[${i}]`, v);
  });
  const p = pValues as readonly number[];
  const order = p.map((_, i) => i).sort((a, b) => p[a] - p[b] || a - b);
  return { p, order };
}

/**
 * Holm's step-down adjusted p-values (family-wise error rate control, uniformly more powerful than
 * Bonferroni), in the input's order. With p₍₁₎ ≤ … ≤ p₍ₘ₎ sorted ascending,
 * adj₍ᵢ₎ = max over j ≤ i of min(1, (m − j + 1)·p₍ⱼ₎). Reject hypothesis i at level α when adjᵢ ≤ α.
 * Same as R's `p.adjust(p, 'holm')` and statsmodels `multipletests(p, method='holm')`.
 * An empty array gives an empty array.
 *
 * @see Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scandinavian Journal of
 *   Statistics 6(2), 65–70. https://www.jstor.org/stable/4615733
 * @throws {RangeError} when a p-value is NaN or outside [0, 1] (TypeError when not a number or not an array)
 * @example
 * holm([0.01, 0.04, 0.03]); // => [0.03, 0.06, 0.06] (sorted: 3·0.01, max(0.03, 2·0.03), max(0.06, 1·0.04))
 */
export function holm(pValues: readonly number[]): number[] {
  const { p, order } = checkPValues('holm', pValues);
  const m = p.length;
  const out = new Array<number>(m);
  let running = 0;
  order.forEach((idx, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p[idx]));
    out[idx] = running;
  });
  return out;
}
