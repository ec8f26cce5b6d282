import { asymptoticCsHalfWidth } from './normalMixtureBoundary';
import { checkOpenUnit, checkOptions, describe } from './validate';

/** The sums a ratio-of-means metric needs, per arm (x: numerator, y: denominator; e.g. cost and tokens). */
export interface RatioSums {
  n: number;
  sumX: number;
  sumY: number;
  sumXX: number;
  sumYY: number;
  sumXY: number;
}

/** Options of {@link ratioConfidenceSequence}. */
export interface RatioCsOptions {
  /** Two-sided level, valid over every look at once (default 0.05). */
  alpha?: number;
  /** Observations per arm at which the sequence should be tightest. */
  nExpected: number;
}

export interface RatioCsResult {
  /** R_c/R_p − 1 with R = Σx/Σy of each arm. */
  estimate: number;
  /** The (1 − alpha) confidence-sequence interval for the relative change R_c/R_p − 1 at this look. */
  ci: [number, number];
  /** The same on the log scale: ln(R_c/R_p) ± half-width. */
  logCi: [number, number];
  /** Delta-method standard error of ln(R_c/R_p). */
  standardError: number;
  /** Observations per arm used for the tuning: the smaller arm. */
  n: number;
  nExpected: number;
  alpha: number;
  method: string;
}

/**
 * Asymptotic confidence sequence for the relative change of a ratio metric between two independent arms —
 * canarylab's cost per 1K tokens, R = Σcost/Σtokens — computed from per-arm sums only (mergeable across runs,
 * log files and SQL engines). The delta method gives ln R = ln x̄ − ln ȳ a per-observation variance
 * s²_x/x̄² + s²_y/ȳ² − 2·s_xy/(x̄·ȳ) (sample moments from the sums), so θ̂ = ln(R_c/R_p) has variance
 * V = V_c/n_c + V_p/n_p; the time-uniform CLT (Waudby-Smith et al. 2023) makes the normal-mixture boundary
 * an asymptotic confidence sequence: θ̂ ± √(V·(1 + r)/r·ln((1 + r)/α²)), r = x*·n/nExpected (tightest at
 * n = nExpected, see asymptoticCsHalfWidth), mapped back to the relative change by exp(·) − 1.
 * Validity is asymptotic (plug-in moments): use it after a few dozen calls per arm. Treating the arms as
 * independent is conservative when they are paired by item with positively correlated costs.
 *
 * @see Waudby-Smith, I., Arbour, D., Sinha, R., Kennedy, E. H. & Ramdas, A. (2023). Time-uniform central
 *   limit theory and asymptotic confidence sequences. https://arxiv.org/abs/2103.06476
 * @see Deng, A., Knoblich, U. & Lu, J. (2018). Applying the delta method in metric analytics. KDD '18.
 *   https://arxiv.org/abs/1803.06336
 * @throws {RangeError} when an arm has n < 2, a sum is not finite, Σx or Σy is not > 0, nExpected is not > 0,
 *   or alpha ∉ (0, 1)
 * @example
 * ratioConfidenceSequence(primarySums, canarySums, { nExpected: 1319 }).ci; // => [−0.72, −0.70] for a 71% cheaper canary
 */
export function ratioConfidenceSequence(
  primary: RatioSums,
  canary: RatioSums,
  opts: RatioCsOptions,
): RatioCsResult {
  const fn = 'ratioConfidenceSequence';
  checkOptions(fn, opts, '{ nExpected, alpha? }');
  const alpha = checkOpenUnit(fn, 'alpha', opts.alpha ?? 0.05);
  const p = logRatioMoments(fn, 'primary', primary);
  const c = logRatioMoments(fn, 'canary', canary);
  const variance = c.variance / canary.n + p.variance / primary.n;
  const n = Math.min(primary.n, canary.n);
  const theta = c.logRatio - p.logRatio;
  const half = asymptoticCsHalfWidth({ variance, n, nExpected: opts.nExpected, alpha });
  return {
    estimate: Math.expm1(theta),
    ci: [Math.expm1(theta - half), Math.expm1(theta + half)],
    logCi: [theta - half, theta + half],
    standardError: Math.sqrt(variance),
    n,
    nExpected: opts.nExpected,
    alpha,
    method: `Asymptotic confidence sequence (Waudby-Smith et al. 2023) of the log ratio of ratio metrics, delta method from per-arm sums, tuned for n = ${opts.nExpected} per arm`,
  };
}

/** ln(Σx/Σy) and the per-observation delta-method variance of it. */
function logRatioMoments(fn: string, arm: string, s: RatioSums): { logRatio: number; variance: number } {
  if (s === null || typeof s !== 'object')
    throw new TypeError(`${fn}: ${arm} must be { n, sumX, sumY, sumXX, sumYY, sumXY }`);
  if (!Number.isInteger(s.n) || s.n < 2)
    throw new RangeError(`${fn}: ${arm}.n must be an integer >= 2, got ${describe(s.n)}`);
  for (const k of ['sumX', 'sumY', 'sumXX', 'sumYY', 'sumXY'] as const) {
    if (typeof s[k] !== 'number' || !Number.isFinite(s[k]))
      throw new RangeError(`${fn}: ${arm}.${k} must be a finite number, got ${describe(s[k])}`);
  }
  if (!(s.sumX > 0) || !(s.sumY > 0))
    throw new RangeError(
      `${fn}: ${arm}.sumX and ${arm}.sumY must be > 0 (a ratio of positive totals), got ${s.sumX} and ${s.sumY}`,
    );
  const n = s.n;
  const mx = s.sumX / n;
  const my = s.sumY / n;
  const vxx = Math.max(0, (s.sumXX - n * mx * mx) / (n - 1));
  const vyy = Math.max(0, (s.sumYY - n * my * my) / (n - 1));
  const vxy = (s.sumXY - n * mx * my) / (n - 1);
  const variance = Math.max(0, vxx / (mx * mx) + vyy / (my * my) - (2 * vxy) / (mx * my));
  return { logRatio: Math.log(mx / my), variance };
}

/**
 * The sums of {@link RatioSums} from paired values (x[i], y[i]).
 * @example
 * ratioSums([1, 2], [10, 10]); // => { n: 2, sumX: 3, sumY: 20, sumXX: 5, sumYY: 200, sumXY: 30 }
 */
export function ratioSums(x: readonly number[], y: readonly number[]): RatioSums {
  if (x.length !== y.length)
    throw new RangeError(`ratioSums: x and y must have the same length (${x.length} vs ${y.length})`);
  const s: RatioSums = { n: x.length, sumX: 0, sumY: 0, sumXX: 0, sumYY: 0, sumXY: 0 };
  for (let i = 0; i < x.length; i++) {
    s.sumX += x[i];
    s.sumY += y[i];
    s.sumXX += x[i] * x[i];
    s.sumYY += y[i] * y[i];
    s.sumXY += x[i] * y[i];
  }
  return s;
}
