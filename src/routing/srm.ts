import { formatFixed, formatFixedPercent, formatNumber, formatPScientific } from '../format';
import { chiSquareGoodnessOfFit } from '../stats/chiSquareGoodnessOfFit';
import { wilsonInterval } from '../stats/wilsonInterval';
import { routingMsg } from './errors';

/** Counts of units (users, or requests) that each arm received. */
export interface ArmSplit {
  primary: number;
  canary: number;
}

/** Options of {@link srmCheck}. */
export interface SrmCheckOptions {
  /** Units observed in each arm. */
  observed: ArmSplit;
  /** Configured share of units sent to the canary, strictly between 0 and 1 (e.g. 0.05 for 5%). */
  expectedCanaryShare: number;
  /** Significance level of the check; default 0.001 (the usual SRM threshold: flag only clear mismatches). */
  alpha?: number;
  /** What the counts count, for the reason sentence; default 'units'. */
  unit?: string;
}

/** The result of a sample-ratio-mismatch check. */
export interface SrmResult {
  /** Pearson χ² (1 df). */
  statistic: number;
  pValue: number;
  alpha: number;
  observed: ArmSplit;
  /** Expected counts at the configured share, for the same total. */
  expected: ArmSplit;
  expectedCanaryShare: number;
  /** canary / (primary + canary). */
  observedCanaryShare: number;
  /**
   * (1 − alpha) Wilson interval of the canary share: with two cells the χ² test is the score test of a
   * proportion, so the check fails exactly when the configured share is outside this interval.
   */
  ci: [number, number];
  /** p < alpha: the split is not what the router was configured to produce. */
  mismatch: boolean;
  unit: string;
  /** One sentence with the observed and the expected split and p. */
  reason: string;
}

/**
 * Sample-ratio-mismatch (SRM) check: is the observed primary/canary split consistent with the configured
 * canary share? Pearson's χ² goodness of fit with 1 df (`scipy.stats.chisquare(observed, f_exp)`); a
 * mismatch (p < alpha, default 0.001) means assignment or logging is broken — the arms are no longer
 * comparable, so no gate read off them may promote the canary.
 *
 * @throws {RangeError} when a count is not a non-negative integer, both are zero, the share is not in
 *   (0, 1), or alpha is not in (0, 1)
 * @example
 * srmCheck({ observed: { primary: 9_500, canary: 500 }, expectedCanaryShare: 0.05 }).mismatch; // => false
 * // 9,000 / 1,000 against 5%: χ² = 500²/9,500 + 500²/500 = 526.3, p ≈ 1e-116
 * srmCheck({ observed: { primary: 9_000, canary: 1_000 }, expectedCanaryShare: 0.05 }).mismatch; // => true
 */
export function srmCheck(opts: SrmCheckOptions): SrmResult {
  const { observed, expectedCanaryShare } = opts;
  const alpha = opts.alpha ?? 0.001;
  const unit = opts.unit ?? 'units';
  if (observed === null || typeof observed !== 'object') throw new RangeError(routingMsg.srmObserved());
  for (const arm of ['primary', 'canary'] as const) {
    const v = observed[arm];
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(routingMsg.srmCount(arm, v));
  }
  if (!(expectedCanaryShare > 0 && expectedCanaryShare < 1))
    throw new RangeError(routingMsg.srmShare(expectedCanaryShare));
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(routingMsg.srmAlpha(alpha));
  const total = observed.primary + observed.canary;
  if (total === 0) throw new RangeError(routingMsg.srmNoUnits(unit));
  const r = chiSquareGoodnessOfFit(
    [observed.primary, observed.canary],
    [1 - expectedCanaryShare, expectedCanaryShare],
  );
  const w = wilsonInterval(observed.canary, total, { confidence: 1 - alpha });
  const expected = { primary: r.expected[0], canary: r.expected[1] };
  const observedCanaryShare = observed.canary / total;
  const mismatch = r.pValue < alpha;
  const pct = (x: number) => formatFixedPercent(x, { digits: 2 });
  const count = (x: number) => formatNumber(Math.round(x));
  const reason =
    `Sample ratio ${mismatch ? 'mismatch' : 'check passed'}: observed ${count(observed.primary)} primary / ` +
    `${count(observed.canary)} canary ${unit} (canary ${pct(observedCanaryShare)}), expected ` +
    `${count(expected.primary)} / ${count(expected.canary)} at the configured ${pct(expectedCanaryShare)}; ` +
    `χ² = ${formatFixed(r.statistic, 2)}, p = ${formatPScientific(r.pValue)} ${mismatch ? '<' : '≥'} ${alpha}` +
    (mismatch ? ': the split is broken, so the arms are not comparable.' : '.');
  return {
    statistic: r.statistic,
    pValue: r.pValue,
    alpha,
    observed: { primary: observed.primary, canary: observed.canary },
    expected,
    expectedCanaryShare,
    observedCanaryShare,
    ci: [w.lower, w.upper],
    mismatch,
    unit,
    reason,
  };
}
