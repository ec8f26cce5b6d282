// canarylab's public API: the workflow a notebook or another program drives, in its order (config → calls →
// scores → analysis → decision → charts and report), then eight namespaces for the toolkits behind it
// (`stats`, `scorers`, `summaries`, `sequential`, `runs`, `datasets`, `text`, `calibration`). Nothing from the
// CLI: the command uses this list like any other program. docs/ARCHITECTURE.md "The public API" has the map.
import { type DemoRun, type EnsureDemoRunOptions, ensureDemoRun as ensureDemoRunWith } from './notebook/demo';
import {
  type PipelineResult,
  type RunPipelineOptions,
  runPipeline as runPipelineWith,
} from './pipeline/runPipeline';
import { startSimulator } from './sim/server';

// ── The records on the pipeline's arrows (the files of a run folder) ────────────────────────────────────────

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

// ── Config: the eval file and its items ─────────────────────────────────────────────────────────────────────

export {
  /** A validated eval config. */ type EvalConfig,
  /** An eval config with the file it came from. */ type LoadedEvalConfig,
  /** Reads an eval config (YAML or JSON; errors name file, line, field). */ loadEvalConfig,
  /** The simulator options of a config's `simulator:` section. */ simulatorOptions,
} from './config/evalConfig';
/** A config or policy error naming file, line and field. */
export { ConfigError } from './input/schemaErrors';
export {
  /** The items of a config's data set. */ loadConfigItems,
  /** Writes items.jsonl. */ writeItems,
} from './pipeline/items';

// ── Calls: the gateway (retries, rate limits, cache, cost) and the batch runner ────────────────────────────

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
/** Retry policy of the gateway. */
export type { RetryPolicy } from './gateway/retry';
export type {
  /** Parameters of one chat call. */ ChatParams,
  /** A chat response. */ ChatResponse,
  /** Token usage of a response. */ Usage,
} from './gateway/types';
export {
  /** One arm of a batch (model, gateway, concurrency, prices). */ type BatchArm,
  /** Progress of a batch. */ type BatchProgress,
  /** Items as an iterable or an async iterable. */ type ItemSource,
  /** Options of runBatch. */ type RunBatchOptions,
  /** Result of runBatch. */ type RunBatchSummary,
  /** Sends every item to both arms (calls.jsonl): concurrency, cache, resume, spend cap. */ runBatch,
} from './runner/runBatch';

// ── Scores: run the scorers (namespace `scorers`) and the pairwise judge over a run ─────────────────────────

export {
  /** Options of judgePairs. */ type JudgePairsOptions,
  /** Result of judgePairs. */ type JudgePairsSummary,
  /** Runs a pairwise judge over a run's items (pairwise.jsonl). */ judgePairs,
  /** Reads a run's pairwise.jsonl. */ loadPairwise,
} from './scoring/judgePairs';
export {
  /** Result of judgeReliability. */ type JudgeReliability,
  /** How far a pairwise judge can be trusted: position flips, self-consistency, agreement, length bias. */ judgeReliability,
  /** Result of pairwiseSummary. */ type PairwiseWinSummary,
  /** Win/tie/loss rates and position consistency of pairwise verdicts. */ pairwiseSummary,
} from './scoring/judgeReliability';
export {
  /** Reads a run's scores.jsonl. */ loadScores,
  /** Options of scoreRun. */ type ScoreRunOptions,
  /** Result of scoreRun. */ type ScoreRunSummary,
  /** Scores a run's calls with scorers (scores.jsonl). */ scoreRun,
} from './scoring/scoreRun';
/** A scorer's bad configuration or input, with a stable code. */
export { ScorerError } from './scoring/types';

// ── Analysis: records, or production logs through DuckDB / ClickHouse, → comparisons ───────────────────────

export {
  /** Options of analyzeRun and analyzeSummaries. */ type AnalyzeOptions,
  /** Records → every metric compared with its interval and test. */ analyzeRun,
  /** Result of analyzeRun (comparison.json). */ type RunAnalysis,
} from './analysis/analyzeRun';
export {
  /** Summaries (namespace `summaries`) → comparisons: the path production logs take. */ analyzeSummaries,
  /** Input of analyzeSummaries. */ type SummaryAnalysisInput,
} from './analysis/analyzeSummaries';
/** Reads a run folder's records. */
export { loadRun } from './analysis/loadRun';
export {
  /** Result of summarizeLogs. */ type LogSummary,
  /** Options of summarizeLogs. */ type SummarizeLogsOptions,
  /** A log file, folder, glob or ClickHouse table → RunSummary in one grouped scan. */ summarizeLogs,
} from './logs/summarizeLogs';
/** The cyrb53 hash the router buckets users with. */
export { cyrb53 } from './routing/cyrb53';
export {
  /** Options of srmCheck. */ type SrmCheckOptions,
  /** Result of srmCheck. */ type SrmResult,
  /** Sample-ratio mismatch check against the configured canary share. */ srmCheck,
} from './routing/srm';

