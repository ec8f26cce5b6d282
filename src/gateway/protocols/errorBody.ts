/**
 * What the Anthropic and Gemini protocols share in reading an error response: the body parsed, the server's
 * message found, and the mapping of status and message to a typed gateway error. Each protocol keeps its
 * own error shape (where the type / RPC status sits, which texts mean "context too long").
 */
import {
  ClientError,
  ContextLengthExceededError,
  type GatewayError,
  ModelNotFoundError,
  RateLimitError,
  ServerError,
} from '../errors';
import { msg } from '../messages';

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An error body: a string is parsed as JSON (undefined when it is not JSON); anything else is kept. */
export function parseErrorBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** The server's words: the error object's `message`, else a text body that is not an HTML page. */
export function rawErrorMessage(e: Record<string, unknown> | undefined, body: unknown): unknown {
  return e?.message ?? (typeof body === 'string' && !/^\s*</.test(body) ? body : undefined);
}

/**
 * Status and sanitized message → typed error: model not found (the provider's not-found marker or a 404,
 * with "model" in the message), context length (a 400 whose message matches `contextLength`), rate limit
 * (429), server error (≥ 500, with the wait), else a client error.
 */
export function providerError(options: {
  model: string;
  status: number;
  detail: string;
  base: { model: string; httpStatus: number; providerCode?: string; providerType?: string };
  notFound: boolean;
  contextLength: RegExp;
  retryAfterMs: number | undefined;
}): GatewayError {
  const { model, status, detail, base, retryAfterMs } = options;
  const lower = detail.toLowerCase();
  if ((options.notFound || status === 404) && lower.includes('model')) {
    return new ModelNotFoundError(msg.modelNotFound(model, detail), base);
  }
  if (status === 400 && options.contextLength.test(lower)) {
    return new ContextLengthExceededError(msg.contextLength(model, detail), base);
  }
  if (status === 429) {
    return new RateLimitError(msg.rateLimit(model, retryAfterMs, detail), { ...base, retryAfterMs });
  }
  if (status >= 500) return new ServerError(msg.server(model, status, detail), { ...base, retryAfterMs });
  return new ClientError(msg.client(model, status, detail), base);
}
