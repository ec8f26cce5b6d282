/**
 * What the chart builders compute from their inputs (hand-derived expectations, derivations in comments),
 * which charts buildRunCharts leaves out, and the errors bad input gets.
 */
import { describe, expect, it } from 'vitest';
import { analyzeRun } from '../../src/analysis/analyzeRun';
import { histogramOf } from '../../src/analysis/summary/histogram';
import type { RunData } from '../../src/analysis/types';
import { buildRunCharts } from '../../src/charts/buildRunCharts';
import { gateAxis, gateDashboardSpec, metricLabel } from '../../src/charts/gates';
import { ecdfPoints, latencyEcdfSpec } from '../../src/charts/latency';
import { pairwiseSpec } from '../../src/charts/pairwise';
import { qualityDifferencesSpec } from '../../src/charts/quality';
import { errorKindsSpec, successRateSpec } from '../../src/charts/reliability';
import { compileChart } from '../../src/charts/render';
import { sequentialSpec } from '../../src/charts/sequential';
import { ChartInputError, marginStatus, unitStyle } from '../../src/charts/theme';
import { decide } from '../../src/decision/decide';
import { createRng } from '../../src/stats/random';
import type { CallRecord, GateResult, MetricComparison, PairwiseRecord, ScoreRecord } from '../../src/types';
import { seededRun } from './fixture';
import { schemaErrors } from './helpers';

type Layered = { layer: Array<{ data?: { values: Array<Record<string, unknown>> } }> };
type WithData = { data: { values: Array<Record<string, unknown>> } };

describe('ecdfPoints', () => {
  it('keeps every step of a small sample, ties counted at their last position', () => {
    // sorted [1, 2, 2, 3]: F(1) = 1/4, F(2) = 3/4, F(3) = 1
    expect(ecdfPoints([3, 1, 2, 2])).toEqual([
      { x: 1, cdf: 0.25 },
      { x: 2, cdf: 0.75 },
      { x: 3, cdf: 1 },
    ]);
    expect(ecdfPoints([])).toEqual([]);
  });

  it('downsamples to the ECDF at evenly spaced order statistics, keeping min and max', () => {
    // x = 1..1000, m = 501: i = ⌈1000·k/500⌉ − 1 = 2k − 1 (k ≥ 1) → x₍ᵢ₎ = 2k, F = 2k/1000; k = 0 → the minimum.
    const xs = Array.from({ length: 1000 }, (_, i) => 1000 - i);
    const pts = ecdfPoints(xs, 501);
    expect(pts).toHaveLength(501);
    expect(pts[0]).toEqual({ x: 1, cdf: 0.001 });
    expect(pts[1]).toEqual({ x: 2, cdf: 0.002 });
    expect(pts[250]).toEqual({ x: 500, cdf: 0.5 });
    expect(pts[500]).toEqual({ x: 1000, cdf: 1 });
  });

  it('lands on the end of a run of ties when downsampling', () => {
    // 600 values: 1 (×300), then 2..301. m = 3: k = 1 → i = ⌈300⌉ − 1 = 299, the last 1 → F(1) = 300/600.
    const xs = [...Array(300).fill(1), ...Array.from({ length: 300 }, (_, i) => i + 2)];
    expect(ecdfPoints(xs, 3)).toEqual([
      { x: 1, cdf: 0.5 },
      { x: 301, cdf: 1 },
    ]);
  });

  it('rejects non-finite values and a too-small maxPoints, naming them', () => {
    expect(() => ecdfPoints([1, Number.NaN])).toThrow(/values\[1\] is NaN/);
    expect(() => ecdfPoints([1], 1)).toThrow(ChartInputError);
  });
});

