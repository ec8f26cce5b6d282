import { describe, expect, it } from 'vitest';
import {
  addAlwaysValid,
  alwaysValidInputFromSummary,
  alwaysValidIntervals,
  logHistogramCells,
} from '../../src/analysis/alwaysValid';
import { analyzeRun } from '../../src/analysis/analyzeRun';
import { histogramOf } from '../../src/analysis/summary/histogram';
import type { CostSums, LogHistogram, RunSummary } from '../../src/analysis/summary/types';
import { createRng } from '../../src/stats/random';
import type { CallRecord, MetricComparison, ScoreRecord } from '../../src/types';
import { loadConfidenceSequencesFixture } from '../helpers/confidenceSequencesFixture';
import { expectClose } from '../helpers/fixtures';

// Reference values from test/fixtures/generate_confidence_sequences.py (scipy brentq on the martingales).
const fx = loadConfidenceSequencesFixture();

const costSums = (r: (typeof fx.ratio)[number]['primary']): CostSums => ({
  n: r.n,
  sumCost: r.sumX,
  sumTokens: r.sumY,
  sumCost2: r.sumXX,
  sumTokens2: r.sumYY,
  sumCostTokens: r.sumXY,
});

/** A log-bucket histogram (the summary's scheme, bucket i = floor(100·log2 x + 0.5)) of the values. */
function histogram(values: number[]): LogHistogram {
  const m = new Map<number, number>();
  let zeros = 0;
  for (const x of values) {
    if (x === 0) zeros++;
    else {
      const i = Math.floor(100 * Math.log2(x) + 0.5);
      m.set(i, (m.get(i) ?? 0) + 1);
    }
  }
  return {
    count: values.length,
    zeros,
    min: Math.min(...values),
    max: Math.max(...values),
    sum: values.reduce((a, v) => a + v, 0),
    buckets: [...m.entries()].sort((a, b) => a[0] - b[0]),
  };
}

function summary(a: {
  canaryCalls: number;
  canaryOk: number;
  latency: LogHistogram;
  cost: { primary: CostSums; canary: CostSums };
}): Pick<RunSummary, 'primary' | 'canary'> {
  const arm = (calls: number, ok: number, latencyMs: LogHistogram, cost: CostSums) =>
    ({ calls, ok, latencyMs, cost }) as unknown as RunSummary['primary'];
  return {
    primary: arm(a.canaryCalls, a.canaryCalls, a.latency, a.cost.primary),
    canary: arm(a.canaryCalls, a.canaryOk, a.latency, a.cost.canary),
  };
}