// ── Decision: the policy as data, the gates, the rollout plan ───────────────────────────────────────────────

export {
  /** Context of decide: rollout position, SRM, sequential history (namespace `sequential`). */ type DecideContext,
  /** The decision with the details decide computed. */ type DecisionDetails,
  /** Comparisons + policy → promote / hold / rollback with every gate's reason. */ decide,
  /** Where the rollout stands (stage, traffic %). */ type RolloutPosition,
} from './decision/decide';
export {
  /** The playbook's policy. */ DEFAULT_POLICY,
  /** One gate of a policy. */ type Gate,
  /** Reads a policy file (YAML or JSON). */ loadPolicy,
  /** A validated policy. */ type Policy,
  /** A policy as written (defaults not applied). */ type PolicyInput,
  /** Validates a policy object. */ parsePolicy,
} from './decision/policy';

// ── Charts and the report ───────────────────────────────────────────────────────────────────────────────────

export {
  /** Input of buildRunCharts. */ type BuildRunChartsInput,
  /** The report's charts (vega-lite specs) for a run. */ buildRunCharts,
  /** One chart of buildRunCharts. */ type RunChart,
} from './charts/index';
/** The items where the arms disagree most, for the report and notebooks. */
export { selectDisagreements } from './report/disagreements';
/** One disagreement between the arms, as the report shows it. */
export type { ReportDisagreement } from './report/types';

// ── Whole runs: the pipeline, a log import (stage by stage: namespace `runs`) ───────────────────────────────

export {
  /** Options of importLogsRun. */ type ImportLogsRunOptions,
  /** Imports production logs into a new run folder and analyses them. */ importLogsRun,
} from './pipeline/importLogs';
/** canarylab's version. */
export { toolVersion } from './pipeline/manifest';
export {
  /** The spend cap stopped the run. */ BudgetReachedError,
  /** Result of runPipeline. */ type PipelineResult,
  /** Options of runPipeline. */ type RunPipelineOptions,
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

// ── Notebooks: display in tslab, record rows, the demo run ──────────────────────────────────────────────────

/** Options of ensureDemoRun. */
export type { EnsureDemoRunOptions } from './notebook/demo';
export {
  /** One call as a flat table row. */ type CallRow,
  /** A chart for showChart: a spec, or { spec, title }. */ type ChartInput,
  /** Calls → flat rows (for danfojs or showTable). */ callRows,
  /** The notebooks' demo run settings. */ DEMO,
  /** A demo run folder. */ type DemoRun,
  /** The demo's two batch arms, pointed at a simulator's URL. */ demoArms,
  /** Options of notebookProgress. */ type NotebookProgressOptions,
  /** A live progress display for runBatch in a notebook. */ notebookProgress,
  /** Shows a chart (spec) as SVG. */ showChart,
  /** Shows a decision with its gates. */ showDecision,
  /** Shows rows or a DataFrame as a table. */ showTable,
  /** Shows the two arms' answers side by side. */ sideBySide,
  /** Options of showTable. */ type TableOptions,
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

// ── Beside the product: the embedded simulator (OpenAI, Anthropic, Gemini on 127.0.0.1; no key, no network) ──

export {
  /** A running simulator (url, stats, close). */ type Simulator,
  /** Options of startSimulator. */ type SimulatorOptions,
  /** Starts the simulator on 127.0.0.1. */ startSimulator,
} from './sim/server';

// ── The toolkits, as namespaces (`import { stats } from 'canarylab'; stats.wilsonInterval(995, 1000)`) ─────

/** Synthetic canaries with known truth → false-promotion and false-rollback rates (docs/CALIBRATION.md). */
export * as calibration from './api/calibration';
/** Item-file readers and the bundled real data (GSM8K answers, llmperf traces). */
export * as datasets from './api/datasets';
/** A run folder stage by stage (analyze, decide, report) under its one-writer lock. */
export * as runs from './api/runs';
/** Rubrics, similarity scorers and the LLM judges, for scoreRun and judgePairs. */
export * as scorers from './api/scorers';
/** Sequential monitoring: the look-by-look history, always-valid intervals and their chart. */
export * as sequential from './api/sequential';
/** Every statistic, one per file, checked against scipy/statsmodels (tests take `{ alternative, confidence }`). */
export * as stats from './api/stats';
/** The mergeable summary (counts, histograms, sums, windows): build, merge, read log column mappings. */
export * as summaries from './api/summaries';
/** Output as text: the number formatter, tables, the verdict summary and exit codes, the progress line. */
export * as text from './api/text';
