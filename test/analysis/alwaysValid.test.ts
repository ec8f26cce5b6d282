import { describe, expect, it } from 'vitest';
import {
  addAlwaysValid,
  alwaysValidInputFromSummary,
  alwaysValidIntervals,
  logHistogramCells,
} from '../../src/analysis/alwaysValid';
import type { CostSums, LogHistogram, RunSummary } from '../../src/analysis/summary/types';
import { createRng } from '../../src/stats/random';
import type { MetricComparison } from '../../src/types';
import { expectClose, loadFixture } from '../helpers/fixtures';

// Reference values from test/fixtures/generate_confidence_sequences.py (scipy brentq on the martingales).
const fx = loadFixture<{
  proportion: {
    successes: number;
    n: number;
    nExpected: number;
    priorMean: number;
    alpha: number;
    lower: number;
  }[];
  boundedMean: {
    cells: [number, number][];
    nExpected: number;
    alpha: number;
    lower: number;
    upper: number;
  }[];
  ratio: {
    primary: { n: number; sumX: number; sumY: number; sumXX: number; sumYY: number; sumXY: number };
    canary: { n: number; sumX: number; sumY: number; sumXX: number; sumYY: number; sumXY: number };
    nExpected: number;
    alpha: number;
    lower: number;
    upper: number;
  }[];
}>('confidence_sequences.json');

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