describe('alwaysValidIntervals', () => {
  it('success rate: the beta-binomial sequence centred on the 99.5% gate, tuned for the run', () => {
    const ref = fx.proportion[0]; // 1319 of 1319, nExpected 1319, prior mean 0.995
    const r = alwaysValidIntervals({ success: { calls: ref.n, ok: ref.successes } });
    expectClose(r.success_rate?.ci[0] ?? Number.NaN, ref.lower, 1e-8, 0, 'lower');
    expect(r.success_rate).toMatchObject({
      target: 'canary',
      n: 1319,
      nExpected: 1319,
      looks: 1,
      alpha: 0.05,
    });
    expect(r.success_rate?.ci[1]).toBe(1);
  });

  it('quality: the betting sequence of the paired differences from b, c, n', () => {
    const ref = fx.boundedMean[0]; // b = 40, c = 97, n = 1319
    const r = alwaysValidIntervals({ qualityPairs: { b: 40, c: 97, n: 1319 } }, { nExpected: ref.nExpected });
    expectClose(r.quality?.ci[0] ?? Number.NaN, ref.lower, 1e-7, 1e-9, 'lower');
    expectClose(r.quality?.ci[1] ?? Number.NaN, ref.upper, 1e-7, 1e-9, 'upper');
    expect(r.quality?.target).toBe('delta');
  });

  it('cost: the delta-method sequence of the relative change from the cost sums', () => {
    const ref = fx.ratio[0];
    const r = alwaysValidIntervals(
      { cost: { primary: costSums(ref.primary), canary: costSums(ref.canary) } },
      { nExpected: ref.nExpected },
    );
    expectClose(r.cost_per_1k_tokens_usd?.ci[0] ?? Number.NaN, ref.lower, 1e-7, 1e-10, 'lower');
    expectClose(r.cost_per_1k_tokens_usd?.ci[1] ?? Number.NaN, ref.upper, 1e-7, 1e-10, 'upper');
    expect(r.cost_per_1k_tokens_usd?.target).toBe('relative');
  });

  it('P95 from the log-bucket histogram: ends are bucket edges around the sample P95', () => {
    const rng = createRng(99);
    const values = Array.from({ length: 2000 }, () => Math.round(Math.exp(6.5 + 0.4 * rng.normal())));
    const r = alwaysValidIntervals({ latencyMs: histogram(values) }).latency_p95_ms;
    const sorted = [...values].sort((a, b) => a - b);
    const p95 = sorted[Math.ceil(0.95 * sorted.length) - 1];
    expect(r?.target).toBe('canary');
    expect(r?.ci[0]).toBeLessThan(p95);
    expect(r?.ci[1]).toBeGreaterThan(p95);
    // each end is an edge 2^((i ± 0.5)/100) of some bucket
    for (const e of r?.ci ?? []) {
      const k = 100 * Math.log2(e) + 0.5;
      expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-9);
    }
  });

  it('logHistogramCells: zeros first, then [2^((i − ½)/100), 2^((i + ½)/100)) per bucket', () => {
    const cells = logHistogramCells({
      count: 3,
      zeros: 1,
      min: 0,
      max: 2,
      sum: 3,
      buckets: [
        [0, 1],
        [100, 1],
      ],
    });
    expect(cells).toEqual([
      { lower: 0, upper: 0, count: 1 },
      { lower: 2 ** -0.005, upper: 2 ** 0.005, count: 1 },
      { lower: 2 ** 0.995, upper: 2 ** 1.005, count: 1 },
    ]);
  });

  it('carries the point estimate each sequence is about (pooled over a history, shown by decide)', () => {
    // Hand-derived: success 990 of 1,000 → 0.99; quality b = 10, c = 40 of n = 500 → (40 − 10)/500 = +0.06;
    // cost $2 per 1,000 tokens (primary) vs $3 per 1,500 tokens (canary): 0.002 vs 0.002 per token → 0;
    // P95 of 100 calls of 1,000 ms: 1,000 ms within the histogram's 0.347% bucket error.
    const sums = (cost: number, tokens: number, n: number): CostSums => ({
      n,
      sumCost: cost,
      sumTokens: tokens,
      sumCost2: (cost * cost) / n,
      sumTokens2: (tokens * tokens) / n,
      sumCostTokens: (cost * tokens) / n,
    });
    const r = alwaysValidIntervals({
      success: { calls: 1000, ok: 990 },
      qualityPairs: { b: 10, c: 40, n: 500 },
      cost: { primary: sums(2, 1000, 100), canary: sums(3, 1500, 100) },
      latencyMs: histogramOf(Array.from({ length: 100 }, () => 1000)),
    });
    expect(r.success_rate?.estimate).toBeCloseTo(0.99, 12);
    expect(r.quality?.estimate).toBeCloseTo(0.06, 12);
    expect(r.cost_per_1k_tokens_usd?.estimate).toBeCloseTo(0, 12);
    expect(Math.abs((r.latency_p95_ms?.estimate ?? 0) / 1000 - 1)).toBeLessThanOrEqual(0.00347);
  });

  it('rejects bad options', () => {
    expect(() => alwaysValidIntervals({}, { nExpected: 0 })).toThrow(
      'alwaysValidIntervals: nExpected must be a finite number > 0, got 0',
    );
    expect(() => alwaysValidIntervals({}, { alpha: 1 })).toThrow(
      'alwaysValidIntervals: alpha must be in (0, 1)',
    );
  });
});

describe('addAlwaysValid', () => {
  it('sets alwaysValid on the overall gate comparisons only, at alpha = 1 − confidence', () => {
    const ref = fx.ratio[0];
    const s = summary({
      canaryCalls: 1319,
      canaryOk: 1319,
      latency: histogram([800, 900, 1000, 1200, 3000]),
      cost: { primary: costSums(ref.primary), canary: costSums(ref.canary) },
    });
    const mc = (metric: string, segment?: { key: string; value: string }): MetricComparison => ({
      metric,
      unit: 'x',
      better: 'higher',
      primary: { n: 1, estimate: 0, ci: [0, 0] },
      canary: { n: 1, estimate: 0, ci: [0, 0] },
      delta: { estimate: 0, ci: [0, 0] },
      test: { method: 't', statistic: 0, pValue: 1 },
      ...(segment ? { segment } : {}),
    });
    const comparisons = [
      mc('success_rate'),
      mc('latency_p95_ms'),
      mc('cost_per_1k_tokens_usd'),
      mc('quality'),
      mc('latency_p50_ms'),
      mc('success_rate', { key: 'tier', value: 'free' }),
    ];
    addAlwaysValid({
      comparisons,
      summary: s,
      quality: { kind: 'pass', n: 1319, discordant: { b: 40, c: 97 } },
      confidence: 0.9,
    });
    expect(comparisons.map((c) => c.alwaysValid?.target)).toEqual([
      'canary',
      'canary',
      'relative',
      'delta',
      undefined,
      undefined,
    ]);
    expect(comparisons[0].alwaysValid?.alpha).toBeCloseTo(0.1, 12);
    // a numeric-score quality comparison gets none (its range is unknown here)
    const input = alwaysValidInputFromSummary(s, { kind: 'score', n: 100 });
    expect(input.qualityPairs).toBeUndefined();
  });
});

