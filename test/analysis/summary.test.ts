import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeRun, analyzeSummaries } from '../../src/analysis/analyzeRun';
import { formatAnalysis } from '../../src/analysis/loadRun';
import { chooseWindowWidth, summarizeCalls } from '../../src/analysis/summary/build';
import {
  bucketIndex,
  HISTOGRAM_RELATIVE_ERROR,
  histogramOf,
  histogramQuantile,
  mergeHistograms,
  SummaryError,
} from '../../src/analysis/summary/histogram';
import { checkSummary, mergeSummaries } from '../../src/analysis/summary/merge';
import {
  histogramQuantileCI,
  orderStatisticRanks,
  quantileDifferenceFromHistograms,
} from '../../src/analysis/summary/quantileIntervals';
import {
  costPerRequestSums,
  costPerTokenSums,
  ratioDifferenceFromSums,
} from '../../src/analysis/summary/ratioFromSums';
import type { RunSummary } from '../../src/analysis/summary/types';
import type { RunData } from '../../src/analysis/types';
import { createRng } from '../../src/stats/random';
import { ratioDifferenceCI } from '../../src/stats/ratioDifferenceCI';
import type { CallRecord, ErrorKind, MetricComparison } from '../../src/types';
import { expectClose, loadFixture } from '../helpers/fixtures';

// Golden values: test/fixtures/generate_summary.py (scipy.stats.binom, numpy quantiles).
interface Fixture {
  ranks: Array<{
    n: number;
    p: number;
    confidence: number;
    lower: number | null;
    upper: number | null;
    coverage: number;
  }>;
  samples: Array<{
    values: number[];
    quantiles: Array<{
      p: number;
      type7: number;
      type1: number;
      lowerRank: number | null;
      upperRank: number | null;
      lower: number | null;
      upper: number | null;
    }>;
  }>;
}
const fx = loadFixture<Fixture>('summary.json');
const GAMMA = 2 ** (1 / 100);

describe('histogram buckets (the contract of src/analysis/summary/types.ts)', () => {
  it('bucket i = floor(100·log2(x) + 0.5): hand-derived cases', () => {
    // log2(1024) = 10 exactly → 1000.5 → 1000: powers of two sit at bucket centres.
    expect(bucketIndex(1024)).toBe(1000);
    expect(bucketIndex(1)).toBe(0);
    expect(bucketIndex(0.5)).toBe(-100);
    // Bucket 0 is [2^(-0.005), 2^(0.005)) = [0.996540, 1.003472): 1.0034 is inside, 1.0035 in bucket 1.
    expect(bucketIndex(1.0034)).toBe(0);
    expect(bucketIndex(1.0035)).toBe(1);
    expect(bucketIndex(0.99655)).toBe(0);
    expect(bucketIndex(0.99653)).toBe(-1);
    expect(() => bucketIndex(0)).toThrow(SummaryError);
    expect(() => bucketIndex(Number.NaN)).toThrow('expected a finite number > 0');
    expect(HISTOGRAM_RELATIVE_ERROR).toBeCloseTo(0.003472, 6);
  });

  it('no integer millisecond value lies within 1e-9 of a bucket edge (engines agree on every bucket)', () => {
    let margin = 1;
    for (let x = 1; x <= 200_000; x++) {
      const r = 100 * Math.log2(x) + 0.5;
      margin = Math.min(margin, Math.abs(r - Math.round(r)));
    }
    expect(margin).toBeGreaterThan(1e-9);
  });

  it('quantiles read from the histogram are within 0.347% of numpy type 7 and type 1', () => {
    for (const s of fx.samples) {
      const h = histogramOf(s.values);
      expect(h.count).toBe(s.values.length);
      for (const q of s.quantiles) {
        const t7 = histogramQuantile(h, q.p);
        const t1 = histogramQuantile(h, q.p, { type: 1 });
        expect(Math.abs(t7 / q.type7 - 1)).toBeLessThanOrEqual(HISTOGRAM_RELATIVE_ERROR);
        expect(Math.abs(t1 / q.type1 - 1)).toBeLessThanOrEqual(HISTOGRAM_RELATIVE_ERROR);
      }
      // Min and max are exact.
      expect(histogramQuantile(h, 0)).toBe(Math.min(...s.values));
      expect(histogramQuantile(h, 1)).toBe(Math.max(...s.values));
    }
  });

  it('zeros are counted apart and read as 0', () => {
    const h = histogramOf([0, 0, 0, 10, 20]);
    expect(h.zeros).toBe(3);
    expect(h.buckets.reduce((a, [, c]) => a + c, 0)).toBe(2);
    expect(histogramQuantile(h, 0.5)).toBe(0); // type 7: h = 3 → x₍₃₎ = 0
    expect(() => histogramOf([-1])).toThrow('expected a finite number >= 0');
  });
});

