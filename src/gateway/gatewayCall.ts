/**
 * One gateway call: attempts on the requested model (then on the fallback model after a model error), each
 * under the rate limiter, retried with backoff while the error is transient and the time budget allows.
 */
import { createRng, hash32, type Rng } from '../stats/random';
import type { ChatClient } from './clientTypes';
import { GatewayError } from './errors';
import type {
  AttemptInfo,
  CallRequest,
  FallbackInfo,
  GatewayOptions,
  GatewayOutcome,
  OutcomeCommon,
} from './gatewayTypes';
import { createRateLimiter, type Permit, type RateLimiter, type RateLimitOptions } from './rateLimit';
import { type RetryPolicy, retryDelay } from './retry';
import type { ChatMessage, ChatParams, ChatResponse } from './types';

/** What every call of one gateway shares. */
export interface GatewayState {
  client: ChatClient;
  policy: RetryPolicy;
  seed: number;
  defaultCompletion: number;
  fallbackModel: string | undefined;
  fallbackClient: ChatClient | undefined;
  /** A limiter shared with other gateways, or the options of this gateway's limiters (one per model). */
  shared: RateLimiter | undefined;
  limiterOptions: RateLimitOptions | undefined;
  limiters: Map<string, RateLimiter>;
  /** The gateway's options (their `onAttempt` is called after every attempt). */
  options: GatewayOptions;
  /** Calls without a key so far (seeds their jitter). */
  counter: number;
}

/** The limiter of a model: the shared one, or this gateway's own for that model (built on first use). */
export function limiterFor(g: GatewayState, model: string): RateLimiter | undefined {
  if (g.shared) return g.shared;
  if (!g.limiterOptions) return undefined;
  let l = g.limiters.get(model);
  if (!l) {
    l = createRateLimiter(g.limiterOptions);
    g.limiters.set(model, l);
  }
  return l;
}

interface Leg {
  model: string;
  client: ChatClient;
}

/** The running record of one call: its attempts, waits and clocks. */
class CallTrack {
  readonly attemptLog: AttemptInfo[] = [];
  backoffTotal = 0;
  rateWaitTotal = 0;
  fallbackUsed: FallbackInfo | undefined;
  lastError: GatewayError | undefined;
  firstSentAt: number | undefined;
  lastSentAt = 0;
  rng: Rng | undefined;

  constructor(
    readonly request: CallRequest,
    readonly requested: string,
    readonly started: number,
    /** Seeds the jitter generator, built only on the first retry: most calls never need it. */
    readonly rngSeed: number,
    /** Tokens the rate limiter is asked for (0 without a token limit). */
    readonly tokens: number,
  ) {}

  /** The budget clock counts attempts and backoff, not time queued in the rate limiter. */
  budgetUsed(): number {
    return performance.now() - this.started - this.rateWaitTotal;
  }

  /** The fields every outcome has, now that `answeredBy` answered (or failed last). */
  finish(answeredBy: string, response?: ChatResponse): OutcomeCommon {
    const now = performance.now();
    const { firstSentAt } = this;
    // A success: the last attempt's own latency (measured inside the client) plus everything before it.
    const before = firstSentAt === undefined ? 0 : this.lastSentAt - firstSentAt;
    const out: OutcomeCommon = {
      model: this.requested,
      answeredBy,
      attempts: this.attemptLog.length,
      attemptLog: this.attemptLog,
      totalMs: now - this.started,
      latencyMs: firstSentAt === undefined ? 0 : response ? before + response.latencyMs : now - firstSentAt,
      backoffMs: this.backoffTotal,
      rateLimitWaitMs: this.rateWaitTotal,
    };
    if (response?.ttftMs !== undefined) out.ttftMs = before + response.ttftMs;
    if (this.fallbackUsed) out.fallbackUsed = this.fallbackUsed;
    return out;
  }

  failed(error: GatewayError, model: string): GatewayOutcome {
    return { ok: false, error, ...this.finish(model) };
  }
}

/**
 * Runs one call (see the gateway's policy in gateway.ts): resolves to an outcome for every model or HTTP
 * failure; rejects only with the caller's abort (or a bug).
 */
