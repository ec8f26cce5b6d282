import { checkCount, checkOpenUnit, checkOptions } from './validate';

/** Design of a Wald SPRT for a Bernoulli rate: H0: p = p0 against H1: p = p1, with error rates α and β. */
export interface SprtBernoulliOptions {
  p0: number;
  p1: number;
  /** Probability of accepting H1 when H0 is true (type I error), in (0, 1). */
  alpha: number;
  /** Probability of accepting H0 when H1 is true (type II error), in (0, 1); alpha + beta < 1. */
  beta: number;
}

export type SprtDecision = 'accept_h0' | 'accept_h1' | 'continue';

export interface SprtState {
  method: string;
  /** Log-likelihood ratio ln(L(p1)/L(p0)) of all the data so far. */
  llr: number;
  /** Sticky: once a boundary is crossed it never changes again. */
  decision: SprtDecision;
  /** Observations so far (successes + failures). */
  n: number;
  successes: number;
  failures: number;
  /** Observations at which the decision was made (undefined while continuing). */
  decidedAt?: number;
  /** ln(β/(1 − α)): accept H0 at or below it. */
  lowerBoundary: number;
  /** ln((1 − β)/α): accept H1 at or above it. */
  upperBoundary: number;
}

export interface SprtBernoulli {
  /** Adds a batch of outcomes and returns the new state. */
  update(successes: number, failures: number): SprtState;
  state(): SprtState;
}

/**
 * Wald's sequential probability ratio test for a Bernoulli rate, safe to check after every batch.
 * Each success adds ln(p1/p0) to the log-likelihood ratio and each failure ln((1 − p1)/(1 − p0)); after a
 * batch the test accepts H1 when llr ≥ ln((1 − β)/α), accepts H0 when llr ≤ ln(β/(1 − α)), and otherwise
 * continues (a ratio on a boundary, up to rounding, counts as reaching it). The decision sticks once made: later updates still accumulate `llr` and `n` but never change it.
 * Boundaries are checked only between batches (the order inside a batch is unknown), which can only make
 * the test more conservative than the one-at-a-time SPRT. Wald's bounds guarantee the realized error rates
 * satisfy α' ≤ α/(1 − β) and β' ≤ β/(1 − α) (and α' + β' ≤ α + β).
 *
 * @see Wald, A. (1945). Sequential tests of statistical hypotheses. Annals of Mathematical Statistics 16(2),
 *   117–186. https://doi.org/10.1214/aoms/1177731118
 * @throws {RangeError} when p0 or p1 is outside (0, 1), p0 = p1, alpha or beta is outside (0, 1),
 *   alpha + beta ≥ 1, or (in update) a count is not a non-negative integer
 * @example
 * const sprt = sprtBernoulli({ p0: 0.25, p1: 0.75, alpha: 0.1, beta: 0.1 });
 * // each success adds ln 3, each failure −ln 3; the boundaries are ±ln 9 = ±2·ln 3
 * sprt.update(2, 1).decision; // => 'continue' (llr = ln 3)
 * sprt.update(1, 0).decision; // => 'accept_h1' (llr = 2·ln 3, on the boundary)
 */
export function sprtBernoulli(opts: SprtBernoulliOptions): SprtBernoulli {
  const fn = 'sprtBernoulli';
  checkOptions(fn, opts, '{ p0, p1, alpha, beta }');
  const p0 = checkOpenUnit(fn, 'p0', opts.p0);
  const p1 = checkOpenUnit(fn, 'p1', opts.p1);
  if (p0 === p1) throw new RangeError(`${fn}: p1 must differ from p0, got p0 = p1 = ${p0}`);
  const alpha = checkOpenUnit(fn, 'alpha', opts.alpha);
  const beta = checkOpenUnit(fn, 'beta', opts.beta);
  if (!(alpha + beta < 1)) throw new RangeError(`${fn}: alpha + beta must be < 1, got ${alpha + beta}`);
  const perSuccess = Math.log(p1 / p0);
  const perFailure = Math.log1p(-p1) - Math.log1p(-p0);
  const lowerBoundary = Math.log(beta / (1 - alpha));
  const upperBoundary = Math.log((1 - beta) / alpha);
  let successes = 0;
  let failures = 0;
  let decision: SprtDecision = 'continue';
  let decidedAt: number | undefined;
  const llr = () => successes * perSuccess + failures * perFailure;
  const state = (): SprtState => ({
    method: `Wald SPRT for a Bernoulli rate (p0 = ${p0}, p1 = ${p1})`,
    llr: llr(),
    decision,
    n: successes + failures,
    successes,
    failures,
    decidedAt,
    lowerBoundary,
    upperBoundary,
  });
  return {
    update(s: number, f: number): SprtState {
      checkCount(`${fn}.update`, 'successes', s, 0);
      checkCount(`${fn}.update`, 'failures', f, 0);
      successes += s;
      failures += f;
      if (decision === 'continue') {
        const value = llr();
        // Rounding slack, so that a ratio exactly on a boundary (as in hand-made cases) counts as reaching it.
        const slack =
          8 *
          Number.EPSILON *
          (successes * Math.abs(perSuccess) + failures * Math.abs(perFailure) + upperBoundary);
        if (value >= upperBoundary - slack) decision = 'accept_h1';
        else if (value <= lowerBoundary + slack) decision = 'accept_h0';
        if (decision !== 'continue') decidedAt = successes + failures;
      }
      return state();
    },
    state,
  };
}