describe('order-statistic intervals (scipy)', () => {
  it('ranks and coverage equal scipy.stats.binom for every case', () => {
    for (const c of fx.ranks) {
      const r = orderStatisticRanks(c.n, c.p, c.confidence);
      expect([r.lower, r.upper], JSON.stringify(c)).toEqual([c.lower, c.upper]);
      expectClose(r.coverage, c.coverage, 1e-9);
      expect(r.coverage).toBeGreaterThanOrEqual(c.confidence - 1e-12);
    }
  });

  it('the histogram interval contains the exact order-statistic interval, each bound within one bucket', () => {
    for (const s of fx.samples) {
      const h = histogramOf(s.values);
      for (const q of s.quantiles) {
        const ci = histogramQuantileCI(h, q.p, 0.95);
        expect(ci.ranks.lower).toBe(q.lowerRank);
        expect(ci.ranks.upper).toBe(q.upperRank);
        if (q.lower === null) expect(ci.lower).toBe(0);
        else {
          expect(ci.lower).toBeLessThanOrEqual(q.lower);
          expect(ci.lower).toBeGreaterThanOrEqual(q.lower / GAMMA);
        }
        if (q.upper === null) expect(ci.upper).toBe(Number.POSITIVE_INFINITY);
        else {
          expect(ci.upper).toBeGreaterThanOrEqual(q.upper);
          expect(ci.upper).toBeLessThanOrEqual(q.upper * GAMMA);
        }
      }
    }
  });

  it('the Price–Bonett interval of the P95 difference covers the true difference at about the nominal rate', () => {
    // Two lognormal arms (n = 400 each): true P95 = exp(μ + 1.6448536·σ). Seeded; 400 repetitions, so the
    // observed coverage has a binomial SD of about 1.1 points around the true coverage.
    const rng = createRng(99);
    const z95 = 1.6448536269514722;
    const arms = [
      { mu: Math.log(800), sigma: 0.5 },
      { mu: Math.log(900), sigma: 0.4 },
    ];
    const truth = Math.exp(arms[1].mu + z95 * arms[1].sigma) - Math.exp(arms[0].mu + z95 * arms[0].sigma);
    const trueRatio = Math.exp(arms[1].mu + z95 * arms[1].sigma) / Math.exp(arms[0].mu + z95 * arms[0].sigma);
    let covered = 0;
    let coveredRatio = 0;
    const reps = 400;
    for (let r = 0; r < reps; r++) {
      const [hp, hc] = arms.map(({ mu, sigma }) =>
        histogramOf(Array.from({ length: 400 }, () => Math.exp(mu + sigma * rng.normal()))),
      );
      const d = quantileDifferenceFromHistograms(hp, hc, 0.95, 0.95);
      if (d.difference.lower <= truth && truth <= d.difference.upper) covered++;
      if (d.relative.lower <= trueRatio - 1 && trueRatio - 1 <= d.relative.upper) coveredRatio++;
    }
    expect(covered / reps).toBeGreaterThan(0.92);
    expect(covered / reps).toBeLessThan(0.995);
    expect(coveredRatio / reps).toBeGreaterThan(0.92);
  });
});

