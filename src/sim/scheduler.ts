/**
 * The simulator's timing: every delayed write in one min-heap under a single Node timer, and a histogram of
 * how late each write ran past its drawn time.
 */
import type { SimTimingStats } from './stats';

/** Lateness histogram: 0.1 ms buckets up to 1 s (later ones in the last bucket), exact mean and max. */
export class LatenessHistogram {
  private readonly buckets = new Uint32Array(10_000);
  private n = 0;
  private sum = 0;
  private max = 0;

  add(ms: number): void {
    const v = Math.max(ms, 0);
    this.buckets[Math.min(this.buckets.length - 1, Math.floor(v * 10))]++;
    this.n++;
    this.sum += v;
    if (v > this.max) this.max = v;
  }

  summary(): SimTimingStats {
    const q = (p: number): number => {
      if (this.n === 0) return 0;
      const want = Math.ceil(p * this.n);
      let acc = 0;
      for (let i = 0; i < this.buckets.length; i++) {
        acc += this.buckets[i];
        if (acc >= want) return Math.min(this.max, (i + 1) / 10);
      }
      return this.max;
    };
    return {
      scheduled: this.n,
      lateMs: {
        mean: this.n ? this.sum / this.n : 0,
        p50: q(0.5),
        p95: q(0.95),
        p99: q(0.99),
        max: this.max,
      },
    };
  }
}

interface Due {
  /** performance.now() time at which to run. */
  due: number;
  /** Insertion order: equal due times run first-in, first-out. */
  seq: number;
  run: () => void;
}

/** A due time this close (ms) counts as now: Node timers have 1 ms resolution. */
const DUE_SLACK_MS = 0.5;

/**
 * Every delayed write of the simulator in one min-heap under a single Node timer, armed for the earliest
 * due time (instead of a Timeout object, a closure set and a clearTimeout per request). A callback never
 * runs more than DUE_SLACK_MS early; how late each one ran is recorded.
 */
export class Scheduler {
  private heap: Due[] = [];
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerDue = Number.POSITIVE_INFINITY;
  private closed = false;
  readonly lateness = new LatenessHistogram();

  /** Runs `run` at performance.now() time `due` (now, if that has passed). */
  at(due: number, run: () => void): void {
    if (this.closed) return;
    const now = performance.now();
    if (due - now <= DUE_SLACK_MS) {
      this.lateness.add(now - due);
      run();
      return;
    }
    this.push({ due, seq: this.seq++, run });
    if (due < this.timerDue) this.arm(now);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.heap = [];
  }

  private arm(now: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = Number.POSITIVE_INFINITY;
    if (this.heap.length === 0 || this.closed) return;
    const due = this.heap[0].due;
    this.timerDue = due;
    this.timer = setTimeout(this.fire, Math.max(1, Math.ceil(due - now)));
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.timerDue = Number.POSITIVE_INFINITY;
    try {
      let now = performance.now();
      while (this.heap.length > 0 && this.heap[0].due - now <= DUE_SLACK_MS) {
        const d = this.pop();
        this.lateness.add(now - d.due);
        d.run();
        now = performance.now();
      }
    } finally {
      this.arm(performance.now());
    }
  };

  private less(a: Due, b: Due): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  private push(d: Due): void {
    const h = this.heap;
    let i = h.length;
    h.push(d);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(d, h[parent])) break;
      h[i] = h[parent];
      i = parent;
    }
    h[i] = d;
  }

  private pop(): Due {
    const h = this.heap;
    const top = h[0];
    const last = h.pop() as Due;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && this.less(h[r], h[l]) ? r : l;
        if (!this.less(h[c], last)) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}
