/**
 * Always-valid intervals for the gate metrics: the confidence sequence of the very value each required or
 * important gate of the default policy reads, computed from the mergeable summary (counts, log-bucket
 * histograms, cost sums) and the paired quality table, so the decision may promote or roll back as soon as a
 * sequence clears its threshold, at any look. See docs/SEQUENTIAL.md.
 */
import { boundedMeanConfidenceSequence } from '../stats/boundedMeanConfidenceSequence';
import { proportionConfidenceSequence } from '../stats/proportionConfidenceSequence';
import { type QuantileCell, quantileConfidenceSequence } from '../stats/quantileConfidenceSequence';
import { ratioConfidenceSequence } from '../stats/ratioConfidenceSequence';
import { checkOpenUnit } from '../stats/validate';
import type { AlwaysValidInterval, MetricComparison } from '../types';
import { histogramQuantile, mergeHistograms } from './summary/histogram';
import { addCostSums } from './summary/merge';
import type { CostSums, LogHistogram, RunSummary } from './summary/types';

/** What the always-valid intervals are computed from (cumulative over every look so far). */
export interface AlwaysValidInput {
  /** The canary's calls and how many succeeded (success_rate). */
  success?: { calls: number; ok: number };
  /** Latency histogram of the canary's ok calls (latency_p95_ms). */
  latencyMs?: LogHistogram;
  /** Cost sums of both arms' priced calls (cost_per_1k_tokens_usd). */
  cost?: { primary: CostSums; canary: CostSums };
  /** Paired pass/fail table of the 'quality' scorer: b = primary only passed, c = canary only, n pairs. */
  qualityPairs?: { b: number; c: number; n: number };
}

/** Options of {@link alwaysValidIntervals}. */
export interface AlwaysValidOptions {
  /** Two-sided level, valid over all looks at once (default 0.05). */
  alpha?: number;
  /**
   * The sample size at which the sequences should be tightest: calls per arm (pairs for quality) expected by
   * the time a verdict is needed — the dataset size (× repeats, × planned runs) or the expected traffic.
   * Default: each metric's own n at this look (tightest now: the right choice for a single run).
   */
  nExpected?: number;
  /** Looks taken so far (default 1). */
  looks?: number;
  /**
   * Where the success-rate sequence is most sensitive (the Beta prior's mean): the success gate's threshold,
   * default 0.995 (the playbook's 99.5%). Validity does not depend on it.
   */
  successPriorMean?: number;
  /** Buckets per doubling of the latency histogram (default 100, the summary's scheme). */
  bucketsPerDoubling?: number;
}

/** Metric names (MetricComparison.metric) that get an always-valid interval, and the value it is on. */
export const ALWAYS_VALID_METRICS = {
  success_rate: 'canary',
  latency_p95_ms: 'canary',
  cost_per_1k_tokens_usd: 'relative',
  quality: 'delta',
} as const satisfies Record<string, AlwaysValidInterval['target']>;

export type AlwaysValidMetric = keyof typeof ALWAYS_VALID_METRICS;

/** An arm's cost sums as the ratio sequence's x = cost, y = tokens moments. */
function ratioSums(x: CostSums) {
  return {
    n: x.n,
    sumX: x.sumCost,
    sumY: x.sumTokens,
    sumXX: x.sumCost2,
    sumYY: x.sumTokens2,
    sumXY: x.sumCostTokens,
  };
}

/**
 * The always-valid interval of each gate metric the input has data for:
 * - success_rate: beta-binomial mixture sequence of the canary's success probability (exact; finite and honest
 *   with zero failures);
 * - latency_p95_ms: quantile sequence of the canary's P95 from its log-bucket counts (exact; ends are bucket
 *   edges, within 0.35% of a value);
 * - cost_per_1k_tokens_usd: asymptotic delta-method sequence of canary/primary − 1 from the cost sums;
 * - quality: betting sequence of the mean paired difference canary − primary (in {−1, 0, 1}) from b, c, n.
 * @throws {RangeError} when alpha ∉ (0, 1) or nExpected/looks are not > 0
 * @example
 * alwaysValidIntervals({ success: { calls: 1319, ok: 1319 } }).success_rate?.ci; // => [0.996385…, 1]
 */