describe('latencyEcdfSpec', () => {
  const primary = Array.from({ length: 100 }, (_, i) => i + 1);
  const markers = (spec: unknown) =>
    ((spec as Layered).layer[1].data?.values ?? []).map((m) => [m.arm, m.percentile, m.latencyMs]);

  it('marks type-7 percentiles of the sample when no comparison is given', () => {
    // x = 1..100: h = 99p; P50 = x[49] + 0.5 = 50.5, P95 = x[94] + 0.05 = 95.05, P99 = x[98] + 0.01 = 99.01
    const spec = latencyEcdfSpec({ primary, canary: [] });
    expect(markers(spec)).toEqual([
      ['primary', 'P50', 50.5],
      ['primary', 'P95', 95.05],
      ['primary', 'P99', 99.01],
    ]);
  });

  it('uses the comparison estimates when given (the analysis may use another estimator)', () => {
    const mc = {
      metric: 'latency_p95_ms',
      primary: { estimate: 96 },
      canary: { estimate: 12 },
    } as MetricComparison;
    const spec = latencyEcdfSpec({ primary, canary: [10, 11, 12], percentiles: [mc] });
    expect(markers(spec)).toContainEqual(['primary', 'P95', 96]);
    expect(markers(spec)).toContainEqual(['canary', 'P95', 12]);
    expect(markers(spec)).toContainEqual(['primary', 'P50', 50.5]);
  });

  it('draws from histograms (a run summary): markers within 0.347% of the sample percentiles, one step per bucket', () => {
    // 1..100 ms: the buckets are 2^(1/100) wide, so values 1..69 each get their own bucket and above ~70 ms
    // neighbours share one; markers are the type-7 quantiles read from the histogram.
    const h = histogramOf(primary);
    const spec = latencyEcdfSpec({ primary: h, canary: histogramOf([]) });
    const got = markers(spec);
    [50.5, 95.05, 99.01].forEach((exact, i) => {
      expect(Math.abs((got[i][2] as number) / exact - 1)).toBeLessThanOrEqual(0.00347);
    });
    const curve = ((spec as Layered).layer[0].data?.values ?? []) as Array<{
      latencyMs: number;
      share: number;
    }>;
    expect(curve).toHaveLength(h.buckets.length);
    expect(curve[curve.length - 1]).toMatchObject({ latencyMs: 100, share: 1 });
    expect(JSON.stringify(spec)).toContain('n = 100 primary, 0 canary calls');
  });

  it('rejects bad latencies with the arm and index, and two empty arms', () => {
    expect(() => latencyEcdfSpec({ primary, canary: [1, 2, Number.POSITIVE_INFINITY] })).toThrow(
      'latencyEcdfSpec: canary[2] is Infinity; expected a finite number',
    );
    expect(() => latencyEcdfSpec({ primary: [], canary: [] })).toThrow(ChartInputError);
  });
});

describe('gate dashboard', () => {
  const run = seededRun();
  const { comparisons } = run.analysis;
  const gates = run.decision?.gates as GateResult[];

  it('tells what each gate measures from the comparisons: own value, relative change, difference', () => {
    expect(gateAxis(gates[0], comparisons)).toMatchObject({ title: 'canary success rate (%)', factor: 1 });
    expect(gateAxis(gates[1], comparisons)).toMatchObject({
      title: 'canary P95 latency (ms)',
      format: ',.0f',
    });
    expect(gateAxis(gates[2], comparisons).title).toBe(
      'cost per 1K tokens: relative change, canary vs primary (%)',
    );
    expect(gateAxis(gates[3], comparisons)).toMatchObject({
      title: 'quality: canary − primary (percentage points)',
      factor: 100,
    });
    expect(gateAxis(gates[4], comparisons).format).toBe('.2~e');
    expect(gateAxis(gates[5], comparisons).title).toBe('judge uptime');
    expect(metricLabel('quality:numeric')).toBe('quality (numeric)');
  });

  it('draws one row per gate with threshold, interval and status; percentage points scaled ×100', () => {
    const spec = gateDashboardSpec({ gates, comparisons }) as unknown as {
      vconcat: Array<WithData & Layered>;
    };
    expect(spec.vconcat).toHaveLength(6);
    const quality = spec.vconcat[3].data.values[0];
    // quality: delta −0.02, CI −0.02 ± hypot(0.035, 0.034) = ±0.0487954…, which the fixture rounds to
    // [−0.068795, 0.028795]; ×100 → −6.8795 pp to +2.8795 pp
    expect(quality).toMatchObject({
      status: 'inconclusive',
      threshold: -2,
      observed: -2,
      lo: -6.8795,
      hi: 2.8795,
    });
    // The unmeasured gate: no point, no interval, and a sentence saying so.
    const unmeasured = spec.vconcat[5];
    expect(unmeasured.data.values[0]).toMatchObject({
      observed: null,
      lo: null,
      measuredLabel: 'no measurement of judge_uptime',
    });
    expect(JSON.stringify(unmeasured.layer)).not.toContain('"point"');
  });

  it('rejects an empty gate list and an unknown status', () => {
    expect(() => gateDashboardSpec({ gates: [] })).toThrow(ChartInputError);
    expect(() => gateDashboardSpec({ gates: [{ ...gates[0], status: 'ok' as 'pass' }] })).toThrow(
      'gates[0].status is ok; expected one of pass, fail, inconclusive',
    );
  });
});

