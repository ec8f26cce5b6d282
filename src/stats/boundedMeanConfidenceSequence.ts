import { checkCount, checkOpenUnit, checkOptions, checkPositive, describe } from './validate';

/** Options of {@link boundedMeanConfidenceSequence}. */
export interface BoundedMeanCsOptions {
  /** Bounds every observation lies in (default [−1, 1]: a paired difference of two values in [0, 1]). */
  range?: [number, number];
  /** Two-sided level, valid over every look at once (default 0.05). */
  alpha?: number;
  /** Observations (pairs) at which the sequence should be tightest. */
  nExpected: number;
}

export interface BoundedMeanCsResult {
  /** Sample mean (NaN before any data). */
  estimate: number;
  /** The (1 − alpha) confidence-sequence interval for the mean at this n (the whole range before any data). */
  ci: [number, number];
  n: number;
  nExpected: number;
  alpha: number;
  /** The fixed bets λ of the mixture (on the [0, 1] scale). */
  bets: number[];
  method: string;
}

/** A value and how often it was observed (a histogram cell). */
export type ValueCount = readonly [value: number, count: number];

/**
 * Confidence sequence for the mean of observations bounded in [lo, hi] — for canarylab, the paired quality
 * difference canary − primary per item, in {−1, 0, 1} for pass/fail scorers — by betting (Waudby-Smith &
 * Ramdas 2023). Rescaled to y ∈ [0, 1], for each candidate mean m and a fixed bet λ ∈ (0, 1) the capital
 * K_n(λ, m) = Π (1 + λ(yᵢ − m)) and K_n(−λ, m) are nonnegative martingales when m is the true mean; their
 * average over a grid of bets (the "diversified Kelly" mixture, W-S & R §5.2) is too, so by Ville's inequality
 * the set {m : K⁺(m) < 2/α and K⁻(m) < 2/α} covers the mean at every n at once with probability ≥ 1 − α.
 * Because the bets are fixed, K depends on the data only through how often each value occurred, so the
 * sequence can be computed from merged counts (b, c, n of the paired pass/fail table) and is the same
 * whatever the order of the observations. K⁺ falls and K⁻ rises with m, so the set is an interval [L, U]
 * found by bisection (1e-10); it contains the sample mean, where both capitals are ≤ 1 (Jensen).
 * No variance is estimated: when every difference is 0 (no discordant pair) the interval is honest and
 * finite, shrinking like 1/n around 0.
 *
 * Tuning: a bet λ wins fastest against a gap Δ with variance σ² at λ ≈ Δ/σ²; the gap the sequence can just
 * resolve at n = nExpected is about σ·√(2·ln(2/α)/nExpected), so λ ≈ √(2·ln(2/α)/(σ²·nExpected)). The grid
 * is 10 bets spaced geometrically from 0.7·λ₀ to 32·λ₀ (capped at 0.95, duplicates dropped), with
 * λ₀ = √(2·ln(2/α)/(nExpected/4)) the bet for the worst-case variance 1/4 on the [0, 1] scale: variances
 * down to ~1/4,000 each have a bet near their best at nExpected. Measured at n = nExpected = 1,319 for
 * pass/fail pairs with 3–30% discordant items, the half-width is 3.1–3.2 standard errors (the fixed 95%
 * interval: 1.96; the normal-mixture asymptotic sequence tuned the same way: 3.04).
 *
 * @see Waudby-Smith, I. & Ramdas, A. (2023). Estimating means of bounded random variables by betting.
 *   JRSS B 86(1), 1–27. https://arxiv.org/abs/2010.09686
 * @throws {RangeError} when a value is outside the range, a count is not an integer ≥ 0, the range is not
 *   lo < hi, nExpected is not > 0, or alpha ∉ (0, 1)
 * @example
 * // 1,319 paired items: primary-only passes b = 40, canary-only passes c = 97 (differences −1, 0, +1):
 * boundedMeanConfidenceSequence([[-1, 40], [0, 1182], [1, 97]], { nExpected: 1319 }).ci; // => [0.01609…, 0.07183…]
 */
export function boundedMeanConfidenceSequence(
  cells: readonly ValueCount[],
  opts: BoundedMeanCsOptions,
): BoundedMeanCsResult {
  const fn = 'boundedMeanConfidenceSequence';
  checkOptions(fn, opts, '{ nExpected, range?, alpha? }');
  const [lo, hi] = opts.range ?? [-1, 1];
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi))
    throw new RangeError(`${fn}: range must be [lo, hi] with finite lo < hi, got ${describe(opts.range)}`);
  const alpha = checkOpenUnit(fn, 'alpha', opts.alpha ?? 0.05);
  const nExpected = checkPositive(fn, 'nExpected', opts.nExpected);
  if (!Array.isArray(cells))
    throw new TypeError(`${fn}: cells must be an array of [value, count], got ${describe(cells)}`);
  const width = hi - lo;
  const ys: number[] = [];
  const ws: number[] = [];
  let n = 0;
  let sum = 0;
  cells.forEach((cell, i) => {
    const v = cell?.[0];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi)
      throw new RangeError(`${fn}: cells[${i}][0] must be a number in [${lo}, ${hi}], got ${describe(v)}`);
    const c = checkCount(fn, `cells[${i}][1]`, cell[1], 0);
    if (c === 0) return;
    ys.push((v - lo) / width);
    ws.push(c);
    n += c;
    sum += c * v;
  });
  const lambda0 = Math.sqrt((2 * Math.log(2 / alpha)) / (nExpected / 4));
  const bets = [
    ...new Set(Array.from({ length: 10 }, (_, j) => Math.min(0.95, 0.7 * lambda0 * (32 / 0.7) ** (j / 9)))),
  ];
  const method = `Betting confidence sequence for a bounded mean (Waudby-Smith & Ramdas 2023; mixture of ${bets.length} fixed bets tuned for n = ${nExpected}), range [${lo}, ${hi}]`;
  const base = { n, nExpected, alpha, bets, method };
  if (n === 0) return { estimate: Number.NaN, ci: [lo, hi], ...base };
  const logThreshold = Math.log(2 / alpha);
  // ln of the average over bets of Π(1 + s·λ(y − m))^count, s = +1 or −1.
  const logCapital = (m: number, s: 1 | -1): number => {
    let max = Number.NEGATIVE_INFINITY;
    const terms = bets.map((lambda) => {
      let t = 0;
      for (let k = 0; k < ys.length; k++) t += ws[k] * Math.log1p(s * lambda * (ys[k] - m));
      if (t > max) max = t;
      return t;
    });
    let acc = 0;
    for (const t of terms) acc += Math.exp(t - max);
    return max + Math.log(acc / terms.length);
  };
  const mean01 = (sum / n - lo) / width;
  // L: below it K⁺ ≥ 2/α (m too low); U: above it K⁻ ≥ 2/α.
  const lower01 = boundary((m) => logCapital(m, 1) >= logThreshold, 0, mean01);
  const upper01 = 1 - boundary((q) => logCapital(1 - q, -1) >= logThreshold, 0, 1 - mean01);
  return {
    estimate: sum / n,
    ci: [lo + width * lower01, lo + width * upper01],
    ...base,
  };
}

/** Largest x in [a, b] where `reject` holds (reject is true at a side, false at b), to 1e-10. */
function boundary(reject: (x: number) => boolean, a0: number, b0: number): number {
  let a = a0;
  let b = b0;
  if (!reject(a)) return a;
  for (let i = 0; i < 100 && b - a > 1e-10; i++) {
    const m = 0.5 * (a + b);
    if (reject(m)) a = m;
    else b = m;
  }
  return a;
}
