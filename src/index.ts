// canarylab public API: named re-exports only. Notebooks and the CLI import from here.

// Analysis
export {
  type LatencyTraceSummary,
  type ModelAccuracy,
  type PairedAccuracyComparison,
  summarizeGsm8k,
  summarizeLatencyTrace,
} from './analysis/offlineSummaries';
// Decision
export { ConfigError } from './config/schemaErrors';
// Datasets
export { GSM8K_MODELS, type Gsm8kModel, type Gsm8kProblem, loadGsm8kSolutions } from './datasets/gsm8k';
export { type LlmperfRequest, loadLlmperfTrace } from './datasets/llmperf';
export { type DecisionDetails, decide, type RolloutPosition } from './decision/decide';
export {
  DEFAULT_POLICY,
  type Gate,
  loadPolicy,
  type Policy,
  type PolicyInput,
  parsePolicy,
  type RolloutStep,
} from './decision/policy';
// Routing
export { bucketOf, type RoutingRule, routeToCanary, simulateRollout } from './routing/bucket';
export { cyrb53 } from './routing/cyrb53';
// Scoring
export { extractFinalNumber, numbersMatch } from './scoring/extractFinalNumber';
export { chiSquareGoodnessOfFit } from './stats/chiSquareGoodnessOfFit';
export { chiSquareIndependence } from './stats/chiSquareIndependence';
export { clopperPearsonInterval } from './stats/clopperPearsonInterval';
export {
  betaCdf,
  betaQuantile,
  binomialCdf,
  binomialSfInclusive,
  chiSquareCdf,
  chiSquareQuantile,
  chiSquareSf,
  fCdf,
  fSf,
  normalCdf,
  normalQuantile,
  normalSf,
  tCdf,
  tQuantile,
  tSf,
} from './stats/distributions';
export { harrellDavisQuantile } from './stats/harrellDavisQuantile';
export { leveneTest } from './stats/leveneTest';
export { mannWhitneyU } from './stats/mannWhitneyU';
export { mcnemarTest } from './stats/mcnemarTest';
export { mean } from './stats/mean';
export { percentiles, quantile } from './stats/quantile';
export { createRng, type Rng } from './stats/random';
// Statistics core
export { averageRanks } from './stats/rank';
export { RunningStats } from './stats/runningStats';
export { standardDeviation } from './stats/standardDeviation';
export { twoProportionZTest } from './stats/twoProportionZTest';
export type { Interval, TestResult } from './stats/types';
export type { Alternative, TestOptions } from './stats/validate';
export { variance } from './stats/variance';
export { welchTTest } from './stats/welchTTest';
export { wilcoxonSignedRank } from './stats/wilcoxonSignedRank';
export { wilsonInterval } from './stats/wilsonInterval';
// Records
export type {
  Arm,
  ArmEstimate,
  CallRecord,
  ChatMessage,
  Decision,
  ErrorKind,
  EvalItem,
  GateResult,
  GateStatus,
  MetricComparison,
  PairwiseRecord,
  ScoreRecord,
  Severity,
  Stage,
} from './types';
