import { quantileOfSorted } from '../stats/select';
import type { ErrorKind } from '../types';
import { runnerMsg } from './errors';

/**
 * A fixed-capacity ring buffer: `push` overwrites the oldest entry once full, so memory never grows past
 * `capacity` entries however long the run (the shadow-mode playbook's memory leak was an unbounded list of
 * recent calls). Entries are kept in a preallocated array; iteration goes oldest to newest.
 *
 * @example
 * const r = new RingBuffer<number>(3);
 * for (const x of [1, 2, 3, 4]) r.push(x);
 * r.toArray(); // => [2, 3, 4]
 */
export class RingBuffer<T> {
  readonly capacity: number;
  private readonly slots: Array<T | undefined>;
  /** Index of the next write. */
  private head = 0;
  private count = 0;
  private pushes = 0;

  /** @throws {RangeError} when capacity is not an integer ≥ 1 */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(runnerMsg.ringCapacity(capacity));
    this.capacity = capacity;
    this.slots = new Array<T | undefined>(capacity).fill(undefined);
  }

  /** Entries held (≤ capacity). */
  get size(): number {
    return this.count;
  }

  /** Entries ever pushed (including those overwritten since). */
  get totalPushed(): number {
    return this.pushes;
  }

  /** Adds an entry, overwriting the oldest when full; returns the overwritten entry, if any. */
  push(value: T): T | undefined {
    const old = this.count === this.capacity ? this.slots[this.head] : undefined;
    this.slots[this.head] = value;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    if (this.count < this.capacity) this.count++;
    this.pushes++;
    return old;
  }

  /** The i-th entry from the oldest (0 = oldest held). @throws {RangeError} when i is out of range */
  at(i: number): T {
    if (!Number.isInteger(i) || i < 0 || i >= this.count)
      throw new RangeError(runnerMsg.ringIndex(this.count, i));
    const start = this.head - this.count + (this.head < this.count ? this.capacity : 0);
    return this.slots[(start + i) % this.capacity] as T;
  }

  /** Calls fn on each entry, oldest first, without allocating. */
  forEach(fn: (value: T) => void): void {
    const start = this.head - this.count + (this.head < this.count ? this.capacity : 0);
    for (let i = 0; i < this.count; i++) {
      let j = start + i;
      if (j >= this.capacity) j -= this.capacity;
      fn(this.slots[j] as T);
    }
  }

  /** A copy of the entries, oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    this.forEach((v) => {
      out.push(v);
    });
    return out;
  }

  /** Forgets every entry (capacity unchanged). */
  clear(): void {
    this.slots.fill(undefined);
    this.head = 0;
    this.count = 0;
  }
}

/** One finished call as the live window keeps it (no content, no prompt: a few numbers). */
export interface WindowEntry {
  arm: string;
  ok: boolean;
  latencyMs: number;
  cached: boolean;
  errorKind?: ErrorKind;
}

/** Recent behaviour of one arm over the last finished calls (the live summary of the progress display). */
export interface LiveArmSummary {
  /** Calls of this arm in the window. */
  window: number;
  /** Share of them that succeeded (NaN when the window holds none). */
  successRate: number;
  /** Type-7 (numpy 'linear') median latency of the successful, non-cached calls in the window; NaN when none. */
  p50LatencyMs: number;
  /** Type-7 95th percentile latency of the same calls; NaN when none. */
  p95LatencyMs: number;
  /** Failures in the window by error kind. */
  errorsByKind: Partial<Record<ErrorKind, number>>;
}

/**
 * Summarises a window of finished calls per arm: recent success rate, P50/P95 latency of the successful
 * calls sent over the network (cache hits replay an old latency and are left out of the quantiles), and
 * recent failures by kind. Arms listed in `arms` appear even when the window holds none of their calls.
 *
 * @example
 * const w = new RingBuffer<WindowEntry>(500);
 * w.push({ arm: 'canary', ok: true, latencyMs: 120, cached: false });
 * summarizeWindow(w, ['primary', 'canary']).canary.p50LatencyMs; // => 120
 */
export function summarizeWindow(
  window: RingBuffer<WindowEntry>,
  arms: readonly string[] = [],
): Record<string, LiveArmSummary> {
  const acc = new Map<
    string,
    { n: number; ok: number; lat: number[]; errors: Partial<Record<ErrorKind, number>> }
  >();
  const get = (arm: string) => {
    let a = acc.get(arm);
    if (!a) {
      a = { n: 0, ok: 0, lat: [], errors: {} };
      acc.set(arm, a);
    }
    return a;
  };
  for (const arm of arms) get(arm);
  window.forEach((e) => {
    const a = get(e.arm);
    a.n++;
    if (e.ok) {
      a.ok++;
      if (!e.cached) a.lat.push(e.latencyMs);
    } else if (e.errorKind) a.errors[e.errorKind] = (a.errors[e.errorKind] ?? 0) + 1;
  });
  const out: Record<string, LiveArmSummary> = {};
  for (const [arm, a] of acc) {
    const sorted = Float64Array.from(a.lat).sort();
    out[arm] = {
      window: a.n,
      successRate: a.n ? a.ok / a.n : Number.NaN,
      p50LatencyMs: sorted.length ? quantileOfSorted(sorted, 0.5) : Number.NaN,
      p95LatencyMs: sorted.length ? quantileOfSorted(sorted, 0.95) : Number.NaN,
      errorsByKind: a.errors,
    };
  }
  return out;
}
