import { tQuantile, tSf } from './distributions';
import { checkNumber, checkOpenUnit, checkSample } from './validate';

/** Options of the non-inferiority tests: the margin δ > 0 and the one-sided significance level. */
export interface NonInferiorityOptions {
  /** Non-inferiority margin δ > 0: the canary may be worse than the primary by less than δ. */
  margin: number;
  /** One-sided significance level (default 0.05); the bound is a one-sided (1 − alpha) bound. */
  alpha?: number;
}

/**
 * Result of a non-inferiority test of canary − primary against −margin (higher is better).
 * H0: difference ≤ −margin; H1: difference > −margin. `nonInferior` is true exactly when
 * `lowerBound > −margin`, which is the same as `pValue < alpha`.
 */
export interface NonInferiorityResult {
  method: string;
  /** Point estimate of the difference canary − primary. */
  estimate: number;
  /** One-sided (1 − alpha) lower confidence bound of the difference. */
  lowerBound: number;
  /** Test statistic (t for means, z for proportions) of H0: difference = −margin. */
  statistic: number;
  /** One-sided p-value of H0: difference ≤ −margin. */
  pValue: number;
  margin: number;
  alpha: number;
  nonInferior: boolean;
  /** Degrees of freedom, where the reference distribution has them. */
  df?: number;
}

/**
 * Reads `{ margin, alpha }`: margin a finite number > 0 (and < `maxMargin`), alpha in (0, 1), default 0.05.
 * Shared by the three non-inferiority tests.
 */
export function readNonInferiorityOptions(
  fn: string,
  opts: NonInferiorityOptions | undefined,
  maxMargin = Number.POSITIVE_INFINITY,
): { margin: number; alpha: number } {
  const margin = opts?.margin;
  checkNumber(fn, 'margin', margin);
  if (!(margin > 0)) throw new RangeError(`${fn}: margin must be > 0, got ${margin}`);
  if (!(margin < maxMargin)) throw new RangeError(`${fn}: margin must be < ${maxMargin}, got ${margin}`);
  const alpha = checkOpenUnit(fn, 'alpha', opts?.alpha ?? 0.05);
  return { margin, alpha };
}

/**
 * Paired non-inferiority t-test: is the canary's mean score no worse than the primary's by δ or more,
 * scored on the same items? With dᵢ = canaryᵢ − primaryᵢ (higher is better), tests H0: mean(d) ≤ −δ
 * against H1: mean(d) > −δ with t = (d̄ + δ)/(s_d/√n), n − 1 df, one-sided p = P(T ≥ t).
 * `lowerBound` = d̄ − t₁₋α,ₙ₋₁·s_d/√n is the one-sided (1 − α) lower confidence bound of the mean
 * difference, and `nonInferior` is `lowerBound > −δ` (equivalently p < α). Matches
 * `scipy.stats.ttest_1samp(d + margin, 0, alternative='greater')`.
 * When every difference is the same (s_d = 0) the data leave no doubt: t = ±∞, p = 0 or 1, bound = d̄.
 *
 * @see Wellek, S. (2010). Testing Statistical Hypotheses of Equivalence and Noninferiority, 2nd ed., ch. 5.
 *   https://doi.org/10.1201/EBK1439808184
 * @throws {RangeError} when the arms have different lengths or fewer than 2 values, hold a non-finite number,
 *   margin is not > 0, or alpha is outside (0, 1)
 * @example
 * pairedNonInferiority([3, 4, 5, 6], [3, 5, 5, 5], { margin: 1, alpha: 0.05 });
 * // d = [0, 1, 0, −1]: d̄ = 0, s_d = √(2/3), t = 1/(√(2/3)/2) = √6 = 2.449, df = 3
 * // => { nonInferior: true, pValue: 0.04586…, lowerBound: −0.9607…, margin: 1, … }
 */
export function pairedNonInferiority(
  primary: readonly number[],
  canary: readonly number[],
  opts: NonInferiorityOptions,
): NonInferiorityResult {
  const fn = 'pairedNonInferiority';
  checkSample(fn, 'primary', primary, 2);
  checkSample(fn, 'canary', canary, 2);
  if (primary.length !== canary.length) {
    throw new RangeError(
      `${fn}: canary must have the same length as primary (paired), got ${canary.length} and ${primary.length}`,
    );
  }
  const { margin, alpha } = readNonInferiorityOptions(fn, opts);
  const n = primary.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += canary[i] - primary[i];
  const estimate = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const e = canary[i] - primary[i] - estimate;
    ss += e * e;
  }
  const se = Math.sqrt(ss / (n - 1) / n);
  const df = n - 1;
  const method = 'Paired t-test for non-inferiority';
  let statistic: number;
  let pValue: number;
  let lowerBound: number;
  if (se === 0) {
    const shift = estimate + margin;
    statistic = shift > 0 ? Number.POSITIVE_INFINITY : shift < 0 ? Number.NEGATIVE_INFINITY : 0;
    pValue = shift > 0 ? 0 : 1;
    lowerBound = estimate;
  } else {
    statistic = (estimate + margin) / se;
    pValue = tSf(statistic, df);
    lowerBound = estimate - tQuantile(1 - alpha, df) * se;
  }
  return nonInferiorityResult({ method, estimate, lowerBound, statistic, pValue, margin, alpha, df });
}

/**
 * The result of a non-inferiority test in its fixed field order, with `nonInferior` = lowerBound > −margin
 * decided here once for every test; `df` only where the reference distribution has one.
 */
export function nonInferiorityResult(r: Omit<NonInferiorityResult, 'nonInferior'>): NonInferiorityResult {
  const { method, estimate, lowerBound, statistic, pValue, margin, alpha, df } = r;
  const out: NonInferiorityResult = {
    method,
    estimate,
    lowerBound,
    statistic,
    pValue,
    margin,
    alpha,
    nonInferior: lowerBound > -margin,
  };
  if (df !== undefined) out.df = df;
  return out;
}
