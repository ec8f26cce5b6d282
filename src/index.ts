// canarylab's public API: what a notebook or another program needs, grouped by layer (docs/ARCHITECTURE.md),
// bottom first. Named re-exports, plus the two functions that hand the pipeline the embedded simulator.
// Nothing from the CLI; helpers only tests use are imported by the tests from their own modules.
import { type DemoRun, type EnsureDemoRunOptions, ensureDemoRun as ensureDemoRunWith } from './notebook/demo';
import {
  type PipelineResult,
  type RunPipelineOptions,
  runPipeline as runPipelineWith,
} from './pipeline/runPipeline';
import { startSimulator } from './sim/server';

// ── 0 Records: the shapes on the pipeline's arrows (the public contract) ─────────────────────────────────────

export type {
  /** An always-valid (anytime) interval of a metric under sequential monitoring. */ AlwaysValidInterval,
  /** 'primary' | 'canary'. */ Arm,
  /** One arm's estimate of a metric: n, estimate, interval. */ ArmEstimate,
  /** One model call (calls.jsonl). */ CallRecord,
  /** One chat message (role, content). */ ChatMessage,
  /** The verdict with its gates and reasons (decision.json). */ Decision,
  /** Why a call failed (timeout, rate_limit, …). */ ErrorKind,
  /** One data-set item (items.jsonl). */ EvalItem,
  /** One gate's outcome in a decision. */ GateResult,
  /** 'pass' | 'fail' | 'inconclusive'. */ GateStatus,
  /** One metric compared between the arms (comparison.json). */ MetricComparison,
  /** One pairwise judge verdict (pairwise.jsonl). */ PairwiseRecord,
  /** The records of a run in memory (items, calls, scores, pairwise). */ RunData,
  /** One item with its calls and scores, as analysis reads it. */ RunItem,
  /** One score of one call (scores.jsonl). */ ScoreRecord,
  /** A gate's severity: 'required' | 'important' | 'recommended'. */ Severity,
  /** A rollout stage: shadow, flag, percentage, full. */ Stage,
} from './types';

// ── 0 Statistics: one statistic per file, checked against scipy/statsmodels ──────────────────────────────────

