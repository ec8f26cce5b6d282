/**
 * Seeded chart inputs: a run's analysis-shaped data drawn with createRng, so the specs (and their snapshot
 * files) are the same on every machine. The numbers are plausible, not the output of the analysis stage:
 * these tests are about the charts.
 */
import type { BuildRunChartsInput, ChartAnalysis } from '../../src/charts/buildRunCharts';
import type { SequentialChartInput } from '../../src/charts/sequential';
import { percentiles } from '../../src/stats/quantile';
import { createRng } from '../../src/stats/random';
import type { ArmEstimate, GateResult, MetricComparison } from '../../src/types';

const round = (x: number, d = 6) => Number(x.toFixed(d));

/** Log-normal latencies in ms: exp(mu + sigma·z), rounded to 0.1 ms. */
export function seededLatencies(seed: number, n: number, mu: number, sigma: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Math.round(10 * Math.exp(mu + sigma * rng.normal())) / 10);
}

const est = (n: number, estimate: number, half: number): ArmEstimate => ({
  n,
  estimate: round(estimate),
  ci: [round(estimate - half), round(estimate + half)],
});

function comparison(
  metric: string,
  unit: string,
  better: 'higher' | 'lower',
  primary: ArmEstimate,
  canary: ArmEstimate,
  relative = false,
): MetricComparison {
  const d = canary.estimate - primary.estimate;
  const half = Math.hypot(canary.ci[1] - canary.estimate, primary.ci[1] - primary.estimate);
  const r = canary.estimate / primary.estimate - 1;
  return {
    metric,
    unit,
    better,
    primary,
    canary,
    delta: {
      estimate: round(d),
      ci: [round(d - half), round(d + half)],
      ...(relative ? { relative: { estimate: round(r), ci: [round(r - 0.04), round(r + 0.04)] } } : {}),
    },
    test: { method: 'fixture', statistic: 0, pValue: 0.5 },
  };
}

