import { logBeta } from './logGamma';
import { normalMixtureOptimalRatio } from './normalMixtureBoundary';
import { checkCount, checkOpenUnit, checkOptions, checkPositive, checkProbability } from './validate';

/** Options of {@link proportionConfidenceSequence}. */
export interface ProportionCsOptions {
  /** Two-sided level: the sequence covers the true rate at every n at once with probability ≥ 1 − alpha (default 0.05). */
  alpha?: number;
  /** Observations at which the sequence should be tightest (the dataset size, or expected traffic). */
  nExpected: number;
  /**
   * Mean of the Beta mixing prior: where the sequence is most sensitive. Use the gate's threshold (e.g.
   * 0.995) when testing a rate against one; default 0.5.
   */
  priorMean?: number;
}

/** The mixing prior Beta(a, b) of a beta-binomial mixture. */
export interface BetaPrior {
  a: number;
  b: number;
}

export interface ProportionCsResult {
  /** successes / n (NaN when n = 0). */
  estimate: number;
  /** The (1 − alpha) confidence-sequence interval at this n: [0, 1] before any data. */
  ci: [number, number];
  n: number;
  nExpected: number;
  alpha: number;
  prior: BetaPrior;
  method: string;
}

/**
 * Confidence sequence for a success probability p from Bernoulli outcomes: the beta-binomial mixture
 * (Robbins 1970; Howard et al. 2021, §3.2 and Proposition 7). For every candidate p₀,
 *
 *   M_n(p₀) = B(a + S, b + n − S) / B(a, b) / (p₀^S · (1 − p₀)^(n − S))
 *
 * (S successes in n) is the Beta(a, b)-mixture of likelihood ratios against p₀, a nonnegative martingale with
 * mean 1 when p = p₀; by Ville's inequality P(∃n: M_n(p) ≥ 1/α) ≤ α, so {p₀ : M_n(p₀) < 1/α} covers p at
 * every n simultaneously — checked after every call, every run or every hour, it stays valid. It is exact
 * (no normal approximation), so it is honest at the edges: with all n outcomes successes (zero variance)
 * the lower end solves p₀ⁿ = α·B(a + n, b)/B(a, b) and stays below 1 − O(1/n), never collapsing to a
 * point. ln M_n is convex in p₀ with its minimum (≤ 0) at S/n, so the set is an interval; its ends are
 * found by bisection to 1e-12.
 *
 * Tuning: the prior is centred on `priorMean` with size ν = a + b chosen so its variance
 * c(1 − c)/(ν + 1) equals that of the normal mixture that is tightest at n = nExpected (intrinsic time
 * nExpected·c(1 − c), ρ = nExpected·c(1 − c)/x*, see normalMixtureOptimalRatio): ν = nExpected/x* − 1
 * (at least 1).
 *
 * @see Howard, S. R., Ramdas, A., McAuliffe, J. & Sekhon, J. (2021). Time-uniform, nonparametric,
 *   nonasymptotic confidence sequences. Annals of Statistics 49(2), 1055–1080. https://arxiv.org/abs/1810.08240
 * @see Robbins, H. (1970). Statistical methods related to the law of the iterated logarithm. Ann. Math.
 *   Statist. 41(5). https://doi.org/10.1214/aoms/1177696786
 * @throws {RangeError} when n or successes is not an integer ≥ 0, successes > n, nExpected is not > 0,
 *   priorMean ∉ (0, 1) or alpha ∉ (0, 1)
 * @example
 * // 1,319 calls, none failed, tuned for 1,319, prior centred on the 99.5% gate:
 * proportionConfidenceSequence(1319, 1319, { nExpected: 1319, priorMean: 0.995 }).ci; // => [0.996385…, 1]
 */
export function proportionConfidenceSequence(
  successes: number,
  n: number,
  opts: ProportionCsOptions,
): ProportionCsResult {
  const fn = 'proportionConfidenceSequence';
  checkCount(fn, 'n', n, 0);
  checkCount(fn, 'successes', successes, 0);
  if (successes > n) throw new RangeError(`${fn}: successes must be <= n (${n}), got ${successes}`);
  checkOptions(fn, opts, '{ nExpected, alpha?, priorMean? }');
  const alpha = checkOpenUnit(fn, 'alpha', opts.alpha ?? 0.05);
  const prior = betaMixturePrior(fn, opts.nExpected, opts.priorMean ?? 0.5, alpha);
  const method = `Beta-binomial mixture confidence sequence (Howard et al. 2021), prior Beta(${fmt(prior.a)}, ${fmt(prior.b)}) tuned for n = ${opts.nExpected}`;
  const base = { n, nExpected: opts.nExpected, alpha, prior, method };
  if (n === 0) return { estimate: Number.NaN, ci: [0, 1], ...base };
  const logThreshold = -Math.log(alpha);
  const logM = betaBinomialLogMixture(prior, successes, n);
  const hat = successes / n;
  const lower = successes === 0 ? 0 : bisect((p) => logM(p) >= logThreshold, 0, hat);
  const upper = successes === n ? 1 : 1 - bisect((q) => logM(1 - q) >= logThreshold, 0, 1 - hat);
  return { estimate: hat, ci: [lower, upper], ...base };
}

/**
 * The Beta(a, b) prior centred on `mean` tuned so the mixture is tightest near n = nExpected (see
 * {@link proportionConfidenceSequence}); shared with the quantile confidence sequence.
 * @throws {RangeError} when nExpected is not > 0 or mean ∉ (0, 1)
 * @example
 * betaMixturePrior('f', 1319, 0.995, 0.05); // => { a: 158.82…, b: 0.798… } (ν = 1319/8.212 − 1 = 159.62)
 */
export function betaMixturePrior(fn: string, nExpected: unknown, mean: unknown, alpha: number): BetaPrior {
  const n = checkPositive(fn, 'nExpected', nExpected);
  const c = checkProbability(fn, 'priorMean', mean);
  if (c === 0 || c === 1) throw new RangeError(`${fn}: priorMean must be in (0, 1), got ${c}`);
  const size = Math.max(1, n / normalMixtureOptimalRatio(alpha) - 1);
  return { a: size * c, b: size * (1 - c) };
}

/**
 * ln M_n(p₀) of the beta-binomial mixture as a function of p₀, for S successes in n.
 * @example
 * betaBinomialLogMixture({ a: 1, b: 1 }, 3, 4)(0.5); // => ln(B(4, 2)/B(1, 1)/0.5⁴) = ln(0.05·16) = −0.2231…
 */
export function betaBinomialLogMixture(
  prior: BetaPrior,
  successes: number,
  n: number,
): (p: number) => number {
  const c = logBeta(prior.a + successes, prior.b + n - successes) - logBeta(prior.a, prior.b);
  const f = n - successes;
  return (p) => c - (successes > 0 ? successes * Math.log(p) : 0) - (f > 0 ? f * Math.log1p(-p) : 0);
}

/** The boundary between `lo` (where `reject` holds) and `hi` (where it does not), to 1e-12 absolute. */
function bisect(reject: (x: number) => boolean, lo: number, hi: number): number {
  let a = lo;
  let b = hi;
  if (reject(b)) return b;
  for (let i = 0; i < 200 && b - a > 1e-12; i++) {
    const m = 0.5 * (a + b);
    if (reject(m)) a = m;
    else b = m;
  }
  return a;
}

function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString();
}
