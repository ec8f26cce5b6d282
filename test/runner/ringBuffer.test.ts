import { describe, expect, it } from 'vitest';
import { RingBuffer, summarizeWindow, type WindowEntry } from '../../src/runner/ringBuffer';

describe('RingBuffer', () => {
  it('never holds more than its capacity and overwrites the oldest first', () => {
    const r = new RingBuffer<number>(3);
    expect(r.toArray()).toEqual([]);
    expect(r.push(1)).toBeUndefined();
    expect(r.push(2)).toBeUndefined();
    expect(r.toArray()).toEqual([1, 2]);
    expect(r.push(3)).toBeUndefined();
    // Full: each push now returns the entry it overwrote, oldest first.
    expect(r.push(4)).toBe(1);
    expect(r.push(5)).toBe(2);
    expect(r.toArray()).toEqual([3, 4, 5]);
    expect([r.at(0), r.at(2)]).toEqual([3, 5]);
    expect(() => r.at(3)).toThrow('RingBuffer.at: index must be in [0, 3), got 3');
    expect([r.size, r.capacity, r.totalPushed]).toEqual([3, 3, 5]);
  });

  it('stays bounded over a million pushes and keeps exactly the last `capacity` entries', () => {
    const r = new RingBuffer<{ i: number }>(1000);
    let maxSize = 0;
    for (let i = 0; i < 1_000_000; i++) {
      r.push({ i });
      if (r.size > maxSize) maxSize = r.size;
    }
    expect(maxSize).toBe(1000);
    const kept = r.toArray().map((e) => e.i);
    expect(kept).toHaveLength(1000);
    expect(kept[0]).toBe(999_000);
    expect(kept[999]).toBe(999_999);
    expect(kept.every((v, j) => v === 999_000 + j)).toBe(true);
    r.clear();
    expect(r.size).toBe(0);
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new RingBuffer(0)).toThrow('RingBuffer: capacity must be an integer >= 1, got 0');
    expect(() => new RingBuffer(2.5)).toThrow(RangeError);
  });
});

describe('summarizeWindow', () => {
  it('computes recent success rate, P50/P95 and errors per arm from the window only', () => {
    const w = new RingBuffer<WindowEntry>(6);
    const calls: WindowEntry[] = [
      { arm: 'primary', ok: true, latencyMs: 100, cached: false }, // 1: pushed out
      { arm: 'canary', ok: true, latencyMs: 200, cached: false }, // 2: pushed out
      { arm: 'primary', ok: true, latencyMs: 110, cached: false }, // 3
      { arm: 'primary', ok: false, latencyMs: 50, cached: false, errorKind: 'server' }, // 4
      { arm: 'canary', ok: true, latencyMs: 210, cached: true }, // 5: cache hit, no latency sample
      { arm: 'primary', ok: true, latencyMs: 130, cached: false }, // 6
      { arm: 'canary', ok: false, latencyMs: 5000, cached: false, errorKind: 'timeout' }, // 7
      { arm: 'primary', ok: true, latencyMs: 120, cached: false }, // 8
    ];
    for (const c of calls) w.push(c);
    const s = summarizeWindow(w, ['primary', 'canary', 'other']);
    // Hand derivation. The window (capacity 6) holds calls 3–8.
    // primary: calls 3, 4, 6, 8 → 4 calls, 3 ok → 0.75. Latencies of ok calls sorted: [110, 120, 130].
    //   Type 7: P50 → h = (3−1)·0.5 = 1 → 120; P95 → h = 1.9 → 120 + 0.9·(130 − 120) = 129
    //   (numpy.percentile([110, 130, 120], [50, 95]) = [120, 129]).
    // canary: calls 5 (ok, cached) and 7 (timeout) → 2 calls, 1 ok → 0.5; no non-cached ok latency → NaN.
    expect(s.primary).toEqual({
      window: 4,
      successRate: 0.75,
      p50LatencyMs: 120,
      p95LatencyMs: 129,
      errorsByKind: { server: 1 },
    });
    expect(s.canary.window).toBe(2);
    expect(s.canary.successRate).toBe(0.5);
    expect(s.canary.p50LatencyMs).toBeNaN();
    expect(s.canary.errorsByKind).toEqual({ timeout: 1 });
    // An arm with nothing in the window is listed, empty.
    expect(s.other.window).toBe(0);
    expect(s.other.successRate).toBeNaN();
  });
});