/** A whole run's chart inputs: two arms of 1,000 calls, three scorers, one judge, five gates. */
export function seededRun(
  seed = 20250601,
): BuildRunChartsInput & { analysis: Required<Omit<ChartAnalysis, 'summary'>> } {
  const primary = seededLatencies(seed, 1000, 7.0, 0.4);
  const canary = seededLatencies(seed + 1, 1000, 6.8, 0.5);
  const [p50p, p95p, p99p] = percentiles(primary, [0.5, 0.95, 0.99]);
  const [p50c, p95c, p99c] = percentiles(canary, [0.5, 0.95, 0.99]);
  const n = 1000;
  const comparisons: MetricComparison[] = [
    comparison('success_rate', 'proportion', 'higher', est(1000, 0.997, 0.003), est(1000, 0.993, 0.005)),
    comparison('latency_p50_ms', 'ms', 'lower', est(n, p50p, 30), est(n, p50c, 28)),
    comparison('latency_p95_ms', 'ms', 'lower', est(n, p95p, 90), est(n, p95c, 120)),
    comparison('latency_p99_ms', 'ms', 'lower', est(n, p99p, 200), est(n, p99c, 260)),
    comparison('ttft_p50_ms', 'ms', 'lower', est(n, 310, 12), est(n, 240, 10)),
    comparison('ttft_p95_ms', 'ms', 'lower', est(n, 620, 40), est(n, 530, 45)),
    comparison(
      'cost_per_1k_tokens_usd',
      'usd_per_1k_tokens',
      'lower',
      est(n, 0.0052, 0.0001),
      est(n, 0.0011, 0.00003),
      true,
    ),
    comparison('cost_per_request_usd', 'usd', 'lower', est(n, 0.0021, 0.00005), est(n, 0.00044, 0.00001)),
    comparison('quality', 'proportion', 'higher', est(500, 0.82, 0.034), est(500, 0.8, 0.035)),
    comparison(
      'error_rate_variance',
      'proportion',
      'lower',
      est(20, 0.00002, 0.00001),
      est(20, 0.00004, 0.00002),
    ),
  ];
  const quality: ChartAnalysis['quality'] = [
    {
      scorer: 'numeric',
      kind: 'pass' as const,
      primary: est(500, 0.82, 0.034),
      canary: est(500, 0.8, 0.035),
      delta: { estimate: -0.02, ci: [-0.047, 0.007] as [number, number] },
      n: 500,
    },
    {
      scorer: 'format',
      kind: 'pass' as const,
      primary: est(500, 0.97, 0.015),
      canary: est(500, 0.985, 0.01),
      delta: { estimate: 0.015, ci: [0.002, 0.028] as [number, number] },
      n: 500,
    },
    {
      scorer: 'length',
      kind: 'pass' as const,
      primary: est(500, 0.9, 0.026),
      canary: est(500, 0.84, 0.032),
      delta: { estimate: -0.06, ci: [-0.09, -0.03] as [number, number] },
      n: 500,
    },
    {
      scorer: 'judge-1-10',
      kind: 'score' as const,
      primary: est(500, 7.4, 0.15),
      canary: est(500, 7.2, 0.16),
      delta: { estimate: -0.2, ci: [-0.38, -0.02] as [number, number] },
      n: 500,
    },
  ].map((q) => ({
    ...q,
    excluded: { primary: 3, canary: 7 },
    test: { method: 'fixture', statistic: 0, pValue: 0.5 },
    nonInferiority: {
      method: 'fixture',
      estimate: q.delta.estimate,
      lowerBound: q.delta.ci[0],
      statistic: 0,
      pValue: 0.5,
      margin: q.kind === 'pass' ? 0.02 : 0.25,
      alpha: 0.025,
      nonInferior: q.delta.ci[0] > -(q.kind === 'pass' ? 0.02 : 0.25),
    },
  }));
  const pairwise = {
    judge: 'sim-judge',
    wins: 182,
    ties: 131,
    losses: 187,
    orderInconsistent: 44,
    n: 500,
    errors: 0,
    winRate: est(500, 0.495, 0.043),
  };
  const monthlyRequests = 1_000_000;
  const cost = {
    primary: {
      totalUsd: 2.1,
      requests: 1000,
      tokens: 403_846,
      per1kTokensUsd: 0.0052,
      perRequestUsd: 0.0021,
      monthlyUsd: 2100,
    },
    canary: {
      totalUsd: 0.44,
      requests: 1000,
      tokens: 400_000,
      per1kTokensUsd: 0.0011,
      perRequestUsd: 0.00044,
      monthlyUsd: 440,
    },
    monthlyRequests,
  };
  const find = (m: string) => comparisons.find((c) => c.metric === m) as MetricComparison;
  const gate = (
    name: string,
    metric: string,
    threshold: number,
    e: { estimate: number; ci: [number, number] },
    status: GateResult['status'],
    severity: GateResult['severity'],
    samplesNeeded?: number,
  ): GateResult => ({
    gate: name,
    metric,
    threshold,
    observed: e.estimate,
    ci: e.ci,
    status,
    severity,
    reason: `${name}: fixture`,
    ...(samplesNeeded !== undefined ? { samplesNeeded } : {}),
  });
  const gates: GateResult[] = [
    gate(
      'success rate',
      'success_rate',
      0.995,
      find('success_rate').canary,
      'inconclusive',
      'required',
      2400,
    ),
    gate('P95 latency', 'latency_p95_ms', 3000, find('latency_p95_ms').canary, 'pass', 'required'),
    gate(
      'cost per 1K tokens',
      'cost_per_1k_tokens_usd',
      0.2,
      find('cost_per_1k_tokens_usd').delta.relative as { estimate: number; ci: [number, number] },
      'pass',
      'important',
    ),
    gate('output quality', 'quality', -0.02, find('quality').delta, 'inconclusive', 'important', 1800),
    gate(
      'error-rate consistency',
      'error_rate_variance',
      0.001,
      find('error_rate_variance').canary,
      'pass',
      'recommended',
    ),
    gate(
      'judge availability',
      'judge_uptime',
      0.9,
      { estimate: Number.NaN, ci: [Number.NaN, Number.NaN] },
      'inconclusive',
      'recommended',
    ),
  ];
  return {
    analysis: {
      comparisons,
      latency: { primary, canary },
      errors: {
        primary: { timeout: 2, server: 1 },
        canary: { timeout: 3, rate_limit: 2, server: 1, invalid_response: 1 },
      },
      cost,
      quality,
      pairwise,
      pairwiseJudges: [pairwise],
    },
    decision: { gates, verdict: 'hold', stage: 'shadow', trafficPercent: 0 },
    sequential: seededSequential(seed),
  };
}

/** Eight looks of a sequential test with a shrinking confidence sequence (the first one still unbounded). */
export function seededSequential(seed = 20250601): SequentialChartInput {
  const rng = createRng(seed + 7);
  const looks = [];
  let lo = Number.NEGATIVE_INFINITY;
  let hi = Number.POSITIVE_INFINITY;
  for (let k = 1; k <= 8; k++) {
    const n = 250 * k;
    const estimate = round(0.004 + (0.01 * rng.normal()) / Math.sqrt(k));
    const half = k === 1 ? Number.POSITIVE_INFINITY : 0.12 / Math.sqrt(k);
    lo = Math.max(lo, estimate - half);
    hi = Math.min(hi, estimate + half);
    looks.push({
      look: k,
      n,
      estimate,
      ci: [round(lo), round(hi)] as [number, number],
      pValue: round(Math.min(1, 0.9 / k)),
    });
  }
  return { looks, metric: 'quality pass rate', unit: 'ratio', boundary: -0.02, alpha: 0.05 };
}
