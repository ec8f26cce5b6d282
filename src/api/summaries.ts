// `summaries`: the mergeable summary every metric is computed from (counts, log2 histograms, cost sums, time
// windows), built from records or merged across log files and hours. summarizeLogs and analyzeSummaries, the
// production-log path, are in the root list.
//
//   import { analyzeSummaries, summaries } from 'canarylab';
//   const summary = summaries.mergeSummaries(monday.summary, tuesday.summary);
//   analyzeSummaries({ runId: 'week-49', summary });

export {
  /** The time-window width for a run's span. */ chooseWindowWidth,
  /** Calls → a mergeable RunSummary. */ summarizeCalls,
} from '../analysis/summary/build';
/** Merges two summaries (counts, histograms, sums add). */
export { mergeSummaries } from '../analysis/summary/merge';
export type {
  /** One arm's summary. */ ArmSummary,
  /** Call counts of a summary cell. */ CallStats,
  /** Token and cost sums with cross-moments. */ CostSums,
  /** A log2-bucketed histogram. */ LogHistogram,
  /** The mergeable summary every metric is computed from. */ RunSummary,
  /** One segment's summary. */ SegmentStats,
  /** Where a summary came from (records, DuckDB, ClickHouse). */ SummaryOrigin,
  /** Counts of one time window. */ WindowCount,
} from '../analysis/summary/types';
export {
  /** Column names of a log. */ type ColumnMapping,
  /** 'userId=user_id,latency=duration_ms' → a column mapping. */ parseColumnMapping,
} from '../logs/mapping';
/** A malformed log line that was skipped (with its location). */
export type { InvalidLine } from '../routing/logs';
