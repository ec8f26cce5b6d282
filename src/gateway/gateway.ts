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
import { GatewayConfigError } from './errors';
import { callGateway, type GatewayState, limiterFor } from './gatewayCall';
import type { Gateway, GatewayOptions, GatewayOutcome } from './gatewayTypes';
import { msg } from './messages';
import { createRateLimiter, type RateLimiter, type RateLimitOptions } from './rateLimit';
import { DEFAULT_RETRY, type RetryPolicy } from './retry';
import type { ErrorKind } from './types';

export type {
  AttemptInfo,
  CallRequest,
  FallbackInfo,
  Gateway,
  GatewayFailure,
  GatewayOptions,
  GatewayOutcome,
  GatewaySuccess,
} from './gatewayTypes';

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
  const fallbackModel = options.fallbackModel ?? options.fallbackClient?.model;
  const shared = isLimiter(options.rateLimit) ? options.rateLimit : undefined;
  const limiterOptions = options.rateLimit && !shared ? (options.rateLimit as RateLimitOptions) : undefined;
  if (limiterOptions) createRateLimiter(limiterOptions); // validate now, not at the first call
  const g: GatewayState = {
    client,
    policy,
    seed: options.seed ?? 0,
    defaultCompletion: options.defaultCompletionTokens ?? 512,
    fallbackModel,
    fallbackClient: options.fallbackClient ?? (fallbackModel ? client : undefined),
    shared,
    limiterOptions,
    limiters: new Map(),
    options,
    counter: 0,
  };
  return {
    get model() {
      return client.model;
    },
    call: (request) => callGateway(g, request),
    limiter: (model: string) => limiterFor(g, model),
  };
}
