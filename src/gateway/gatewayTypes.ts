/** The gateway's public shapes: its options, one call's request and outcome, and the attempts it records. */
import type { ChatClient } from './clientTypes';
import type { GatewayError } from './errors';
import type { RateLimiter, RateLimitOptions } from './rateLimit';
import type { RetryPolicy } from './retry';
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

export interface OutcomeCommon {
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
