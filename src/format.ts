/**
 * The one number formatter: plain numbers, percentages, percentage points, USD, USD per 1K tokens,
 * milliseconds and counts, used by the CLI, the report, the decision's reason strings and the charts'
 * text labels. A bottom-layer module: it imports nothing, so every layer can use it.
 *
 * Conventions: negative values carry a true minus sign (U+2212 '−'); `signed` adds '+' to positive values
 * (zero stays unsigned); a signed proportion is a difference of two rates and reads in percentage points
 * ('pts'); a non-zero rate too small for the requested decimals keeps two significant digits instead of
 * reading '0.00%'.
 */

/** Options of {@link formatMetricValue}. */
export interface FormatOptions {
  /** A difference: '+' before positive values; proportions read in percentage points ('pts'). */
  signed?: boolean;
  /** Leave out the unit ('ms', '/1K tok', ' pts', or a free-text unit); a table column states it once. */
  bare?: boolean;
  /** Decimals of percentages and percentage points (default 2; chart labels use 1), and of plain numbers. */
  digits?: number;
}

/** Units the analysis and decision code use for proportions, money and times (both spellings seen). */
const PROPORTION_UNITS = new Set(['ratio', 'proportion', 'rate', 'pass rate', 'win rate']);
const USD_UNITS = new Set(['usd', 'USD', '$']);
const USD_PER_1K_UNITS = new Set(['usd_per_1k_tokens', 'USD/1K tokens']);
const POINTS_UNITS = new Set(['points', 'pts', 'pp']);
const MINUS = '−';

/** True for the units whose values are proportions in [0, 1] (shown as percentages). */
export function isProportionUnit(unit: string): boolean {
  return PROPORTION_UNITS.has(unit);
}

/** '—' for NaN, '∞' / '−∞' for infinities. */
function nonFinite(x: number): string {
  return Number.isNaN(x) ? '—' : x > 0 ? '∞' : `${MINUS}∞`;
}

function signOf(x: number, signed: boolean | undefined): string {
  return x < 0 ? MINUS : signed && x > 0 ? '+' : '';
}

/** `a` (≥ 0) with thousands separators and exactly `digits` decimals. */
function grouped(a: number, digits = 0): string {
  return a.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** `a` (≥ 0) with `digits` decimals, or two significant digits when it is non-zero and below 10^−digits. */
function decimalsOrTiny(a: number, digits: number): string {
  return a !== 0 && a < 10 ** -digits ? a.toPrecision(2) : a.toFixed(digits);
}

/**
 * A plain number: integers with thousands separators, others with 3–4 significant digits,
 * scientific below 1e-4; with `digits`, exactly that many decimals (a score difference: '0.20').
 *
 * @example
 * formatNumber(12345);   // => '12,345'
 * formatNumber(1.23456); // => '1.235'
 * formatNumber(0.2, { digits: 2 }); // => '0.20'
 */
export function formatNumber(x: number, opts: { digits?: number } = {}): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  const sign = x < 0 ? MINUS : '';
  const a = Math.abs(x);
  if (opts.digits !== undefined) {
    return sign + (a !== 0 && a < 10 ** -opts.digits ? a.toPrecision(2) : grouped(a, opts.digits));
  }
  if (Number.isInteger(a) && a < 1e15) return sign + grouped(a);
  if (a >= 999.95) return sign + grouped(Math.round(a));
  if (a >= 1) {
    const s = a.toPrecision(4);
    return sign + (s.includes('.') ? s.replace(/\.?0+$/, '') : s);
  }
  if (a >= 1e-4) return sign + a.toPrecision(3);
  return sign + a.toExponential(2);
}

/**
 * A proportion as a percentage: 0.9953 → '99.53%'; `{ signed: true }` makes it a difference of rates in
 * percentage points ('+0.50 pts').
 */
export function formatPercent(x: number, opts: FormatOptions = {}): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  const body = decimalsOrTiny(Math.abs(100 * x), opts.digits ?? 2);
  // A difference keeps ' pts' even when `bare`: its column states '%', and points are not percent.
  const suffix = opts.signed ? ' pts' : '%';
  return `${signOf(x, opts.signed)}${body}${suffix}`;
}

