import { describe, expect, it } from 'vitest';
import { createProgressReporter, formatDuration } from '../../src/runner/progress';
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

describe('createProgressReporter', () => {
  it('redraws one line with a bar on a terminal', () => {
    let out = '';
    let t = 0;
    const r = createProgressReporter({
      stream: { isTTY: true, write: (s: string) => (out += s) },
      now: () => t,
      width: 10,
    });
    r.update(progress(100));
    t = 50; // within the 100 ms redraw interval: skipped
    r.update(progress(110));
    r.finish();
    const frames = out.split('\r\x1b[2K').filter(Boolean);
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

  it('formats durations', () => {
    expect([formatDuration(5), formatDuration(95), formatDuration(3725)]).toEqual(['5s', '1m35s', '1h02m']);
  });
});
