import { normalCdf, normalQuantile, tQuantile } from './distributions';
import { checkNumber, checkOpenUnit, checkOptions, describe } from './validate';

export interface NonInferioritySampleSizeOptions {
  /** Standard deviation of the paired differences canary − primary (> 0). */
  sd: number;
  /** Non-inferiority margin δ > 0. */
  margin: number;
  /** The true mean difference canary − primary one plans for (default 0); must exceed −margin. */
  trueDifference?: number;
  /** One-sided significance level (default 0.05). */
  alpha?: number;
  /** Power wanted (default 0.8). */
  power?: number;
}

/**
 * P(T′ > c) for a noncentral t with `df` degrees of freedom and noncentrality `ncp`:
 * T′ = (Z + ncp)/√(V/df), V ~ χ²(df), so P = E[Φ(ncp − c·√(V/df))]. The expectation is a trapezoid sum over
 * x = ln V (where the χ² density is smooth and bell-shaped), normalized with the same sum; the integrand
 * decays to e⁻⁴⁰ at both ends, which makes the trapezoid rule accurate to ~1e-12.
 */
export function noncentralTSf(c: number, df: number, ncp: number): number {
  const mode = Math.log(df);
  const sd = Math.sqrt(2 / df);
  const lo = mode - Math.max(12 * sd, 80 / df);
  const hi = mode + 12 * sd + 1;
  const h = sd / 16;
  const steps = Math.ceil((hi - lo) / h);
  const step = (hi - lo) / steps;
  const logPeak = (df / 2) * mode - df / 2;
  let mass = 0;
  let acc = 0;
  for (let i = 0; i <= steps; i++) {
    const x = lo + i * step;
    const v = Math.exp(x);
    const w = Math.exp((df / 2) * x - v / 2 - logPeak) * (i === 0 || i === steps ? 0.5 : 1);
    mass += w;
    acc += w * normalCdf(ncp - c * Math.sqrt(v / df));
  }
  return acc / mass;
}

/**
 * Number of paired items for a paired non-inferiority t-test ({@link pairedNonInferiority}) to reach the
 * wanted power: the smallest n ≥ 2 whose exact power
 * P(T′ₙ₋₁ > t₁₋α,ₙ₋₁), T′ noncentral t with noncentrality (Δ + δ)·√n/σ, reaches `power`, where σ is the
 * standard deviation of the paired differences, δ the margin and Δ the true difference canary − primary.
 * The normal approximation n ≈ ((z₁₋α + z_power)·σ/(Δ + δ))² is the starting point; the exact noncentral-t
 * power (as statsmodels `TTestPower().solve_power(effect_size=(Δ + δ)/σ, alpha, power,
 * alternative='larger')`, rounded up) adds a few items for the estimated variance.
 * Returns `Infinity` when Δ ≤ −δ (the canary truly is inferior, no sample shows non-inferiority).
 *
 * @see Julious, S. A. (2004). Sample sizes for clinical trials with Normal data. Statistics in Medicine
 *   23(12), 1921–1986. https://doi.org/10.1002/sim.1783
 * @throws {RangeError} when sd or margin is not a finite number > 0, trueDifference is not finite, or
 *   alpha or power is outside (0, 1)
 * @example
 * nonInferioritySampleSize({ sd: 1, margin: 0.5, alpha: 0.05, power: 0.8 });
 * // => 27 (normal approximation ((1.645 + 0.842)/0.5)² = 24.7; noncentral-t power 0.7981 at 26, 0.8118 at 27)
 */
export function nonInferioritySampleSize(opts: NonInferioritySampleSizeOptions): number {
  const fn = 'nonInferioritySampleSize';
  checkOptions(fn, opts, '{ sd, margin, … }');
  const sd = readPositive(fn, 'sd', opts.sd);
  const margin = readPositive(fn, 'margin', opts.margin);
  const trueDifference = opts.trueDifference ?? 0;
  if (typeof trueDifference !== 'number' || !Number.isFinite(trueDifference)) {
    throw new RangeError(`${fn}: trueDifference must be a finite number, got ${describe(trueDifference)}`);
  }
  const alpha = checkOpenUnit(fn, 'alpha', opts.alpha ?? 0.05);
  const power = checkOpenUnit(fn, 'power', opts.power ?? 0.8);
  const effect = (trueDifference + margin) / sd;
  if (!(effect > 0)) return Number.POSITIVE_INFINITY;
  const powerAt = (n: number) => noncentralTSf(tQuantile(1 - alpha, n - 1), n - 1, effect * Math.sqrt(n));
  const approx = ((normalQuantile(1 - alpha) + normalQuantile(power)) / effect) ** 2;
  if (!Number.isFinite(approx) || approx > 1e9) {
    throw new RangeError(
      `${fn}: the effect (trueDifference + margin)/sd = ${effect} is too small to plan for`,
    );
  }
  let n = Math.max(2, Math.floor(approx));
  while (powerAt(n) < power) n++;
  while (n > 2 && powerAt(n - 1) >= power) n--;
  return n;
}

function readPositive(fn: string, name: string, v: unknown): number {
  checkNumber(fn, name, v);
  if (!(v > 0 && Number.isFinite(v))) throw new RangeError(`${fn}: ${name} must be > 0, got ${v}`);
  return v;
}
