/** The analysis options: their defaults, validation (readOptions → Settings) and the metric units. */
import { AnalysisError, analysisMsg } from './errors';
import type { AnalyzeOptions } from './types';

/**
 * Units of the published metrics: the ones src/decision/decide.ts formats ('proportion' as a percentage,
 * 'ms', 'usd', 'usd_per_1k_tokens'); numeric judge scores are in 'score'.
 */
export const METRIC_UNITS = {
  success_rate: 'proportion',
  latency: 'ms',
  cost_per_1k_tokens_usd: 'usd_per_1k_tokens',
  cost_per_request_usd: 'usd',
  quality_pass: 'proportion',
  quality_score: 'score',
  pairwise_win_rate: 'proportion',
  error_rate_variance: 'proportion',
} as const;

/** Defaults of {@link AnalyzeOptions}. */
export const ANALYZE_DEFAULTS = {
  confidence: 0.95,
  seed: 0,
  resamples: 2000,
  nonInferiorityMargin: 0.02,
  monthlyRequests: 1_000_000,
  minWindowSize: 50,
} as const;

/** @internal The validated options. */
export interface Settings {
  confidence: number;
  seed: number;
  resamples: number;
  margin: number;
  monthlyRequests: number;
  windowSize?: number;
  windowMs?: number;
  qualityScorer?: string;
}

/** @internal Reads and checks {@link AnalyzeOptions}. */
export function readOptions(opts: AnalyzeOptions, fn = 'analyzeRun'): Settings {
  const bad = (field: string, expected: string, got: unknown) =>
    new AnalysisError('ANALYSIS_BAD_OPTION', analysisMsg.badOption(fn, field, expected, got));
  const confidence = opts.confidence ?? ANALYZE_DEFAULTS.confidence;
  if (!(confidence > 0 && confidence < 1)) throw bad('confidence', 'a number in (0, 1)', confidence);
  const seed = opts.seed ?? ANALYZE_DEFAULTS.seed;
  if (!Number.isFinite(seed)) throw bad('seed', 'a finite number', seed);
  const resamples = opts.resamples ?? ANALYZE_DEFAULTS.resamples;
  if (!Number.isInteger(resamples) || resamples < 100) throw bad('resamples', 'an integer >= 100', resamples);
  const margin = opts.nonInferiorityMargin ?? ANALYZE_DEFAULTS.nonInferiorityMargin;
  if (!(margin > 0 && Number.isFinite(margin))) throw bad('nonInferiorityMargin', 'a number > 0', margin);
  const monthlyRequests = opts.monthlyRequests ?? ANALYZE_DEFAULTS.monthlyRequests;
  if (!(monthlyRequests >= 0 && Number.isFinite(monthlyRequests)))
    throw bad('monthlyRequests', 'a finite number >= 0', monthlyRequests);
  if (opts.windowSize !== undefined && !(Number.isInteger(opts.windowSize) && opts.windowSize >= 2))
    throw bad('windowSize', 'an integer >= 2', opts.windowSize);
  if (opts.windowMs !== undefined && !(Number.isInteger(opts.windowMs) && opts.windowMs >= 1))
    throw bad('windowMs', 'an integer >= 1 (milliseconds)', opts.windowMs);
  return {
    confidence,
    seed,
    resamples,
    margin,
    monthlyRequests,
    windowSize: opts.windowSize,
    windowMs: opts.windowMs,
    qualityScorer: opts.qualityScorer,
  };
}
