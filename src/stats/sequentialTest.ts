import {
  type Arm,
  type ArmBatchCounts,
  mergeCounts,
  mergeValues,
  type PairedBatch,
  readCounts,
  readPairedCounts,
} from './sequentialBatches';
import { checkOpenUnit, checkOptions, checkPositive, checkSample, describe } from './validate';

export type { ArmBatchCounts, PairedBatch, PairedBatchCounts } from './sequentialBatches';

/** Options of {@link createSequentialTest}. Give exactly one of `tau`, `rho`, `tuning`. */
export interface SequentialTestOptions {
  /**
   * 'mean': batches are arrays of scores per arm; 'proportion': `{ successes, n }` counts per arm;
   * 'paired': one batch per look of per-item differences canary − primary (an array), or of paired pass/fail
   * counts `{ b, c, n }` (b = primary passed and canary failed, c = the reverse, n pairs).
   */
  kind: 'mean' | 'proportion' | 'paired';
  /** Two-sided significance level, valid over every look at once (default 0.05). */
  alpha?: number;
  /** Standard deviation τ of the normal mixture over the effect, on the effect's own scale (Johari et al.). */
  tau?: number;
  /** Standardized mixing parameter ρ of Waudby-Smith et al.'s asymptotic confidence sequence. */
  rho?: number;
  /**
   * The expected sample size: total observations (both arms; pairs for 'paired') at which the confidence
   * sequence should be narrowest — the dataset size × planned runs, or the expected traffic. Sets
   * ρ² = (−2 ln α + ln(1 − 2 ln α))/tuning (GrowthBook's "sequential tuning parameter"). There is no
   * default: a constant would be tight only for experiments of that one size.
   */
  tuning?: number;
}

export type SequentialDecision = 'canary_higher' | 'canary_lower' | 'continue';

export interface SequentialTestState {
  /** Name of the method and its tuning, e.g. "Mixture SPRT, difference in means (normal mixture, tau = 0.1)". */
  method: string;
  /** Number of updates (looks) so far. */
  looks: number;
  /** Observations in both arms together (pairs for a paired test). */
  n: number;
  nPrimary: number;
  nCanary: number;
  /** mean(canary) − mean(primary) (or the difference of rates); NaN until both arms have data. */
  estimate: number;
  /** Standard error of the estimate at the last look (NaN while it cannot be computed). */
  standardError: number;
  /** Always-valid p-value of "no difference": the running minimum, it never increases. */
  pValue: number;
  /**
   * Confidence sequence for the difference: the running intersection of the (1 − alpha) intervals of all
   * looks, so it only ever shrinks. (−∞, ∞) for means and [−1, 1] for proportions before any evidence.
   */
  ci: [number, number];
  /** 'canary_higher' once ci lies above 0, 'canary_lower' once below 0 (sticky); else 'continue'. */
  decision: SequentialDecision;
  alpha: number;
}

export interface SequentialTest<Batch> {
  /** Adds one batch per arm (either may be empty) and returns the new state. */
  update(primary: Batch, canary: Batch): SequentialTestState;
  state(): SequentialTestState;
}

/** A paired sequential test: one batch of pairs per look. */
export interface PairedSequentialTest {
  /** Adds one look's pairs (may be empty) and returns the new state (nPrimary = nCanary = pairs). */
  update(batch: PairedBatch): SequentialTestState;
  state(): SequentialTestState;
}

