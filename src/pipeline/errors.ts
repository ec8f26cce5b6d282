/** The pipeline's errors, each with a stable code, and the messages they carry. */
import { formatSpend } from '../format';

/** Messages of the pipeline's errors, in one place. */
export const pipelineMsg = {
  noSimulatorStarter:
    "the config has a `simulator:` section but runPipeline was given no `startSimulator` option: pass one (e.g. startSimulator from the package), or use the package's runPipeline, which passes it",
  noEarlierRun: (hash: string, outDir: string) =>
    `--resume: no earlier run of this config (hash ${hash.slice(0, 8)}) in ${outDir}; start one without --resume`,
  forceAndResume: '--force and --resume contradict each other: choose one',
  runExists: (runDir: string) =>
    `${runDir} already holds a run: pass --resume to continue it, --force to replace it, or choose another --run-id`,
  otherConfig: (runDir: string, was: string, now: string) =>
    `${runDir} was started with another config (hash ${was.slice(0, 8)}, now ${now.slice(0, 8)}): resuming would mix two evaluations; use a new --run-id`,
  budgetReached: (spentUsd: number, capUsd: number) =>
    `budget reached: ${formatSpend(spentUsd)} of the $${capUsd} cap (maxCostUsd) spent; the run stopped before a call whose worst case could pass it. Every finished record is kept; the analysis covers only them. Rerun with --resume --max-cost <larger USD> to continue.`,
  budgetNoAnalysis: (message: string, why: string) => `${message} (no analysis: ${why})`,
} as const;

/**
 * The spend cap stopped the run and the later stages could not run on what was recorded (code
 * CANARYLAB_ERR_BUDGET_REACHED; the CLI exits 3). Every finished record is kept.
 */
export class BudgetReachedError extends Error {
  readonly code = 'CANARYLAB_ERR_BUDGET_REACHED';
  constructor(message: string) {
    super(message);
    this.name = 'BudgetReachedError';
  }
}

/** A run folder that exists when it should not (or not when it should). */
export class RunFolderConflictError extends Error {
  readonly code = 'CANARYLAB_ERR_RUN_FOLDER';
  constructor(message: string) {
    super(message);
    this.name = 'RunFolderConflictError';
  }
}

/**
 * The config has a `simulator:` section that the run needs, but no `startSimulator` was given to the
 * pipeline (code CANARYLAB_ERR_INVALID_ARG). The package's `runPipeline` (src/index.ts) passes the embedded
 * simulator's starter; only a caller of src/pipeline/runPipeline.ts itself has to pass one.
 */
export class SimulatorStarterMissingError extends TypeError {
  readonly code = 'CANARYLAB_ERR_INVALID_ARG';
  constructor(message: string = pipelineMsg.noSimulatorStarter) {
    super(message);
    this.name = 'SimulatorStarterMissingError';
  }
}