export function alwaysValidIntervals(
  input: AlwaysValidInput,
  opts: AlwaysValidOptions = {},
): Partial<Record<AlwaysValidMetric, AlwaysValidInterval>> {
  const fn = 'alwaysValidIntervals';
  const alpha = checkOpenUnit(fn, 'alpha', opts.alpha ?? 0.05);
  for (const k of ['nExpected', 'looks'] as const) {
    const v = opts[k];
    if (v !== undefined && !(typeof v === 'number' && v > 0 && Number.isFinite(v)))
      throw new RangeError(`${fn}: ${k} must be a finite number > 0, got ${String(v)}`);
  }
  const looks = opts.looks ?? 1;
  const tuned = (n: number) => opts.nExpected ?? Math.max(1, n);
  const out: Partial<Record<AlwaysValidMetric, AlwaysValidInterval>> = {};
  const make = (
    metric: AlwaysValidMetric,
    r: { ci: [number, number]; n: number; nExpected: number; method: string },
    estimate: number,
  ): AlwaysValidInterval => ({
    target: ALWAYS_VALID_METRICS[metric],
    ci: [r.ci[0], r.ci[1]],
    estimate,
    alpha,
    looks,
    n: r.n,
    nExpected: r.nExpected,
    method: r.method,
  });

  const s = input.success;
  if (s && s.calls > 0) {
    const r = proportionConfidenceSequence(s.ok, s.calls, {
      alpha,
      nExpected: tuned(s.calls),
      priorMean: opts.successPriorMean ?? 0.995,
    });
    out.success_rate = make('success_rate', r, s.ok / s.calls);
  }
  const h = input.latencyMs;
  if (h && h.count > 0) {
    const r = quantileConfidenceSequence(logHistogramCells(h, opts.bucketsPerDoubling), {
      p: 0.95,
      alpha,
      nExpected: tuned(h.count),
    });
    out.latency_p95_ms = make('latency_p95_ms', r, histogramQuantile(h, 0.95));
  }
  const c = input.cost;
  if (c && c.primary.n >= 2 && c.canary.n >= 2 && c.primary.sumCost > 0 && c.canary.sumCost > 0) {
    if (c.primary.sumTokens > 0 && c.canary.sumTokens > 0) {
      const n = Math.min(c.primary.n, c.canary.n);
      const r = ratioConfidenceSequence(ratioSums(c.primary), ratioSums(c.canary), {
        alpha,
        nExpected: tuned(n),
      });
      const perToken = (x: CostSums) => x.sumCost / x.sumTokens;
      out.cost_per_1k_tokens_usd = make(
        'cost_per_1k_tokens_usd',
        r,
        perToken(c.canary) / perToken(c.primary) - 1,
      );
    }
  }
  const q = input.qualityPairs;
  if (q && q.n > 0) {
    const r = boundedMeanConfidenceSequence(
      [
        [-1, q.b],
        [0, q.n - q.b - q.c],
        [1, q.c],
      ],
      { alpha, nExpected: tuned(q.n) },
    );
    out.quality = make('quality', r, (q.c - q.b) / q.n);
  }
  return out;
}

/**
 * The input of two disjoint sets of observations merged (looks of a monitored history): counts and sums add,
 * histogram buckets add (same scheme), min/max combine. A part missing on either side is left out.
 * @example
 * mergeAlwaysValidInputs({ success: { calls: 10, ok: 9 } }, { success: { calls: 5, ok: 5 } }); // => { success: { calls: 15, ok: 14 } }
 */