/** A value already in percentage points (the error-rate consistency τ): 0.12 → '0.12 pts'. */
export function formatPoints(x: number, opts: FormatOptions = {}): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  const body = decimalsOrTiny(Math.abs(x), opts.digits ?? 2);
  return `${signOf(x, opts.signed)}${body}${opts.bare ? '' : ' pts'}`;
}

/** USD with thousands separators and cents, or 3 significant digits below a cent: '$4,018.00', '$0.00420'. */
export function formatUsd(x: number, opts: FormatOptions = {}): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  const a = Math.abs(x);
  return `${signOf(x, opts.signed)}$${a !== 0 && a < 0.01 ? a.toPrecision(3) : grouped(a, 2)}`;
}

/**
 * Formats a value in the unit of its metric: proportions as percent (differences in percentage points),
 * 'points' as percentage points, ms, USD, USD per 1K tokens, counts and free-text units.
 *
 * @example
 * formatMetricValue(0.9953, 'ratio'); // => '99.53%'
 * formatMetricValue(2843.2, 'ms');    // => '2,843 ms'
 * formatMetricValue(-0.005, 'ratio', { signed: true }); // => '−0.50 pts'
 * formatMetricValue(0.994, 'ratio', { digits: 1 });     // => '99.4%'
 */
export function formatMetricValue(x: number, unit: string, opts: FormatOptions = {}): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  if (PROPORTION_UNITS.has(unit)) return formatPercent(x, opts);
  if (POINTS_UNITS.has(unit)) return formatPoints(x, opts);
  if (USD_UNITS.has(unit)) return formatUsd(x, opts);
  const sign = signOf(x, opts.signed);
  const a = Math.abs(x);
  if (unit === 'ms') return `${sign}${grouped(Math.round(a))}${opts.bare ? '' : ' ms'}`;
  if (USD_PER_1K_UNITS.has(unit))
    return `${sign}$${a === 0 ? '0' : a.toPrecision(3)}${opts.bare ? '' : '/1K tok'}`;
  const bare = opts.bare || !unit || unit === 'count' || unit === 'ratio²';
  return `${sign}${formatNumber(a, { digits: opts.digits })}${bare ? '' : ` ${unit}`}`;
}

/** The unit a table column states once when its cells are formatted with `bare`. */
export function unitLabel(unit: string): string {
  if (unit === 'ms') return 'ms';
  if (USD_PER_1K_UNITS.has(unit)) return 'USD / 1K tokens';
  if (PROPORTION_UNITS.has(unit)) return '%';
  if (POINTS_UNITS.has(unit)) return 'pts';
  return unit;
}

/** A relative change as a signed percent: 0.123 → '+12.3%' (`digits` decimals, default 1). */
export function formatRelative(x: number, opts: { digits?: number } = {}): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  return `${signOf(x, true)}${decimalsOrTiny(Math.abs(100 * x), opts.digits ?? 1)}%`;
}

/** A p-value: '< 0.0001' below that, else 2 significant digits. */
export function formatPValue(p: number | undefined): string {
  if (p === undefined || !Number.isFinite(p)) return '—';
  if (p < 1e-4) return '< 0.0001';
  return p >= 0.1 ? p.toFixed(2) : p.toPrecision(2);
}

/** A p-value in a sentence: 'p = 0.012', or 'p < 0.0001'; `name` replaces 'p' ('always-valid p'). */
export function formatPStatement(p: number | undefined, name = 'p'): string {
  const s = formatPValue(p);
  return s.startsWith('<') ? `${name} ${s}` : `${name} = ${s}`;
}

/**
 * A p-value that keeps its size however small (the sample-ratio check's 'p = 1.79e-116'): 3 significant
 * digits, scientific below 0.001, '0' for zero; '—' when not finite.
 */
export function formatPScientific(p: number): string {
  if (!Number.isFinite(p)) return '—';
  if (p === 0) return '0';
  return p < 0.001 ? p.toExponential(2) : p.toPrecision(3);
}

