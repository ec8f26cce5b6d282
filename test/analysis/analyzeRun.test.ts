import { describe, expect, it } from 'vitest';
import { AnalysisError, type AnalyzeOptions, analyzeRun, type RunData } from '../../src/analysis/analyzeRun';
import { decide } from '../../src/decision/decide';
import { DEFAULT_POLICY } from '../../src/decision/policy';
import { holm } from '../../src/stats/holm';
import type { CallRecord, MetricComparison } from '../../src/types';
import { expectClose, loadFixture } from '../helpers/fixtures';

// Golden values: test/fixtures/generate_analysis.py (scipy / statsmodels / numpy) on the run it writes.
interface Est {
  estimate: number;
  lower: number;
  upper: number;
  n: number;
}
interface Fixture {
  options: { windowSize: number; monthlyRequests: number; seed: number; resamples: number };
  run: RunData;
  expected: {
    success_rate: {
      primary: Est;
      canary: Est;
      delta: { estimate: number; lower: number; upper: number };
      z: number;
      p: number;
    };
    errors: { primary: Record<string, number>; canary: Record<string, number> };
    quantiles: Record<'primary' | 'canary', Record<string, number>>;
    cost: Record<
      'primary' | 'canary',
      { totalUsd: number; requests: number; tokens: number; per1k: Est; perRequest: Est; monthlyUsd: number }
    > & { relative1k: number };
    exact: {
      n: number;
      b: number;
      c: number;
      p: number;
      statistic: number;
      primary: Est;
      canary: Est;
      excluded: { primary: number; canary: number };
    };
    judge: {
      n: number;
      primaryMean: number;
      canaryMean: number;
      wilcoxonStatistic: number;
      wilcoxonP: number;
      tStatistic: number;
      tP: number;
      delta: { estimate: number; lower: number; upper: number };
    };
    pairwise: {
      wins: number;
      losses: number;
      ties: number;
      n: number;
      errors: number;
      orderInconsistent: number;
      winRate: number;
      signP: number;
    };
    windows: Record<
      'primary' | 'canary',
      { rates: number[]; chi2: number; p: number; df: number; variance: number }
    >;
    segments: Record<string, { successZ: number; successP: number; mcnemarP: number; b: number; c: number }>;
  };
}

const fx = loadFixture<Fixture>('analysis.json');
const E = fx.expected;
// The fixture's error windows are 20 consecutive calls started 1 s apart from a start time that is a
// multiple of 20 s: exactly the 20-second time windows the summaries count (windowMs: 20000).
const { windowSize: _calls, ...fxOptions } = fx.options;
const opts: AnalyzeOptions = { ...fxOptions, windowMs: 20_000, qualityScorer: 'exact' };
const analysis = analyzeRun(fx.run, opts);
const RTOL = 1e-9;

function metric(name: string, segment?: { key: string; value: string }): MetricComparison {
  const m = analysis.comparisons.find(
    (c) =>
      c.metric === name &&
      (segment ? c.segment?.key === segment.key && c.segment?.value === segment.value : !c.segment),
  );
  if (!m) throw new Error(`no comparison ${name}`);
  return m;
}