describe('quality, pairwise, errors, success rate', () => {
  it('judges each paired difference against its margin like a gate', () => {
    expect(marginStatus([-0.01, 0.03], 0.02)).toBe('pass');
    expect(marginStatus([-0.09, -0.03], 0.02)).toBe('fail');
    expect(marginStatus([-0.047, 0.007], 0.02)).toBe('inconclusive');
    const spec = qualityDifferencesSpec({
      differences: [{ scorer: 'exact', kind: 'pass', delta: { estimate: 0.01, ci: [-0.01, 0.03] } }],
      margin: 0.02,
    }) as unknown as WithData;
    // ×100 → points; −0.01 > −0.02 → non-inferior
    expect(spec.data.values[0]).toMatchObject({
      delta: 1,
      lo: -1,
      hi: 3,
      limit: -2,
      verdict: 'non-inferior',
    });
    expect(spec.data.values[0].label).toBe('+1.0 pts [−1.0 pts, +3.0 pts]: non-inferior');
  });

  it('stacks pairwise verdicts as shares of n', () => {
    const spec = pairwiseSpec({
      judges: [{ judge: 'j', wins: 50, ties: 30, losses: 20, orderInconsistent: 5, n: 100 }],
    });
    const rows = (spec as unknown as WithData).data.values;
    expect(rows.map((r) => [r.outcome, r.start, r.end, r.label])).toEqual([
      ['canary wins', 0, 0.5, 'canary wins 50'],
      ['tie', 0.5, 0.8, 'tie 30'],
      ['primary wins', 0.8, 1, 'primary wins 20'],
    ]);
    expect(() =>
      pairwiseSpec({ judges: [{ judge: 'j', wins: 50, ties: 30, losses: 20, orderInconsistent: 0, n: 99 }] }),
    ).toThrow('judges[0] (j): wins + ties + losses = 100 but n = 99');
  });

  it('stacks error kinds in a fixed kind order, counts as labels', () => {
    const spec = errorKindsSpec({ errors: { primary: { server: 2, timeout: 1 }, canary: { timeout: 4 } } });
    const rows = (spec as unknown as WithData).data.values;
    // timeout before server (fixed order), each segment [start, end)
    expect(rows.map((r) => [r.arm, r.kind, r.start, r.end])).toEqual([
      ['primary', 'timeout', 0, 1],
      ['primary', 'server', 1, 3],
      ['canary', 'timeout', 0, 4],
    ]);
    expect(() => errorKindsSpec({ errors: { primary: {}, canary: { timeout: 0 } } })).toThrow(
      /no failed calls/,
    );
    expect(() => errorKindsSpec({ errors: { primary: { x: 1.5 }, canary: {} } })).toThrow(
      'errors.primary.x is 1.5',
    );
  });

  it('rejects a success rate outside [0, 1]', () => {
    const ok = { n: 10, estimate: 0.9, ci: [0.6, 0.98] as [number, number] };
    expect(() => successRateSpec({ primary: ok, canary: { ...ok, estimate: 90 } })).toThrow(
      'successRateSpec: canary.estimate is 90; expected a proportion in [0, 1]',
    );
  });

  it('formats the units of the contract and of the analysis alike', () => {
    expect(unitStyle('ratio').fmt(0.995)).toBe('99.5%');
    expect(unitStyle('proportion').format).toBe('.1%');
    expect(unitStyle('USD/1K tokens').label).toBe(unitStyle('usd_per_1k_tokens').label);
    expect(unitStyle('ms').fmt(2345.6)).toBe('2,346 ms');
  });
});

describe('sequentialSpec', () => {
  it('leaves out looks whose interval is still unbounded and says how many', () => {
    const spec = sequentialSpec({
      looks: [
        { look: 1, n: 100, estimate: 0.01, ci: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY] },
        { look: 2, n: 200, estimate: 0.02, ci: [-0.03, 0.07] },
      ],
      boundary: -0.02,
    }) as unknown as Layered & { title: { subtitle: string[] } };
    expect(spec.layer[0].data?.values).toEqual([
      { look: 2, x: 200, estimate: 2, lo: -3, hi: 7, pValue: null },
    ]);
    expect(spec.title.subtitle[0]).toContain('1 without a finite interval yet not drawn');
    expect(() => sequentialSpec({ looks: [{ look: 1, estimate: Number.NaN, ci: [0, 1] }] })).toThrow(
      ChartInputError,
    );
  });
});

