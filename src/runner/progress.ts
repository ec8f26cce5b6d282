import { formatSpend } from '../format';
import type { BatchProgress } from './batchTypes';

/** Where progress goes: a terminal (redrawn bar) or a log (plain periodic lines). */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  /** Terminal width: lines are cut to fit so that redrawing never wraps. */
  columns?: number;
}

/**
 * Renders runBatch progress: on a terminal a redrawn two-line display — a bar with done/total, done/total per
 * arm, calls/s, errors by kind, spend and ETA, then the live window summary per arm (recent success rate and
 * P50/P95 latency over the last finished calls) — and elsewhere (CI, cron, files) one plain line at most
 * every `intervalMs`. Pass the returned `update` as `onProgress`, and call `finish()` once the batch is done
 * (prints the final state).
 *
 * @example
 * const bar = createProgressReporter();
 * await runBatch({ items, arms, runId: 'r1', onProgress: bar.update });
 * bar.finish();
 */
export function createProgressReporter(
  opts: { stream?: ProgressStream; intervalMs?: number; width?: number; now?: () => number } = {},
): { update: (p: BatchProgress) => void; finish: () => void } {
  const stream = opts.stream ?? process.stderr;
  const tty = stream.isTTY === true;
  const intervalMs = opts.intervalMs ?? (tty ? 100 : 5000);
  const now = opts.now ?? (() => performance.now());
  let last = Number.NEGATIVE_INFINITY;
  let latest: BatchProgress | null = null;
  let linesOnScreen = 0;
  const fitWidth = (line: string) => {
    const cols = stream.columns;
    return cols && cols > 1 && line.length >= cols ? `${line.slice(0, cols - 2)}…` : line;
  };
  const frame = (p: BatchProgress, final: boolean): string => {
    const [main, live] = renderProgress(p, tty ? (opts.width ?? 20) : 0);
    if (!tty) return `progress: ${main}${live ? ` | ${live}` : ''}\n`;
    // Back to the first line of the previous frame, then redraw every line.
    let out = linesOnScreen > 1 ? `\x1b[${linesOnScreen - 1}A` : '';
    out += `\r\x1b[2K${fitWidth(main)}`;
    if (live) out += `\n\r\x1b[2K${fitWidth(live)}`;
    linesOnScreen = live ? 2 : 1;
    if (final) {
      out += '\n';
      linesOnScreen = 0;
    }
    return out;
  };
  return {
    update(p) {
      latest = p;
      const t = now();
      if (t - last < intervalMs) return;
      last = t;
      stream.write(frame(p, false));
    },
    finish() {
      if (!latest) return;
      stream.write(frame(latest, true));
    },
  };
}

/**
 * The text of a progress display: the main line (bar when `barWidth` > 0, done/total overall and per arm,
 * calls/s, errors by kind, spend, ETA) and the live window line (empty when there is no live summary).
 *
 * @example
 * const [main, live] = renderProgress(p, 20);
 */
export function renderProgress(p: BatchProgress, barWidth = 0): [string, string] {
  const known = p.totalKnown !== false;
  const frac = known ? (p.total ? p.done / p.total : 1) : Number.NaN;
  const filled = Number.isNaN(frac) ? 0 : Math.round(frac * barWidth);
  const arms = Object.entries(p.perArm)
    .map(
      ([arm, a]) =>
        `${arm} ${a.done}${a.total !== undefined ? `/${a.total}${known ? '' : '+'}` : ''}${a.cached ? ` (${a.cached} cached)` : ''}`,
    )
    .join(', ');
  const errors = Object.entries(p.errorsByKind)
    .map(([k, n]) => `${k}:${n}`)
    .join(' ');
  const eta = p.etaSeconds === null ? '—' : formatDuration(p.etaSeconds);
  const bar = barWidth > 0 ? `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ` : '';
  const total = known
    ? `${p.total} calls (${(100 * frac).toFixed(0)}%)`
    : `${p.total}+ calls (reading items)`;
  const main =
    `${bar}${p.done}/${total} | ${arms} | ${p.callsPerSecond.toFixed(0)} calls/s` +
    ` | errors ${errors || 'none'} | ${formatSpend(p.spentUsd)} | ETA ${eta}`;
  const live = p.live;
  if (!live) return [main, ''];
  const parts = Object.entries(live)
    .filter(([, s]) => s.window > 0)
    .map(([arm, s]) => {
      const errs = Object.entries(s.errorsByKind)
        .map(([k, n]) => `${k}:${n}`)
        .join(' ');
      const lat = Number.isNaN(s.p50LatencyMs)
        ? 'no latency yet'
        : `p50 ${s.p50LatencyMs.toFixed(0)} ms p95 ${s.p95LatencyMs.toFixed(0)} ms`;
      return `${arm} ok ${(100 * s.successRate).toFixed(1)}% ${lat}${errs ? ` (${errs})` : ''} [${s.window}]`;
    });
  return [main, parts.length ? `recent: ${parts.join(' | ')}` : ''];
}

/** `5s`, `1m35s`, `1h02m`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
