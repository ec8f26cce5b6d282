import { describe, expect, it } from 'vitest';
import { createProgressReporter, formatDuration, renderProgress } from '../../src/runner/progress';
import type { BatchProgress } from '../../src/runner/runBatch';

const progress = (done: number): BatchProgress => ({
  total: 200,
  done,
  perArm: {
    primary: { done: done / 2, errors: 0, cached: 5 },
    canary: { done: done / 2, errors: 3, cached: 0 },
  },
  errorsByKind: { server: 2, timeout: 1 },
  spentUsd: 0.01234,
  callsPerSecond: 42,
  etaSeconds: 95,
});

/** A reporter on a 10-column-bar terminal whose output collects in `out`, at the clock `t` (ms). */
function ttyReporter() {
  const tty = { out: '', t: 0 };
  const reporter = createProgressReporter({
    stream: { isTTY: true, write: (s: string) => (tty.out += s) },
    now: () => tty.t,
    width: 10,
  });
  return Object.assign(tty, { reporter });
}

describe('createProgressReporter', () => {
  it('redraws one line with a bar on a terminal', () => {
    const tty = ttyReporter();
    const r = tty.reporter;
    r.update(progress(100));
    tty.t = 50; // within the 100 ms redraw interval: skipped
    r.update(progress(110));
    r.finish();
    const frames = tty.out.split('\r\x1b[2K').filter(Boolean);
    expect(frames).toHaveLength(2);
    expect(frames[0]).toBe(
      '[#####-----] 100/200 calls (50%) | primary 50 (5 cached), canary 50 | 42 calls/s | errors server:2 timeout:1 | $0.0123 | ETA 1m35s',
    );
    expect(frames[1]).toMatch(/^\[######----\] 110\/200 .*\n$/);
  });

  it('prints plain lines at most every intervalMs when not a terminal', () => {
    const lines: string[] = [];
    let t = 0;
    const r = createProgressReporter({
      stream: { write: (s: string) => lines.push(s) },
      now: () => t,
      intervalMs: 1000,
    });
    for (let i = 0; i < 30; i++) {
      t = i * 100;
      r.update(progress(2 * i));
    }
    // t = 0, 1000, 2000 → 3 lines, plus the final one.
    r.finish();
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^progress: 0\/200 calls \(0%\)/);
    expect(lines.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
  });

  it('shows done/total per arm and the live window summary on a second redrawn line', () => {
    const tty = ttyReporter();
    const r = tty.reporter;
    const withLive = (done: number): BatchProgress => ({
      ...progress(done),
      perArm: {
        primary: { done: done / 2, errors: 0, cached: 0, total: 100 },
        canary: { done: done / 2, errors: 3, cached: 0, total: 100 },
      },
      live: {
        primary: { window: 40, successRate: 1, p50LatencyMs: 101.4, p95LatencyMs: 130.6, errorsByKind: {} },
        canary: {
          window: 40,
          successRate: 0.925,
          p50LatencyMs: 99.5,
          p95LatencyMs: 180,
          errorsByKind: { server: 3 },
        },
      },
    });
    r.update(withLive(80));
    tty.t = 200;
    r.update(withLive(100));
    r.finish();
    // First frame: two lines; the next frames first move the cursor up one line, then redraw both.
    const frames = tty.out.split('\x1b[1A');
    expect(frames).toHaveLength(3);
    expect(frames[0]).toBe(
      '\r\x1b[2K[####------] 80/200 calls (40%) | primary 40/100, canary 40/100 | 42 calls/s | errors server:2 timeout:1 | $0.0123 | ETA 1m35s' +
        '\n\r\x1b[2Krecent: primary ok 100.0% p50 101 ms p95 131 ms [40] | canary ok 92.5% p50 100 ms p95 180 ms (server:3) [40]',
    );
    expect(frames[2].endsWith('[40]\n')).toBe(true);
  });

  it('cuts lines to the terminal width and marks a total still being read', () => {
    const [main] = renderProgress({ ...progress(10), totalKnown: false, etaSeconds: null }, 0);
    expect(main).toMatch(/^10\/200\+ calls \(reading items\) \| .* \| ETA —$/);
    let out = '';
    const r = createProgressReporter({
      stream: { isTTY: true, columns: 30, write: (s: string) => (out += s) },
    });
    r.update(progress(10));
    // 30 columns: 28 characters and an ellipsis, so the cursor never reaches the last column (no wrap).
    expect(out).toBe('\r\x1b[2K[#-------------------] 10/20…');
  });

  it('formats durations', () => {
    expect([formatDuration(5), formatDuration(95), formatDuration(3725)]).toEqual(['5s', '1m35s', '1h02m']);
  });
});
