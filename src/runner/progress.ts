import type { BatchProgress } from './runBatch';

/** Where progress goes: a terminal (redrawn bar) or a log (plain periodic lines). */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/**
 * Renders runBatch progress: on a terminal one redrawn line with a bar, done/total per arm, calls/s, errors
 * by kind, spend and ETA; elsewhere (CI, cron, files) a plain line at most every `intervalMs`. Pass the
 * returned `update` as `onProgress`, and call `finish()` once the batch is done (prints the final state).
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
  const render = (p: BatchProgress): string => {
    const frac = p.total ? p.done / p.total : 1;
    const width = opts.width ?? 20;
    const filled = Math.round(frac * width);
    const arms = Object.entries(p.perArm)
      .map(([arm, a]) => `${arm} ${a.done}${a.cached ? ` (${a.cached} cached)` : ''}`)
      .join(', ');
    const errors = Object.entries(p.errorsByKind)
      .map(([k, n]) => `${k}:${n}`)
      .join(' ');
    const eta = p.etaSeconds === null ? '—' : formatDuration(p.etaSeconds);
    const bar = tty ? `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ` : '';
    return (
      `${bar}${p.done}/${p.total} calls (${(100 * frac).toFixed(0)}%) | ${arms} | ${p.callsPerSecond.toFixed(0)} calls/s` +
      ` | errors ${errors || 'none'} | $${p.spentUsd.toFixed(4)} | ETA ${eta}`
    );
  };
  return {
    update(p) {
      latest = p;
      const t = now();
      if (t - last < intervalMs) return;
      last = t;
      stream.write(tty ? `\r\x1b[2K${render(p)}` : `progress: ${render(p)}\n`);
    },
    finish() {
      if (!latest) return;
      stream.write(tty ? `\r\x1b[2K${render(latest)}\n` : `progress: ${render(latest)}\n`);
    },
  };
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
