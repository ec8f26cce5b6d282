import type { GateResult, MetricComparison } from '../types';

/** Units the analysis and decision code use for proportions, money and times (both spellings seen). */
const PROPORTION_UNITS = new Set(['ratio', 'proportion', 'rate', 'pass rate', 'win rate']);
const USD_UNITS = new Set(['usd', 'USD', '$']);
const USD_PER_1K_UNITS = new Set(['usd_per_1k_tokens', 'USD/1K tokens']);

/** A plain number: integers with thousands separators, others with 3–4 significant digits. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? '—' : x > 0 ? '∞' : '−∞';
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return x.toLocaleString('en-US');
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 1) return x.toPrecision(4).replace(/\.?0+$/, '');
  if (a >= 1e-4) return x.toPrecision(3);
  return x.toExponential(2);
}

/**
 * Formats a value in the unit of its metric: proportions as percent, ms, USD, USD per 1K tokens.
 *
 * @example
 * formatMetricValue(0.9953, 'ratio'); // => '99.53%'
 * formatMetricValue(2843.2, 'ms');    // => '2,843 ms'
 * formatMetricValue(-0.005, 'ratio', { signed: true }); // => '−0.50 pts'
 */
export function formatMetricValue(
  x: number,
  unit: string,
  opts: { signed?: boolean; bare?: boolean } = {},
): string {
  if (!Number.isFinite(x)) return formatNumber(x);
  const sign = opts.signed && x > 0 ? '+' : x < 0 ? '−' : '';
  const a = Math.abs(x);
  if (PROPORTION_UNITS.has(unit)) return `${sign}${(100 * a).toFixed(2)}${opts.signed ? ' pts' : '%'}`;
  if (unit === 'ms') return `${sign}${Math.round(a).toLocaleString('en-US')}${opts.bare ? '' : ' ms'}`;
  if (USD_UNITS.has(unit)) return `${sign}${usd(a)}`;
  if (USD_PER_1K_UNITS.has(unit))
    return `${sign}$${a === 0 ? '0' : a.toPrecision(3)}${opts.bare ? '' : '/1K tok'}`;
  const bare = opts.bare || !unit || unit === 'count' || unit === 'ratio²';
  return `${sign}${formatNumber(a)}${bare ? '' : ` ${unit}`}`;
}

/** The unit a table column states once when its cells are formatted with `bare`. */
export function unitLabel(unit: string): string {
  if (unit === 'ms') return 'ms';
  if (USD_PER_1K_UNITS.has(unit)) return 'USD / 1K tokens';
  if (PROPORTION_UNITS.has(unit)) return '%';
  return unit;
}

function usd(a: number): string {
  if (a !== 0 && a < 0.01) return `$${a.toPrecision(3)}`;
  return `$${a.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** A relative change as a signed percent: 0.123 → '+12.3%'. */
export function formatRelative(x: number): string {
  if (!Number.isFinite(x)) return formatNumber(x);
  return `${x > 0 ? '+' : x < 0 ? '−' : ''}${Math.abs(100 * x).toFixed(1)}%`;
}

/** A p-value: '< 0.0001' below that, else 2 significant digits. */
export function formatPValue(p: number | undefined): string {
  if (p === undefined || !Number.isFinite(p)) return '—';
  if (p < 1e-4) return '< 0.0001';
  return p >= 0.1 ? p.toFixed(2) : p.toPrecision(2);
}

/** '[lo, hi]' with the given formatter. */
export function formatInterval(ci: readonly [number, number], f: (x: number) => string): string {
  if (!Number.isFinite(ci[0]) && !Number.isFinite(ci[1])) return '—';
  return `[${f(ci[0])}, ${f(ci[1])}]`;
}

/** USD with cents, or 3 significant digits below a cent. */
export function formatUsd(x: number): string {
  return formatMetricValue(x, 'usd');
}

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
  if (!mc) return formatNumber;
  const same = (a: number, b: number) => a === b || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
  if (same(gate.observed, mc.canary.estimate)) return (x) => formatMetricValue(x, mc.unit);
  if (mc.delta.relative && same(gate.observed, mc.delta.relative.estimate)) return formatRelative;
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