/**
 * Mixture sequential probability ratio test (mSPRT) for the difference between two arms in means or in
 * proportions, or for the mean of paired differences: an always-valid p-value and a confidence sequence that
 * may be checked after every batch, as often as one likes, with the chance of ever wrongly rejecting "no
 * difference" staying ≤ alpha (where peeking at a fixed-horizon test inflates it several-fold).
 * At each look, with estimate θ̂ = mean(canary) − mean(primary) and its variance V = s²_c/n_c + s²_p/n_p
 * (p̂(1 − p̂)/n for proportions; s²_d/n of the per-item differences for 'paired', so the pairing's
 * correlation is used, not thrown away), the normal-mixture likelihood ratio against θ = 0 is
 * Λ = (1 + r)^(−½)·exp(r/(1 + r)·θ̂²/(2V)), with r = τ²/V (mixture N(0, τ²), Johari et al.) or r = N·ρ²
 * (N = n_c + n_p, or the pairs, Waudby-Smith et al. / GrowthBook). The p-value is the running minimum of
 * min(1, 1/Λ) and the interval θ̂ ± √(V·(1 + r)/r·(2 ln(1/α) + ln(1 + r))) is intersected with all earlier
 * ones; the two agree: p ≤ α exactly when 0 is outside the interval. The two parametrizations are the same
 * boundary (τ² = ρ²·N·V). Validity is asymptotic (normal approximation with plug-in variances, as in both
 * papers): it needs a few dozen observations per arm before the first look that matters. Should the
 * intervals ever stop overlapping (only if the effect drifts over time, which the method assumes it does
 * not), `ci` collapses to the end of the running interval nearest the new one, so it never becomes empty and
 * the decision stands.
 *
 * Zero observed variance is not zero uncertainty: for counts (proportions, paired pass/fail) a rate observed
 * at exactly 0 or 1 (no failure in an arm, no discordant pair) enters the variance as (x + 1)/(n + 2), so
 * the look still happens and the interval is finite and honest ("+0.00 points, −0.4 to +0.4" rather than
 * "−100 to +100"). Scores (kinds 'mean' and 'paired' with differences) have no known range, so while their
 * variance is 0 a look changes only the counts. The exact, range-based always-valid intervals for the gates
 * are proportionConfidenceSequence / boundedMeanConfidenceSequence.
 *
 * @see Johari, R., Koomen, P., Pekelis, L. & Walsh, D. (2017). Peeking at A/B tests: why it matters, and
 *   what to do about it. KDD '17, 1517–1525. https://doi.org/10.1145/3097983.3097992
 * @see Waudby-Smith, I., Arbour, D., Sinha, R., Kennedy, E. H. & Ramdas, A. (2023). Time-uniform central
 *   limit theory and asymptotic confidence sequences. https://arxiv.org/abs/2103.06476 (eq. 9);
 *   GrowthBook's sequential testing: https://docs.growthbook.io/statistics/sequential
 * @throws {RangeError} when kind is unknown, alpha is outside (0, 1), not exactly one of tau/rho/tuning is
 *   given or it is not a finite number > 0; update throws on a non-finite score or bad counts
 * @example
 * const seq = createSequentialTest({ kind: 'proportion', alpha: 0.05, tau: 0.1 });
 * seq.update({ successes: 450, n: 500 }, { successes: 475, n: 500 });
 * // θ̂ = 0.05, V = 0.9·0.1/500 + 0.95·0.05/500 = 2.75e-4, r = τ²/V = 36.36,
 * // ln Λ = −½·ln 37.36 + (36.36/37.36)·(0.05²/V)/2 = 2.6135
 * // => { estimate: 0.05, pValue: 0.0733 (= e^−2.6135), ci: [−0.0021, 0.1021], decision: 'continue', … }
 * const paired = createSequentialTest({ kind: 'paired', tuning: 1319 });
 * paired.update({ b: 40, c: 97, n: 1319 }); // quality pass pairs of one run
 */
export function createSequentialTest(
  opts: SequentialTestOptions & { kind: 'mean' },
): SequentialTest<readonly number[]>;
export function createSequentialTest(
  opts: SequentialTestOptions & { kind: 'proportion' },
): SequentialTest<ArmBatchCounts>;
export function createSequentialTest(opts: SequentialTestOptions & { kind: 'paired' }): PairedSequentialTest;
export function createSequentialTest(
  opts: SequentialTestOptions,
): SequentialTest<readonly number[]> | SequentialTest<ArmBatchCounts> | PairedSequentialTest;
export function createSequentialTest(
  opts: SequentialTestOptions,
): SequentialTest<readonly number[]> | SequentialTest<ArmBatchCounts> | PairedSequentialTest {
  const fn = 'createSequentialTest';
  const st = initialState(readMixture(fn, opts));
  const state = (): SequentialTestState => snapshot(st);
  if (st.kind === 'paired') {
    const paired: PairedState = { d: { n: 0, mean: 0, m2: 0, successes: 0 }, b: 0, c: 0, mode: undefined };
    return { update: (batch: PairedBatch) => updatePaired(fn, st, paired, batch), state };
  }
  const arms: ArmsState = {
    primary: { n: 0, mean: 0, m2: 0, successes: 0 },
    canary: { n: 0, mean: 0, m2: 0, successes: 0 },
  };
  if (st.kind === 'mean') {
    const test: SequentialTest<readonly number[]> = {
      update(batchPrimary, batchCanary) {
        checkSample(`${fn}.update`, 'primary', batchPrimary, 0);
        checkSample(`${fn}.update`, 'canary', batchCanary, 0);
        mergeValues(arms.primary, batchPrimary);
        mergeValues(arms.canary, batchCanary);
        return armsLook(st, arms);
      },
      state,
    };
    return test;
  }
  const test: SequentialTest<ArmBatchCounts> = {
    update(batchPrimary, batchCanary) {
      const p = readCounts(`${fn}.update`, 'primary', batchPrimary);
      const c = readCounts(`${fn}.update`, 'canary', batchCanary);
      mergeCounts(arms.primary, p);
      mergeCounts(arms.canary, c);
      return armsLook(st, arms);
    },
    state,
  };
  return test;
}

