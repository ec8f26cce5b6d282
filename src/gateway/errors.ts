/**
 * Typed gateway errors with stable codes (in the manner of undici's lib/core/errors.js). Each carries the
 * CallRecord `kind` and a `code` that never changes between releases; match on `code`, not on the message.
 * Model errors (`model_not_found`, `context_length_exceeded`) are client-kind with their own codes, and are
 * the only errors a gateway may answer with a fallback model. Their messages are built in messages.ts.
 */
import { msg } from './messages';
import type { ErrorKind } from './types';

export interface GatewayErrorOptions {
  model: string;
  httpStatus?: number;
  /** `error.code` of the OpenAI error body, when the server sent one (untrusted, sanitized). */
  providerCode?: string;
  /** `error.type` of the OpenAI error body. */
  providerType?: string;
  retryAfterMs?: number;
  cause?: unknown;
}

/** Base of every error a gateway call can end with. */
export class GatewayError extends Error {
  readonly code: string = 'CANARYLAB_ERR_GATEWAY';
  readonly kind: ErrorKind = 'client';
  /** Whether the retry policy may try again (timeout, network, 429, 500/502/503/504/529). */
  readonly retryable: boolean = false;
  /** A model error: the only kind a configured fallback model may answer. */
  readonly isModelError: boolean = false;
  readonly model: string;
  readonly httpStatus?: number;
  readonly providerCode?: string;
  readonly providerType?: string;
  /** The server's requested wait (Retry-After / retry-after-ms), in milliseconds. */
  readonly retryAfterMs?: number;

  constructor(message: string, options: GatewayErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.model = options.model;
    if (options.httpStatus !== undefined) this.httpStatus = options.httpStatus;
    if (options.providerCode !== undefined) this.providerCode = options.providerCode;
    if (options.providerType !== undefined) this.providerType = options.providerType;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }

  /** Plain data for logs and records: no stack, no cause, nothing from the request. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      kind: this.kind,
      message: this.message,
      model: this.model,
      httpStatus: this.httpStatus,
      providerCode: this.providerCode,
      retryAfterMs: this.retryAfterMs,
      retryable: this.retryable,
    };
  }
}

export class TimeoutError extends GatewayError {
  override readonly code = 'CANARYLAB_ERR_TIMEOUT';
  override readonly kind = 'timeout';
  override readonly retryable = true;
  readonly timeoutMs: number;
  constructor(message: string, options: GatewayErrorOptions & { timeoutMs: number }) {
    super(message, options);
    this.name = 'TimeoutError';
    this.timeoutMs = options.timeoutMs;
  }
}

export class NetworkError extends GatewayError {
  override readonly code = 'CANARYLAB_ERR_NETWORK';
  override readonly kind = 'network';
  override readonly retryable = true;
  /** The system or undici code underneath, e.g. ECONNRESET, ECONNREFUSED, UND_ERR_SOCKET. */
  readonly causeCode: string;
  constructor(message: string, options: GatewayErrorOptions & { causeCode: string }) {
    super(message, options);
    this.name = 'NetworkError';
    this.causeCode = options.causeCode;
  }
}

export class RateLimitError extends GatewayError {
  override readonly code: string = 'CANARYLAB_ERR_RATE_LIMIT';
  override readonly kind = 'rate_limit';
  override readonly retryable: boolean = true;
  constructor(message: string, options: GatewayErrorOptions) {
    super(message, options);
    this.name = 'RateLimitError';
  }
}

/** HTTP 429 with `insufficient_quota`: waiting does not help, so it is not retried. */
export class QuotaExceededError extends RateLimitError {
  override readonly code = 'CANARYLAB_ERR_QUOTA_EXCEEDED';
  override readonly retryable = false;
  constructor(message: string, options: GatewayErrorOptions) {
    super(message, options);
    this.name = 'QuotaExceededError';
  }
}

/** 529 is Anthropic's `overloaded_error` (a transient capacity error, retried like 503). */
const RETRYABLE_5XX = new Set([500, 502, 503, 504, 529]);

export class ServerError extends GatewayError {
  override readonly code = 'CANARYLAB_ERR_SERVER';
  override readonly kind = 'server';
  override readonly retryable: boolean = false;
  constructor(message: string, options: GatewayErrorOptions) {
    super(message, options);
    this.name = 'ServerError';
    this.retryable = RETRYABLE_5XX.has(options.httpStatus ?? 0);
  }
}

export class ClientError extends GatewayError {
  override readonly code: string = 'CANARYLAB_ERR_CLIENT';
  override readonly kind = 'client';
  constructor(message: string, options: GatewayErrorOptions) {
    super(message, options);
    this.name = 'ClientError';
  }
}

export class ModelNotFoundError extends ClientError {
  override readonly code = 'CANARYLAB_ERR_MODEL_NOT_FOUND';
  override readonly isModelError = true;
  constructor(message: string, options: GatewayErrorOptions) {
    super(message, options);
    this.name = 'ModelNotFoundError';
  }
}

export class ContextLengthExceededError extends ClientError {
  override readonly code = 'CANARYLAB_ERR_CONTEXT_LENGTH_EXCEEDED';
  override readonly isModelError = true;
  constructor(message: string, options: GatewayErrorOptions) {
    super(message, options);
    this.name = 'ContextLengthExceededError';
  }
}

export class InvalidResponseError extends GatewayError {
  override readonly code = 'CANARYLAB_ERR_INVALID_RESPONSE';
  override readonly kind = 'invalid_response';
  constructor(message: string, options: GatewayErrorOptions) {
    super(message, options);
    this.name = 'InvalidResponseError';
  }
}

export class ContentFilterError extends GatewayError {
  override readonly code = 'CANARYLAB_ERR_CONTENT_FILTER';
  override readonly kind = 'content_filter';
  constructor(message: string, options: GatewayErrorOptions) {
    super(message, options);
    this.name = 'ContentFilterError';
  }
}

/** The spend cap was reached: the call was not sent. Stable code `CANARYLAB_ERR_BUDGET`. */
export class BudgetExceededError extends GatewayError {
  override readonly code = 'CANARYLAB_ERR_BUDGET';
  override readonly kind = 'client';
  readonly capUsd: number;
  readonly spentUsd: number;
  constructor(options: { model: string; capUsd: number; spentUsd: number }) {
    super(msg.budgetReached(options.spentUsd, options.capUsd), { model: options.model });
    this.name = 'BudgetExceededError';
    this.capUsd = options.capUsd;
    this.spentUsd = options.spentUsd;
  }
}

/** True for the budget refusal (also across module copies: matched on the code). */
export function isBudgetExceeded(e: unknown): e is BudgetExceededError {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'CANARYLAB_ERR_BUDGET';
}

/** Bad arguments or configuration, thrown synchronously before any request is made. */
export class GatewayConfigError extends TypeError {
  readonly code = 'CANARYLAB_ERR_INVALID_ARG';
  constructor(message: string) {
    super(message);
    this.name = 'GatewayConfigError';
  }
}

/** True for errors a gateway may retry (see GatewayError.retryable). */
export function isRetryable(err: unknown): boolean {
  return err instanceof GatewayError && err.retryable;
}
