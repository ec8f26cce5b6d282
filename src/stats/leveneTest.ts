import { fSf } from './distributions';
import { quantileSorted } from './quantile';
import type { TestResult } from './types';
import { checkSample, sortedCopy } from './validate';

/**
 * Levene's test for equal variances, median-centred (the Brown–Forsythe variant, robust to heavy tails
 * such as latencies): a one-way ANOVA on z_ij = |y_ij − median_i|, W = (N − k)/(k − 1) ·
 * Σ nᵢ(z̄ᵢ − z̄)² / ΣΣ(z_ij − z̄ᵢ)², referred to F(k − 1, N − k). Matches
 * `scipy.stats.levene(*groups, center='median')`. When every group is constant (zero spread everywhere)
 * scipy returns NaN; here the statistic is 0 and the p-value 1 (nothing differs).
 *
 * @see Brown, M. B. & Forsythe, A. B. (1974). JASA 69(346). https://doi.org/10.1080/01621459.1974.10482955
 * @throws {RangeError} with fewer than 2 groups, a group with fewer than 2 values, or a non-finite value
 * @example
 * leveneTest([[1, 2, 3, 4], [2, 4, 6, 8]]).statistic; // => 2.4
 */
export function leveneTest(
  groups: readonly (readonly number[])[],
): Omit<TestResult, 'df'> & { df: [number, number] } {
  const fn = 'leveneTest';
  if (!Array.isArray(groups) || groups.length < 2) {
    throw new RangeError(`${fn}: groups must be an array of at least 2 samples`);
  }
  const k = groups.length;
  const z: Float64Array[] = (groups as readonly (readonly number[])[]).map((group, i) => {
    const g = checkSample(fn, `groups[${i}]`, group, 2);
    const med = quantileSorted(sortedCopy(g), 0.5);
    return Float64Array.from(g, (v) => Math.abs(v - med));
  });
  let total = 0;
  let grand = 0;
  const means = z.map((zi) => {
    let s = 0;
    for (const v of zi) s += v;
    grand += s;
    total += zi.length;
    return s / zi.length;
  });
  grand /= total;
  let between = 0;
  let within = 0;
  z.forEach((zi, i) => {
    between += zi.length * (means[i] - grand) ** 2;
    for (const v of zi) within += (v - means[i]) ** 2;
  });
  const df1 = k - 1;
  const df2 = total - k;
  const method = 'Levene test (median-centred, Brown-Forsythe)';
  if (within === 0) {
    const statistic = between === 0 ? 0 : Number.POSITIVE_INFINITY;
    return { method, statistic, pValue: between === 0 ? 1 : 0, alternative: 'two-sided', df: [df1, df2] };
  }
  const statistic = (df2 / df1) * (between / within);
  return { method, statistic, pValue: fSf(statistic, df1, df2), alternative: 'two-sided', df: [df1, df2] };
}
