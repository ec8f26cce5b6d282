import type { Alternative } from './validate';

/** A confidence interval [lower, upper] together with the point estimate it surrounds. */
export interface Interval {
  estimate: number;
  lower: number;
  upper: number;
}

/** The self-describing result every hypothesis test returns (shape of @stdlib's ttest2). */
export interface TestResult {
  /** Name of the method, e.g. "Welch two-sample t-test". */
  method: string;
  /** Test statistic (t, z, U, W, χ², F, …; see the function's docs for which). */
  statistic: number;
  pValue: number;
  alternative: Alternative;
  /** Degrees of freedom, where the reference distribution has them. */
  df?: number;
  /** Confidence interval for the effect the test is about, where one exists. */
  ci?: [number, number];
  /** Point estimate of that effect. */
  estimate?: number;
}
