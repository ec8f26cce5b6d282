import { betaBinomialLogMixture, betaMixturePrior } from './proportionConfidenceSequence';
import { checkCount, checkOpenUnit, checkOptions, describe } from './validate';

/**
 * Observations known to lie in [lower, upper] (a histogram bucket), `count` of them. Exact values are cells
 * with lower = upper. Cells are sorted ascending and do not overlap (a cell's upper < the next cell's lower,
 * or equal for half-open buckets).
 */
export interface QuantileCell {
  lower: number;
  upper: number;
  count: number;
}

/** Options of {@link quantileConfidenceSequence}. */
export interface QuantileCsOptions {
  /** The quantile's level p ∈ (0, 1), e.g. 0.95 for P95. */
  p: number;
  /** Two-sided level, valid over every look at once (default 0.05). */
  alpha?: number;
  /** Observations at which the sequence should be tightest. */
  nExpected: number;
}

export interface QuantileCsResult {
  /** The (1 − alpha) confidence-sequence interval for the p-quantile: ±Infinity while the data cannot bound it. */
  ci: [number, number];
  n: number;
  p: number;
  nExpected: number;
  alpha: number;
  /**
   * `[s_lo, s_hi]`: the counts of observations below the quantile that the Bernoulli(p) mixture test accepts at
   * this n (the lower end is the last cell edge with fewer than s_lo observations below it, the upper end the
   * first cell edge with more than s_hi at or below it).
   */
  countRange: [number, number];
  method: string;
}

/**
 * Confidence sequence for a fixed quantile q_p of a distribution (Howard & Ramdas 2022, §2: a quantile CS from
 * a uniform boundary on Bernoulli(p) counts), computed from counts below and above values only — so it can
 * be read off histogram buckets (merged across runs, log files or SQL engines) as well as exact values.
 *
 * The number of observations ≤ q_p is Binomial(n, F(q_p)) with F(q_p) ≥ p, and the number < q_p is
 * Binomial(n, F(q_p−)) with F(q_p−) ≤ p. The beta-binomial mixture test of Bernoulli(p)
 * (see proportionConfidenceSequence) at level α/2 accepts, at each n, counts in an interval [s_lo, s_hi];
 * by Ville's inequality and a monotone coupling, with probability ≥ 1 − α for all n at once
 * #{X ≤ q_p} ≥ s_lo and #{X < q_p} ≤ s_hi. Hence a value e with fewer than s_lo observations below it is ≤ q_p
 * (lower end: the largest such cell edge), and a value e with more than s_hi observations at or below it is
 * ≥ q_p (upper end: the smallest such cell edge). With histogram buckets the ends are bucket edges, so the
 * interval is exact-valid, only coarser by at most one bucket.
 *
 * Tuning: the mixing prior is centred on p with its size from nExpected (betaMixturePrior at level α/2).
 *
 * @see Howard, S. R. & Ramdas, A. (2022). Sequential estimation of quantiles with applications to A/B-testing
 *   and best-arm identification. Bernoulli 28(3), 1704–1728. https://arxiv.org/abs/1906.09712
 * @throws {RangeError} when p or alpha ∉ (0, 1), nExpected is not > 0, a count is not an integer ≥ 0, or
 *   the cells are not sorted, non-overlapping, with lower ≤ upper
 * @example
 * // 1,000 latencies in 100 ms buckets [0,100), [100,200), …: is P95 below 3 s?
 * quantileConfidenceSequence(cells, { p: 0.95, nExpected: 1000 }).ci; // => [lower edge, upper edge] of buckets
 */
