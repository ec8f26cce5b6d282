// Charts of a run: pure vega-lite spec builders (plain data in, spec out) and headless SVG rendering.
export {
  type BuildRunChartsInput,
  buildRunCharts,
  type ChartAnalysis,
  type RunChart,
  type SequentialHistoryInput,
  sequentialChartInputs,
} from './buildRunCharts';
export { type ArmCostInput, type CostInput, costSpec } from './cost';
export { type GateAxis, type GateDashboardInput, gateAxis, gateDashboardSpec, metricLabel } from './gates';
export {
  type EcdfPoint,
  ecdfPoints,
  type LatencyEcdfInput,
  latencyEcdfSpec,
} from './latency';
export { PERCENTILE_METRICS, type PercentileBarsInput, percentileBarsSpec } from './latencyPercentiles';
export { type PairwiseInput, pairwiseSpec } from './pairwise';
export {
  type QualityDifferencesInput,
  type QualityEstimatesInput,
  qualityDifferencesSpec,
  qualityEstimatesSpec,
  type ScorerDifference,
  type ScorerEstimates,
} from './quality';
export {
  ERROR_KIND_COLORS,
  type ErrorKindsInput,
  errorKindsSpec,
  type SuccessRateInput,
  successRateSpec,
} from './reliability';
export { ChartRenderError, compileChart, renderSvg } from './render';
export { type SequentialChartInput, type SequentialChartLook, sequentialSpec } from './sequential';
export { ARM_COLORS, ChartInputError, OKABE_ITO, STATUS_COLORS, STATUS_LABELS, STATUS_SHAPES } from './theme';
