/**
 * The gateway: a client plus the retry policy learned in production, optional per-model rate limiting and an
 * optional fallback model. `call` never throws for model or HTTP failures: it resolves to an outcome, so the
 * runner can write a CallRecord for every item. It rejects only when the caller's signal aborts.
 *
 * Policy: retry only transient failures (timeout, network, 429, 500/502/503/504) with full-jitter exponential
 * backoff, never sooner than the server's Retry-After, and never past `maxTotalMs`; never retry model errors
 * or other 4xx; fall back to another model only on model errors (model_not_found, context_length_exceeded)
 * and only when configured, recording it in `fallbackUsed` so the requested model's failure still counts.
 */
import { createRng, hash32, type Rng } from '../stats/random';
import type { ChatClient } from './client';
import { GatewayConfigError, GatewayError } from './errors';
import { msg } from './messages';
import { createRateLimiter, type Permit, type RateLimiter, type RateLimitOptions } from './rateLimit';
import { DEFAULT_RETRY, type RetryPolicy, retryDelay } from './retry';
import type { ChatMessage, ChatParams, ChatResponse, ErrorKind } from './types';

export interface GatewayOptions {
  client: ChatClient;
  retry?: Partial<RetryPolicy>;
  /** Model to answer when the requested one fails with a model error (same client, unless fallbackClient). */
  fallbackModel?: string;
  /** Client for the fallback model when it lives behind another base URL or key. */
  fallbackClient?: ChatClient;
  /**
   * Client-side limits, applied per model (each model gets its own limiter built from these options), or a
   * limiter instance to share between gateways calling the same model.
   */
  rateLimit?: RateLimitOptions | RateLimiter;
  /** Completion tokens assumed for the token-per-minute estimate when params set no max_tokens. Default 512. */
  defaultCompletionTokens?: number;
  /** Seed of the backoff jitter. Default 0. */
  seed?: number;
  /** Called after every attempt (for logs; carries no secret and no model output). */
  onAttempt?: (attempt: AttemptInfo) => void;
}

export interface AttemptInfo {
  /** 1-based over the whole call, fallback attempts included. */
  attempt: number;
  model: string;
  ok: boolean;
  errorKind?: ErrorKind;
  errorCode?: string;
  httpStatus?: number;
  /** Duration of this attempt (request only). */
  latencyMs: number;
  /** Backoff waited before this attempt. */
  backoffMs: number;
  /** Time spent waiting for the rate limiter before this attempt. */
  rateLimitWaitMs: number;
}

export interface FallbackInfo {
  from: string;
  to: string;
  /** The model error of `from` that triggered the fallback: this is what the statistics of `from` must count. */
  error: GatewayError;
}

interface OutcomeCommon {
  /** The model asked for. */
  model: string;
  /** The model whose answer (or last error) this is: differs from `model` after a fallback. */
  answeredBy: string;
  /** Every HTTP attempt, fallback attempts included. */
  attempts: number;
  attemptLog: AttemptInfo[];
  /** Wall time of the whole call (rate-limit waits included). */
  totalMs: number;
  /**
   * What the user waited: from the first attempt being sent to the final response (or final failure),
   * retries, backoff and Retry-After waits included (rate-limit queueing before the first attempt is not).
   * Equal to the response's own latency when the first attempt answered. 0 when nothing was sent.
   */
  latencyMs: number;
  /** Streamed success: time to first token measured from the first attempt being sent. */
  ttftMs?: number;
  backoffMs: number;
  rateLimitWaitMs: number;
  fallbackUsed?: FallbackInfo;
}

export interface GatewaySuccess extends OutcomeCommon {
  ok: true;
  response: ChatResponse;
}

export interface GatewayFailure extends OutcomeCommon {
  ok: false;
  /** The error of the last attempt (of the fallback model, if one was tried). */
  error: GatewayError;
}

export type GatewayOutcome = GatewaySuccess | GatewayFailure;

export interface CallRequest {
  messages: readonly ChatMessage[];
  params?: ChatParams;
  signal?: AbortSignal;
  /** Seeds this call's jitter (e.g. `${itemId}:${arm}`), so waits do not depend on call order. */
  key?: string;
}

export interface Gateway {
  readonly model: string;
  call(request: CallRequest): Promise<GatewayOutcome>;
  /** The limiter of a model, when rate limiting is configured (for progress displays and tests). */
  limiter(model: string): RateLimiter | undefined;
}

