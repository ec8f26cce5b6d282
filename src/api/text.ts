// `text`: canarylab's output as text — every number in its metric's unit (one formatter for the command, the
// report and the decision's reasons), aligned tables, the verdict summary the command prints and its exit
// codes, and the progress line of a batch.
//
//   import { text } from 'canarylab';
//   text.formatMetricValue(0.9951, 'proportion'); // '99.51%'
//   console.log(text.formatVerdict({ decision, comparisons: analysis.comparisons }));

export {
  /** Options of formatMetricValue (signed, bare, digits). */ type FormatOptions,
  /** A value in its metric's unit: percent, percentage points, ms, USD, counts. */ formatMetricValue,
  /** A plain number: thousands separators, or fixed decimals. */ formatNumber,
  /** A p-value: '< 0.0001' below that, else 2 significant digits. */ formatPValue,
  /** Elapsed milliseconds as seconds with one decimal ('12.3 s'). */ formatSeconds,
} from '../format';
export {
  /** The comparisons as a text table. */ formatComparisons,
  /** The verdict summary the command prints. */ formatVerdict,
  /** Exit status of each verdict with --exit-code (promote 0, hold 10, rollback 20). */ VERDICT_EXIT_CODES,
} from '../report/textSummary';
export {
  /** One column of formatTable (header, cell, align). */ type Column,
  /** Rows → an aligned text table. */ formatTable,
} from '../report/textTable';
export {
  /** A progress line on a stream (stderr) for runBatch's onProgress. */ createProgressReporter,
  /** Where the progress line goes (a TTY or not). */ type ProgressStream,
} from '../runner/progress';