/** Benjamini–Hochberg adjusted p-values (false discovery rate). */
export { benjaminiHochberg } from './stats/benjaminiHochberg';
export {
  /** Options of bootstrapCI. */ type BootstrapCIOptions,
  /** Result of bootstrapCI. */ type BootstrapCIResult,
  /** 'percentile' | 'bca'. */ type BootstrapMethod,
  /** Seeded bootstrap confidence interval (percentile or BCa, paired or not). */ bootstrapCI,
  /** A quantile as a bootstrap statistic (e.g. P95). */ quantileStatistic,
} from './stats/bootstrapCI';
export {
  /** Options of boundedMeanConfidenceSequence. */ type BoundedMeanCsOptions,
  /** Result of boundedMeanConfidenceSequence. */ type BoundedMeanCsResult,
  /** Always-valid confidence sequence for a bounded mean (default range [−1, 1]: paired differences). */ boundedMeanConfidenceSequence,
} from './stats/boundedMeanConfidenceSequence';
export {
  /** Result of bradleyTerry. */ type BradleyTerryResult,
  /** Bradley–Terry ratings from pairwise comparisons. */ bradleyTerry,
  /** One pairwise comparison for bradleyTerry. */ type PairwiseComparison,
} from './stats/bradleyTerry';
/** χ² goodness-of-fit test (sample-ratio mismatch). */
export { chiSquareGoodnessOfFit } from './stats/chiSquareGoodnessOfFit';
/** χ² test of independence on a contingency table. */
export { chiSquareIndependence } from './stats/chiSquareIndependence';
/** Exact (Clopper–Pearson) binomial interval. */
export { clopperPearsonInterval } from './stats/clopperPearsonInterval';
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
} from './stats/distributions';
export {
  /** Options of errorRateConsistency. */ type ErrorRateConsistencyOptions,
  /** Result of errorRateConsistency. */ type ErrorRateConsistencyResult,
  /** Between-window SD of the error rate beyond binomial noise (Paule–Mandel τ, in points). */ errorRateConsistency,
  /** Errors and calls of one time window. */ type WindowCounts,
} from './stats/errorRateConsistency';
/** Lan–DeMets group-sequential boundaries. */
export { groupSequentialBounds } from './stats/groupSequentialBounds';
/** Harrell–Davis quantile estimate. */
export { harrellDavisQuantile } from './stats/harrellDavisQuantile';
/** Holm step-down adjusted p-values. */
export { holm } from './stats/holm';
/** Levene (Brown–Forsythe) test of equal variances. */
export { leveneTest } from './stats/leveneTest';
/** Mann–Whitney U test. */
export { mannWhitneyU } from './stats/mannWhitneyU';
/** Exact/asymptotic McNemar test on paired binary outcomes. */
export { mcnemarTest } from './stats/mcnemarTest';
/** Arithmetic mean. */
export { mean } from './stats/mean';
/** Sample size for a non-inferiority test of two means. */
export { nonInferioritySampleSize } from './stats/nonInferioritySampleSize';
export {
  /** Half-width of an asymptotic confidence sequence. */ asymptoticCsHalfWidth,
  /** The normal-mixture boundary of a confidence sequence. */ normalMixtureBoundary,
  /** The mixture ratio that makes the boundary tightest at a sample size. */ normalMixtureOptimalRatio,
} from './stats/normalMixtureBoundary';
export {
  /** Result of the non-inferiority tests. */ type NonInferiorityResult,
  /** Paired non-inferiority test of means. */ pairedNonInferiority,
} from './stats/pairedNonInferiority';
/** Paired non-inferiority test of proportions (Tango score). */
export { pairedProportionNonInferiority } from './stats/pairedProportionNonInferiority';
/** Sample size for a paired proportion non-inferiority test. */
export { pairedProportionSampleSize } from './stats/pairedProportionSampleSize';
export {
  /** Options of proportionConfidenceSequence. */ type ProportionCsOptions,
  /** Result of proportionConfidenceSequence. */ type ProportionCsResult,
  /** Always-valid confidence sequence for a rate (Beta mixture). */ proportionConfidenceSequence,
} from './stats/proportionConfidenceSequence';
/** Non-inferiority test of two independent proportions (Farrington–Manning). */
export { proportionNonInferiority } from './stats/proportionNonInferiority';
export {
  /** Several type-7 percentiles at once. */ percentiles,
  /** Type-7 quantile. */ quantile,
} from './stats/quantile';
export {
  /** `count` observations within [lower, upper] (a histogram bucket; lower = upper for exact values). */ type QuantileCell,
  /** Options of quantileConfidenceSequence. */ type QuantileCsOptions,
  /** Result of quantileConfidenceSequence. */ type QuantileCsResult,
  /** Always-valid confidence sequence for a quantile (from cells). */ quantileConfidenceSequence,
  /** Exact values → quantile cells. */ valueCells,
} from './stats/quantileConfidenceSequence';
/** Confidence interval for a quantile difference (P95 canary − primary, and ratio). */
export { quantileDifferenceCI } from './stats/quantileDifferenceCI';
export {
  /** Creates a mergeable DDSketch. */ createQuantileSketch,
  /** Mergeable DDSketch (1% relative error) for data that does not fit in memory. */ QuantileSketch,
  /** A sketch serialised to JSON. */ type QuantileSketchJSON,
} from './stats/quantileSketch';
export {
  /** Seeded xoshiro128** random number generator. */ createRng,
  /** A seeded random number generator. */ type Rng,
} from './stats/random';
export {
  /** Options of ratioConfidenceSequence. */ type RatioCsOptions,
  /** Result of ratioConfidenceSequence. */ type RatioCsResult,
  /** The per-arm sums a ratio-of-means metric needs (numerator, denominator). */ type RatioSums,
  /** Asymptotic confidence sequence for the relative change of a ratio metric between arms. */ ratioConfidenceSequence,
  /** Ratio sums from paired numerators and denominators. */ ratioSums,
} from './stats/ratioConfidenceSequence';
/** Delta-method interval for a difference of ratio metrics (cost per 1K tokens). */
export { ratioDifferenceCI } from './stats/ratioDifferenceCI';
/** Delta-method interval for one ratio metric. */
export { ratioMetricCI } from './stats/ratioMetricCI';
/** Mergeable streaming mean and variance (Welford). */
export { RunningStats } from './stats/runningStats';
/** Samples needed for a proportion interval of a given width. */
export { samplesForProportionInterval } from './stats/samplesForProportionInterval';
export {
  /** Mixture SPRT with always-valid p-values and confidence sequences. */ createSequentialTest,
  /** A paired sequential test. */ type PairedSequentialTest,
  /** Options of createSequentialTest. */ type SequentialTestOptions,
  /** State of a sequential test after a look. */ type SequentialTestState,
} from './stats/sequentialTest';
/** Wald's SPRT for a Bernoulli rate. */
export { sprtBernoulli } from './stats/sprtBernoulli';
/** Sample standard deviation. */
export { standardDeviation } from './stats/standardDeviation';
/** Two-proportion z test. */
export { twoProportionZTest } from './stats/twoProportionZTest';
export type {
  /** An interval with its estimate. */ Interval,
  /** What a hypothesis test returns: statistic, pValue, ci, method. */ TestResult,
} from './stats/types';
export type {
  /** 'two-sided' | 'less' | 'greater'. */ Alternative,
  /** { alternative, confidence } of every hypothesis test. */ TestOptions,
} from './stats/validate';
/** Sample variance. */
export { variance } from './stats/variance';
/** Welch's t test. */
export { welchTTest } from './stats/welchTTest';
/** Wilcoxon signed-rank test. */
export { wilcoxonSignedRank } from './stats/wilcoxonSignedRank';
/** Wilson score interval for a proportion. */
export { wilsonInterval } from './stats/wilsonInterval';

