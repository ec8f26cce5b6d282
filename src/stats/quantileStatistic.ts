// quantileStatistic: a statistic built from one type-7 quantile per arm, which the bootstrap recognises.
import { quantileSelectUnchecked } from './select';
import { checkProbability, checkSample, describe } from './validate';

/** What {@link quantileStatistic} attaches to its function so that {@link bootstrapCI} can take a fast path. */
export interface QuantileSpec {
  /** Probability of the type-7 quantile taken of every arm. */
  readonly p: number;
  /** Turns the arms' quantiles (in arm order) into the statistic; absent means "one arm, its quantile". */
  readonly combine?: (...quantiles: number[]) => number;
}

/** A statistic built from one type-7 quantile per arm; callable like any statistic, and recognised by the bootstrap. */
export type QuantileStatistic = ((...arms: ArrayLike<number>[]) => number) & {
  readonly quantileSpec: QuantileSpec;
};

/**
 * A quantile statistic that {@link bootstrapCI} recognises: instead of calling a function on every resample it
 * finds each arm's order statistics by counting how often each original value was drawn and scanning the
 * counts from the nearer end (a counting selection over the sorted sample: O(n) per resample, no sort, no
 * partition), and it computes BCa's jackknife in O(1) per left-out value (removing one value shifts the order
 * statistics by at most one place). Called directly, it returns combine(Q_p(arm 0), Q_p(arm 1), …) and does
 * not modify its arguments.
 *
 * @see https://numpy.org/doc/stable/reference/generated/numpy.quantile.html (type 7, numpy's default)
 * @throws {RangeError} when p is outside [0, 1]; when called with an empty arm, or with several arms and no combine
 * @example
 * const p90Diff = quantileStatistic(0.9, (primary, canary) => canary - primary);
 * p90Diff([1, 2, 3, 4, 10], [2, 3, 4, 5, 11]); // => 0.9999999999999991 (8.6 − 7.6)
 */
export function quantileStatistic(
  p: number,
  combine?: (...quantiles: number[]) => number,
): QuantileStatistic {
  checkProbability('quantileStatistic', 'p', p);
  if (combine !== undefined && typeof combine !== 'function') {
    throw new TypeError(`quantileStatistic: combine must be a function, got ${describe(combine)}`);
  }
  const fn = (...arms: ArrayLike<number>[]): number => {
    if (combine === undefined && arms.length !== 1) {
      throw new RangeError(
        `quantileStatistic: without combine the statistic takes 1 arm, got ${arms.length}`,
      );
    }
    const qs = arms.map((arm, j) => {
      checkSample('quantileStatistic', `arms[${j}]`, arm);
      return quantileSelectUnchecked(Float64Array.from(arm), arm.length, p);
    });
    return combine === undefined ? qs[0] : combine(...qs);
  };
  return Object.assign(fn, { quantileSpec: Object.freeze({ p, combine }) });
}