describe('buildRunCharts', () => {
  it('leaves out the charts whose data is absent', () => {
    const charts = buildRunCharts({
      analysis: {
        comparisons: seededRun().analysis.comparisons.filter((c) => c.metric === 'success_rate'),
        errors: { primary: {}, canary: {} },
        quality: [],
        pairwiseJudges: [],
        latency: { primary: [], canary: [] },
      },
    });
    expect(charts.map((c) => c.id)).toEqual(['success-rate']);
  });

  it('draws one sequential chart per monitored metric from the sequential history summary', () => {
    const look = (estimate: number, lo: number, hi: number) => ({
      alwaysValidP: 0.5,
      ci: [lo, hi] as [number, number],
      estimate,
    });
    const counts = (n: number) => ({ primary: { n }, canary: { n } });
    const charts = buildRunCharts({
      analysis: { comparisons: [] },
      sequential: {
        alpha: 0.05,
        entries: [1, 2].map((k) => ({
          cumulative: counts(500 * k),
          successRate: look(0.001 * k, -0.02 / k, 0.02 / k),
          qualityCumulative: counts(200 * k),
          qualityLook: look(-0.01, -0.1 / k, 0.08 / k),
        })),
      },
    });
    expect(charts.map((c) => c.id)).toEqual(['sequential-success-rate', 'sequential-quality-pass-rate']);
    const quality = charts[1].spec as unknown as Layered;
    // x = cumulative paired scores of both arms: 2·200k
    expect(quality.layer[0].data?.values.map((r) => r.x)).toEqual([400, 800]);
  });

  it('draws valid, warning-free specs from a real analysis and decision of a seeded run', () => {
    const run = seededRunData(11);
    const analysis = analyzeRun(run, { resamples: 200, seed: 1 });
    const decision = decide(analysis.comparisons);
    const charts = buildRunCharts({ analysis, decision });
    expect(charts.map((c) => c.id)).toEqual(
      expect.arrayContaining([
        'gates',
        'latency-ecdf',
        'success-rate',
        'cost',
        'quality-pass-rates',
        'pairwise',
      ]),
    );
    for (const c of charts) {
      expect(schemaErrors(c.spec), c.id).toEqual([]);
      expect(compileChart(c.spec).warnings, c.id).toEqual([]);
      expect(JSON.stringify(c.spec), c.id).not.toContain('NaN');
    }
  });
});

/** 150 items × 2 arms of calls, one pass/fail scorer and one pairwise judge, from a seeded generator. */
function seededRunData(seed: number): RunData {
  const rng = createRng(seed);
  const runId = 'charts-seeded';
  const calls: CallRecord[] = [];
  const scores: ScoreRecord[] = [];
  const pairwise: PairwiseRecord[] = [];
  const kinds = ['timeout', 'server', 'rate_limit'] as const;
  for (let i = 0; i < 150; i++) {
    const itemId = `item-${i}`;
    for (const arm of ['primary', 'canary'] as const) {
      const ok = rng.next() > (arm === 'primary' ? 0.01 : 0.03);
      const latencyMs = Math.round(Math.exp((arm === 'primary' ? 7 : 6.7) + 0.4 * rng.normal()));
      const usage = { promptTokens: 120 + rng.int(40), completionTokens: ok ? 80 + rng.int(60) : 0 };
      const price = arm === 'primary' ? 5e-6 : 1e-6;
      calls.push({
        runId,
        itemId,
        arm,
        model: arm === 'primary' ? 'big' : 'small',
        repeat: 0,
        ok,
        ...(ok ? {} : { errorKind: kinds[rng.int(kinds.length)] }),
        attempts: 1,
        latencyMs,
        ttftMs: Math.round(latencyMs / 4),
        usage,
        costUsd: (usage.promptTokens + usage.completionTokens) * price,
        startedAt: new Date(Date.UTC(2025, 5, 1, 0, 0, i)).toISOString(),
        cached: false,
      });
      if (ok) {
        const pass = rng.next() < (arm === 'primary' ? 0.8 : 0.77);
        scores.push({ runId, itemId, arm, repeat: 0, scorer: 'numeric', score: pass ? 1 : 0, pass });
      }
    }
    const u = rng.next();
    pairwise.push({
      runId,
      itemId,
      repeat: 0,
      judge: 'sim-judge',
      winner: u < 0.4 ? 'canary' : u < 0.65 ? 'tie' : 'primary',
      orderConsistent: u < 0.9,
    });
  }
  return { runId, calls, scores, pairwise };
}
