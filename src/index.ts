// canarylab public API: named re-exports only. Notebooks and the CLI import from here.
import { type DemoRun, type EnsureDemoRunOptions, ensureDemoRun as ensureDemoRunWith } from './notebook/demo';
import {
  type PipelineResult,
  type RunPipelineOptions,
  runPipeline as runPipelineWith,
} from './pipeline/runPipeline';
import { startSimulator } from './sim/server';

export {
  type AlwaysValidInput,
  type AlwaysValidOptions,
  addAlwaysValid,
  alwaysValidInputFromSummary,
  alwaysValidIntervals,
  logHistogramCells,
  mergeAlwaysValidInputs,
} from './analysis/alwaysValid';
// Analysis (records → comparison.json)
export {
  ANALYZE_DEFAULTS,
  AnalysisError,
  type AnalysisTest,
  type AnalyzeOptions,
  type ArmCost,
  analyzeRun,
  METRIC_UNITS,
  type PairwiseSummary,
  type QualityComparison,
  type RunAnalysis,
  type RunData,
  type RunItem,
  type SegmentInfo,
  windowRates,
} from './analysis/analyzeRun';
export {
  analyzeSummaries,
  type PerItemResults,
  type SummaryAnalysisInput,
} from './analysis/analyzeSummaries';
export { CONSISTENCY_METRIC, errorRateConsistencyComparison } from './analysis/consistency';
export { loadRun, RUN_FILES, RunFolderError, writeAnalysis } from './analysis/loadRun';
// Analysis
export {
  type LatencyTraceSummary,
  type ModelAccuracy,
  type PairedAccuracyComparison,
  summarizeGsm8k,
  summarizeLatencyTrace,
} from './analysis/offlineSummaries';
// Mergeable summaries (counts, log2 histograms, sums, time windows): the input of every metric
export { chooseWindowWidth, segmentsFromItems, summarizeCalls } from './analysis/summary/build';
export {
  bucketBounds,
  bucketIndex,
  HistogramBuilder,
  histogramOf,
  histogramQuantile,
  mergeHistograms,
  orderStatistic,
  SummaryError,
} from './analysis/summary/histogram';
export { checkSummary, mergeSummaries } from './analysis/summary/merge';
export {
  histogramQuantileCI,
  orderStatisticRanks,
  quantileDifferenceFromHistograms,
} from './analysis/summary/quantileIntervals';
export { ratioDifferenceFromSums } from './analysis/summary/ratioFromSums';
export type {
  ArmSummary,
  CallStats,
  CostSums,
  LogHistogram,
  RunSummary,
  SegmentStats,
  SummaryOrigin,
  WindowCount,
} from './analysis/summary/types';
// Calibration: synthetic canaries with known truth through analyzeRun → decide (npm run calibrate)
export { type CellResult, fixedCell, sequentialCell } from './calibration/calibrate';
export { type CalibrationResult, runCalibration } from './calibration/run';
export { SCENARIOS, type Scenario } from './calibration/scenarios';
export { calibrationMarkdown } from './calibration/table';
// Charts (vega-lite specs, rendered to SVG)
export {
  ARM_COLORS,
  type BuildRunChartsInput,
  buildRunCharts,
  type ChartAnalysis,
  ChartInputError,
  ChartRenderError,
  compileChart,
  costSpec,
  ecdfPoints,
  errorKindsSpec,
  gateDashboardSpec,
  latencyEcdfSpec,
  OKABE_ITO,
  pairwiseSpec,
  percentileBarsSpec,
  qualityDifferencesSpec,
  qualityEstimatesSpec,
  type RunChart,
  renderSvg,
  type SequentialChartInput,
  type SequentialHistoryInput,
  STATUS_COLORS,
  sequentialChartInputs,
  sequentialSpec,
  successRateSpec,
} from './charts/index';
export { type RenderPngOptions, renderPng } from './charts/renderPng';
// Config, pipeline (run → score → analyze → decide → report) and the CLI's verdict summary
export {
  type EvalConfig,
  type EvalConfigInput,
  EvalConfigSchema,
  type LoadedEvalConfig,
  loadEvalConfig,
  parseEvalConfig,
  resolveSecrets,
  simulatorOptions,
} from './config/evalConfig';
export { buildScorers } from './config/scorers';
// Datasets
export { GSM8K_MODELS, type Gsm8kModel, type Gsm8kProblem, loadGsm8kSolutions } from './datasets/gsm8k';
export { type LlmperfRequest, loadLlmperfTrace } from './datasets/llmperf';
// Decision: context (SRM, sequential monitoring), decision.json
export {
  type DecideContext,
  type DecisionDetails,
  decide,
  type RolloutPosition,
  SRM_METRIC,
} from './decision/decide';
export {
  DEFAULT_POLICY,
  type Gate,
  loadPolicy,
  type Policy,
  type PolicyInput,
  type PolicyProblem,
  parsePolicy,
  policyProblems,
  type RolloutStep,
  type SequentialPolicy,
  SequentialPolicySchema,
  type SrmPolicy,
  SrmPolicySchema,
} from './decision/policy';
export {
  type ArmCounts,
  appendSequentialLook,
  type LookInput,
  nanToNull,
  type PairedCounts,
  readSequentialHistory,
  replaySequential,
  type SequentialCounts,
  type SequentialEntry,
  type SequentialHistory,
  SequentialHistoryError,
  type SequentialMetricSummary,
  type SequentialSummary,
  sequentialCountsFrom,
  type UpdateSequentialHistoryOptions,
  updateHistory,
  updateSequentialHistory,
} from './decision/sequential';
export { DECISION_FILE, readDecision, writeDecision } from './decision/writeDecision';
export {
  BudgetExceededError,
  budgetedGateway,
  DEFAULT_MAX_OUTPUT_TOKENS,
  SpendBudget,
  worstCaseTokens,
} from './gateway/budget';
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
export { loadPricing, type Pricing, parsePricing, type TokenPrice, usageCostUsd } from './gateway/pricing';
export { PROTOCOLS, type ProtocolName } from './gateway/protocols/index';
export { createRateLimiter } from './gateway/rateLimit';
export { redactKnownSecrets, redactUrl, registerSecret } from './gateway/redact';
export { DEFAULT_RETRY, parseRetryAfter, type RetryPolicy } from './gateway/retry';
export { countChatTokens, estimateUsage } from './gateway/tokens';
export type { ChatParams, ChatResponse, Usage } from './gateway/types';
// Decision
export { ConfigError, friendlyIssueMessage } from './input/schemaErrors';
// Production-log engines: DuckDB (files, embedded) and ClickHouse (warehouse), producing the summary contract
export { type ColumnMapping, parseColumnMapping } from './logs/mapping';
export { LogSourceError, type LogSourceErrorCode } from './logs/source';
export { type LogSummary, type SummarizeLogsOptions, summarizeLogs } from './logs/summarizeLogs';
export type { EnsureDemoRunOptions } from './notebook/demo';
// Notebook helpers (display in tslab, record rows, the demo run)
export {
  type CallRow,
  type ChartInput,
  callRows,
  chartHtml,
  DEMO,
  type DemoRun,
  decisionHtml,
  demoArms,
  type FrameLike,
  formatCell,
  type HtmlSink,
  type LlmperfToCallsOptions,
  llmperfErrorKind,
  llmperfToCalls,
  type NotebookProgress,
  type NotebookProgressOptions,
  notebookProgress,
  type ProgressLike,
  progressHtml,
  showChart,
  showDecision,
  showTable,
  sideBySide,
  sideBySideHtml,
  type TableOptions,
  tableHtml,
} from './notebook/index';
export { findPackageRoot, PACKAGE_ROOT } from './packageRoot';
export {
  addWindowLooks,
  type ImportLogsRunOptions,
  importLogsRun,
  type LogImportInfo,
  readRunSummary,
  SUMMARY_FILE,
} from './pipeline/importLogs';
export { loadConfigItems, writeItems } from './pipeline/items';
export { type RunManifest, readManifest, toolVersion, writeManifest } from './pipeline/manifest';
export {
  acquireRunLock,
  prepareNewRunFolder,
  RunExistsError,
  RunIdError,
  type RunLock,
  RunLockedError,
  validateRunId,
  withRunLock,
} from './pipeline/runFolder';
export {
  BudgetReachedError,
  evaluationCost,
  type PipelineResult,
  RunFolderConflictError,
  type RunPipelineOptions,
  type SimulatorStarter,
  SimulatorStarterMissingError,
} from './pipeline/runPipeline';