/**
 * A rate in a method or note sentence: at most 2 decimals, trailing zeros dropped (0.95 → '95%', 0.999 →
 * '99.9%', 0.0125 → '1.25%'); '—' when not finite.
 */
export function formatShortPercent(x: number): string {
  if (!Number.isFinite(x)) return '—';
  return `${Number((100 * x).toFixed(2))}%`;
}

/**
 * A number with exactly `digits` decimals in JavaScript's own text (no grouping, '-' for negatives), as a
 * test statistic reads in a sentence: 526.3158 → '526.32', 0.0021 → '0.00' (digits 2); '—' when not finite.
 */
export function formatFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return '—';
  return x.toFixed(digits);
}

/**
 * A window width as an adjective in a sentence ('error rates per 1-hour window'): whole hours, else whole
 * minutes, else whole seconds, else milliseconds: 3_600_000 → '1-hour', 300_000 → '5-minute', 250 → '250-ms'.
 */
export function formatWindowWidth(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}-hour`;
  if (ms % 60_000 === 0) return `${ms / 60_000}-minute`;
  if (ms % 1000 === 0) return `${ms / 1000}-second`;
  return `${ms}-ms`;
}

/** '[lo, hi]' with the given formatter; '—' when neither end is finite. */
export function formatInterval(ci: readonly [number, number], f: (x: number) => string): string {
  if (!Number.isFinite(ci[0]) && !Number.isFinite(ci[1])) return '—';
  return `[${f(ci[0])}, ${f(ci[1])}]`;
}

/** A confidence level as a whole percent: 0.95 → '95%' (name an interval: `${formatConfidence(0.95)} CI`). */
export function formatConfidence(level: number): string {
  return `${Math.round(100 * level)}%`;
}

/**
 * A share with exactly `digits` decimals (default 1), as the calibration tables print rates so a column
 * lines up: 0.27 → '27.0%', 0.0004 → '0.0%' (formatPercent would keep two significant digits); `bare`
 * leaves out '%' (the bounds of a bracketed interval); '—' when not finite. Negative values read as
 * toFixed writes them ('-3.0%').
 */
export function formatFixedPercent(x: number, opts: { digits?: number; bare?: boolean } = {}): string {
  if (!Number.isFinite(x)) return '—';
  return `${(100 * x).toFixed(opts.digits ?? 1)}${opts.bare ? '' : '%'}`;
}

/**
 * A fraction written back as the percent a setting means, with up to 6 significant digits and no
 * trailing zeros (JavaScript's own number text, so a negative value keeps '-'): -1.5 → '-150%',
 * 0.2 → '20%', 0.123456789 → '12.3457%'. For messages about a policy's thresholds.
 */
export function formatSettingPercent(x: number): string {
  return `${Number((x * 100).toPrecision(6))}%`;
}

/** Puts an explicit sign before a magnitude formatted by `fmt`: '+' above zero, '−' below, none at zero. */
export function formatSigned(x: number, fmt: (v: number) => string): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  return x > 0 ? `+${fmt(x)}` : x < 0 ? `${MINUS}${fmt(-x)}` : fmt(0);
}

/**
 * Money spent so far, as the progress line, the run summary and the budget messages show it: '$' and exactly
 * four decimals, no grouping ('$0.0123', '$1234.5000').
 *
 * @example
 * formatSpend(0.01234); // => '$0.0123'
 */
export function formatSpend(usd: number): string {
  return `$${usd.toFixed(4)}`;
}

/**
 * An elapsed time in milliseconds as seconds with one decimal, no grouping: 12345 → '12.3 s'.
 *
 * @example
 * formatSeconds(12_345); // => '12.3 s'
 */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * A number with at most `digits` significant digits, in JavaScript's own number text: no grouping, '-' for
 * negatives, trailing zeros dropped, exponent form where JavaScript writes one ('1e-7'). For the notebooks'
 * table cells, which show raw values: 0.123456 → '0.1235', 123456.7 → '123500' (digits 4).
 *
 * @example
 * formatSignificant(-2.71838, 3); // => '-2.72'
 */
export function formatSignificant(x: number, digits: number): string {
  return String(Number(x.toPrecision(digits)));
}