// ── 0 The number formatter (the CLI, the report and the decision's reasons all use it) ─────────────────────

export {
  /** Options of formatMetricValue (signed, bare, digits). */ type FormatOptions,
  /** A value in its metric's unit: percent, percentage points, ms, USD, counts. */ formatMetricValue,
  /** A plain number: thousands separators, or fixed decimals. */ formatNumber,
  /** A p-value: '< 0.0001' below that, else 2 significant digits. */ formatPValue,
  /** Elapsed milliseconds as seconds with one decimal ('12.3 s'). */ formatSeconds,
} from './format';

// ── 0 Input errors and the package's own folder ─────────────────────────────────────────────────────────────

/** A config or policy error naming file, line and field. */
export { ConfigError } from './input/schemaErrors';
/** The package's root folder (holds datasets/ and package.json). */
export { PACKAGE_ROOT } from './packageRoot';

// ── 1 Gateway: the HTTP chat client and the gateway (retries, rate limits, cache, cost) ─────────────────────

/** A spend cap shared by the arms of a run (RunBatchOptions.budget). */
export { SpendBudget } from './gateway/budget';
export {
  /** An OpenAI-compatible (or native Anthropic/Gemini) chat client. */ type ChatClient,
  /** Options of createChatClient. */ type ChatClientOptions,
  /** Creates a chat client for one endpoint. */ createChatClient,
} from './gateway/client';
/** Base class of every gateway error (with a stable `code`). */
export { GatewayError } from './gateway/errors';
export {
  /** Creates a gateway: retries, fallback, rate limits, cache and cost around a client. */ createGateway,
  /** A gateway (call → outcome). */ type Gateway,
  /** Options of createGateway. */ type GatewayOptions,
  /** What a gateway call returns: the response or the typed failure. */ type GatewayOutcome,
} from './gateway/gateway';
export {
  /** Reads a price table (USD per 1M tokens by model). */ loadPricing,
  /** A price table. */ type Pricing,
} from './gateway/pricing';
/** 'openai' | 'anthropic' | 'gemini'. */
export type { ProtocolName } from './gateway/protocols/index';
/** A URL with credentials and secret query values masked. */
export { redactUrl } from './gateway/redact';
/** Retry policy of the gateway. */
export type { RetryPolicy } from './gateway/retry';
export type {
  /** Parameters of one chat call. */ ChatParams,
  /** A chat response. */ ChatResponse,
  /** Token usage of a response. */ Usage,
} from './gateway/types';

// ── 1 Routing: bucketing, the sample-ratio check, the router's log lines ────────────────────────────────────

/** The cyrb53 hash the router buckets users with. */
export { cyrb53 } from './routing/cyrb53';
/** A malformed log line that was skipped (with its location). */
export type { InvalidLine } from './routing/logs';
export {
  /** Observed calls per arm. */ type ArmSplit,
  /** Options of srmCheck. */ type SrmCheckOptions,
  /** Result of srmCheck. */ type SrmResult,
  /** Sample-ratio mismatch check against the configured canary share. */ srmCheck,
} from './routing/srm';

