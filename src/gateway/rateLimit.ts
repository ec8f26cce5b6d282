/**
 * Client-side rate limiting per model, so a big run paces itself instead of causing a 429 storm:
 * token buckets for requests per minute and tokens per minute, a concurrency cap that can adapt (AIMD:
 * halve on 429, grow back by one slot per window of successes), and a pause when the server asks to wait.
 */
import { GatewayConfigError } from './errors';
import { msg } from './messages';

export interface RateLimitOptions {
  /** Requests per minute. */
  rpm?: number;
  /** Tokens per minute (prompt estimate + max completion, corrected with the real usage afterwards). */
  tpm?: number;
  /** Bucket size in seconds of rate (burst allowance). Default 1: at most one second's worth at once. */
  burstSeconds?: number;
  /** Concurrency cap. Default unlimited (or `adaptive.max`). */
  maxConcurrency?: number;
  /** Adaptive concurrency: start at `initial`, halve on a 429 (not below `min`), +1 per `limit` successes. */
  adaptive?: boolean | { initial?: number; min?: number; max?: number };
}

export interface Permit {
  /** Milliseconds spent waiting for this permit. */
  readonly waitedMs: number;
  /** Returns the slot; `actualTokens` corrects the token estimate, `rateLimited` feeds the AIMD controller. */
  release(result?: { actualTokens?: number; rateLimited?: boolean; retryAfterMs?: number }): void;
}

export interface RateLimiterStats {
  concurrencyLimit: number;
  inFlight: number;
  maxInFlight: number;
  queued: number;
  granted: number;
  decreases: number;
}

export interface RateLimiter {
  acquire(options: { tokens: number; signal?: AbortSignal }): Promise<Permit>;
  stats(): RateLimiterStats;
}

class TokenBucket {
  private level: number;
  private last: number;
  constructor(
    private readonly ratePerMs: number,
    readonly capacity: number,
    now: number,
  ) {
    this.level = capacity;
    this.last = now;
  }
  private refill(now: number): void {
    this.level = Math.min(this.capacity, this.level + (now - this.last) * this.ratePerMs);
    this.last = now;
  }
  /** Milliseconds until `n` can be taken (a request larger than the bucket waits for a full bucket). */
  waitMs(n: number, now: number): number {
    this.refill(now);
    const need = Math.min(n, this.capacity);
    return this.level >= need ? 0 : Math.ceil((need - this.level) / this.ratePerMs);
  }
  take(n: number): void {
    this.level -= n;
  }
  /** Charges (or refunds) the difference between the estimate and the real amount. */
  adjust(delta: number, now: number): void {
    this.refill(now);
    this.level = Math.min(this.capacity, this.level - delta);
  }
}

interface Waiter {
  tokens: number;
  enqueuedAt: number;
  resolve(p: Permit): void;
  reject(err: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

function positive(fn: string, name: string, v: unknown, integer = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    throw new GatewayConfigError(
      msg.badOption(fn, name, integer ? 'a positive integer' : 'a positive number', v),
    );
  }
  return v;
}

/** The limits of one limiter, checked: buckets for rpm and tpm, and the concurrency limit and its bounds. */
interface LimiterSettings {
  requests: TokenBucket | undefined;
  tokens: TokenBucket | undefined;
  /** AIMD: halve on a 429, grow back by one slot per window of successes. */
  adaptive: boolean;
  limit: number;
  minLimit: number;
  maxLimit: number;
}

function limiterSettings(options: RateLimitOptions, now: () => number): LimiterSettings {
  const fn = 'createRateLimiter';
  const burst = options.burstSeconds === undefined ? 1 : positive(fn, 'burstSeconds', options.burstSeconds);
  const t0 = now();
  const rpm = options.rpm === undefined ? undefined : positive(fn, 'rpm', options.rpm);
  const tpm = options.tpm === undefined ? undefined : positive(fn, 'tpm', options.tpm);
  const requests =
    rpm === undefined ? undefined : new TokenBucket(rpm / 60_000, Math.max(1, (rpm / 60) * burst), t0);
  const tokens =
    tpm === undefined ? undefined : new TokenBucket(tpm / 60_000, Math.max(1, (tpm / 60) * burst), t0);

  const adaptiveOpt = options.adaptive === true ? {} : options.adaptive || undefined;
  const hardMax =
    options.maxConcurrency === undefined
      ? undefined
      : positive(fn, 'maxConcurrency', options.maxConcurrency, true);
  let limit = Number.POSITIVE_INFINITY;
  let minLimit = 1;
  let maxLimit = Number.POSITIVE_INFINITY;
  if (adaptiveOpt) {
    maxLimit =
      adaptiveOpt.max === undefined ? (hardMax ?? 256) : positive(fn, 'adaptive.max', adaptiveOpt.max, true);
    minLimit = adaptiveOpt.min === undefined ? 1 : positive(fn, 'adaptive.min', adaptiveOpt.min, true);
    limit =
      adaptiveOpt.initial === undefined
        ? maxLimit
        : positive(fn, 'adaptive.initial', adaptiveOpt.initial, true);
    if (minLimit > maxLimit)
      throw new GatewayConfigError(
        msg.badOption(fn, 'adaptive.min', `≤ adaptive.max (${maxLimit})`, minLimit),
      );
    limit = Math.min(maxLimit, Math.max(minLimit, limit));
  } else if (hardMax !== undefined) {
    limit = hardMax;
  }
  return { requests, tokens, adaptive: adaptiveOpt !== undefined, limit, minLimit, maxLimit };
}

/** The state of one limiter: its queue of waiters, the slots in flight, the pause and the adaptive limit. */
class Limiter {
  private readonly queue: Waiter[] = [];
  private inFlight = 0;
  private maxInFlight = 0;
  private granted = 0;
  private decreases = 0;
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;
  private pausedUntil = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private limit: number;

