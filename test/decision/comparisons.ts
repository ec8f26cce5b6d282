import type { MetricComparison } from '../../src/types';

/**
 * A comparison with the given canary interval [estimate, lo, hi] (the primary gets the same), and optional
 * delta and relative delta intervals (hand-made inputs for the gate logic).
 */
export function mc(
  metric: string,
  unit: string,
  better: 'higher' | 'lower',
  canary: [number, number, number],
  opts: { n?: number; delta?: [number, number, number]; relative?: [number, number, number] } = {},
): MetricComparison {
  const n = opts.n ?? 1000;
  const [d, dlo, dhi] = opts.delta ?? [0, -0.01, 0.01];
  return {
    metric,
    unit,
    better,
    primary: { n, estimate: canary[0], ci: [canary[1], canary[2]] },
    canary: { n, estimate: canary[0], ci: [canary[1], canary[2]] },
    delta: {
      estimate: d,
      ci: [dlo, dhi],
      relative: opts.relative
        ? { estimate: opts.relative[0], ci: [opts.relative[1], opts.relative[2]] }
        : undefined,
    },
    test: { method: 'hand-made', statistic: 0, pValue: 1 },
  };
}

/** Unit names of the healthy set: src/analysis's METRIC_UNITS, or the contract's (canary-contracts.md). */
export const ANALYSIS_UNITS = { rate: 'proportion', costPer1k: 'usd_per_1k_tokens' };
export const CONTRACT_UNITS = { rate: 'ratio', costPer1k: 'USD/1K tokens' };

/** The default policy's five metrics, each passing its gate on its whole interval. */
export const healthy = (units: typeof ANALYSIS_UNITS = ANALYSIS_UNITS): MetricComparison[] => [
  mc('success_rate', units.rate, 'higher', [0.999, 0.9975, 0.9996]),
  mc('latency_p95_ms', 'ms', 'lower', [1400, 1300, 1500]),
  mc('cost_per_1k_tokens_usd', units.costPer1k, 'lower', [0.004, 0.0039, 0.0041], {
    relative: [-0.5, -0.52, -0.48],
  }),
  mc('quality', units.rate, 'higher', [0.8, 0.78, 0.82], { delta: [0.005, -0.01, 0.02] }),
  // Error-rate consistency: between-window SD τ in percentage points over 20 windows (issue 17).
  mc('error_rate_consistency', 'points', 'lower', [0.02, 0, 0.06], { n: 20 }),
];