// ── 2 Scoring: rubrics and judges ───────────────────────────────────────────────────────────────────────────

export {
  /** A scorer from any (item, record) → result function. */ customScorer,
  /** One check of a composed rubric. */ type RubricCheck,
  /** A rubric composed of checks. */ rubric,
} from './scoring/compose';
/** The final number of a solution ('#### 18', 'A: 18', the last number). */
export { extractFinalNumber } from './scoring/extractFinalNumber';
export {
  /** Rubric: the answer is in a language. */ languageIs,
  /** Rubric: length within bounds. */ lengthBounds,
  /** Rubric: a single line. */ oneLine,
} from './scoring/formatRubrics';
export {
  /** Rubric: valid JSON. */ isValidJson,
  /** Rubric: JSON matching a JSON Schema (ajv). */ matchesJsonSchema,
} from './scoring/jsonRubrics';
export {
  /** One line of pairwise.jsonl as loadPairwise reads it. */ type JudgedPairRecord,
  /** Options of judgePairs. */ type JudgePairsOptions,
  /** Result of judgePairs. */ type JudgePairsSummary,
  /** Runs a pairwise judge over a run's items (pairwise.jsonl). */ judgePairs,
  /** Reads a run's pairwise.jsonl. */ loadPairwise,
} from './scoring/judgePairs';
/** The scale of a judge's score: '1-10' | 'pass-fail'. */
export type { JudgeScale } from './scoring/judgePrompt';
export {
  /** A judge's agreement with another judge or a rubric (Cohen's kappa). */ type AgreementResult,
  /** Result of judgeReliability. */ type JudgeReliability,
  /** How far a pairwise judge can be trusted: position flips, self-consistency, agreement, length bias. */ judgeReliability,
  /** Result of pairwiseSummary. */ type PairwiseWinSummary,
  /** Win/tie/loss rates and position consistency of pairwise verdicts. */ pairwiseSummary,
} from './scoring/judgeReliability';
export {
  /** Price of a judge model. */ type JudgePrice,
  /** Options of llmJudge. */ type LlmJudgeOptions,
  /** An LLM judge scoring one answer (fenced prompt). */ llmJudge,
  /** Options of pairwiseJudge. */ type PairwiseJudgeOptions,
  /** An LLM judge comparing two answers in both orders. */ pairwiseJudge,
} from './scoring/llmJudge';
/** Rubric: the final number equals the reference. */
export { numericAnswer } from './scoring/numericAnswer';
export {
  /** Reads a run's scores.jsonl. */ loadScores,
  /** Options of scoreRun. */ type ScoreRunOptions,
  /** Result of scoreRun. */ type ScoreRunSummary,
  /** Scores a run's calls with scorers (scores.jsonl). */ scoreRun,
} from './scoring/scoreRun';
export {
  /** Scorer: normalised Levenshtein similarity against the reference. */ levenshteinRatio,
  /** Scorer: ROUGE-L F against the reference. */ rougeL,
  /** Scorer: SQuAD token F1 against the reference. */ tokenF1,
} from './scoring/similarity';
export {
  /** Rubric: contains a string. */ contains,
  /** Rubric: equals the reference. */ exactMatch,
  /** Rubric: does not contain a string. */ notContains,
  /** Rubric: matches a regular expression. */ regexMatch,
  /** Rubric: starts with a string. */ startsWith,
} from './scoring/textRubrics';
export type {
  /** The judge's model, cost and errors on a score. */ JudgeInfo,
  /** A scorer of two answers. */ PairwiseScorer,
  /** What a scorer returns: score, pass, reason. */ ScoreResult,
  /** A scorer of one answer. */ Scorer,
} from './scoring/types';
/** A scorer's bad configuration or input, with a stable code. */
export { ScorerError } from './scoring/types';

// ── 3 Bundled data sets ─────────────────────────────────────────────────────────────────────────────────────

export {
  /** The four recorded GPT-3 models of the GSM8K file. */ GSM8K_MODELS,
  /** One of GSM8K_MODELS. */ type Gsm8kModel,
  /** One GSM8K problem with the recorded solutions. */ type Gsm8kProblem,
  /** Reads the bundled GSM8K model solutions. */ loadGsm8kSolutions,
} from './datasets/gsm8k';
export {
  /** One request of an llmperf trace. */ type LlmperfRequest,
  /** Reads an llmperf trace file. */ loadLlmperfTrace,
} from './datasets/llmperf';