/** The validated options: the kind, alpha, the mixture (τ² or ρ², the other 0) and the method's name. */
interface Mixture {
  kind: SequentialTestOptions['kind'];
  alpha: number;
  logInvAlpha: number;
  rho2: number;
  tau2: number;
  method: string;
}

/** Validates kind, alpha and exactly one of tau / rho / tuning; derives ρ² from tuning. */
function readMixture(fn: string, opts: SequentialTestOptions): Mixture {
  checkOptions(fn, opts, '{ kind, alpha, … }');
  const kind = opts.kind;
  if (kind !== 'mean' && kind !== 'proportion' && kind !== 'paired') {
    throw new RangeError(`${fn}: kind must be 'mean', 'proportion' or 'paired', got ${describe(kind)}`);
  }
  const alpha = checkOpenUnit(fn, 'alpha', opts.alpha ?? 0.05);
  const given = (['tau', 'rho', 'tuning'] as const).filter((k) => opts[k] !== undefined);
  if (given.length > 1)
    throw new RangeError(`${fn}: give only one of tau, rho, tuning; got ${given.join(', ')}`);
  if (given.length === 0)
    throw new RangeError(
      `${fn}: give tuning (the expected total sample size, e.g. the dataset size × planned runs), rho or tau`,
    );
  for (const k of given) checkPositive(fn, k, opts[k]);
  const logInvAlpha = -Math.log(alpha);
  let rho2 = 0;
  if (opts.tau === undefined) {
    if (opts.rho !== undefined) rho2 = opts.rho * opts.rho;
    else rho2 = (2 * logInvAlpha + Math.log(1 + 2 * logInvAlpha)) / (opts.tuning as number);
  }
  const tau2 = opts.tau === undefined ? 0 : opts.tau * opts.tau;
  const what =
    kind === 'mean'
      ? 'difference in means'
      : kind === 'proportion'
        ? 'difference in proportions'
        : 'mean of paired differences';
  const method =
    `Mixture SPRT, ${what} ` +
    (opts.tau !== undefined
      ? `(normal mixture, tau = ${opts.tau})`
      : opts.tuning !== undefined
        ? `(asymptotic confidence sequence, rho = ${Math.sqrt(rho2)}, tuned for n = ${opts.tuning})`
        : `(asymptotic confidence sequence, rho = ${Math.sqrt(rho2)})`);
  return { kind, alpha, logInvAlpha, rho2, tau2, method };
}

/** The running state of one test: the mixture, the looks so far, the running p-value and interval. */
interface RunningState extends Mixture {
  looks: number;
  pValue: number;
  lo: number;
  hi: number;
  standardError: number;
  decision: SequentialDecision;
  counts: { n: number; nPrimary: number; nCanary: number; estimate: number };
}

function initialState(m: Mixture): RunningState {
  return {
    ...m,
    looks: 0,
    pValue: 1,
    lo: m.kind === 'proportion' ? -1 : Number.NEGATIVE_INFINITY,
    hi: m.kind === 'proportion' ? 1 : Number.POSITIVE_INFINITY,
    standardError: Number.NaN,
    decision: 'continue',
    counts: { n: 0, nPrimary: 0, nCanary: 0, estimate: Number.NaN },
  };
}

function snapshot(st: RunningState): SequentialTestState {
  return {
    method: st.method,
    looks: st.looks,
    ...st.counts,
    standardError: st.standardError,
    pValue: st.pValue,
    ci: [st.lo, st.hi],
    decision: st.decision,
    alpha: st.alpha,
  };
}

