import { bisectDecreasing } from './bisect';
import { chiSquareQuantile, chiSquareSf } from './distributions';
import { checkOpenUnit, describe } from './validate';

/** The calls and failed calls of one window (an hour of logs, or a batch of a run). */
export interface WindowCounts {
  calls: number;
  failures: number;
}

/** Options of {@link errorRateConsistency}. */
export interface ErrorRateConsistencyOptions {
  /** Two-sided confidence of the interval for τ (default 0.95). */
  confidence?: number;
}

/** What {@link errorRateConsistency} returns. */
export interface ErrorRateConsistencyResult {
  method: string;
  /** Cochran's Q at τ² = 0: the χ² statistic of "every window has the same error rate". */
  statistic: number;
  /** P(χ²(k − 1) ≥ Q): small when the windows differ by more than binomial noise. */
  pValue: number;
  alternative: 'greater';
  df: number;
  /** τ: between-window standard deviation of the error rate beyond binomial noise, in percentage points. */
  estimate: number;
  /** Q-profile interval of τ (upper end at least the data's resolution), percentage points. */
  ci: [number, number];
  /** τ² on the proportion scale (rate²) and its Q-profile interval. */
  tau2: number;
  tau2Ci: [number, number];
  /** Windows, calls and failures summed over the windows, and the pooled error rate F / N. */
  windows: number;
  calls: number;
  failures: number;
  rate: number;
  /** Binomial variance of each window's rate under a common rate: p̃(1 − p̃)/n_i, p̃ = (F + ½)/(N + 1). */
  withinVariance: number[];
}

/**
 * Error-rate consistency: how much the error rate moves between windows (hours of logs, batches of a run)
 * beyond what binomial noise explains, as a random-effects standard deviation τ in percentage points.
 * Each window's rate y_i = f_i/n_i is modelled as y_i = μ + u_i + e_i with u_i ~ (0, τ²) and binomial noise
 * e_i of variance v_i = p̃(1 − p̃)/n_i, where p̃ = (F + ½)/(N + 1) is the pooled rate with a half-count
 * continuity correction (so windows without failures, and runs without any, keep a finite, honest noise
 * level). With w_i(τ²) = 1/(v_i + τ²) and μ̂(τ²) = Σw_i y_i / Σw_i, the generalised Cochran statistic
 * Q(τ²) = Σ w_i (y_i − μ̂)² is χ²(k − 1) at the true τ². The estimate is Paule–Mandel's (Q(τ̂²) = k − 1,
 * 0 when Q(0) ≤ k − 1; statsmodels' `combine_effects(method_re='iterated')`) and the interval is the
 * Q-profile interval of Viechtbauer (2007): the τ² with χ²_{α/2}(k − 1) ≤ Q(τ²) ≤ χ²_{1−α/2}(k − 1),
 * which always contains the Paule–Mandel estimate. The Q-profile upper end collapses to 0 when Q(0) falls
 * below χ²_{α/2}(k − 1) (sparse windows with hardly any failures), which would certify a consistency the
 * data cannot see; so the upper end is never below the data's resolution, the upper bound a homogeneous
 * sample with Q(0) = k − 1 would give: v̄·((k − 1)/χ²_{α/2}(k − 1) − 1), v̄ the mean of the v_i (exact
 * for equal windows, where Q(τ²) = Q(0)·v/(v + τ²)). The homogeneity test is Q(0) against χ²(k − 1).
 *
 * A one-hour burst at 8% errors among 23 hours at 0.1% (2,000 calls an hour) gives τ ≈ 1.6 points; a steady
 * 0.3% gives τ̂ = 0 with an upper bound near the binomial noise of a window (≈ 0.12 points at 2,000 calls).
 *
 * @see Viechtbauer, W. (2007). Confidence intervals for the amount of heterogeneity in meta-analysis.
 *   Statistics in Medicine 26(1), 37–52. https://doi.org/10.1002/sim.2514
 * @see Paule, R. C., Mandel, J. (1982). Consensus values and weighting factors. J. Res. NBS 87(5), 377–385.
 * @see https://www.statsmodels.org/stable/generated/statsmodels.stats.meta_analysis.combine_effects.html
 * @throws {RangeError} with fewer than 2 windows, a window without calls, failures outside [0, calls], or
 *   confidence outside (0, 1)
 * @throws {TypeError} when windows is not an array of { calls, failures } integers
 * @example
 * errorRateConsistency([{ calls: 1000, failures: 2 }, { calls: 1000, failures: 40 }]).estimate; // => 2.648… (points)
 */