// ── 4 Runner: items × arms → CallRecords ────────────────────────────────────────────────────────────────────

export {
  /** Options of the item readers. */ type LoadItemsOptions,
  /** Reads every item of a CSV file. */ loadCsvItems,
  /** Reads every item of a JSONL file. */ loadJsonlItems,
  /** Streams items from a CSV file. */ streamCsvItems,
  /** Streams items from a JSONL file. */ streamJsonlItems,
} from './runner/dataset';
export {
  /** A progress line on a stream (stderr) for runBatch. */ createProgressReporter,
  /** Where the progress line goes (a TTY or not). */ type ProgressStream,
} from './runner/progress';
/** The live per-arm figures of a batch's progress. */
export type { LiveArmSummary } from './runner/ringBuffer';
export type {
  /** Prices of one arm's model. */ ArmPrice,
  /** Items as an iterable or an async iterable. */ ItemSource,
} from './runner/runBatch';
export {
  /** One arm of a batch (model, gateway, concurrency). */ type BatchArm,
  /** Progress of a batch. */ type BatchProgress,
  /** Options of runBatch. */ type RunBatchOptions,
  /** Result of runBatch. */ type RunBatchSummary,
  /** Sends every item to both arms (calls.jsonl): concurrency, cache, resume, spend cap. */ runBatch,
} from './runner/runBatch';

// ── 5 Analysis: records or summaries → comparison.json ──────────────────────────────────────────────────────

export {
  /** Cumulative counts for alwaysValidIntervals. */ type AlwaysValidInput,
  /** Options of alwaysValidIntervals. */ type AlwaysValidOptions,
  /** Adds always-valid intervals to comparisons. */ addAlwaysValid,
  /** Always-valid intervals of the gated metrics from cumulative counts. */ alwaysValidIntervals,
} from './analysis/alwaysValid';
export {
  /** The test of a comparison (method, statistic, pValue). */ type AnalysisTest,
  /** Options of analyzeRun. */ type AnalyzeOptions,
  /** Cost of one arm in an analysis. */ type ArmCost,
  /** Records → every metric compared with its interval and test. */ analyzeRun,
  /** Units of the metrics. */ METRIC_UNITS,
  /** Pairwise win/tie/loss summary in an analysis. */ type PairwiseSummary,
  /** A quality metric compared between arms. */ type QualityComparison,
  /** Result of analyzeRun (comparison.json). */ type RunAnalysis,
  /** A segment of an analysis (tier, tag). */ type SegmentInfo,
} from './analysis/analyzeRun';
export {
  /** Summaries (+ per-item quality pairs) → comparisons: the path logs take. */ analyzeSummaries,
  /** Per-item quality results for analyzeSummaries. */ type PerItemResults,
  /** Input of analyzeSummaries. */ type SummaryAnalysisInput,
} from './analysis/analyzeSummaries';
/** Reads a run folder's records. */
export { loadRun } from './analysis/loadRun';
export {
  /** Success rate and latency percentiles of one llmperf trace. */ type LatencyTraceSummary,
  /** Accuracy of one GSM8K model with its Wilson interval. */ type ModelAccuracy,
  /** Two GSM8K models compared on the same problems (McNemar). */ type PairedAccuracyComparison,
  /** Accuracy and pairwise comparison of the GSM8K models. */ summarizeGsm8k,
  /** Success rate and latency percentiles of an llmperf trace. */ summarizeLatencyTrace,
} from './analysis/offlineSummaries';
export {
  /** The time-window width for a run's span. */ chooseWindowWidth,
  /** Calls → a mergeable RunSummary. */ summarizeCalls,
} from './analysis/summary/build';
/** Merges two summaries (counts, histograms, sums add). */
export { mergeSummaries } from './analysis/summary/merge';
export type {
  /** One arm's summary. */ ArmSummary,
  /** Call counts of a summary cell. */ CallStats,
  /** Token and cost sums with cross-moments. */ CostSums,
  /** A log2-bucketed histogram. */ LogHistogram,
  /** The mergeable summary every metric is computed from. */ RunSummary,
  /** One segment's summary. */ SegmentStats,
  /** Where a summary came from (records, DuckDB, ClickHouse). */ SummaryOrigin,
  /** Counts of one time window. */ WindowCount,
} from './analysis/summary/types';

// ── 6 Production logs: DuckDB (files) and ClickHouse (tables) → summaries ───────────────────────────────────