describe('analyzeRun: golden values from scipy / statsmodels', () => {
  it('success rate: Wilson interval per arm, pooled two-proportion z and Wald interval of canary − primary', () => {
    const m = metric('success_rate');
    for (const arm of ['primary', 'canary'] as const) {
      expect(m[arm].n).toBe(E.success_rate[arm].n);
      expectClose(m[arm].estimate, E.success_rate[arm].estimate, RTOL);
      expectClose(m[arm].ci[0], E.success_rate[arm].lower, RTOL);
      expectClose(m[arm].ci[1], E.success_rate[arm].upper, RTOL);
    }
    expectClose(m.delta.estimate, E.success_rate.delta.estimate, RTOL);
    expectClose(m.delta.ci[0], E.success_rate.delta.lower, RTOL);
    expectClose(m.delta.ci[1], E.success_rate.delta.upper, RTOL);
    expectClose(m.test.statistic, E.success_rate.z, RTOL);
    expectClose(m.test.pValue, E.success_rate.p, 1e-7);
    expect(m.better).toBe('higher');
    expect(analysis.errors).toEqual(E.errors);
  });

  it.each(['latency_p50_ms', 'latency_p95_ms', 'latency_p99_ms', 'ttft_p50_ms', 'ttft_p95_ms'])(
    '%s: type-7 quantile per arm (numpy) within 0.35% (read from the histogram), inside its order-statistic interval',
    (name) => {
      const m = metric(name);
      for (const arm of ['primary', 'canary'] as const) {
        // Histogram buckets are 2^(1/100) wide: the representative is within 2^(1/200) − 1 = 0.347%.
        expectClose(m[arm].estimate, E.quantiles[arm][name], 0.00347);
        expect(m[arm].n).toBe(E.quantiles[arm].n);
        expect(m[arm].ci[0]).toBeLessThanOrEqual(m[arm].estimate);
        expect(m[arm].ci[1]).toBeGreaterThanOrEqual(m[arm].estimate);
        expect(m[arm].ci[1]).toBeGreaterThan(m[arm].ci[0]);
      }
      expect(m.unit).toBe('ms');
      // A distribution-free 95% upper bound for the P99 exists only when 0.99^n ≤ 0.025, i.e. n ≥ 368
      // (ln 0.025 / ln 0.99 = 367.03); the arms have 78 and 74 ok calls, so it is +∞ and the difference has
      // no interval (NaN) and no evidence (p = 1). P50 and P95 (n ≥ 72: ln 0.025 / ln 0.95 = 71.9) are bounded.
      if (name === 'latency_p99_ms') {
        expect(m.canary.ci[1]).toBe(Number.POSITIVE_INFINITY);
        expect(m.delta.ci.every(Number.isNaN)).toBe(true);
        expect(m.test.pValue).toBe(1);
        expect(m.test.method).toContain('too few values');
        return;
      }
      expect(m.delta.ci[0]).toBeLessThanOrEqual(m.delta.estimate);
      expect(m.delta.ci[1]).toBeGreaterThanOrEqual(m.delta.estimate);
      expect(m.test.method).toContain('order-statistic interval');
      expect(m.test.method).toContain('Price–Bonett');
    },
  );

  it('cost: ratio of sums with delta-method intervals, cached calls left out, relative change', () => {
    for (const [name, key] of [
      ['cost_per_1k_tokens_usd', 'per1k'],
      ['cost_per_request_usd', 'perRequest'],
    ] as const) {
      const m = metric(name);
      for (const arm of ['primary', 'canary'] as const) {
        const e = E.cost[arm][key];
        expect(m[arm].n).toBe(e.n);
        expectClose(m[arm].estimate, e.estimate, RTOL);
        expectClose(m[arm].ci[0], e.lower, 1e-8);
        expectClose(m[arm].ci[1], e.upper, 1e-8);
      }
    }
    const m = metric('cost_per_1k_tokens_usd');
    expectClose(m.delta.relative?.estimate as number, E.cost.relative1k, 1e-9);
    for (const arm of ['primary', 'canary'] as const) {
      const c = analysis.cost[arm];
      expectClose(c.totalUsd, E.cost[arm].totalUsd, RTOL);
      expect(c.requests).toBe(E.cost[arm].requests);
      expect(c.tokens).toBe(E.cost[arm].tokens);
      expectClose(c.per1kTokensUsd, E.cost[arm].per1k.estimate, RTOL);
      expectClose(c.monthlyUsd, E.cost[arm].monthlyUsd, RTOL);
    }
    expect(analysis.cost.monthlyRequests).toBe(2_000_000);
  });

  it("cost: a re-run served from the cache is priced at its answers' original cost", () => {
    // Every call of the fixture run replayed as a cache hit: no new cost, the original price kept.
    const fresh = fx.run.calls.filter((c) => !c.cached);
    const hits = fresh.map((c) => ({ ...c, cached: true, costUsd: 0, originalCostUsd: c.costUsd }));
    const a = analyzeRun({ ...fx.run, calls: hits }, opts);
    const b = analyzeRun({ ...fx.run, calls: fresh }, opts);
    const get = (x: typeof a) =>
      x.comparisons.find((c) => c.metric === 'cost_per_1k_tokens_usd' && !c.segment);
    expect(get(a)?.canary).toEqual(get(b)?.canary);
    expect(get(a)?.delta.relative).toEqual(get(b)?.delta.relative);
    expect(a.cost.primary.totalUsd).toBe(b.cost.primary.totalUsd);
  });

  it('pass/fail quality: McNemar exact on the paired items, Wilson per arm, failed calls and scorer errors excluded', () => {
    const q = analysis.quality.find((x) => x.scorer === 'exact');
    expect(q?.kind).toBe('pass');
    expect(q?.n).toBe(E.exact.n);
    expect(q?.discordant).toEqual({ b: E.exact.b, c: E.exact.c });
    expectClose(q?.test.pValue as number, E.exact.p, 1e-12);
    expect(q?.test.statistic).toBe(E.exact.statistic);
    expect(q?.excluded).toEqual(E.exact.excluded);
    expect(analysis.excludedFromQuality).toEqual(E.exact.excluded);
    for (const name of ['quality', 'quality:exact']) {
      const m = metric(name);
      expectClose(m.primary.ci[0], E.exact.primary.lower, RTOL);
      expectClose(m.canary.ci[1], E.exact.canary.upper, RTOL);
      expectClose(m.delta.estimate, (E.exact.c - E.exact.b) / E.exact.n, RTOL);
      expectClose(m.test.pValue, E.exact.p, 1e-12);
      // Tango's two-sided interval contains the estimate; the gate reads its lower end.
      expect(m.delta.ci[0]).toBeLessThan(m.delta.estimate);
      expect(m.delta.ci[1]).toBeGreaterThan(m.delta.estimate);
    }
    expect(q?.nonInferiority.lowerBound).toBe(metric('quality').delta.ci[0]);
  });

  it('numeric quality: Wilcoxon signed-rank and paired t on the paired items, t interval of the mean difference', () => {
    const q = analysis.quality.find((x) => x.scorer === 'judge');
    expect(q?.kind).toBe('score');
    expect(q?.n).toBe(E.judge.n);
    expectClose(q?.primary.estimate as number, E.judge.primaryMean, RTOL);
    expectClose(q?.canary.estimate as number, E.judge.canaryMean, RTOL);
    expectClose(q?.test.statistic as number, E.judge.wilcoxonStatistic, RTOL);
    expectClose(q?.test.pValue as number, E.judge.wilcoxonP, 1e-7);
    expectClose(q?.pairedT?.statistic as number, E.judge.tStatistic, 1e-9);
    expectClose(q?.pairedT?.pValue as number, E.judge.tP, 1e-6);
    expectClose(q?.delta.ci[0] as number, E.judge.delta.lower, 1e-8);
    expectClose(q?.delta.ci[1] as number, E.judge.delta.upper, 1e-8);
    expect(metric('quality:judge').unit).toBe('score');
  });

  it('pairwise: ties as half, failed judgments left out, sign test p', () => {
    const p = analysis.pairwise;
    expect(p).toMatchObject({
      judge: 'j1',
      wins: E.pairwise.wins,
      losses: E.pairwise.losses,
      ties: E.pairwise.ties,
      n: E.pairwise.n,
      errors: E.pairwise.errors,
      orderInconsistent: E.pairwise.orderInconsistent,
    });
    expectClose(p?.winRate.estimate as number, E.pairwise.winRate, RTOL);
    const m = metric('pairwise_win_rate:j1');
    expectClose(m.test.pValue, E.pairwise.signP, 1e-9);
    expect(m.canary.ci[0]).toBeLessThan(E.pairwise.winRate);
    expect(m.canary.ci[1]).toBeGreaterThan(E.pairwise.winRate);
  });

  it('error windows: per-window rates, chi-square homogeneity, variance of the rates', () => {
    expect(analysis.errorWindows.widthMs).toBe(20_000);
    for (const arm of ['primary', 'canary'] as const) {
      const e = E.windows[arm];
      expect(analysis.errorWindows[arm]).toEqual(e.rates);
      expectClose(analysis.errorWindows.homogeneity[arm].statistic, e.chi2, RTOL);
      expectClose(analysis.errorWindows.homogeneity[arm].pValue, e.p, 1e-7);
      expect(analysis.errorWindows.homogeneity[arm].df).toBe(e.df);
      expectClose(analysis.errorWindows.variance[arm], e.variance, RTOL);
    }
    const m = metric('error_rate_variance');
    expectClose(m.canary.estimate, E.windows.canary.variance, RTOL);
    expectClose(m.primary.estimate, E.windows.primary.variance, RTOL);
    expect(m.canary.n).toBe(4);
    expect(m.canary.ci[0]).toBeLessThanOrEqual(m.canary.estimate);
    expect(m.canary.ci[1]).toBeGreaterThanOrEqual(m.canary.estimate);
    expectClose(m.test.pValue, E.windows.canary.p, 1e-7);
  });

  it.each(['free', 'premium'])(
    'segment tier=%s: success-rate z and McNemar p, Holm-adjusted across the family',
    (tier) => {
      const seg = { key: 'tier', value: tier };
      const e = E.segments[tier];
      const s = metric('success_rate', seg);
      expectClose(s.test.statistic, e.successZ, RTOL);
      expectClose(s.test.pValue, e.successP, 1e-7);
      const q = metric('quality:exact', seg);
      expectClose(q.test.pValue, e.mcnemarP, 1e-12);
      // Holm over every distinct segment × metric test (a test shared by several metrics counts once): the
      // adjusted p is never below the raw one and is what holm() (checked against statsmodels in test/stats)
      // gives on that family.
      const family = analysis.comparisons.filter((c) => c.segment);
      const key = (c: MetricComparison) =>
        [c.segment?.key, c.segment?.value, c.test.method, c.test.statistic, c.test.pValue].join('|');
      const distinct = [...new Map(family.map((c) => [key(c), c.test.pValue])).entries()];
      const adjusted = new Map(distinct.map(([k], i) => [k, holm(distinct.map(([, p]) => p))[i]]));
      for (const c of family) expect(c.test.adjustedPValue).toBe(adjusted.get(key(c)));
      expect(metric('quality', seg).test.adjustedPValue).toBe(q.test.adjustedPValue);
      expect(distinct.length).toBeLessThan(family.length);
      expect(s.test.adjustedPValue).toBeGreaterThanOrEqual(s.test.pValue);
      expect(analysis.segments.map((x) => `${x.key}=${x.value}:${x.items}`)).toEqual([
        'tag=chat:53',
        'tag=math:27',
        'tier=free:40',
        'tier=premium:40',
      ]);
      expect(analysis.notes.join(' ')).toContain("adjusted by Holm's method");
    },
  );
});