describe('ratio metrics from sums', () => {
  it('equal ratioDifferenceCI (independent arms) on the raw values', () => {
    const rng = createRng(5);
    const mk = (n: number, price: number) =>
      Array.from({ length: n }, () => {
        const tokens = 100 + Math.floor(400 * rng.next());
        return { tokens, cost: (tokens * price * (0.8 + 0.4 * rng.next())) / 1e6 };
      });
    const p = mk(300, 2);
    const c = mk(250, 0.6);
    const sums = (xs: typeof p) => ({
      n: xs.length,
      sumCost: xs.reduce((a, x) => a + x.cost, 0),
      sumTokens: xs.reduce((a, x) => a + x.tokens, 0),
      sumCost2: xs.reduce((a, x) => a + x.cost * x.cost, 0),
      sumTokens2: xs.reduce((a, x) => a + x.tokens * x.tokens, 0),
      sumCostTokens: xs.reduce((a, x) => a + x.cost * x.tokens, 0),
    });
    const raw = (xs: typeof p) => ({
      numerators: xs.map((x) => x.cost),
      denominators: xs.map((x) => x.tokens),
    });
    const a = ratioDifferenceFromSums(costPerTokenSums(sums(p)), costPerTokenSums(sums(c)), { scale: 1000 });
    const b = ratioDifferenceCI(raw(p), raw(c), { scale: 1000 });
    for (const k of ['estimate', 'lower', 'upper'] as const) {
      expectClose(a.primary[k], b.primary[k], 1e-9);
      expectClose(a.canary[k], b.canary[k], 1e-9);
      expectClose(a.difference[k], b.difference[k], 1e-9);
      expectClose(a.relative[k], b.relative[k], 1e-9);
    }
    const perReq = (xs: typeof p) => ({ numerators: xs.map((x) => x.cost), denominators: xs.map(() => 1) });
    const r1 = ratioDifferenceFromSums(costPerRequestSums(sums(p)), costPerRequestSums(sums(c)));
    const r2 = ratioDifferenceCI(perReq(p), perReq(c));
    expectClose(r1.relative.lower, r2.relative.lower, 1e-9);
    expectClose(r1.canary.upper, r2.canary.upper, 1e-9);
  });
});

// --- merging ---------------------------------------------------------------------------------------------

const KINDS: ErrorKind[] = ['timeout', 'server', 'rate_limit'];
const callArb = fc.record({
  arm: fc.constantFrom('primary' as const, 'canary' as const),
  ok: fc.boolean(),
  kind: fc.constantFrom(...KINDS, undefined),
  latency: fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 60_000, noNaN: true })),
  ttft: fc.option(fc.double({ min: 0, max: 5_000, noNaN: true })),
  prompt: fc.nat(4000),
  completion: fc.nat(4000),
  cost: fc.double({ min: 0, max: 0.1, noNaN: true }),
  cached: fc.boolean(),
  original: fc.option(fc.double({ min: 0, max: 0.1, noNaN: true })),
  t: fc.integer({ min: 1_700_000_000_000, max: 1_700_000_000_000 + 86_400_000 }),
  tier: fc.option(fc.constantFrom('free', 'premium')),
  part: fc.nat(2),
});

type Rec = typeof callArb extends fc.Arbitrary<infer T> ? T : never;

function toCall(r: Rec, i: number): CallRecord {
  return {
    runId: 'p',
    itemId: `it-${i}`,
    arm: r.arm,
    model: `${r.arm}-m`,
    repeat: 0,
    ok: r.ok,
    errorKind: r.ok ? undefined : r.kind,
    attempts: 1,
    latencyMs: r.latency,
    ttftMs: r.ttft ?? undefined,
    usage: { promptTokens: r.prompt, completionTokens: r.completion },
    costUsd: r.cached ? 0 : r.cost,
    originalCostUsd: r.cached ? (r.original ?? undefined) : undefined,
    startedAt: new Date(r.t).toISOString(),
    cached: r.cached,
  };
}

/** Splits a summary into its float sums (compared with a tolerance) and the rest (compared exactly). */
function splitFloats(s: RunSummary): { exact: unknown; floats: number[] } {
  const floats: number[] = [];
  const copy = JSON.parse(JSON.stringify(s), (k, v) => {
    if (['sum', 'sumCost', 'sumCost2', 'sumCostTokens'].includes(k) && typeof v === 'number') {
      floats.push(v);
      return 0;
    }
    return v;
  });
  copy.origins = [];
  return { exact: copy, floats };
}

