// The notebook helpers (display in tslab, record shapes, the demo run). Re-exported from src/index.ts.
export { DEMO, type DemoRun, demoArms, ensureDemoRun } from './demo';
export {
  type ChartInput,
  chartHtml,
  decisionHtml,
  type FrameLike,
  formatCell,
  type HtmlSink,
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
} from './display';
export {
  type CallRow,
  callRows,
  type LlmperfToCallsOptions,
  llmperfErrorKind,
  llmperfToCalls,
} from './records';
