/**
 * Report inputs for the report tests: a small fixed one (snapshot) and a realistic one (a 400-item run with
 * 8 charts rendered by vega, 20 disagreements), both carrying hostile strings where model output and user
 * data go.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ReportChart, ReportDisagreement, ReportInput } from '../../src/report/types';
import { createRng } from '../../src/stats/random';
import type { GateResult, MetricComparison } from '../../src/types';

/** Strings that would run script or leave their context if they were not escaped. */
export const INJECTIONS = {
  script: '<script>alert(1)</script>',
  img: '<img src=x onerror=alert(1)>',
  textarea: '</textarea><script>alert("ta")</script>',
  endScript: '</script><script>alert("end")</script>',
  jsLink: '<a href="javascript:alert(1)">click me</a>',
  attr: '" onmouseover="alert(1)" x=\'',
  svg: '<svg onload=alert(1)><circle r=5 /></svg>',
  iframe: '<iframe src="https://evil.example/x"></iframe>',
  lineSep: 'a\u2028b\u2029c',
} as const;

const HOSTILE = Object.values(INJECTIONS).join(' ');

/** SVG rendering as src/charts renderSvg does it: vega-lite → vega → headless View → SVG. */
export async function svgOf(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

function cmp(
  metric: string,
  unit: string,
  better: 'higher' | 'lower',
  p: [number, number, number, number],
  c: [number, number, number, number],
  d: [number, number, number],
  pValue: number,
  extra: Partial<MetricComparison> = {},
): MetricComparison {
  return {
    metric,
    unit,
    better,
    primary: { n: p[0], estimate: p[1], ci: [p[2], p[3]] },
    canary: { n: c[0], estimate: c[1], ci: [c[2], c[3]] },
    delta: { estimate: d[0], ci: [d[1], d[2]] },
    test: { method: 'test', statistic: 1.23, pValue },
    ...extra,
  };
}

const SMALL_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40"><rect width="60" height="20" fill="#0072B2"/><text x="2" y="36">P95 &lt;3s</text></svg>';

/** A small, fixed input: two gates, one segment, one disagreement, one hand-written SVG chart. */
export function smallReportInput(): ReportInput {
  const comparisons: MetricComparison[] = [
    cmp(
      'success_rate',
      'ratio',
      'higher',
      [200, 0.995, 0.982, 0.999],
      [200, 0.99, 0.975, 0.997],
      [-0.005, -0.02, 0.01],
      0.62,
    ),
    cmp(
      'latency_p95_ms',
      'ms',
      'lower',
      [199, 2400, 2200, 2650],
      [198, 1800, 1650, 1990],
      [-600, -850, -380],
      0.0001,
    ),
    cmp(
      'cost_per_1k_tokens_usd',
      'USD/1K tokens',
      'lower',
      [199, 0.006, 0.0058, 0.0062],
      [198, 0.0012, 0.0011, 0.0013],
      [-0.0048, -0.005, -0.0046],
      0.00001,
      {
        delta: { estimate: -0.0048, ci: [-0.005, -0.0046], relative: { estimate: -0.8, ci: [-0.82, -0.78] } },
      },
    ),
    cmp(
      'quality',
      'ratio',
      'higher',
      [180, 0.7, 0.63, 0.76],
      [180, 0.52, 0.45, 0.59],
      [-0.18, -0.26, -0.1],
      0.0002,
      {
        segment: { key: 'tier', value: INJECTIONS.script },
        test: { method: 'McNemar exact', statistic: 12, pValue: 0.0002, adjustedPValue: 0.0004 },
      },
    ),
  ];
  const gates: GateResult[] = [
    {
      gate: 'success rate',
      metric: 'success_rate',
      threshold: 0.995,
      observed: 0.99,
      ci: [0.975, 0.997],
      status: 'inconclusive',
      severity: 'required',
      reason: 'success rate: canary 99.00% straddles 99.50%',
      samplesNeeded: 1200,
    },
    {
      gate: 'P95 latency',
      metric: 'latency_p95_ms',
      threshold: 3000,
      observed: 1800,
      ci: [1650, 1990],
      status: 'pass',
      severity: 'required',
      reason: `P95 latency passed ${INJECTIONS.img}`,
    },
    {
      gate: 'cost per 1K tokens',
      metric: 'cost_per_1k_tokens_usd',
      threshold: 0.2,
      observed: -0.8,
      ci: [-0.82, -0.78],
      status: 'pass',
      severity: 'important',
      reason: 'cost fell',
    },
  ];
  return {
    decision: {
      verdict: 'hold',
      stage: 'shadow',
      trafficPercent: 0,
      gates,
      reasons: [
        'Not yet decided: success rate',
        'Hold at shadow (canary gets copies of 5% of requests, serves none).',
      ],
      current: { stage: 'shadow', trafficPercent: 0, shadowPercent: 5 },
      next: { stage: 'shadow', trafficPercent: 0, shadowPercent: 10 },
      fallback: { stage: 'shadow', trafficPercent: 0, shadowPercent: 5 },
    },
    analysis: {
      runId: 'run-small',
      comparisons,
      errors: { primary: { timeout: 1 }, canary: { server: 2 } },
      notes: [`note with ${INJECTIONS.attr}`],
    },
    charts: [
      {
        id: 'p95',
        title: `P95 latency ${INJECTIONS.script}`,
        svg: SMALL_SVG,
        description: 'ms, lower is better',
      },
    ],
    manifest: {
      runId: 'run-small',
      createdAt: '2026-11-02T10:00:00.000Z',
      finishedAt: '2026-11-02T10:00:42.000Z',
      tool: { name: 'canarylab', version: '0.1.0' },
      configHash: 'sha256:abc123',
      dataset: { source: 'datasets/gsm8k/test.jsonl', items: 200 },
      arms: {
        primary: { model: '175b_finetuning', baseURL: 'http://user:secret@127.0.0.1:8787/v1?api-key=k' },
        canary: { model: `6b ${INJECTIONS.jsLink}`, baseURL: 'http://127.0.0.1:8787/v1' },
      },
      repeats: 1,
      evaluationCostUsd: 0.4321,
    },
    disagreements: [
      {
        itemId: `item-1 ${INJECTIONS.attr}`,
        prompt: `What is 2+2? ${INJECTIONS.textarea}`,
        reference: 4,
        primary: `2+2 = 4\nA: 4 ${INJECTIONS.endScript}`,
        canary: `A: 5 ${INJECTIONS.img}`,
        scores: [
          {
            scorer: 'numeric',
            primary: { score: 1, pass: true },
            canary: { score: 0, pass: false, reason: INJECTIONS.jsLink },
          },
        ],
      },
    ],
  };
}

/** `n` latency samples, log-normal around `medianMs`. */
function latencies(seed: number, n: number, medianMs: number, sigma: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Math.round(medianMs * Math.exp(sigma * rng.normal())));
}

