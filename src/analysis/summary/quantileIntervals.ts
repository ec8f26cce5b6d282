/**
 * Quantile intervals from histograms: the distribution-free order-statistic interval of one arm's quantile,
 * and the interval of the difference and ratio of two arms' quantiles.
 */
import { binomialCdf, normalQuantile, normalSf } from '../../stats/distributions';
import { SummaryError, summaryMsg } from './errors';
import { histogramQuantile, orderStatistic } from './histogram';
import type { LogHistogram } from './types';

/** The ranks of the equal-tailed order-statistic interval and its exact coverage. */
export interface OrderStatisticRanks {
  /** 1-based rank l of the lower bound x₍ₗ₎; null when no rank keeps P(B < l) ≤ α/2 (the bound is the support's minimum). */
  lower: number | null;
  /** 1-based rank u of the upper bound x₍ᵤ₎; null when no rank keeps P(B ≥ u) ≤ α/2 (the bound is +∞). */
  upper: number | null;
  /** P(x₍ₗ₎ ≤ ξ_p ≤ x₍ᵤ₎) for continuous data = F(u − 1) − F(l − 1), B ~ Binomial(n, p); ≥ confidence. */
  coverage: number;
}

/**
 * Ranks of the distribution-free confidence interval [x₍ₗ₎, x₍ᵤ₎] for the p-quantile ξ_p of a continuous
 * distribution from n iid values: the number B of values below ξ_p is Binomial(n, p), so
 * P(x₍ₗ₎ ≤ ξ_p ≤ x₍ᵤ₎) ≥ F(u − 1) − F(l − 1). Equal-tailed: l is the largest rank with F(l − 1) ≤ α/2 and u the
 * smallest with F(u − 1) ≥ 1 − α/2, α = 1 − confidence. Works on counts alone, so on histogram buckets.
 *
 * @see Hahn, G. J. & Meeker, W. Q. (1991). Statistical Intervals, §5.2 (distribution-free intervals for
 *   percentiles); David, H. A. & Nagaraja, H. N. (2003). Order Statistics, 3rd ed., §7.1.
 * @throws {SummaryError} SUMMARY_BAD_OPTION when n is not an integer ≥ 1, p not in (0, 1) or confidence not in (0, 1)
 * @example
 * orderStatisticRanks(100, 0.5, 0.95); // => { lower: 40, upper: 61, coverage: ≈0.9648 }
 */
export function orderStatisticRanks(n: number, p: number, confidence: number): OrderStatisticRanks {
  if (!(Number.isInteger(n) && n >= 1))
    throw new SummaryError('SUMMARY_BAD_OPTION', summaryMsg.badRanksOption('n', 'an integer >= 1', n));
  if (!(p > 0 && p < 1))
    throw new SummaryError('SUMMARY_BAD_OPTION', summaryMsg.badRanksOption('p', 'a number in (0, 1)', p));
  if (!(confidence > 0 && confidence < 1))
    throw new SummaryError(
      'SUMMARY_BAD_OPTION',
      summaryMsg.badRanksOption('confidence', 'a number in (0, 1)', confidence),
    );
  const half = (1 - confidence) / 2;
  const F = (k: number) => binomialCdf(k, n, p);
  // Largest l in 1..n with F(l − 1) ≤ α/2 (F is increasing in its argument): binary search.
  let lower: number | null = null;
  if (F(0) <= half) {
    let lo = 1;
    let hi = n;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (F(mid - 1) <= half) lo = mid;
      else hi = mid - 1;
    }
    lower = lo;
  }
  // Smallest u in 1..n with F(u − 1) ≥ 1 − α/2.
  let upper: number | null = null;
  if (F(n - 1) >= 1 - half) {
    let lo = 1;
    let hi = n;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (F(mid - 1) >= 1 - half) hi = mid;
      else lo = mid + 1;
    }
    upper = lo;
  }
  const coverage = (upper === null ? 1 : F(upper - 1)) - (lower === null ? 0 : F(lower - 1));
  return { lower, upper, coverage };
}

/** One arm's quantile from its histogram, with the order-statistic interval. */
export interface HistogramQuantileCI {
  n: number;
  /** Type-7 quantile read from the histogram (within 0.347% of the exact one). */
  estimate: number;
  /**
   * The order-statistic interval widened to its buckets' outer edges (so it contains the interval the raw
   * values would give): lower is 0 (the support's minimum) and upper +∞ when too few values for the rank.
   */
  lower: number;
  upper: number;
  ranks: OrderStatisticRanks;
}

