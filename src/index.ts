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
// Gateway (OpenAI-compatible client) and simulator
export { type ChatClient, type ChatClientOptions, createChatClient } from './gateway/client';
export {
  ClientError,
  ContentFilterError,
  ContextLengthExceededError,
  GatewayConfigError,
  GatewayError,
  InvalidResponseError,
  ModelNotFoundError,
  NetworkError,
  QuotaExceededError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from './gateway/errors';
export {
  createGateway,
  type Gateway,
  type GatewayOptions,
  type GatewayOutcome,
  requestedModelResult,
} from './gateway/gateway';
export { loadPricing, type Pricing, parsePricing } from './gateway/pricing';
export { createRateLimiter } from './gateway/rateLimit';
export { DEFAULT_RETRY, parseRetryAfter, type RetryPolicy } from './gateway/retry';
export { countChatTokens, estimateUsage } from './gateway/tokens';
export type { ChatParams, ChatResponse, Usage } from './gateway/types';
// Routing
export { bucketOf, type RoutingRule, routeToCanary, simulateRollout } from './routing/bucket';
export { cyrb53 } from './routing/cyrb53';
// Runner
export {
  type LoadItemsOptions,
  loadCsvItems,
  loadGsm8kItems,
  loadJsonlItems,
  toEvalItem,
} from './runner/dataset';
export { createProgressReporter } from './runner/progress';
export {
  type BatchArm,
  type BatchProgress,
  type RunBatchOptions,
  type RunBatchSummary,
  runBatch,
} from './runner/runBatch';

// Scoring
export { cohenKappa, type KappaResult, scorerAgreement } from './scoring/agreement';
export { customScorer, type RubricCheck, rubric } from './scoring/compose';
export { extractFinalAnswer, extractFinalNumber, numbersMatch } from './scoring/extractFinalNumber';
export { languageIs, lengthBounds, oneLine } from './scoring/formatRubrics';
export { isValidJson, matchesJsonSchema } from './scoring/jsonRubrics';
export { numericAnswer } from './scoring/numericAnswer';
export { loadScores, type ScoreRunOptions, type ScoreRunSummary, scoreRun } from './scoring/scoreRun';
export { levenshteinRatio, rougeL, tokenF1 } from './scoring/similarity';
export { normalizeText } from './scoring/text';
export { contains, exactMatch, notContains, regexMatch, startsWith } from './scoring/textRubrics';
export { type PairwiseScorer, type ScoreResult, type Scorer, ScorerError } from './scoring/types';
export { runSimCommand } from './sim/cli';
export { DEFAULT_PROFILES, FAULT_NAMES, SimConfigError } from './sim/config';
export { type Simulator, type SimulatorOptions, startSimulator } from './sim/server';
// Statistics for promotion decisions
export { benjaminiHochberg } from './stats/benjaminiHochberg';
export {
  type BootstrapCIOptions,
  type BootstrapCIResult,
  type BootstrapMethod,
  bootstrapCI,
  quantileStatistic,
} from './stats/bootstrapCI';
export { type BradleyTerryResult, bradleyTerry, type PairwiseComparison } from './stats/bradleyTerry';
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
export { groupSequentialBounds } from './stats/groupSequentialBounds';
export { harrellDavisQuantile } from './stats/harrellDavisQuantile';
export { holm } from './stats/holm';
export { leveneTest } from './stats/leveneTest';
export { mannWhitneyU } from './stats/mannWhitneyU';
export { mcnemarTest } from './stats/mcnemarTest';
export { mean } from './stats/mean';
export { nonInferioritySampleSize } from './stats/nonInferioritySampleSize';
export { type NonInferiorityResult, pairedNonInferiority } from './stats/pairedNonInferiority';
export { pairedProportionNonInferiority } from './stats/pairedProportionNonInferiority';
export { pairedProportionSampleSize } from './stats/pairedProportionSampleSize';
export { proportionNonInferiority } from './stats/proportionNonInferiority';
export { percentiles, quantile } from './stats/quantile';
export { quantileDifferenceCI } from './stats/quantileDifferenceCI';
export { createQuantileSketch, QuantileSketch, type QuantileSketchJSON } from './stats/quantileSketch';
export { createRng, type Rng } from './stats/random';
// Statistics core
export { averageRanks } from './stats/rank';
export { ratioDifferenceCI } from './stats/ratioDifferenceCI';
export { ratioMetricCI } from './stats/ratioMetricCI';
export { RunningStats } from './stats/runningStats';
export { samplesForProportionInterval } from './stats/samplesForProportionInterval';
export { quantileInPlace, selectInPlace } from './stats/select';
export { createSequentialTest, type SequentialTestState } from './stats/sequentialTest';
export { sprtBernoulli } from './stats/sprtBernoulli';
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