  constructor(
    private readonly s: LimiterSettings,
    private readonly now: () => number,
  ) {
    this.limit = s.limit;
  }

  acquire({ tokens: n, signal }: { tokens: number; signal?: AbortSignal }): Promise<Permit> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Permit>((resolve, reject) => {
      const waiter: Waiter = { tokens: Math.max(0, n), enqueuedAt: this.now(), resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const i = this.queue.indexOf(waiter);
          if (i !== -1) this.queue.splice(i, 1);
          reject(signal.reason);
          this.pump();
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
      this.pump();
    });
  }

  stats(): RateLimiterStats {
    const { limit } = this;
    return {
      concurrencyLimit: Number.isFinite(limit) ? Math.floor(limit) : limit,
      inFlight: this.inFlight,
      maxInFlight: this.maxInFlight,
      queued: this.queue.length,
      granted: this.granted,
      decreases: this.decreases,
    };
  }

  private schedule(delayMs: number): void {
    const at = this.now() + delayMs;
    if (this.timer !== undefined && this.timerAt <= at) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.pump();
      },
      Math.max(1, delayMs),
    );
  }

  /** Grants permits to the head of the queue while a slot is free and the buckets and pause allow. */
  private pump(): void {
    const { requests, tokens } = this.s;
    while (this.queue.length > 0) {
      if (this.inFlight >= Math.floor(this.limit)) return; // a release will pump again
      const head = this.queue[0];
      const t = this.now();
      const wait = Math.max(
        this.pausedUntil - t,
        requests ? requests.waitMs(1, t) : 0,
        tokens ? tokens.waitMs(head.tokens, t) : 0,
      );
      if (wait > 0) {
        this.schedule(wait);
        return;
      }
      this.queue.shift();
      if (head.onAbort) head.signal?.removeEventListener('abort', head.onAbort);
      requests?.take(1);
      tokens?.take(head.tokens);
      this.inFlight++;
      this.granted++;
      if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
      head.resolve(this.makePermit(head.tokens, t, t - head.enqueuedAt));
    }
  }

  private makePermit(estimate: number, startedAt: number, waitedMs: number): Permit {
    let released = false;
    return {
      waitedMs,
      release: (result = {}) => {
        if (released) return;
        released = true;
        this.release(estimate, startedAt, result);
      },
    };
  }

  /** A slot comes back: correct the token estimate, feed the AIMD controller, then serve the queue. */
  private release(
    estimate: number,
    startedAt: number,
    result: { actualTokens?: number; rateLimited?: boolean; retryAfterMs?: number },
  ): void {
    const { tokens, adaptive, minLimit, maxLimit } = this.s;
    this.inFlight--;
    const t = this.now();
    if (tokens && result.actualTokens !== undefined && Number.isFinite(result.actualTokens)) {
      tokens.adjust(result.actualTokens - estimate, t);
    }
    if (result.rateLimited) {
      if (result.retryAfterMs !== undefined)
        this.pausedUntil = Math.max(this.pausedUntil, t + result.retryAfterMs);
      // One decrease per round: only requests started after the last decrease may cut again.
      if (adaptive && startedAt >= this.lastDecreaseAt) {
        this.limit = Math.max(minLimit, Math.floor(this.limit / 2));
        this.lastDecreaseAt = t;
        this.decreases++;
      }
    } else if (adaptive && this.limit < maxLimit) {
      this.limit = Math.min(maxLimit, this.limit + 1 / Math.floor(this.limit));
    }
    this.pump();
  }
}

/**
 * Creates a limiter. Waiters are served first come, first served.
 *
 * @example
 * const limiter = createRateLimiter({ rpm: 500, tpm: 200_000, adaptive: { initial: 32, max: 64 } });
 * const permit = await limiter.acquire({ tokens: 900 });
 * try { ... } finally { permit.release({ actualTokens: 812 }); }
 */
export function createRateLimiter(
  options: RateLimitOptions = {},
  now: () => number = () => performance.now(),
): RateLimiter {
  const l = new Limiter(limiterSettings(options, now), now);
  return {
    acquire: (o) => l.acquire(o),
    stats: () => l.stats(),
  };
}