/**
 * Runs the whole pipeline for a config (items → calls → scores → analysis → decision → report), starting the
 * embedded simulator when the config has a `simulator:` section (a caller's own `startSimulator` wins).
 *
 * @example
 * const result = await runPipeline({ config: await loadEvalConfig('eval.yaml'), log: (l) => console.error(l) });
 * result.decision.verdict; // 'promote' | 'hold' | 'rollback'
 */
export function runPipeline(opts: RunPipelineOptions): Promise<PipelineResult> {
  return runPipelineWith({ startSimulator, ...opts });
}

/**
 * Makes sure a run folder holds the notebooks' demo run up to a stage, running it on the embedded simulator
 * when something is missing.
 *
 * @example
 * const { runDir } = await ensureDemoRun({ outDir: process.env.CANARYLAB_RUNS_DIR ?? 'runs', need: 'scores' });
 */
export function ensureDemoRun(opts: EnsureDemoRunOptions = {}): Promise<DemoRun> {
  return ensureDemoRunWith({ startSimulator, ...opts });
}
export {
  analyzeStage,
  decideStage,
  IMPORT_FILE,
  type ImportInfo,
  isRunFolder,
  readAnalysis,
  reportStage,
  StageError,
} from './pipeline/stages';
// Report (self-contained HTML)
export { selectDisagreements } from './report/disagreements';
export { escapeHtml, jsonForScript, ReportError, sanitizeSvg } from './report/escape';
export { INTERACTIVE_LIMIT_BYTES, renderReport, verdictSentence } from './report/renderReport';
export { formatVerdict, VERDICT_EXIT_CODES } from './report/textSummary';
export type * from './report/types';
export { standaloneSvg, type WrittenReport, writeReport } from './report/writeReport';
// Routing
// Routing: SRM and production logs
export {
  bucketOf,
  type PlanStep,
  type RoutingRule,
  routeToCanary,
  rulesFromPlan,
  simulateRollout,
} from './routing/bucket';
export { cyrb53 } from './routing/cyrb53';
export {
  type ImportLogsOptions,
  type InvalidLine,
  importProductionLogs,
  ProductionLogError,
  type ProductionLogImport,
} from './routing/logs';
export { type ArmSplit, type SrmCheckOptions, type SrmResult, srmCheck } from './routing/srm';
// Runner
export {
  type LoadItemsOptions,
  loadCsvItems,
  loadGsm8kItems,
  loadJsonlItems,
  streamCsvItems,
  streamJsonlItems,
  toEvalItem,
} from './runner/dataset';
export {
  createProgressReporter,
  formatDuration,
  type ProgressStream,
  renderProgress,
} from './runner/progress';
export { type LiveArmSummary, RingBuffer, summarizeWindow, type WindowEntry } from './runner/ringBuffer';
export type { ArmPrice, ItemSource } from './runner/runBatch';
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
// Judges
export { type JudgeModelCost, judgeCost } from './scoring/judgeCost';
export {
  type JudgedPairRecord,
  type JudgePairsOptions,
  type JudgePairsSummary,
  judgePairs,
  loadPairwise,
  PAIRWISE_FILE,
} from './scoring/judgePairs';
export {
  buildPairwiseJudgePrompt,
  buildSingleJudgePrompt,
  fenceToken,
  type JudgeScale,
  parseJudgePrompt,
  parsePairwiseVerdict,
  parseSingleVerdict,
} from './scoring/judgePrompt';
export {
  type AgreementResult,
  type JudgeReliability,
  judgeReliability,
  type PairwiseWinSummary,
  pairwiseSummary,
  rubricWinners,
  wilsonFractional,
} from './scoring/judgeReliability';
export {
  type JudgePrice,
  type LlmJudgeOptions,
  llmJudge,
  type PairwiseJudgeOptions,
  pairwiseJudge,
} from './scoring/llmJudge';
export { numericAnswer } from './scoring/numericAnswer';
export { loadScores, type ScoreRunOptions, type ScoreRunSummary, scoreRun } from './scoring/scoreRun';
export { levenshteinRatio, rougeL, tokenF1 } from './scoring/similarity';
export { normalizeText } from './scoring/text';
export { contains, exactMatch, notContains, regexMatch, startsWith } from './scoring/textRubrics';
export type { JudgeInfo } from './scoring/types';
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
// Always-valid confidence sequences (issue 17; docs/SEQUENTIAL.md)
export {
  type BoundedMeanCsOptions,
  type BoundedMeanCsResult,
  boundedMeanConfidenceSequence,
} from './stats/boundedMeanConfidenceSequence';
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
export {
  type ErrorRateConsistencyOptions,
  type ErrorRateConsistencyResult,
  errorRateConsistency,
  type WindowCounts,
} from './stats/errorRateConsistency';
export { groupSequentialBounds } from './stats/groupSequentialBounds';
export { harrellDavisQuantile } from './stats/harrellDavisQuantile';
export { holm } from './stats/holm';
export { leveneTest } from './stats/leveneTest';
export { mannWhitneyU } from './stats/mannWhitneyU';
export { mcnemarTest } from './stats/mcnemarTest';
export { mean } from './stats/mean';
export { nonInferioritySampleSize } from './stats/nonInferioritySampleSize';
export {
  asymptoticCsHalfWidth,
  normalMixtureBoundary,
  normalMixtureOptimalRatio,
} from './stats/normalMixtureBoundary';
export { type NonInferiorityResult, pairedNonInferiority } from './stats/pairedNonInferiority';
export { pairedProportionNonInferiority } from './stats/pairedProportionNonInferiority';
export { pairedProportionSampleSize } from './stats/pairedProportionSampleSize';
export {
  type ProportionCsOptions,
  type ProportionCsResult,
  proportionConfidenceSequence,
} from './stats/proportionConfidenceSequence';
export { proportionNonInferiority } from './stats/proportionNonInferiority';
export { percentiles, quantile } from './stats/quantile';
export {
  type QuantileCell,
  type QuantileCsOptions,
  type QuantileCsResult,
  quantileConfidenceSequence,
  valueCells,
} from './stats/quantileConfidenceSequence';
export { quantileDifferenceCI } from './stats/quantileDifferenceCI';
export { createQuantileSketch, QuantileSketch, type QuantileSketchJSON } from './stats/quantileSketch';
export { createRng, type Rng } from './stats/random';
// Statistics core
export { averageRanks } from './stats/rank';
export {
  type RatioCsOptions,
  type RatioCsResult,
  type RatioSums,
  ratioConfidenceSequence,
  ratioSums,
} from './stats/ratioConfidenceSequence';
export { ratioDifferenceCI } from './stats/ratioDifferenceCI';
export { ratioMetricCI } from './stats/ratioMetricCI';
export { RunningStats } from './stats/runningStats';
export { samplesForProportionInterval } from './stats/samplesForProportionInterval';
export { quantileInPlace, selectInPlace } from './stats/select';
export {
  createSequentialTest,
  type PairedSequentialTest,
  type SequentialTestOptions,
  type SequentialTestState,
} from './stats/sequentialTest';
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
  AlwaysValidInterval,
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
