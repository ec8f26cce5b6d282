/** The pipeline's options and result, the simulator starter it is given, and the context its stages share. */
import type { RunAnalysis } from '../analysis/types';
import type { simulatorOptions } from '../config/resolveSimulator';
import type { LoadedEvalConfig } from '../config/types';
import type { DecisionDetails } from '../decision/decide';
import type { WrittenReport } from '../report/writeReport';
import type { BatchProgress, RunBatchSummary } from '../runner/runBatch';
import type { JudgePairsSummary } from '../scoring/judgePairs';
import type { ScoreRunSummary } from '../scoring/scoreRun';
import type { RunManifest } from './manifest';

/** A running simulator as the pipeline uses it: where to send requests, and how to stop it. */
export interface StartedSimulator {
  /** `<origin>/v1`: what the arms' and judge's clients take as baseURL. */
  readonly baseURL: string;
  close(): Promise<void>;
}

/**
 * Starts the embedded simulator with the settings of a config's `simulator:` section (as
 * `simulatorOptions` gives them). The package's runPipeline passes the simulator's `startSimulator`; the
 * pipeline itself does not import the simulator.
 */
export type SimulatorStarter = (settings: ReturnType<typeof simulatorOptions>) => Promise<StartedSimulator>;

/** Options of {@link runPipeline}. */
export interface RunPipelineOptions {
  /** The validated config (loadEvalConfig). */
  config: LoadedEvalConfig;
  /** The config file, recorded in run.json (default: config.file). */
  configFile?: string;
  /** Folder of run folders. Default: the config's `out` (relative to the config file), else 'runs'. */
  outDir?: string;
  /** Default: `<UTC time>-<first 8 hex of the config hash>`; with `resume`, the latest run of this config. */
  runId?: string;
  /** Continue an interrupted run (same config): finished calls, scores and judgments are kept. */
  resume?: boolean;
  /** Replace an existing run in the run folder (its files are removed first). Not with `resume`. */
  force?: boolean;
  /**
   * Spend cap in USD, overriding the config's `maxCostUsd` (not part of the config hash, so a run stopped
   * by its cap can be resumed with a larger one).
   */
  maxCostUsd?: number;
  /** Response cache; default: the config's `cache` (the CLI's --no-cache sets false). */
  cache?: boolean;
  /** Use at most this many items (on top of the config's own limit). */
  limit?: number;
  /** Batch progress (calls done per arm, errors, spend, ETA). */
  onProgress?: (p: BatchProgress) => void;
  /** One line per stage and warnings (the CLI writes them to stderr). */
  log?: (line: string) => void;
  /** Where API keys and base URLs are read from. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /**
   * Starts the embedded simulator for a config with a `simulator:` section (an arm or the judge without a
   * base URL). Required for such a config; the package's runPipeline passes the simulator's own.
   */
  startSimulator?: SimulatorStarter;
}

/** What {@link runPipeline} produced. */
export interface PipelineResult {
  runId: string;
  runDir: string;
  manifest: RunManifest;
  analysis: RunAnalysis;
  decision: DecisionDetails;
  report: WrittenReport;
  batch: RunBatchSummary;
  scoring: ScoreRunSummary;
  pairwise?: JudgePairsSummary;
  /**
   * Set when the spend cap (maxCostUsd) stopped the run before everything was sent: every finished record is
   * kept, and the analysis, decision and report cover only them. Rerun with --resume and a larger cap.
   */
  budgetReached?: { capUsd: number; spentUsd: number; message: string };
  wallMs: number;
}

/** What every stage of one run reads: the options, the config, where the run goes, and the log. */
export interface RunContext {
  opts: RunPipelineOptions;
  loaded: LoadedEvalConfig;
  cfg: LoadedEvalConfig['config'];
  log: (line: string) => void;
  outDir: string;
  runId: string;
  runDir: string;
  /** performance.now() when the run started (for `wallMs`). */
  started: number;
}
