/** Error rate across time windows: per-window rates, χ² homogeneity, the error_rate_variance comparison and the consistency τ. */

import { formatWindowWidth } from '../../format';
import { bootstrapCI } from '../../stats/bootstrapCI';
import { chiSquareIndependence } from '../../stats/chiSquareIndependence';
import type { TestResult } from '../../stats/types';
import { variance } from '../../stats/variance';
import type { ArmEstimate, CallRecord, MetricComparison } from '../../types';
import { errorRateConsistencyComparison } from '../consistency';
import { METRIC_UNITS, type Settings } from '../options';
import type { RunSummary, WindowCount } from '../summary/types';
import type { RunAnalysis } from '../types';

/** Per window: its error rate, and its [ok, failed] counts (a row of the homogeneity table). */
export interface Windows {
  rates: number[];
  table: number[][];
}

function windowsOfTable(table: number[][]): Windows {
  return { rates: table.map(([ok, fail]) => fail / (ok + fail)), table };
}

/**
 * Splits an arm's calls, ordered by start time, into consecutive windows of `size` calls; a last window
 * shorter than half the size joins the one before it.
 *
 * @example
 * windowRates(canaryCalls, 50).rates; // => [0, 0.02, 0, 0.04, …] (failed share of each window)
 */
export function windowRates(calls: readonly CallRecord[], size: number): Windows {
  const sorted = [...calls].sort(
    (a, b) =>
      Date.parse(a.startedAt) - Date.parse(b.startedAt) ||
      (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0) ||
      (a.repeat ?? 0) - (b.repeat ?? 0),
  );
  const groups: CallRecord[][] = [];
  for (let i = 0; i < sorted.length; i += size) groups.push(sorted.slice(i, i + size));
  if (groups.length >= 2 && groups[groups.length - 1].length < size / 2) {
    const last = groups.pop() as CallRecord[];
    groups[groups.length - 1].push(...last);
  }
  return windowsOfTable(
    groups.map((g) => {
      const fail = g.filter((c) => !c.ok).length;
      return [g.length - fail, fail];
    }),
  );
}

/** The windows of a summary's time-window counts that have calls. */
function windowTable(ws: readonly WindowCount[]): Windows {
  return windowsOfTable(ws.filter((w) => w.calls > 0).map((w) => [w.calls - w.failures, w.failures]));
}

function homogeneityTest(w: Windows): TestResult {
  const method = 'Chi-square test of independence, window × ok/failed';
  if (w.table.length < 2)
    return { method: `${method} (fewer than 2 windows)`, statistic: 0, pValue: 1, alternative: 'two-sided' };
  const fails = w.table.reduce((a, r) => a + r[1], 0);
  const oks = w.table.reduce((a, r) => a + r[0], 0);
  if (fails === 0 || oks === 0)
    return {
      method: `${method} (every call ${fails === 0 ? 'succeeded' : 'failed'}: rates are equal)`,
      statistic: 0,
      pValue: 1,
      alternative: 'two-sided',
      df: w.table.length - 1,
    };
  const r = chiSquareIndependence(w.table);
  return { method: r.method, statistic: r.statistic, pValue: r.pValue, alternative: r.alternative, df: r.df };
}

/** Sample variance of a bootstrap resample. */
function varStat(x: Float64Array): number {
  let m = 0;
  for (const v of x) m += v;
  m /= x.length;
  let ss = 0;
  for (const v of x) ss += (v - m) * (v - m);
  return ss / (x.length - 1);
}

/** A percentile bootstrap interval, or null when it cannot be computed. */
function percentileBootstrap(
  run: (method: 'bca' | 'percentile') => { lower: number; upper: number },
): { lower: number; upper: number } | null {
  try {
    return run('percentile');
  } catch {
    return null;
  }
}

function errorVarianceComparison(
  p: number[],
  c: number[],
  canaryTest: TestResult,
  s: Settings,
): MetricComparison | null {
  if (p.length < 2 || c.length < 2) return null;
  const arm = (x: number[], seed: number): ArmEstimate => {
    const est = variance(x);
    const r = x.every((v) => v === x[0])
      ? null
      : percentileBootstrap((method) =>
          bootstrapCI({
            samples: [x],
            statistic: varStat,
            method,
            resamples: s.resamples,
            confidence: s.confidence,
            seed,
          }),
        );
    return { n: x.length, estimate: est, ci: r ? [r.lower, r.upper] : [est, est] };
  };
  const primary = arm(p, s.seed + 500);
  const canary = arm(c, s.seed + 501);
  const allEqual = p.every((v) => v === p[0]) && c.every((v) => v === c[0]);
  const d = allEqual
    ? null
    : percentileBootstrap((method) =>
        bootstrapCI({
          samples: [p, c],
          statistic: (x, y) => varStat(y) - varStat(x),
          method,
          resamples: s.resamples,
          confidence: s.confidence,
          seed: s.seed + 502,
        }),
      );
  const est = canary.estimate - primary.estimate;
  return {
    metric: 'error_rate_variance',
    unit: METRIC_UNITS.error_rate_variance,
    better: 'lower',
    primary,
    canary,
    delta: { estimate: est, ci: d ? [d.lower, d.upper] : [est, est] },
    test: {
      method: `Canary homogeneity across ${c.length} windows: ${canaryTest.method}; intervals by percentile bootstrap over windows`,
      statistic: canaryTest.statistic,
      pValue: canaryTest.pValue,
    },
  };
}

/**
 * The error-rate-across-windows results of a summary: the comparisons error_rate_variance and
 * error_rate_consistency (each when both arms have 2 windows with calls, in that order) and RunAnalysis's
 * `errorWindows`; a note when consistency is not measured.
 */
export function errorWindowMetrics(
  summary: RunSummary,
  s: Settings,
  notes: string[],
): { comparisons: MetricComparison[]; errorWindows: RunAnalysis['errorWindows'] } {
  const comparisons: MetricComparison[] = [];
  const widthMs = summary.windowing.widthMs;
  const windows = {
    primary: windowTable(summary.primary.windows),
    canary: windowTable(summary.canary.windows),
  };
  const homogeneity = { primary: homogeneityTest(windows.primary), canary: homogeneityTest(windows.canary) };
  const windowVariance = {
    primary: windows.primary.rates.length >= 2 ? variance(windows.primary.rates) : 0,
    canary: windows.canary.rates.length >= 2 ? variance(windows.canary.rates) : 0,
  };
  const ev = errorVarianceComparison(windows.primary.rates, windows.canary.rates, homogeneity.canary, s);
  if (ev) comparisons.push(ev);
  const consistency = errorRateConsistencyComparison({
    primary: summary.primary.windows,
    canary: summary.canary.windows,
    confidence: s.confidence,
  });
  if (consistency) comparisons.push(consistency);
  else
    notes.push(
      `Error-rate consistency not measured: fewer than 2 time windows of ${formatWindowWidth(widthMs)} with calls per arm (${windows.primary.rates.length} primary, ${windows.canary.rates.length} canary).`,
    );
  return {
    comparisons,
    errorWindows: {
      widthMs,
      primary: windows.primary.rates,
      canary: windows.canary.rates,
      homogeneity,
      variance: windowVariance,
    },
  };
}
