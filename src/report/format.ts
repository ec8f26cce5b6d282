import { formatMetricValue, formatNumber, formatRelative } from '../format';
import type { GateResult, MetricComparison } from '../types';

// The report's own formatters: how a gate's numbers read (gateFormatter) and a run's duration. The one
// number formatter lives in src/format.ts and the report's modules import it from there.

/**
 * How a gate's numbers read: a gate judges the canary's value (absolute), the relative change
 * (relative) or the difference canary − primary (difference / non-inferiority); GateResult does not say
 * which, so the kind is recognised by matching the observed value against the metric's comparison.
 */
export function gateFormatter(
  gate: GateResult,
  comparisons: readonly MetricComparison[],
): (x: number) => string {
  const mc = comparisons.find((c) => c.metric === gate.metric && !c.segment);
  if (!mc) return (x) => formatNumber(x);
  const same = (a: number, b: number) => a === b || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
  if (same(gate.observed, mc.canary.estimate)) return (x) => formatMetricValue(x, mc.unit);
  if (mc.delta.relative && same(gate.observed, mc.delta.relative.estimate)) return (x) => formatRelative(x);
  if (same(gate.observed, mc.delta.estimate)) return (x) => formatMetricValue(x, mc.unit, { signed: true });
  return (x) => formatMetricValue(x, mc.unit);
}

/** A duration between two ISO times: '42 s', '3 min 05 s', '1 h 02 min'; '—' when either is missing. */
export function formatDuration(fromIso: string | undefined, toIso: string | undefined): string {
  if (!fromIso || !toIso) return '—';
  const ms = Date.parse(toIso) - Date.parse(fromIso);
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