/**
 * The distribution-free confidence interval of the p-quantile of the values a histogram counts (see
 * {@link orderStatisticRanks}); each bound is read at its bucket's outer edge, clamped to [min, max].
 *
 * @throws {SummaryError} SUMMARY_EMPTY when the histogram is empty; SUMMARY_BAD_OPTION as orderStatisticRanks
 * @example
 * histogramQuantileCI(summary.canary.latencyMs, 0.95, 0.95); // => { estimate: 806.4, lower: 784.1, upper: 848.3, … }
 */
export function histogramQuantileCI(h: LogHistogram, p: number, confidence: number): HistogramQuantileCI {
  if (h.count === 0)
    throw new SummaryError('SUMMARY_EMPTY', summaryMsg.emptyHistogram('histogramQuantileCI'));
  const ranks = orderStatisticRanks(h.count, p, confidence);
  return {
    n: h.count,
    estimate: histogramQuantile(h, p),
    lower: ranks.lower === null ? 0 : orderStatistic(h, ranks.lower).lower,
    upper: ranks.upper === null ? Number.POSITIVE_INFINITY : orderStatistic(h, ranks.upper).upper,
    ranks,
  };
}

/** The difference and ratio of two arms' quantiles (canary − primary, canary / primary − 1). */
export interface QuantileDifferenceFromHistograms {
  primary: HistogramQuantileCI;
  canary: HistogramQuantileCI;
  difference: { estimate: number; lower: number; upper: number; standardError: number };
  /** canary / primary − 1, interval from the log ratio; NaN when a quantile is 0. */
  relative: { estimate: number; lower: number; upper: number };
  /** z = difference / SE and its two-sided normal p-value (1 when SE is 0 and the difference 0). */
  z: number;
  pValue: number;
  method: string;
}

/**
 * Interval for the difference (and ratio) of two independent arms' p-quantiles from their histograms, by
 * Price & Bonett's distribution-free variance estimate: each arm's standard error is the width of its
 * order-statistic interval over 2·z (on the log scale for the ratio), and the two add in quadrature:
 * Δ̂ ± z·√(SE_p² + SE_c²). NaN bounds when an arm's interval is unbounded (too few values).
 *
 * @see Price, R. M. & Bonett, D. G. (2002). Distribution-free confidence intervals for difference and ratio
 *   of medians. Journal of Statistical Computation and Simulation 72(2), 119–124.
 * @throws {SummaryError} SUMMARY_EMPTY when an arm's histogram is empty
 * @example
 * quantileDifferenceFromHistograms(primary.latencyMs, canary.latencyMs, 0.95, 0.95).relative;
 */
export function quantileDifferenceFromHistograms(
  primary: LogHistogram,
  canary: LogHistogram,
  p: number,
  confidence: number,
): QuantileDifferenceFromHistograms {
  const a = histogramQuantileCI(primary, p, confidence);
  const b = histogramQuantileCI(canary, p, confidence);
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const se = (q: HistogramQuantileCI) => (q.upper - q.lower) / (2 * z);
  const seLog = (q: HistogramQuantileCI) =>
    q.lower > 0 ? (Math.log(q.upper) - Math.log(q.lower)) / (2 * z) : Number.NaN;
  const finite = (x: number) => (Number.isFinite(x) ? x : Number.NaN);
  const d = b.estimate - a.estimate;
  const sd = finite(Math.sqrt(se(a) ** 2 + se(b) ** 2));
  const logR = a.estimate > 0 && b.estimate > 0 ? Math.log(b.estimate / a.estimate) : Number.NaN;
  const sl = finite(Math.sqrt(seLog(a) ** 2 + seLog(b) ** 2));
  const zStat = sd > 0 ? d / sd : Number.isNaN(sd) ? Number.NaN : 0;
  return {
    primary: a,
    canary: b,
    difference: { estimate: d, lower: d - z * sd, upper: d + z * sd, standardError: sd },
    relative: {
      estimate: Math.expm1(logR),
      lower: Math.expm1(logR - z * sl),
      upper: Math.expm1(logR + z * sl),
    },
    z: zStat,
    pValue: Number.isNaN(zStat)
      ? Number.NaN
      : sd > 0
        ? Math.min(1, 2 * normalSf(Math.abs(zStat)))
        : d === 0
          ? 1
          : 0,
    method: `Price–Bonett interval of the quantile difference from histograms (order-statistic standard errors, independent arms)`,
  };
}