export {
  /** Column names of a log. */ type ColumnMapping,
  /** 'userId=user_id,latency=duration_ms' → a column mapping. */ parseColumnMapping,
} from './logs/mapping';
export {
  /** Result of summarizeLogs. */ type LogSummary,
  /** Options of summarizeLogs. */ type SummarizeLogsOptions,
  /** A log file, folder, glob or ClickHouse table → RunSummary in one grouped scan. */ summarizeLogs,
} from './logs/summarizeLogs';

// ── 7 Decision: policy, gates, stages, sequential history ───────────────────────────────────────────────────

export {
  /** Context of decide: rollout position, SRM, sequential history. */ type DecideContext,
  /** The decision with the details decide computed. */ type DecisionDetails,
  /** Comparisons + policy → the decision. */ decide,
  /** Where the rollout stands (stage, traffic %). */ type RolloutPosition,
  /** The metric name of the sample-ratio gate. */ SRM_METRIC,
} from './decision/decide';
export {
  /** The playbook's policy. */ DEFAULT_POLICY,
  /** One gate of a policy. */ type Gate,
  /** Reads a policy file (YAML or JSON). */ loadPolicy,
  /** A validated policy. */ type Policy,
  /** A policy as written (defaults not applied). */ type PolicyInput,
  /** One problem policyProblems finds. */ type PolicyProblem,
  /** Validates a policy object. */ parsePolicy,
  /** A policy's problems, without throwing. */ policyProblems,
  /** One step of a rollout plan. */ type RolloutStep,
} from './decision/policy';
export {
  /** Cumulative counts of one arm. */ type ArmCounts,
  /** Appends one look (a summary) to a sequential history file. */ appendSequentialLook,
  /** JSON.stringify replacer writing NaN and ±Infinity as null. */ nanToNull,
  /** Paired quality counts of a look (discordant pairs). */ type PairedCounts,
  /** Cumulative counts of a sequential history. */ type SequentialCounts,
  /** One look of a sequential history. */ type SequentialEntry,
  /** One metric's state in a sequential history. */ type SequentialMetricSummary,
  /** The sequential history's state after a look. */ type SequentialSummary,
  /** Options of updateSequentialHistory. */ type UpdateSequentialHistoryOptions,
  /** Appends a run's look to a sequential history file. */ updateHistory,
  /** Adds one look from counts to a sequential history file. */ updateSequentialHistory,
} from './decision/sequential';

// ── 8 Charts ────────────────────────────────────────────────────────────────────────────────────────────────

export {
  /** Input of buildRunCharts. */ type BuildRunChartsInput,
  /** The report's charts (vega-lite specs) for a run. */ buildRunCharts,
  /** The analysis fields the charts read. */ type ChartAnalysis,
  /** One chart of buildRunCharts. */ type RunChart,
  /** Input of the sequential chart. */ type SequentialChartInput,
  /** A sequential history as the charts read it. */ type SequentialHistoryInput,
  /** The sequential-monitoring chart's spec. */ sequentialSpec,
} from './charts/index';

// ── 9 Report and text summaries ─────────────────────────────────────────────────────────────────────────────

/** The items where the arms disagree most, for the report and notebooks. */
export { selectDisagreements } from './report/disagreements';
export {
  /** The comparisons as a text table. */ formatComparisons,
  /** The verdict summary the CLI prints. */ formatVerdict,
  /** Exit status of each verdict with --exit-code. */ VERDICT_EXIT_CODES,
} from './report/textSummary';
export {
  /** One column of formatTable. */ type Column as TextTableColumn,
  /** Rows → an aligned text table. */ formatTable,
} from './report/textTable';
export type {
  /** One disagreement between the arms, as the report shows it. */ ReportDisagreement,
  /** One score in a disagreement. */ ReportScoreCell,
} from './report/types';
/** What reportStage wrote (report.html, charts). */
export type { WrittenReport } from './report/writeReport';

// ── 10 The eval config ──────────────────────────────────────────────────────────────────────────────────────

export {
  /** A validated eval config. */ type EvalConfig,
  /** An eval config with the file it came from. */ type LoadedEvalConfig,
  /** Reads an eval config (YAML or JSON; errors name file, line, field). */ loadEvalConfig,
  /** API keys and base URLs from the environment variables the config names. */ resolveSecrets,
  /** The simulator options of a config's `simulator:` section. */ simulatorOptions,
} from './config/evalConfig';