export function errorRateConsistency(
  windows: readonly WindowCounts[],
  opts: ErrorRateConsistencyOptions = {},
): ErrorRateConsistencyResult {
  const fn = 'errorRateConsistency';
  if (!Array.isArray(windows))
    throw new TypeError(`${fn}: windows must be an array of { calls, failures }, got ${describe(windows)}`);
  if (windows.length < 2)
    throw new RangeError(`${fn}: windows needs at least 2 windows, got ${windows.length}`);
  const confidence = checkOpenUnit(fn, 'confidence', opts.confidence ?? 0.95);
  const k = windows.length;
  const { n, y, N, F } = readWindows(fn, windows);
  const pTilde = (F + 0.5) / (N + 1);
  const v = Array.from(n, (ni) => (pTilde * (1 - pTilde)) / ni);
  const df = k - 1;
  const q0 = generalisedQ(y, v, 0);
  const alpha = 1 - confidence;
  const tau2 = solveQ(y, v, q0, df);
  const qLow = chiSquareQuantile(alpha / 2, df);
  // Resolution floor of the upper end: the Q-profile upper bound of a homogeneous sample with Q(0) = k − 1
  // (exact for equal window sizes, where Q(τ²) = Q(0)·v/(v + τ²)), at the mean binomial variance.
  const meanV = v.reduce((a, x) => a + x, 0) / k;
  const floor = meanV * Math.max(0, df / qLow - 1);
  const tau2Ci: [number, number] = [
    solveQ(y, v, q0, chiSquareQuantile(1 - alpha / 2, df)),
    Math.max(solveQ(y, v, q0, qLow), floor),
  ];
  const pts = (t2: number) => 100 * Math.sqrt(t2);
  return {
    method: `Random-effects between-window SD of the error rate (Paule–Mandel τ, Q-profile ${Math.round(confidence * 1000) / 10}% interval) over ${k} windows; homogeneity: Cochran's Q against χ²(${df})`,
    statistic: q0,
    pValue: chiSquareSf(q0, df),
    alternative: 'greater',
    df,
    estimate: pts(tau2),
    ci: [pts(tau2Ci[0]), pts(tau2Ci[1])],
    tau2,
    tau2Ci,
    windows: k,
    calls: N,
    failures: F,
    rate: F / N,
    withinVariance: v,
  };
}

/** Validates each window; returns calls n_i, rates y_i = f_i/n_i and the totals N, F. */
function readWindows(
  fn: string,
  windows: readonly WindowCounts[],
): { n: Float64Array; y: Float64Array; N: number; F: number } {
  const k = windows.length;
  const n = new Float64Array(k);
  const y = new Float64Array(k);
  let N = 0;
  let F = 0;
  windows.forEach((w, i) => {
    if (w === null || typeof w !== 'object')
      throw new TypeError(`${fn}: windows[${i}] must be { calls, failures }, got ${describe(w)}`);
    const { calls, failures } = w;
    if (typeof calls !== 'number' || !Number.isInteger(calls))
      throw new TypeError(`${fn}: windows[${i}].calls must be an integer, got ${describe(calls)}`);
    if (typeof failures !== 'number' || !Number.isInteger(failures))
      throw new TypeError(`${fn}: windows[${i}].failures must be an integer, got ${describe(failures)}`);
    if (calls < 1) throw new RangeError(`${fn}: windows[${i}].calls must be >= 1, got ${calls}`);
    if (failures < 0 || failures > calls)
      throw new RangeError(`${fn}: windows[${i}].failures must be in [0, ${calls}], got ${failures}`);
    n[i] = calls;
    y[i] = failures / calls;
    N += calls;
    F += failures;
  });
  return { n, y, N, F };
}

/** Generalised Cochran Q(τ²) = Σ w_i (y_i − μ̂)², w_i = 1/(v_i + τ²), μ̂ = Σw_i y_i / Σw_i. */
function generalisedQ(y: Float64Array, v: number[], tau2: number): number {
  const k = y.length;
  let sw = 0;
  let swy = 0;
  for (let i = 0; i < k; i++) {
    const w = 1 / (v[i] + tau2);
    sw += w;
    swy += w * y[i];
  }
  const mu = swy / sw;
  let s = 0;
  for (let i = 0; i < k; i++) s += ((y[i] - mu) * (y[i] - mu)) / (v[i] + tau2);
  return s;
}

/** The τ² with Q(τ²) = target by bisection (Q decreases from q0 = Q(0) to 0); 0 when q0 ≤ target. */
function solveQ(y: Float64Array, v: number[], q0: number, target: number): number {
  if (!(q0 > target)) return 0;
  const lo = 0;
  let hi = Math.max(...v);
  while (generalisedQ(y, v, hi) > target && hi < 1) hi *= 2;
  return bisectDecreasing((t) => generalisedQ(y, v, t), target, lo, hi);
}
