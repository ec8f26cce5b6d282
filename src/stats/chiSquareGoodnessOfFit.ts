import { chiSquareSf } from './distributions';
import type { TestResult } from './types';
import { checkSample } from './validate';

/**
 * Pearson's χ² goodness-of-fit test of observed counts against expected ratios: the sample-ratio-mismatch
 * (SRM) check of a traffic split (were 50/50 users really split 50/50?). Expected counts are the ratios
 * normalised to the observed total; χ² = Σ(O − E)²/E with k − 1 df. Matches
 * `scipy.stats.chisquare(observed, f_exp=ratios / sum(ratios) * sum(observed))`.
 *
 * @see https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.chisquare.html
 * @see Fabijan et al. (2019). Diagnosing Sample Ratio Mismatch in Online Controlled Experiments. KDD.
 * @throws {RangeError} when the arrays differ in length, have fewer than 2 cells, a count is negative, a
 *   ratio is not positive, or the total count is zero
 * @example
 * chiSquareGoodnessOfFit([5050, 4950], [1, 1]).pValue; // => 0.3173105078629141 (χ² = 1)
 */
export function chiSquareGoodnessOfFit(
  observed: readonly number[],
  expectedRatios: readonly number[],
): TestResult & { df: number; expected: number[] } {
  const fn = 'chiSquareGoodnessOfFit';
  checkSample(fn, 'observed', observed, 2);
  checkSample(fn, 'expectedRatios', expectedRatios, 2);
  if (observed.length !== expectedRatios.length) {
    throw new RangeError(
      `${fn}: observed and expectedRatios must have the same length, got ${observed.length} and ${expectedRatios.length}`,
    );
  }
  let total = 0;
  let ratioSum = 0;
  observed.forEach((o, i) => {
    if (o < 0) throw new RangeError(`${fn}: observed[${i}] must be >= 0, got ${o}`);
    total += o;
  });
  expectedRatios.forEach((r, i) => {
    if (!(r > 0)) throw new RangeError(`${fn}: expectedRatios[${i}] must be > 0, got ${r}`);
    ratioSum += r;
  });
  if (total === 0) throw new RangeError(`${fn}: observed counts sum to zero`);
  const expected = expectedRatios.map((r) => (r / ratioSum) * total);
  let statistic = 0;
  for (let i = 0; i < observed.length; i++) {
    const d = observed[i] - expected[i];
    statistic += (d * d) / expected[i];
  }
  const df = observed.length - 1;
  return {
    method: 'Chi-square goodness-of-fit test',
    statistic,
    pValue: chiSquareSf(statistic, df),
    alternative: 'two-sided',
    df,
    expected,
  };
}