describe('analyzeRun publishes alwaysValid on the gate comparisons', () => {
  it('1,319 items, no failure, quality table b = 40, c = 97: the scipy reference sequences', () => {
    const rng = createRng(5);
    const calls: CallRecord[] = [];
    const scores: ScoreRecord[] = [];
    const t0 = Date.parse('2026-12-01T00:00:00Z');
    for (let i = 0; i < 1319; i++) {
      // items 0..39: only the primary passes; 40..136: only the canary; 137..599 both; the rest neither
      const pass = { primary: i < 40 || (i >= 137 && i < 600), canary: i >= 40 && i < 600 };
      for (const arm of ['primary', 'canary'] as const) {
        const tokens = 200 + Math.floor(600 * rng.next());
        calls.push({
          runId: 'r',
          itemId: `i${i}`,
          arm,
          model: arm,
          repeat: 0,
          ok: true,
          attempts: 1,
          latencyMs: Math.round(Math.exp(6.5 + 0.4 * rng.normal())),
          usage: { promptTokens: 100, completionTokens: tokens - 100 },
          costUsd: tokens * (arm === 'primary' ? 8e-6 : 2e-6) * (1 + 0.1 * rng.next()),
          startedAt: new Date(t0 + i * 1000).toISOString(),
          cached: false,
        });
        scores.push({
          runId: 'r',
          itemId: `i${i}`,
          arm,
          scorer: 'numeric',
          score: pass[arm] ? 1 : 0,
          pass: pass[arm],
        });
      }
    }
    const a = analyzeRun({ runId: 'r', calls, scores, pairwise: [] });
    const get = (m: string) => a.comparisons.find((c) => c.metric === m && !c.segment)?.alwaysValid;
    // success: 1,319 of 1,319, tuned for its own n (1,319), prior mean 0.995 → fixture proportion[0]
    expectClose(get('success_rate')?.ci[0] ?? Number.NaN, fx.proportion[0].lower, 1e-8, 0, 'success lower');
    // quality: the paired table b = 40, c = 97, n = 1,319 → fixture boundedMean[0]
    expectClose(get('quality')?.ci[0] ?? Number.NaN, fx.boundedMean[0].lower, 1e-7, 1e-9, 'quality lower');
    expectClose(get('quality')?.ci[1] ?? Number.NaN, fx.boundedMean[0].upper, 1e-7, 1e-9, 'quality upper');
    // P95 and cost: the sequences of the run's own summary, beside the fixed intervals
    const p95 = a.comparisons.find((c) => c.metric === 'latency_p95_ms' && !c.segment);
    expect(get('latency_p95_ms')?.ci[0]).toBeLessThan(p95?.canary.estimate ?? 0);
    expect(get('latency_p95_ms')?.ci[1]).toBeGreaterThan(p95?.canary.estimate ?? 0);
    const cost = a.comparisons.find((c) => c.metric === 'cost_per_1k_tokens_usd' && !c.segment);
    const rel = cost?.delta.relative?.estimate ?? Number.NaN;
    expect(rel).toBeCloseTo(-0.75, 1);
    expect(get('cost_per_1k_tokens_usd')?.ci[0]).toBeLessThan(rel);
    expect(get('cost_per_1k_tokens_usd')?.ci[1]).toBeGreaterThan(rel);
    expect(get('latency_p50_ms')).toBeUndefined();
    // expectedSamples moves the tuning
    const tuned = analyzeRun({ runId: 'r', calls, scores, pairwise: [] }, { expectedSamples: 13190 });
    expect(tuned.comparisons.find((c) => c.metric === 'success_rate')?.alwaysValid?.nExpected).toBe(13190);
  });
});
