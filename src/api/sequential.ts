// `sequential`: monitoring a canary look after look (one per hour or day) without inflating the error rates:
// a history file of cumulative counts, always-valid intervals for the gates, and its chart. decide reads the
// history's state (`decide(comparisons, policy, { sequential: state, looks: state.looks })`).
//
//   import { decide, sequential } from 'canarylab';
//   const state = await sequential.updateHistory('runs/history/bot.json', run, { nExpected: 50_000 });
//   decide(analysis.comparisons, policy, { sequential: state, looks: state.looks });

export {
  /** Cumulative counts for alwaysValidIntervals. */ type AlwaysValidInput,
  /** Options of alwaysValidIntervals. */ type AlwaysValidOptions,
  /** Adds always-valid intervals to comparisons. */ addAlwaysValid,
  /** Always-valid intervals of the gated metrics from cumulative counts. */ alwaysValidIntervals,
} from '../analysis/alwaysValid';
export {
  /** Input of the sequential chart. */ type SequentialChartInput,
  /** A sequential history as the charts read it. */ type SequentialHistoryInput,
  /** The sequential-monitoring chart's spec (vega-lite). */ sequentialSpec,
} from '../charts/index';
export {
  /** Cumulative counts of one arm. */ type ArmCounts,
  /** Appends one look (a summary) to a sequential history file. */ appendSequentialLook,
  /** Paired quality counts of a look (discordant pairs). */ type PairedCounts,
  /** Cumulative counts of a sequential history. */ type SequentialCounts,
  /** One look of a sequential history. */ type SequentialEntry,
  /** One metric's state in a sequential history. */ type SequentialMetricSummary,
  /** The sequential history's state after a look. */ type SequentialSummary,
  /** Options of updateSequentialHistory. */ type UpdateSequentialHistoryOptions,
  /** Appends a run's look (records or analysis) to a sequential history file. */ updateHistory,
  /** Adds one look from counts to a sequential history file. */ updateSequentialHistory,
} from '../decision/sequential';