export function mergeAlwaysValidInputs(a: AlwaysValidInput, b: AlwaysValidInput): AlwaysValidInput {
  const out: AlwaysValidInput = {};
  if (a.success && b.success)
    out.success = { calls: a.success.calls + b.success.calls, ok: a.success.ok + b.success.ok };
  if (a.latencyMs && b.latencyMs) out.latencyMs = mergeHistograms(a.latencyMs, b.latencyMs);
  if (a.cost && b.cost)
    out.cost = {
      primary: addCostSums(a.cost.primary, b.cost.primary),
      canary: addCostSums(a.cost.canary, b.cost.canary),
    };
  if (a.qualityPairs && b.qualityPairs)
    out.qualityPairs = {
      b: a.qualityPairs.b + b.qualityPairs.b,
      c: a.qualityPairs.c + b.qualityPairs.c,
      n: a.qualityPairs.n + b.qualityPairs.n,
    };
  return out;
}

/**
 * The cells of a log-bucket histogram (summary scheme: bucket i holds [2^((i − ½)/B), 2^((i + ½)/B)), zeros
 * apart) for the quantile confidence sequence.
 * @example
 * logHistogramCells({ count: 3, zeros: 1, min: 0, max: 2, sum: 3, buckets: [[0, 1], [100, 1]] });
 * // => [{ lower: 0, upper: 0, count: 1 }, { lower: 2^−0.005, upper: 2^0.005, count: 1 }, { lower: 2^0.995, … }]
 */
export function logHistogramCells(h: LogHistogram, bucketsPerDoubling = 100): QuantileCell[] {
  const cells: QuantileCell[] = [];
  if (h.zeros > 0) cells.push({ lower: 0, upper: 0, count: h.zeros });
  for (const [i, count] of h.buckets) {
    cells.push({
      lower: 2 ** ((i - 0.5) / bucketsPerDoubling),
      upper: 2 ** ((i + 0.5) / bucketsPerDoubling),
      count,
    });
  }
  return cells;
}

/**
 * The input of {@link alwaysValidIntervals} from a run's mergeable summary and its published quality
 * comparison (pass/fail scorers only: numeric scores have no known range here).
 * @example
 * alwaysValidInputFromSummary(analysis.summary, analysis.quality[0]);
 */
export function alwaysValidInputFromSummary(
  summary: Pick<RunSummary, 'primary' | 'canary'>,
  quality?: { kind: 'pass' | 'score'; n: number; discordant?: { b: number; c: number } },
): AlwaysValidInput {
  const input: AlwaysValidInput = {
    success: { calls: summary.canary.calls, ok: summary.canary.ok },
    latencyMs: summary.canary.latencyMs,
    cost: { primary: summary.primary.cost, canary: summary.canary.cost },
  };
  if (quality?.kind === 'pass' && quality.discordant)
    input.qualityPairs = { b: quality.discordant.b, c: quality.discordant.c, n: quality.n };
  return input;
}

/**
 * Sets `alwaysValid` on the overall (non-segment) comparisons of the gate metrics. The one call analyzeRun
 * makes: `addAlwaysValid({ comparisons, summary, quality: published, confidence, expectedSamples })`.
 * @example
 * addAlwaysValid({ comparisons, summary, quality: published, confidence: 0.95 });
 * comparisons.find((c) => c.metric === 'success_rate')?.alwaysValid?.ci; // => [0.9964, 1]
 */
export function addAlwaysValid(a: {
  comparisons: MetricComparison[];
  summary: Pick<RunSummary, 'primary' | 'canary'>;
  quality?: { kind: 'pass' | 'score'; n: number; discordant?: { b: number; c: number } };
  /** Confidence of the analysis (alpha = 1 − confidence); default 0.95. */
  confidence?: number;
  /** Calls per arm (pairs for quality) the sequences are tuned for; default each metric's own n. */
  expectedSamples?: number;
  looks?: number;
}): MetricComparison[] {
  const intervals = alwaysValidIntervals(alwaysValidInputFromSummary(a.summary, a.quality), {
    alpha: 1 - (a.confidence ?? 0.95),
    nExpected: a.expectedSamples,
    looks: a.looks,
  });
  for (const mc of a.comparisons) {
    if (mc.segment) continue;
    const av = intervals[mc.metric as AlwaysValidMetric];
    if (av) mc.alwaysValid = av;
  }
  return a.comparisons;
}