function ecdf(values: number[], arm: string): Array<{ arm: string; latencyMs: number; p: number }> {
  const s = [...values].sort((a, b) => a - b);
  return s.map((v, i) => ({ arm, latencyMs: v, p: (i + 1) / s.length }));
}

const ARM_COLOR = {
  scale: { domain: ['primary', 'canary'], range: ['#0072B2', '#E69F00'] },
  legend: { title: 'arm' },
};

/** A realistic run: 400 GSM8K items, 8 charts (vega-rendered SVG + spec), 20 disagreements. */
export async function realisticReportInput(): Promise<ReportInput> {
  const base = smallReportInput();
  const primaryLat = latencies(1, 400, 1400, 0.45);
  const canaryLat = latencies(2, 396, 900, 0.5);
  const gates = base.decision.gates;
  const specs: Array<{ id: string; title: string; spec: TopLevelSpec }> = [
    {
      id: 'latency-ecdf',
      title: 'Latency ECDF (ms)',
      spec: {
        title: 'Latency ECDF',
        width: 420,
        height: 240,
        data: { values: [...ecdf(primaryLat, 'primary'), ...ecdf(canaryLat, 'canary')] },
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: { field: 'latencyMs', type: 'quantitative', title: 'latency (ms)' },
          y: { field: 'p', type: 'quantitative', title: 'share of calls ≤ x', axis: { format: '%' } },
          color: { field: 'arm', type: 'nominal', ...ARM_COLOR },
          strokeDash: { field: 'arm', type: 'nominal', legend: null },
          tooltip: [{ field: 'arm' }, { field: 'latencyMs', title: 'ms' }, { field: 'p', format: '.1%' }],
        },
      },
    },
    {
      id: 'latency-percentiles',
      title: 'Latency percentiles with 95% CI (ms)',
      spec: {
        title: 'Latency percentiles',
        width: 420,
        height: 220,
        data: {
          values: [
            { arm: 'primary', q: 'P50', v: 1400, lo: 1340, hi: 1460 },
            { arm: 'canary', q: 'P50', v: 900, lo: 860, hi: 950 },
            { arm: 'primary', q: 'P95', v: 2900, lo: 2700, hi: 3150 },
            { arm: 'canary', q: 'P95', v: 2050, lo: 1900, hi: 2250 },
            { arm: 'primary', q: 'P99', v: 3800, lo: 3400, hi: 4400 },
            { arm: 'canary', q: 'P99', v: 2900, lo: 2500, hi: 3500 },
          ],
        },
        encoding: {
          x: { field: 'q', type: 'nominal', title: 'percentile' },
          xOffset: { field: 'arm' },
          color: { field: 'arm', type: 'nominal', ...ARM_COLOR },
        },
        layer: [
          {
            mark: 'bar',
            encoding: {
              y: { field: 'v', type: 'quantitative', title: 'latency (ms)' },
              tooltip: [{ field: 'arm' }, { field: 'q' }, { field: 'v' }, { field: 'lo' }, { field: 'hi' }],
            },
          },
          {
            mark: { type: 'rule', color: '#333' },
            encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } },
          },
        ],
      },
    },
    {
      id: 'success-rate',
      title: 'Success rate with 95% CI',
      spec: {
        title: 'Success rate',
        width: 300,
        height: 160,
        data: {
          values: [
            { arm: 'primary', v: 0.995, lo: 0.982, hi: 0.999 },
            { arm: 'canary', v: 0.99, lo: 0.975, hi: 0.997 },
          ],
        },
        encoding: {
          y: { field: 'arm', type: 'nominal', title: null },
          color: { field: 'arm', type: 'nominal', ...ARM_COLOR },
        },
        layer: [
          {
            mark: { type: 'point', filled: true, size: 80 },
            encoding: {
              x: {
                field: 'v',
                type: 'quantitative',
                title: 'success rate',
                scale: { domain: [0.96, 1] },
                axis: { format: '.1%' },
              },
            },
          },
          { mark: 'rule', encoding: { x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } } },
        ],
      },
    },
    {
      id: 'cost',
      title: 'Cost per 1K tokens (USD)',
      spec: {
        title: 'Cost per 1K tokens',
        width: 300,
        height: 120,
        data: {
          values: [
            { arm: 'primary', v: 0.006 },
            { arm: 'canary', v: 0.0012 },
          ],
        },
        mark: 'bar',
        encoding: {
          y: { field: 'arm', type: 'nominal', title: null },
          x: { field: 'v', type: 'quantitative', title: 'USD per 1K tokens' },
          color: { field: 'arm', type: 'nominal', ...ARM_COLOR },
        },
      },
    },
    {
      id: 'quality',
      title: 'Pass rate per scorer',
      spec: {
        title: 'Pass rate per scorer',
        width: 300,
        height: 140,
        data: {
          values: [
            { scorer: 'numeric', arm: 'primary', v: 0.7 },
            { scorer: 'numeric', arm: 'canary', v: 0.52 },
            { scorer: `judge ${INJECTIONS.script}`, arm: 'primary', v: 0.74 },
            { scorer: `judge ${INJECTIONS.script}`, arm: 'canary', v: 0.6 },
          ],
        },
        mark: 'bar',
        encoding: {
          y: { field: 'scorer', type: 'nominal', title: null },
          yOffset: { field: 'arm' },
          x: { field: 'v', type: 'quantitative', title: 'pass rate', axis: { format: '%' } },
          color: { field: 'arm', type: 'nominal', ...ARM_COLOR },
        },
      },
    },
    {
      id: 'pairwise',
      title: 'Pairwise judge: canary wins / ties / losses',
      spec: {
        title: 'Pairwise verdicts',
        width: 300,
        height: 80,
        data: {
          values: [
            { outcome: 'canary wins', n: 120 },
            { outcome: 'tie', n: 90 },
            { outcome: 'canary loses', n: 190 },
          ],
        },
        mark: 'bar',
        encoding: {
          x: {
            field: 'n',
            type: 'quantitative',
            stack: 'normalize',
            title: 'share of judgments',
            axis: { format: '%' },
          },
          color: {
            field: 'outcome',
            type: 'nominal',
            scale: {
              domain: ['canary wins', 'tie', 'canary loses'],
              range: ['#009E73', '#999999', '#D55E00'],
            },
          },
        },
      },
    },
    {
      id: 'sequential',
      title: 'Sequential monitoring: quality difference over looks',
      spec: {
        title: 'Confidence sequence',
        width: 420,
        height: 180,
        data: {
          values: [1, 2, 3, 4, 5].map((look) => ({
            look,
            est: -0.12 - 0.01 * look,
            lo: -0.12 - 0.01 * look - 0.3 / Math.sqrt(look),
            hi: -0.12 - 0.01 * look + 0.3 / Math.sqrt(look),
          })),
        },
        encoding: { x: { field: 'look', type: 'ordinal', title: 'look' } },
        layer: [
          {
            mark: { type: 'area', opacity: 0.2 },
            encoding: {
              y: { field: 'lo', type: 'quantitative', title: 'canary − primary (pts)' },
              y2: { field: 'hi' },
            },
          },
          { mark: { type: 'line', point: true }, encoding: { y: { field: 'est', type: 'quantitative' } } },
          { mark: { type: 'rule', strokeDash: [4, 4] }, encoding: { y: { datum: -0.02 } } },
        ],
      },
    },
    {
      id: 'gates',
      title: 'Gate dashboard',
      spec: {
        title: 'Gates',
        width: 300,
        height: 120,
        data: { values: gates.map((g) => ({ gate: g.gate, status: g.status.toUpperCase() })) },
        mark: { type: 'text', align: 'left' },
        encoding: {
          y: { field: 'gate', type: 'nominal', title: null },
          text: { field: 'status' },
          color: {
            field: 'status',
            type: 'nominal',
            scale: { domain: ['PASS', 'FAIL', 'INCONCLUSIVE'], range: ['#009E73', '#D55E00', '#777777'] },
            legend: null,
          },
        },
      },
    },
  ];
  const charts: ReportChart[] = [];
  for (const s of specs) charts.push({ ...s, svg: await svgOf(s.spec), spec: s.spec });

  const rng = createRng(11);
  const disagreements: ReportDisagreement[] = Array.from({ length: 20 }, (_, i) => {
    const a = 10 + rng.int(90);
    const b = 2 + rng.int(9);
    const hostile = i % 4 === 0 ? ` ${HOSTILE}` : '';
    return {
      itemId: `gsm8k-${String(i * 17).padStart(4, '0')}`,
      prompt: `Natalia sold clips to ${a} of her friends in April, and then she sold ${b} times as many clips in May. How many clips did Natalia sell altogether in April and May?${hostile}`,
      reference: a + a * b,
      primary: `In May she sold ${a} × ${b} = ${a * b} clips.\nAltogether ${a} + ${a * b} = ${a + a * b}.\nA: ${a + a * b}`,
      canary: `She sold ${a} + ${b} = ${a + b} clips.${hostile}\nA: ${a + b}`,
      scores: [
        { scorer: 'numeric', primary: { score: 1, pass: true }, canary: { score: 0, pass: false } },
        {
          scorer: 'judge',
          primary: { score: 9, pass: true, reason: 'correct multiplication' },
          canary: { score: 3, pass: false, reason: `adds instead of multiplying${hostile}` },
        },
      ],
      pairwise: {
        judge: 'sim-judge',
        winner: 'primary',
        orderConsistent: i % 5 !== 0,
        reason: `primary is right${hostile}`,
      },
    };
  });

  return {
    ...base,
    decision: {
      ...base.decision,
      verdict: 'hold',
    },
    analysis: {
      ...base.analysis,
      runId: 'demo-gsm8k',
      cost: {
        primary: {
          totalUsd: 1.92,
          requests: 400,
          tokens: 320_000,
          per1kTokensUsd: 0.006,
          perRequestUsd: 0.0048,
          monthlyUsd: 4800,
        },
        canary: {
          totalUsd: 0.38,
          requests: 396,
          tokens: 316_000,
          per1kTokensUsd: 0.0012,
          perRequestUsd: 0.00096,
          monthlyUsd: 960,
        },
        monthlyRequests: 1_000_000,
      },
      pairwise: {
        judge: 'sim-judge',
        wins: 120,
        ties: 90,
        losses: 190,
        orderInconsistent: 31,
        n: 400,
        winRate: { n: 400, estimate: 0.4125, ci: [0.365, 0.462] },
      },
      judgeReliability: {
        judge: `sim-judge ${INJECTIONS.img}`,
        n: 400,
        errors: 3,
        positionFlipRate: { count: 31, n: 400, estimate: 0.0775, ci: [0.0551, 0.108] },
        firstPositionPreference: { count: 170, n: 310, estimate: 0.548, ci: [0.493, 0.603] },
        lengthBias: { count: 160, n: 300, estimate: 0.5333, ci: [0.477, 0.589] },
        agreement: [
          {
            between: ['sim-judge', 'numeric'],
            on: 'winner',
            n: 396,
            kappa: 0.71,
            ci: [0.64, 0.78],
            observedAgreement: 0.85,
          },
        ],
        extra: { note: INJECTIONS.script },
      },
      excludedFromQuality: { primary: 2, canary: 6 },
    },
    charts,
    manifest: {
      ...base.manifest,
      runId: 'demo-gsm8k',
      dataset: { source: 'datasets/gsm8k/model_solutions.jsonl', items: 400 },
      judge: { model: 'sim-judge' },
    },
    disagreements,
  };
}