describe('analyzeRun: behaviour', () => {
  it('is deterministic for a seed', () => {
    const again = analyzeRun(fx.run, opts);
    expect(JSON.stringify(again)).toBe(JSON.stringify(analysis));
  });

  it('says in plain sentences what it left out', () => {
    const text = analysis.notes.join('\n');
    expect(text).toContain('Canary: 6 of 80 calls failed (server 3, network 1, rate_limit 1, timeout 1)');
    expect(text).toContain('never counted as wrong answers');
    expect(text).toContain('3 calls were served from the response cache');
    expect(text).toContain('Pairwise judge');
  });

  it('publishes the first pass/fail scorer as quality by default, and the P95 gate reads the order-statistic CI', () => {
    const a = analyzeRun({ ...fx.run, items: [] }, { seed: 1, resamples: 500 });
    expect(a.comparisons.some((c) => c.segment)).toBe(false);
    expect(a.segments).toEqual([]);
    const q = a.comparisons.find((c) => c.metric === 'quality');
    expect(q?.test.pValue).toBe(E.exact.p);
    const d = decide(a.comparisons, DEFAULT_POLICY);
    const p95 = d.gates.find((g) => g.metric === 'latency_p95_ms');
    const m = a.comparisons.find((c) => c.metric === 'latency_p95_ms');
    expect(p95?.ci).toEqual(m?.canary.ci);
    // 80 calls with 6 failures cannot show a success rate above 99.5%: the Wilson upper bound is 96.5%.
    expect(d.gates[0]).toMatchObject({ metric: 'success_rate', status: 'fail' });
    expect(d.verdict).toBe('rollback');
  });

  it('rejects a run without calls of an arm and bad options, naming them', () => {
    const primaryOnly = { ...fx.run, calls: fx.run.calls.filter((c: CallRecord) => c.arm === 'primary') };
    expect(() => analyzeRun(primaryOnly)).toThrow(AnalysisError);
    expect(() => analyzeRun(primaryOnly)).toThrow('has no canary calls');
    expect(() => analyzeRun(fx.run, { confidence: 1.5 })).toThrow('confidence: expected a number in (0, 1)');
    expect(() => analyzeRun(fx.run, { resamples: 10 })).toThrow('resamples: expected an integer >= 100');
  });

  it('windowSize (calls per window, older configs) becomes a time width: span × windowSize / calls', () => {
    // Starts from 12:00:00.000 (primary item 0) to 12:01:19.400 (canary item 79): span 79,400 ms; 80 calls
    // per arm; 79,400 × 20 / 80 = 19,850 ms. Without either option: 79.4 s / 5 s = 15.9 ≤ 20 windows → 5 s.
    expect(analyzeRun(fx.run, { windowSize: 20, segments: false }).errorWindows.widthMs).toBe(19_850);
    expect(analyzeRun(fx.run, { segments: false }).errorWindows.widthMs).toBe(5_000);
    expect(() => analyzeRun(fx.run, { windowMs: 0.5 })).toThrow('windowMs: expected an integer >= 1');
  });

  it('a later record of the same (item, arm, repeat) replaces the earlier one', () => {
    const first = fx.run.calls.find((c) => c.arm === 'canary' && !c.ok) as CallRecord;
    const retried: CallRecord = { ...first, ok: true, errorKind: undefined, latencyMs: 1000, ttftMs: 300 };
    const a = analyzeRun({ ...fx.run, calls: [...fx.run.calls, retried] }, { ...opts, segments: false });
    expect(a.comparisons.find((c) => c.metric === 'success_rate')?.canary.estimate).toBe(75 / 80);
  });
});