// ── 11 Pipeline: run folders, stages, the whole run; calibration ────────────────────────────────────────────

export {
  /** Options of importLogsRun. */ type ImportLogsRunOptions,
  /** Imports production logs into a new run folder and analyses them. */ importLogsRun,
  /** A run folder's summary.json, if any. */ readRunSummary,
} from './pipeline/importLogs';
export {
  /** The items of a config's data set. */ loadConfigItems,
  /** Writes items.jsonl. */ writeItems,
} from './pipeline/items';
export {
  /** A run's manifest (run.json). */ type RunManifest,
  /** canarylab's version. */ toolVersion,
} from './pipeline/manifest';
/** Runs a function holding a run folder's lock (one writer per folder). */
export { withRunLock } from './pipeline/runFolder';
export {
  /** The spend cap stopped the run. */ BudgetReachedError,
  /** Result of runPipeline. */ type PipelineResult,
  /** Options of runPipeline. */ type RunPipelineOptions,
  /** Starts a simulator for runPipeline (startSimulator by default). */ type SimulatorStarter,
  /** The config needs a simulator but no starter was given. */ SimulatorStarterMissingError,
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

/** One cell (scenario × design) of a calibration. */
export type { CellResult } from './calibration/calibrate';
export {
  /** Result of runCalibration. */ type CalibrationResult,
  /** Synthetic canaries with known truth through analyze → decide: verdict rates. */ runCalibration,
} from './calibration/run';
export {
  /** The calibration scenarios. */ SCENARIOS,
  /** One calibration scenario. */ type Scenario,
} from './calibration/scenarios';
/** A calibration result as a Markdown table. */
export { calibrationMarkdown } from './calibration/table';
export {
  /** Run folder → comparison.json. */ analyzeStage,
  /** Run folder → decision.json. */ decideStage,
  /** True when a folder holds a run. */ isRunFolder,
  /** Reads a run folder's comparison.json. */ readAnalysis,
  /** Run folder → charts and report.html. */ reportStage,
} from './pipeline/stages';

// ── 12 Notebook helpers (display in tslab, record rows, the demo run) ───────────────────────────────────────

/** Options of ensureDemoRun. */
export type { EnsureDemoRunOptions } from './notebook/demo';
export {
  /** One call as a flat table row. */ type CallRow,
  /** A chart for showChart: a spec, or { spec, title }. */ type ChartInput,
  /** Calls → flat rows (for danfojs or showTable). */ callRows,
  /** The notebooks' demo run settings. */ DEMO,
  /** A demo run folder. */ type DemoRun,
  /** A decision with its gates as HTML (what showDecision displays). */ decisionHtml,
  /** The demo's two batch arms, pointed at a simulator's URL. */ demoArms,
  /** A danfojs DataFrame (what showTable needs of it). */ type FrameLike,
  /** Where notebook helpers display HTML (tslab by default). */ type HtmlSink,
  /** Options of llmperfToCalls. */ type LlmperfToCallsOptions,
  /** An llmperf HTTP status → ErrorKind. */ llmperfErrorKind,
  /** An llmperf trace → CallRecords. */ llmperfToCalls,
  /** A progress display in a notebook. */ type NotebookProgress,
  /** Options of notebookProgress. */ type NotebookProgressOptions,
  /** A live progress display for runBatch in a notebook. */ notebookProgress,
  /** What notebookProgress displays. */ type ProgressLike,
  /** Shows a chart (spec) as SVG. */ showChart,
  /** Shows a decision with its gates. */ showDecision,
  /** Shows rows or a DataFrame as a table. */ showTable,
  /** Shows the two arms' answers side by side. */ sideBySide,
  /** The side-by-side view as HTML. */ sideBySideHtml,
  /** Options of showTable. */ type TableOptions,
  /** Rows or a DataFrame as an HTML table (what showTable displays). */ tableHtml,
} from './notebook/index';

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

// ── Beside the product: the embedded simulator (OpenAI, Anthropic, Gemini on 127.0.0.1) ─────────────────────

/** `canarylab sim`: the simulator's command line. */
export { runSimCommand } from './sim/cli';
export {
  /** A running simulator (url, stats, close). */ type Simulator,
  /** Options of startSimulator. */ type SimulatorOptions,
  /** Starts the simulator on 127.0.0.1. */ startSimulator,
} from './sim/server';
