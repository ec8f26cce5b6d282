/**
 * Distribution functions (cdf, survival function, quantile) for the normal, Student t, chi-square, F,
 * binomial and beta distributions, built on @stdlib's ports of Boost/Cephes special functions.
 * Upper tails are computed directly (never as 1 − cdf) so tiny p-values keep their relative accuracy.
 * Checked against scipy.stats in test/stats/distributions.test.ts.
 *
 * @see https://docs.scipy.org/doc/scipy/reference/stats.html
 */
import betainc from '@stdlib/math-base-special-betainc';
import erfcinv from '@stdlib/math-base-special-erfcinv';
import gammainc from '@stdlib/math-base-special-gammainc';
import betaQuantileStd from '@stdlib/stats-base-dists-beta-quantile';
import chisqQuantileStd from '@stdlib/stats-base-dists-chisquare-quantile';
import normalCdfStd from '@stdlib/stats-base-dists-normal-cdf';
import tCdfStd from '@stdlib/stats-base-dists-t-cdf';
import tQuantileStd from '@stdlib/stats-base-dists-t-quantile';

/** Standard normal cdf Φ(z). */
export function normalCdf(z: number): number {
  return normalCdfStd(z, 0, 1);
}
/** Standard normal survival function 1 − Φ(z), accurate in the far upper tail. */
export function normalSf(z: number): number {
  return normalCdfStd(-z, 0, 1);
}
/**
 * Standard normal quantile Φ⁻¹(p) = −√2·erfc⁻¹(2p), accurate in both tails (for p > ½ by symmetry on
 * 1 − p, which is exact in floating point there).
 */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  if (p > 0.5) return Math.SQRT2 * erfcinv(2 * (1 - p));
  return -Math.SQRT2 * erfcinv(2 * p);
}

/** Student t cdf with `df` degrees of freedom (df may be fractional, as in Welch's test). */
export function tCdf(t: number, df: number): number {
  return tCdfStd(t, df);
}
/** Student t survival function. */
export function tSf(t: number, df: number): number {
  return tCdfStd(-t, df);
}
/** Student t quantile. */
export function tQuantile(p: number, df: number): number {
  return tQuantileStd(p, df);
}

/** Chi-square cdf: regularised lower incomplete gamma P(k/2, x/2). */
export function chiSquareCdf(x: number, k: number): number {
  if (x <= 0) return 0;
  return gammainc(x / 2, k / 2, true, false);
}
/** Chi-square survival function: regularised upper incomplete gamma Q(k/2, x/2). */
export function chiSquareSf(x: number, k: number): number {
  if (x <= 0) return 1;
  return gammainc(x / 2, k / 2, true, true);
}
/** Chi-square quantile. */
export function chiSquareQuantile(p: number, k: number): number {
  return chisqQuantileStd(p, k);
}

/** F(d1, d2) survival function: I_{d2/(d2+d1 x)}(d2/2, d1/2). */
export function fSf(x: number, d1: number, d2: number): number {
  if (x <= 0) return 1;
  return betainc(d2 / (d2 + d1 * x), d2 / 2, d1 / 2, true, false);
}
/** F(d1, d2) cdf: I_{d1 x/(d1 x+d2)}(d1/2, d2/2). */
export function fCdf(x: number, d1: number, d2: number): number {
  if (x <= 0) return 0;
  return betainc((d1 * x) / (d1 * x + d2), d1 / 2, d2 / 2, true, false);
}

/** Beta(a, b) cdf: regularised incomplete beta I_x(a, b). */
export function betaCdf(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  return betainc(x, a, b, true, false);
}
/** Beta(a, b) quantile. */
export function betaQuantile(p: number, a: number, b: number): number {
  return betaQuantileStd(p, a, b);
}

/** Binomial P(X ≤ k) for X ~ Bin(n, p), via I_{1−p}(n − k, k + 1). */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  return betainc(p, k + 1, n - k, true, true);
}
/** Binomial P(X ≥ k) for X ~ Bin(n, p), via I_p(k, n − k + 1). */
export function binomialSfInclusive(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  return betainc(p, k, n - k + 1, true, false);
}