export async function callGateway(g: GatewayState, request: CallRequest): Promise<GatewayOutcome> {
  const started = performance.now();
  // The jitter generator is seeded now (so an unkeyed call's seed does not depend on whether it retries).
  const rngSeed = (g.seed ^ hash32(request.key ?? `#${g.counter++}`)) >>> 0;
  const tokens =
    g.limiterOptions?.tpm || g.shared
      ? estimateTokens(request.messages, request.params, g.defaultCompletion)
      : 0;
  const requested = g.client.model;
  const t = new CallTrack(request, requested, started, rngSeed, tokens);
  const legs: Leg[] = [{ model: requested, client: g.client }];
  if (g.fallbackModel && g.fallbackClient && g.fallbackModel !== requested)
    legs.push({ model: g.fallbackModel, client: g.fallbackClient });

  for (let leg = 0; leg < legs.length; leg++) {
    const out = await runLeg(g, t, legs, leg);
    if (out) return out;
    if (!t.fallbackUsed || t.fallbackUsed.from !== legs[leg].model) break;
  }
  // Only reachable after a fallback leg ran out of attempts without returning (not expected) — be safe.
  return t.failed(t.lastError as GatewayError, legs[legs.length - 1].model);
}

/** The attempts on one leg's model; undefined when a model error hands the call to the next leg. */
async function runLeg(
  g: GatewayState,
  t: CallTrack,
  legs: Leg[],
  leg: number,
): Promise<GatewayOutcome | undefined> {
  const { model, client } = legs[leg];
  const limiter = limiterFor(g, model);
  const { policy } = g;
  let backoffBefore = 0;
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    const r = await sendAttempt(g, t, { model, client, limiter, backoffBefore });
    if (r.ok) return { ok: true, response: r.response, ...t.finish(model, r.response) };
    const err = r.error;
    if (err.isModelError && leg + 1 < legs.length) {
      t.fallbackUsed = { from: model, to: legs[leg + 1].model, error: err };
      return undefined;
    }
    if (!err.retryable || attempt >= policy.maxAttempts) return t.failed(err, model);
    t.rng ??= createRng(t.rngSeed);
    const delay = retryDelay({ retry: attempt, policy, rng: t.rng, retryAfterMs: err.retryAfterMs });
    if (t.budgetUsed() + delay >= policy.maxTotalMs) return t.failed(err, model);
    await sleep(delay, t.request.signal);
    t.backoffTotal += delay;
    backoffBefore = delay;
  }
  return undefined;
}

/** One HTTP attempt under the limiter, logged; a GatewayError is returned, anything else rethrown. */
async function sendAttempt(
  g: GatewayState,
  t: CallTrack,
  a: { model: string; client: ChatClient; limiter: RateLimiter | undefined; backoffBefore: number },
): Promise<{ ok: true; response: ChatResponse } | { ok: false; error: GatewayError }> {
  const { model } = a;
  const { request } = t;
  let permit: Permit | undefined;
  let rateWait = 0;
  if (a.limiter) {
    permit = await a.limiter.acquire({ tokens: t.tokens, signal: request.signal });
    rateWait = permit.waitedMs;
    t.rateWaitTotal += rateWait;
  }
  const remaining = g.policy.maxTotalMs - t.budgetUsed();
  const t0 = performance.now();
  t.firstSentAt ??= t0;
  t.lastSentAt = t0;
  try {
    const response = await a.client.complete({
      messages: request.messages,
      params: request.params,
      signal: request.signal,
      model,
      timeoutMs: Math.max(1, remaining),
    });
    permit?.release({ actualTokens: response.usage?.totalTokens });
    t.attemptLog.push({
      attempt: t.attemptLog.length + 1,
      model,
      ok: true,
      httpStatus: response.httpStatus,
      latencyMs: response.latencyMs,
      backoffMs: a.backoffBefore,
      rateLimitWaitMs: rateWait,
    });
    g.options.onAttempt?.(t.attemptLog[t.attemptLog.length - 1]);
    return { ok: true, response };
  } catch (err) {
    if (!(err instanceof GatewayError)) {
      permit?.release();
      throw err; // the caller's abort, or a bug: not a model failure
    }
    permit?.release({ rateLimited: err.kind === 'rate_limit', retryAfterMs: err.retryAfterMs });
    t.lastError = err;
    const info: AttemptInfo = {
      attempt: t.attemptLog.length + 1,
      model,
      ok: false,
      errorKind: err.kind,
      errorCode: err.code,
      latencyMs: performance.now() - t0,
      backoffMs: a.backoffBefore,
      rateLimitWaitMs: rateWait,
    };
    if (err.httpStatus !== undefined) info.httpStatus = err.httpStatus;
    t.attemptLog.push(info);
    g.options.onAttempt?.(info);
    return { ok: false, error: err };
  }
}

/** Waits `ms`, or rejects with the signal's reason when it aborts. */
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

/** Tokens of a request for the tokens-per-minute limit: prompt characters / 4 + the completion bound. */
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