function expectSameSummary(a: RunSummary, b: RunSummary) {
  const x = splitFloats(a);
  const y = splitFloats(b);
  expect(x.exact).toEqual(y.exact);
  expect(x.floats.length).toBe(y.floats.length);
  for (const [i, v] of x.floats.entries())
    expect(Math.abs(v - y.floats[i])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v)));
}

describe('merging summaries', () => {
  const segmentsOf = (c: CallRecord) => {
    const i = Number(c.itemId.slice(3));
    return i % 3 === 0
      ? []
      : [
          { key: 'tier' as const, value: i % 3 === 1 ? 'free' : 'premium' },
          { key: 'tag' as const, value: 'math' },
        ];
  };
  const summarize = (calls: CallRecord[]) => summarizeCalls(calls, { windowMs: 3_600_000, segmentsOf });

  it('the merge of disjoint splits equals the summary of the union, exactly on every count (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(callArb, { minLength: 0, maxLength: 60 }), (recs) => {
        const calls = recs.map(toCall);
        const parts = [0, 1, 2].map((k) => calls.filter((_, i) => recs[i].part === k));
        const [a, b, c] = parts.map(summarize);
        const union = summarize(calls);
        expectSameSummary(mergeSummaries(mergeSummaries(a, b), c), union);
        // Associative and commutative.
        expectSameSummary(mergeSummaries(a, mergeSummaries(b, c)), union);
        expectSameSummary(mergeSummaries(mergeSummaries(c, a), b), union);
        checkSummary(union);
        // Plain JSON: a round trip changes nothing.
        expect(JSON.parse(JSON.stringify(union))).toEqual(union);
      }),
      { numRuns: 150, seed: 42 },
    );
  });

  it('histogram merge is exact: counts, buckets, min and max of the union', () => {
    const a = histogramOf([1, 2, 3, 1000]);
    const b = histogramOf([2, 0.5, 0]);
    expect(mergeHistograms(a, b)).toEqual(histogramOf([1, 2, 3, 1000, 2, 0.5, 0]));
  });

  it('refuses to merge different window widths, naming both', () => {
    const calls = [toCall({ ...fc.sample(callArb, { numRuns: 1, seed: 1 })[0] }, 0)];
    const a = summarizeCalls(calls, { windowMs: 1000 });
    const b = summarizeCalls(calls, { windowMs: 2000 });
    expect(() => mergeSummaries(a, b)).toThrow('window widths differ (1000 and 2000 ms)');
  });

  it('checkSummary names the broken field and what it expected', () => {
    const calls = fc.sample(callArb, { numRuns: 20, seed: 3 }).map(toCall);
    const s = summarizeCalls(calls, { windowMs: 60_000 });
    const broken = JSON.parse(JSON.stringify(s)) as RunSummary;
    broken.canary.latencyMs.count += 1;
    expect(() => checkSummary(broken)).toThrow(
      /summary\.canary\.latencyMs\.count: expected zeros \+ Σ bucket counts/,
    );
    const broken2 = JSON.parse(JSON.stringify(s)) as RunSummary;
    broken2.primary.failures = { server: 999 };
    expect(() => checkSummary(broken2)).toThrow(
      /summary\.primary\.failures: expected counts summing to calls − ok/,
    );
    expect(() => analyzeSummaries({ runId: 'x', summary: broken })).toThrow(
      /run x: summary\.canary\.latencyMs\.count/,
    );
  });

  it('offline windows: about 20 over the run (hand-derived widths)', () => {
    // 30 s / 2 s = 15 ≤ 20 (1 s would give 30); 100 min / 5 min = 20; 3 days / 6 h = 12 (2 h: 36);
    // 30 days: more than 20 even at the largest width, 1 day.
    expect(chooseWindowWidth(0, 30_000)).toBe(2_000);
    expect(chooseWindowWidth(0, 6_000_000)).toBe(300_000);
    expect(chooseWindowWidth(0, 3 * 86_400_000)).toBe(21_600_000);
    expect(chooseWindowWidth(0, 30 * 86_400_000)).toBe(86_400_000);
    expect(chooseWindowWidth(5, 5)).toBe(1_000);
  });
});

