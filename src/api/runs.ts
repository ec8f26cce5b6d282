// `runs`: a run folder (items.jsonl, calls.jsonl, scores.jsonl, pairwise.jsonl → comparison.json,
// decision.json, report.html) stage by stage, as the command and a scheduled job drive it. runPipeline and
// importLogsRun, which make a whole run, are in the root list.
//
//   import { runs } from 'canarylab';
//   await runs.withRunLock(runDir, 'nightly', async () => {
//     await runs.analyzeStage(runDir, { analysis: { seed: 0 } });
//     const { decision } = await runs.decideStage(runDir);
//     await runs.reportStage(runDir);
//     return decision.verdict;
//   });

/** A run folder's summary.json, if any (a run imported from logs). */
export { readRunSummary } from '../pipeline/importLogs';
/** A run's manifest (run.json). */
export type { RunManifest } from '../pipeline/manifest';
/** Runs a function holding a run folder's lock (one writer per folder). */
export { withRunLock } from '../pipeline/runFolder';
export {
  /** Run folder → comparison.json. */ analyzeStage,
  /** Run folder → decision.json. */ decideStage,
  /** True when a folder holds a run. */ isRunFolder,
  /** Reads a run folder's comparison.json. */ readAnalysis,
  /** Run folder → charts and report.html. */ reportStage,
} from '../pipeline/stages';
/** What reportStage wrote (report.html, charts). */
export type { WrittenReport } from '../report/writeReport';
