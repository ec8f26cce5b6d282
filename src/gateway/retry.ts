/**
 * Retry policy building blocks: the server's requested wait, and exponential backoff with full jitter.
 */
import type { Rng } from '../stats/random';

export interface RetryPolicy {
  /** Attempts per model, the first one included (1 = no retry). */
  maxAttempts: number;
  /** Backoff scale: attempt k (k ≥ 1 retries) waits uniform(0, min(maxDelayMs, baseDelayMs · 2^(k−1))). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Cap on the whole call, attempts and waits together; no wait is started that would cross it. */
  maxTotalMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxTotalMs: 120_000,
};

/** Upper bound accepted from a server for one wait (beyond it the wait is taken as not honourable). */
const MAX_RETRY_AFTER_MS = 24 * 3600_000;

/**
 * The wait a server asks for, in milliseconds: `retry-after-ms` (OpenAI, Azure) first, then `Retry-After`
 * as delta-seconds or an HTTP date (RFC 9110 §10.2.3). Undefined when absent or unparsable.
 *
 * @example
 * parseRetryAfter({ 'retry-after': '2' }); // => 2000
 * parseRetryAfter({ 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }, Date.parse('Wed, 21 Oct 2015 07:27:58 GMT')); // => 2000
 */
export function parseRetryAfter(
  headers: Record<string, string | string[] | undefined>,
  nowMs: number = Date.now(),
): number | undefined {
  const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
  const ms = first(headers['retry-after-ms']);
  if (ms !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(ms)) {
    const v = Math.ceil(Number(ms));
    if (v <= MAX_RETRY_AFTER_MS) return v;
  }
  const ra = first(headers['retry-after']);
  if (ra === undefined) return undefined;
  const trimmed = ra.trim();
  if (/^\d+$/.test(trimmed)) {
    const v = Number(trimmed) * 1000;
    return v <= MAX_RETRY_AFTER_MS ? v : undefined;
  }
  // HTTP-date in any of its three forms starts with a day name (IMF-fixdate, RFC 850, asctime).
  if (!/^[A-Za-z]{3}/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  const delta = Math.max(0, Math.ceil(date - nowMs));
  return delta <= MAX_RETRY_AFTER_MS ? delta : undefined;
}

/**
 * Full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff and Jitter"): the wait
 * before retry number `retry` (1-based) is uniform in [0, min(maxDelayMs, baseDelayMs · 2^(retry−1))).
 *
 * @example
 * backoffDelay({ retry: 3, baseDelayMs: 100, maxDelayMs: 1000, rng }); // in [0, 400)
 */
export function backoffDelay(options: {
  retry: number;
  baseDelayMs: number;
  maxDelayMs: number;
  rng: Rng;
}): number {
  const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, options.retry - 1));
  return Math.floor(options.rng.next() * cap);
}

/** The wait before a retry: the jittered backoff, but never less than what the server asked for. */
export function retryDelay(options: {
  retry: number;
  policy: RetryPolicy;
  rng: Rng;
  retryAfterMs?: number;
}): number {
  const jitter = backoffDelay({ retry: options.retry, ...options.policy, rng: options.rng });
  return options.retryAfterMs === undefined ? jitter : Math.max(options.retryAfterMs, jitter);
}
