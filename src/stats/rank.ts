/**
 * Average ranks (1-based; ties share the mean of their positions, as `scipy.stats.rankdata`) and the tie
 * term Σ(t³ − t) over tie groups of size t, which the rank tests' normal approximations need.
 *
 * @see https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.rankdata.html
 * @example
 * averageRanks([10, 20, 20, 30]); // => { ranks: Float64Array [1, 2.5, 2.5, 4], tieTerm: 6 }
 */
export function averageRanks(values: ArrayLike<number>): { ranks: Float64Array; tieTerm: number } {
  const n = values.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(n);
  let tieTerm = 0;
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && values[order[j]] === values[order[i]]) j++;
    const avg = (i + j + 1) / 2; // mean of 1-based positions i+1 .. j
    for (let k = i; k < j; k++) ranks[order[k]] = avg;
    const t = j - i;
    if (t > 1) tieTerm += t * t * t - t;
    i = j;
  }
  return { ranks, tieTerm };
}