/** One look with the cumulative estimate, its variance (NaN/0 when it cannot be computed) and N. */
function look(st: RunningState, estimate: number, v: number, nTotal: number): SequentialTestState {
  st.looks++;
  if (!(v > 0) || !Number.isFinite(estimate)) return snapshot(st);
  st.standardError = Math.sqrt(v);
  const r = st.tau2 > 0 ? st.tau2 / v : nTotal * st.rho2;
  const logLambda = -0.5 * Math.log1p(r) + ((r / (1 + r)) * estimate * estimate) / (2 * v);
  st.pValue = Math.min(st.pValue, Math.exp(-logLambda));
  const half = Math.sqrt(((v * (1 + r)) / r) * (2 * st.logInvAlpha + Math.log1p(r)));
  const newLo = estimate - half;
  const newHi = estimate + half;
  if (newHi < st.lo)
    st.hi = st.lo; // no overlap (drift): collapse to the nearest end of the running interval
  else if (newLo > st.hi) st.lo = st.hi;
  else {
    st.lo = Math.max(st.lo, newLo);
    st.hi = Math.min(st.hi, newHi);
  }
  if (st.decision === 'continue')
    st.decision = st.lo > 0 ? 'canary_higher' : st.hi < 0 ? 'canary_lower' : 'continue';
  return snapshot(st);
}

/** A paired test's data so far: running differences, or discordant counts b, c (d.n pairs). */
interface PairedState {
  d: Arm;
  b: number;
  c: number;
  mode: 'values' | 'counts' | undefined;
}

function updatePaired(
  fn: string,
  st: RunningState,
  ps: PairedState,
  batch: PairedBatch,
): SequentialTestState {
  const isCounts = batch !== null && typeof batch === 'object' && !Array.isArray(batch);
  const m = isCounts ? 'counts' : 'values';
  if (ps.mode && ps.mode !== m)
    throw new TypeError(
      `${fn}.update: a paired test takes either differences or { b, c, n } counts at every look, not both`,
    );
  ps.mode = m;
  const d = ps.d;
  if (isCounts) {
    const k = readPairedCounts(`${fn}.update`, batch);
    ps.b += k.b;
    ps.c += k.c;
    d.n += k.n;
  } else mergeValues(d, checkSample(`${fn}.update`, 'batch', batch, 0));
  let estimate = Number.NaN;
  let v = Number.NaN;
  if (ps.mode === 'counts' && d.n > 0) {
    estimate = (ps.c - ps.b) / d.n;
    // Var(d) = P(discordant) − θ²; with no discordant pair, (b + c + 1)/(n + 2) keeps it honest.
    const disc = ps.b + ps.c > 0 ? (ps.b + ps.c) / d.n : 1 / (d.n + 2);
    v = Math.max(disc - estimate * estimate, disc / (d.n + 2)) / d.n;
  } else if (ps.mode === 'values' && d.n >= 2) {
    estimate = d.mean;
    v = d.m2 / (d.n - 1) / d.n;
  }
  st.counts = { n: d.n, nPrimary: d.n, nCanary: d.n, estimate };
  return look(st, estimate, v, d.n);
}

/** The two arms of a 'mean' or 'proportion' test. */
interface ArmsState {
  primary: Arm;
  canary: Arm;
}

/** Variance of one arm's mean (a rate observed at 0 or 1 enters as (x + 1)/(n + 2)). */
function armVariance(kind: Mixture['kind'], arm: Arm): number {
  if (kind === 'mean') return arm.m2 / (arm.n - 1) / arm.n;
  // A rate observed at 0 or 1 is not known exactly: (x + 1)/(n + 2) in the variance.
  const p = arm.successes === 0 || arm.successes === arm.n ? (arm.successes + 1) / (arm.n + 2) : arm.mean;
  return (p * (1 - p)) / arm.n;
}

function armsLook(st: RunningState, { primary, canary }: ArmsState): SequentialTestState {
  const minPerArm = st.kind === 'mean' ? 2 : 1;
  const both = primary.n > 0 && canary.n > 0;
  st.counts = {
    n: primary.n + canary.n,
    nPrimary: primary.n,
    nCanary: canary.n,
    estimate: both ? canary.mean - primary.mean : Number.NaN,
  };
  if (primary.n < minPerArm || canary.n < minPerArm) return look(st, Number.NaN, Number.NaN, st.counts.n);
  return look(
    st,
    st.counts.estimate,
    armVariance(st.kind, primary) + armVariance(st.kind, canary),
    st.counts.n,
  );
}