describe('comparison.json does not grow with the number of calls', () => {
  function syntheticRun(items: number) {
    const rng = createRng(11);
    const calls: CallRecord[] = [];
    const t0 = Date.UTC(2026, 0, 1);
    for (let i = 0; i < items; i++) {
      for (const arm of ['primary', 'canary'] as const) {
        const ok = rng.next() > 0.002;
        const prompt = 50 + Math.floor(300 * rng.next());
        const completion = ok ? 20 + Math.floor(500 * rng.next()) : 0;
        calls.push({
          runId: 'big',
          itemId: `i${i}`,
          arm,
          model: arm,
          repeat: 0,
          ok,
          errorKind: ok ? undefined : 'server',
          attempts: 1,
          latencyMs: Math.exp((arm === 'primary' ? 6.5 : 6.3) + 0.6 * rng.normal()),
          ttftMs: Math.exp(5 + 0.5 * rng.normal()),
          usage: { promptTokens: prompt, completionTokens: completion },
          costUsd:
            (prompt * (arm === 'primary' ? 2 : 0.4) + completion * (arm === 'primary' ? 8 : 1.6)) / 1e6,
          startedAt: new Date(t0 + Math.floor((i * 3_600_000) / items)).toISOString(),
          cached: false,
        });
      }
    }
    const tiers = ['free', 'pro', 'enterprise'];
    return {
      runId: 'big',
      calls,
      scores: [],
      pairwise: [],
      items: Array.from({ length: items }, (_, i) => ({
        id: `i${i}`,
        meta: { tier: tiers[i % 3], tags: [`t${i % 4}`] },
      })),
    };
  }

  it('a 100,000-call run gives comparison.json ≤ 2 MB, about the size of a 10,000-call one', () => {
    const a = analyzeRun(syntheticRun(50_000));
    const text = formatAnalysis(a);
    // The file is the analysis, only laid out differently.
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(a)));
    const big = text.length;
    const small = formatAnalysis(analyzeRun(syntheticRun(5_000))).length;
    console.log(`comparison.json: 10,000 calls ${small} bytes, 100,000 calls ${big} bytes`);
    expect(big).toBeLessThanOrEqual(2 * 1024 * 1024);
    // 10× the calls: the histograms fill a few more buckets, nothing else grows.
    expect(big / small).toBeLessThan(1.5);
  });
});

describe('one analysis path: analyzeRun = analyzeSummaries of the merged summaries of its parts', () => {
  it('success, latency, TTFT, cost and window comparisons of the golden run are the same either way', () => {
    const run = loadFixture<{ run: RunData }>('analysis.json').run;
    const opts = { windowMs: 20_000, seed: 7, resamples: 1000, segments: false };
    const direct = analyzeRun({ ...run, scores: [], pairwise: [] }, opts);
    // The calls in two disjoint halves (as two days of logs, or two shards), summarised apart and merged.
    const half = (k: number) => run.calls.filter((c) => Number(c.itemId.slice(5)) % 2 === k);
    const [a, b] = [0, 1].map((k) => summarizeCalls(half(k), { windowMs: 20_000 }));
    const merged = analyzeSummaries({ runId: run.runId, summary: mergeSummaries(a, b) }, opts);
    const pick = (x: typeof direct) => x.comparisons.filter((c) => !c.metric.startsWith('cost'));
    expect(pick(merged)).toEqual(pick(direct));
    expect(merged.comparisons.map((c) => c.metric)).toEqual(direct.comparisons.map((c) => c.metric));
    for (const m of ['cost_per_1k_tokens_usd', 'cost_per_request_usd']) {
      const x = merged.comparisons.find((c) => c.metric === m) as MetricComparison;
      const y = direct.comparisons.find((c) => c.metric === m) as MetricComparison;
      expectClose(x.canary.ci[1], y.canary.ci[1], 1e-12);
      expectClose(x.delta.relative?.ci[0] as number, y.delta.relative?.ci[0] as number, 1e-12);
    }
    expect(merged.errorWindows).toEqual(direct.errorWindows);
  });
});
