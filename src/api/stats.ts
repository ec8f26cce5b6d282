// `stats`: every statistic canarylab decides with, one per file in src/stats/, each checked against
// scipy/statsmodels values committed under test/fixtures/. Hypothesis tests take `{ alternative, confidence }`
// and return `{ statistic, pValue, ci, method }`.
//
//   import { stats } from 'canarylab';
//   stats.wilsonInterval(995, 1000, { confidence: 0.95 }); // { estimate: 0.995, lower: 0.98835…, upper: 0.99786… }

/** Benjamini–Hochberg adjusted p-values (false discovery rate). */
export { benjaminiHochberg } from '../stats/benjaminiHochberg';
export {
  /** Options of bootstrapCI. */ type BootstrapCIOptions,
  /** Result of bootstrapCI. */ type BootstrapCIResult,
  /** 'percentile' | 'bca'. */ type BootstrapMethod,
  /** Seeded bootstrap confidence interval (percentile or BCa, paired or not). */ bootstrapCI,
  /** A quantile as a bootstrap statistic (e.g. P95). */ quantileStatistic,
} from '../stats/bootstrapCI';
export {
  /** Options of boundedMeanConfidenceSequence. */ type BoundedMeanCsOptions,
  /** Result of boundedMeanConfidenceSequence. */ type BoundedMeanCsResult,
  /** Always-valid confidence sequence for a bounded mean (default range [−1, 1]: paired differences). */ boundedMeanConfidenceSequence,
} from '../stats/boundedMeanConfidenceSequence';
export {
  /** Result of bradleyTerry. */ type BradleyTerryResult,
  /** Bradley–Terry ratings from pairwise comparisons. */ bradleyTerry,
  /** One pairwise comparison for bradleyTerry. */ type PairwiseComparison,
} from '../stats/bradleyTerry';
/** χ² goodness-of-fit test (sample-ratio mismatch). */
export { chiSquareGoodnessOfFit } from '../stats/chiSquareGoodnessOfFit';
/** χ² test of independence on a contingency table. */
export { chiSquareIndependence } from '../stats/chiSquareIndependence';
/** Exact (Clopper–Pearson) binomial interval. */
export { clopperPearsonInterval } from '../stats/clopperPearsonInterval';
export {
  /** Beta CDF. */ betaCdf,
  /** Beta quantile. */ betaQuantile,
  /** Binomial CDF P(X ≤ k). */ binomialCdf,
  /** Binomial upper tail P(X ≥ k). */ binomialSfInclusive,
  /** χ² CDF. */ chiSquareCdf,
  /** χ² quantile. */ chiSquareQuantile,
  /** χ² survival function. */ chiSquareSf,
  /** F CDF. */ fCdf,
  /** F survival function. */ fSf,
  /** Standard normal CDF. */ normalCdf,
  /** Standard normal quantile. */ normalQuantile,
  /** Standard normal survival function. */ normalSf,
  /** Student t CDF. */ tCdf,
  /** Student t quantile. */ tQuantile,
  /** Student t survival function. */ tSf,
} from '../stats/distributions';
export {
  /** Options of errorRateConsistency. */ type ErrorRateConsistencyOptions,
  /** Result of errorRateConsistency. */ type ErrorRateConsistencyResult,
  /** Between-window SD of the error rate beyond binomial noise (Paule–Mandel τ, in points). */ errorRateConsistency,
  /** Errors and calls of one time window. */ type WindowCounts,
} from '../stats/errorRateConsistency';
/** Lan–DeMets group-sequential boundaries. */
export { groupSequentialBounds } from '../stats/groupSequentialBounds';
/** Harrell–Davis quantile estimate. */
export { harrellDavisQuantile } from '../stats/harrellDavisQuantile';
/** Holm step-down adjusted p-values. */
export { holm } from '../stats/holm';
/** Levene (Brown–Forsythe) test of equal variances. */
export { leveneTest } from '../stats/leveneTest';
/** Mann–Whitney U test. */
export { mannWhitneyU } from '../stats/mannWhitneyU';
/** Exact/asymptotic McNemar test on paired binary outcomes. */
export { mcnemarTest } from '../stats/mcnemarTest';
/** Arithmetic mean. */
export { mean } from '../stats/mean';
/** Sample size for a non-inferiority test of two means. */
export { nonInferioritySampleSize } from '../stats/nonInferioritySampleSize';
export {
  /** Half-width of an asymptotic confidence sequence. */ asymptoticCsHalfWidth,
  /** The normal-mixture boundary of a confidence sequence. */ normalMixtureBoundary,
  /** The mixture ratio that makes the boundary tightest at a sample size. */ normalMixtureOptimalRatio,
} from '../stats/normalMixtureBoundary';
export {
  /** Result of the non-inferiority tests. */ type NonInferiorityResult,
  /** Paired non-inferiority test of means. */ pairedNonInferiority,
} from '../stats/pairedNonInferiority';
/** Paired non-inferiority test of proportions (Tango score). */
export { pairedProportionNonInferiority } from '../stats/pairedProportionNonInferiority';
/** Sample size for a paired proportion non-inferiority test. */
export { pairedProportionSampleSize } from '../stats/pairedProportionSampleSize';
export {
  /** Options of proportionConfidenceSequence. */ type ProportionCsOptions,
  /** Result of proportionConfidenceSequence. */ type ProportionCsResult,
  /** Always-valid confidence sequence for a rate (Beta mixture). */ proportionConfidenceSequence,
} from '../stats/proportionConfidenceSequence';
/** Non-inferiority test of two independent proportions (Farrington–Manning). */
export { proportionNonInferiority } from '../stats/proportionNonInferiority';
export {
  /** Several type-7 percentiles at once. */ percentiles,
  /** Type-7 quantile. */ quantile,
} from '../stats/quantile';
export {
  /** `count` observations within [lower, upper] (a histogram bucket; lower = upper for exact values). */ type QuantileCell,
  /** Options of quantileConfidenceSequence. */ type QuantileCsOptions,
  /** Result of quantileConfidenceSequence. */ type QuantileCsResult,
  /** Always-valid confidence sequence for a quantile (from cells). */ quantileConfidenceSequence,
  /** Exact values → quantile cells. */ valueCells,
} from '../stats/quantileConfidenceSequence';
/** Confidence interval for a quantile difference (P95 canary − primary, and ratio). */
export { quantileDifferenceCI } from '../stats/quantileDifferenceCI';
export {
  /** Creates a mergeable DDSketch. */ createQuantileSketch,
  /** Mergeable DDSketch (1% relative error) for data that does not fit in memory. */ QuantileSketch,
  /** A sketch serialised to JSON. */ type QuantileSketchJSON,
} from '../stats/quantileSketch';
export {
  /** Seeded xoshiro128** random number generator. */ createRng,
  /** A seeded random number generator. */ type Rng,
} from '../stats/random';
export {
  /** Options of ratioConfidenceSequence. */ type RatioCsOptions,
  /** Result of ratioConfidenceSequence. */ type RatioCsResult,
  /** The per-arm sums a ratio-of-means metric needs (numerator, denominator). */ type RatioSums,
  /** Asymptotic confidence sequence for the relative change of a ratio metric between arms. */ ratioConfidenceSequence,
  /** Ratio sums from paired numerators and denominators. */ ratioSums,
} from '../stats/ratioConfidenceSequence';
/** Delta-method interval for a difference of ratio metrics (cost per 1K tokens). */
export { ratioDifferenceCI } from '../stats/ratioDifferenceCI';
/** Delta-method interval for one ratio metric. */
export { ratioMetricCI } from '../stats/ratioMetricCI';
/** Mergeable streaming mean and variance (Welford). */
export { RunningStats } from '../stats/runningStats';
/** Samples needed for a proportion interval of a given width. */
export { samplesForProportionInterval } from '../stats/samplesForProportionInterval';
export {
  /** Mixture SPRT with always-valid p-values and confidence sequences. */ createSequentialTest,
  /** A paired sequential test. */ type PairedSequentialTest,
  /** Options of createSequentialTest. */ type SequentialTestOptions,
  /** State of a sequential test after a look. */ type SequentialTestState,
} from '../stats/sequentialTest';
/** Wald's SPRT for a Bernoulli rate. */
export { sprtBernoulli } from '../stats/sprtBernoulli';
/** Sample standard deviation. */
export { standardDeviation } from '../stats/standardDeviation';
/** Two-proportion z test. */
export { twoProportionZTest } from '../stats/twoProportionZTest';
export type {
  /** An interval with its estimate. */ Interval,
  /** What a hypothesis test returns: statistic, pValue, ci, method. */ TestResult,
} from '../stats/types';
export type {
  /** 'two-sided' | 'less' | 'greater'. */ Alternative,
  /** { alternative, confidence } of every hypothesis test. */ TestOptions,
} from '../stats/validate';
/** Sample variance. */
export { variance } from '../stats/variance';
/** Welch's t test. */
export { welchTTest } from '../stats/welchTTest';
/** Wilcoxon signed-rank test. */
export { wilcoxonSignedRank } from '../stats/wilcoxonSignedRank';
/** Wilson score interval for a proportion. */
export { wilsonInterval } from '../stats/wilsonInterval';