export function quantileConfidenceSequence(
  cells: readonly QuantileCell[],
  opts: QuantileCsOptions,
): QuantileCsResult {
  const fn = 'quantileConfidenceSequence';
  checkOptions(fn, opts, '{ p, nExpected, alpha? }');
  const p = checkOpenUnit(fn, 'p', opts.p);
  const alpha = checkOpenUnit(fn, 'alpha', opts.alpha ?? 0.05);
  if (!Array.isArray(cells)) throw new TypeError(`${fn}: cells must be an array of { lower, upper, count }`);
  let n = 0;
  let prevUpper = Number.NEGATIVE_INFINITY;
  cells.forEach((c, i) => {
    if (!(typeof c?.lower === 'number' && typeof c.upper === 'number' && c.lower <= c.upper))
      throw new RangeError(`${fn}: cells[${i}] must have numbers lower <= upper, got ${describe(c)}`);
    if (c.lower < prevUpper)
      throw new RangeError(
        `${fn}: cells[${i}].lower (${c.lower}) overlaps the previous cell (upper ${prevUpper}); sort the cells`,
      );
    prevUpper = c.upper;
    n += checkCount(fn, `cells[${i}].count`, c.count, 0);
  });
  const prior = betaMixturePrior(fn, opts.nExpected, p, alpha / 2);
  const method = `Quantile confidence sequence from counts (Howard & Ramdas 2022) with a beta-binomial mixture boundary, prior Beta(${fmt(prior.a)}, ${fmt(prior.b)}) tuned for n = ${opts.nExpected}`;
  const base = { n, p, nExpected: opts.nExpected, alpha, method };
  if (n === 0)
    return { ci: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY], countRange: [0, 0], ...base };
  const [sLo, sHi] = acceptedCounts(prior, n, p, Math.log(2 / alpha));
  let lower = Number.NEGATIVE_INFINITY;
  let upper = Number.POSITIVE_INFINITY;
  let before = 0; // observations in cells before cell k: all < cells[k].lower
  for (const c of cells) {
    if (before < sLo) lower = c.lower;
    before += c.count;
    if (before > sHi) {
      upper = c.upper;
      break;
    }
  }
  return { ci: [lower, upper], countRange: [sLo, sHi], ...base };
}

/**
 * The counts S ∈ [0, n] the level-α mixture test of Bernoulli(p) accepts (ln M_n(p) < logThreshold): an
 * integer interval, since ln M_n(p) is convex in S (ln B is convex) with its minimum near n·p.
 */
function acceptedCounts(
  prior: { a: number; b: number },
  n: number,
  p: number,
  logThreshold: number,
): [number, number] {
  const logM = (s: number) => betaBinomialLogMixture(prior, s, n)(p);
  // The minimiser of the convex ln M over integers, by ternary-like integer search around n·p.
  let a = 0;
  let b = n;
  while (b - a > 2) {
    const m1 = a + Math.floor((b - a) / 3);
    const m2 = b - Math.floor((b - a) / 3);
    if (logM(m1) < logM(m2)) b = m2;
    else a = m1;
  }
  let mid = a;
  for (let s = a + 1; s <= b; s++) if (logM(s) < logM(mid)) mid = s;
  if (logM(mid) >= logThreshold) return [mid + 1, mid - 1]; // nothing accepted (cannot happen: ln M(n·p) ≤ 0 + O(ln n))
  // Smallest accepted count at or below mid, largest at or above.
  let lo = 0;
  let hi = mid;
  while (lo < hi) {
    const m = Math.floor((lo + hi) / 2);
    if (logM(m) < logThreshold) hi = m;
    else lo = m + 1;
  }
  const sLo = lo;
  lo = mid;
  hi = n;
  while (lo < hi) {
    const m = Math.ceil((lo + hi) / 2);
    if (logM(m) < logThreshold) lo = m;
    else hi = m - 1;
  }
  return [sLo, lo];
}

/**
 * Cells of exact values (one per distinct value) for {@link quantileConfidenceSequence}.
 * @example
 * valueCells([3, 1, 3]); // => [{ lower: 1, upper: 1, count: 1 }, { lower: 3, upper: 3, count: 2 }]
 */
export function valueCells(values: readonly number[]): QuantileCell[] {
  const sorted = Float64Array.from(values).sort();
  const out: QuantileCell[] = [];
  for (const v of sorted) {
    if (!Number.isFinite(v)) throw new RangeError(`valueCells: values must be finite, got ${v}`);
    const last = out[out.length - 1];
    if (last && last.lower === v) last.count++;
    else out.push({ lower: v, upper: v, count: 1 });
  }
  return out;
}

function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString();
}