/**
 * How the requested model did, for the statistics: a fallback answer is still a failure of the requested
 * model. Use this (not `outcome.ok`) for CallRecord.ok / errorKind of the arm.
 *
 * @example
 * const { ok, errorKind } = requestedModelResult(outcome);
 */
export function requestedModelResult(outcome: GatewayOutcome): {
  ok: boolean;
  errorKind?: ErrorKind;
  errorCode?: string;
} {
  if (outcome.fallbackUsed) {
    return {
      ok: false,
      errorKind: outcome.fallbackUsed.error.kind,
      errorCode: outcome.fallbackUsed.error.code,
    };
  }
  if (outcome.ok) return { ok: true };
  return { ok: false, errorKind: outcome.error.kind, errorCode: outcome.error.code };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function estimateTokens(
  messages: readonly ChatMessage[],
  params: ChatParams | undefined,
  dflt: number,
): number {
  let chars = 0;
  for (const m of messages) {
    if (typeof m.content === 'string') chars += m.content.length;
    else if (Array.isArray(m.content))
      for (const p of m.content) chars += typeof p.text === 'string' ? p.text.length : 0;
    chars += 16;
  }
  const completion =
    typeof params?.max_completion_tokens === 'number'
      ? params.max_completion_tokens
      : typeof params?.max_tokens === 'number'
        ? params.max_tokens
        : dflt;
  return Math.ceil(chars / 4) + completion;
}

function isLimiter(x: unknown): x is RateLimiter {
  return typeof x === 'object' && x !== null && typeof (x as RateLimiter).acquire === 'function';
}

/**
 * Creates a gateway around one client.
 *
 * @example
 * const gw = createGateway({ client, retry: { maxAttempts: 4 }, fallbackModel: 'gpt-4.1', seed: 7 });
 * const out = await gw.call({ messages, params: { max_tokens: 256 }, key: item.id });
 * if (out.ok) use(out.response.content); else record(out.error.kind);
 */
export function createGateway(options: GatewayOptions): Gateway {
  const fn = 'createGateway';
  const client = options.client;
  if (!client || typeof client.complete !== 'function') {
    throw new GatewayConfigError(msg.badOption(fn, 'client', 'a ChatClient', client));
  }
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  for (const k of ['maxAttempts', 'baseDelayMs', 'maxDelayMs', 'maxTotalMs'] as const) {
    const v = policy[k];
    const okNumber =
      typeof v === 'number' &&
      Number.isFinite(v) &&
      (k === 'maxAttempts' ? Number.isInteger(v) && v >= 1 : v >= 0);
    if (!okNumber) throw new GatewayConfigError(msg.badOption(fn, `retry.${k}`, 'a non-negative number', v));
  }
  const seed = options.seed ?? 0;
  const defaultCompletion = options.defaultCompletionTokens ?? 512;
  const fallbackModel = options.fallbackModel ?? options.fallbackClient?.model;
  const fallbackClient = options.fallbackClient ?? (fallbackModel ? client : undefined);
  const limiters = new Map<string, RateLimiter>();
  const shared = isLimiter(options.rateLimit) ? options.rateLimit : undefined;
  const limiterOptions = options.rateLimit && !shared ? (options.rateLimit as RateLimitOptions) : undefined;
  if (limiterOptions) createRateLimiter(limiterOptions); // validate now, not at the first call
  let counter = 0;

  function limiterFor(model: string): RateLimiter | undefined {
    if (shared) return shared;
    if (!limiterOptions) return undefined;
    let l = limiters.get(model);
    if (!l) {
      l = createRateLimiter(limiterOptions);
      limiters.set(model, l);
    }
    return l;
  }

  async function call(request: CallRequest): Promise<GatewayOutcome> {
    const started = performance.now();
    // The jitter generator is seeded now (so an unkeyed call's seed does not depend on whether it retries)
    // but built only on the first retry: most calls never need it.
    const rngSeed = (seed ^ hash32(request.key ?? `#${counter++}`)) >>> 0;
    let rng: Rng | undefined;
    const tokens =
      limiterOptions?.tpm || shared ? estimateTokens(request.messages, request.params, defaultCompletion) : 0;
    const attemptLog: AttemptInfo[] = [];
    let backoffTotal = 0;
    let rateWaitTotal = 0;
    let fallbackUsed: FallbackInfo | undefined;
    let lastError: GatewayError | undefined;
    const requested = client.model;

    const legs: Array<{ model: string; client: ChatClient }> = [{ model: requested, client }];
    if (fallbackModel && fallbackClient && fallbackModel !== requested)
      legs.push({ model: fallbackModel, client: fallbackClient });

    let firstSentAt: number | undefined;
    let lastSentAt = 0;
    const finish = (answeredBy: string, response?: ChatResponse): OutcomeCommon => {
      const now = performance.now();
      // A success: the last attempt's own latency (measured inside the client) plus everything before it.
      const before = firstSentAt === undefined ? 0 : lastSentAt - firstSentAt;
      const out: OutcomeCommon = {
        model: requested,
        answeredBy,
        attempts: attemptLog.length,
        attemptLog,
        totalMs: now - started,
        latencyMs: firstSentAt === undefined ? 0 : response ? before + response.latencyMs : now - firstSentAt,
        backoffMs: backoffTotal,
        rateLimitWaitMs: rateWaitTotal,
      };
      if (response?.ttftMs !== undefined) out.ttftMs = before + response.ttftMs;
      if (fallbackUsed) out.fallbackUsed = fallbackUsed;
      return out;
    };
    // The budget clock counts attempts and backoff, not time queued in the rate limiter.
    const budgetUsed = () => performance.now() - started - rateWaitTotal;

    for (let leg = 0; leg < legs.length; leg++) {
      const { model, client: legClient } = legs[leg];
      const limiter = limiterFor(model);
      let backoffBefore = 0;
      for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
        let permit: Permit | undefined;
        let rateWait = 0;
        if (limiter) {
          permit = await limiter.acquire({ tokens, signal: request.signal });
          rateWait = permit.waitedMs;
          rateWaitTotal += rateWait;
        }
        const remaining = policy.maxTotalMs - budgetUsed();
        const t0 = performance.now();
        firstSentAt ??= t0;
        lastSentAt = t0;
        try {
          const response = await legClient.complete({
            messages: request.messages,
            params: request.params,
            signal: request.signal,
            model,
            timeoutMs: Math.max(1, remaining),
          });
          permit?.release({ actualTokens: response.usage?.totalTokens });
          attemptLog.push({
            attempt: attemptLog.length + 1,
            model,
            ok: true,
            httpStatus: response.httpStatus,
            latencyMs: response.latencyMs,
            backoffMs: backoffBefore,
            rateLimitWaitMs: rateWait,
          });
          options.onAttempt?.(attemptLog[attemptLog.length - 1]);
          return { ok: true, response, ...finish(model, response) };
        } catch (err) {
          if (!(err instanceof GatewayError)) {
            permit?.release();
            throw err; // the caller's abort, or a bug: not a model failure
          }
          permit?.release({ rateLimited: err.kind === 'rate_limit', retryAfterMs: err.retryAfterMs });
          lastError = err;
          const info: AttemptInfo = {
            attempt: attemptLog.length + 1,
            model,
            ok: false,
            errorKind: err.kind,
            errorCode: err.code,
            latencyMs: performance.now() - t0,
            backoffMs: backoffBefore,
            rateLimitWaitMs: rateWait,
          };
          if (err.httpStatus !== undefined) info.httpStatus = err.httpStatus;
          attemptLog.push(info);
          options.onAttempt?.(info);
          if (err.isModelError && leg + 1 < legs.length) {
            fallbackUsed = { from: model, to: legs[leg + 1].model, error: err };
            break;
          }
          if (!err.retryable || attempt >= policy.maxAttempts)
            return { ok: false, error: err, ...finish(model) };
          rng ??= createRng(rngSeed);
          const delay = retryDelay({
            retry: attempt,
            policy,
            rng,
            retryAfterMs: err.retryAfterMs,
          });
          if (budgetUsed() + delay >= policy.maxTotalMs) return { ok: false, error: err, ...finish(model) };
          await sleep(delay, request.signal);
          backoffTotal += delay;
          backoffBefore = delay;
        }
      }
      if (!fallbackUsed || fallbackUsed.from !== model) break;
    }
    // Only reachable after a fallback leg ran out of attempts without returning (not expected) — be safe.
    return { ok: false, error: lastError as GatewayError, ...finish(legs[legs.length - 1].model) };
  }

  return {
    get model() {
      return client.model;
    },
    call,
    limiter: (model: string) => limiterFor(model),
  };
}
