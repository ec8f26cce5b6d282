/**
 * Turning what a server sent into a ChatResponse or a typed error: OpenAI error bodies, JSON completions and
 * server-sent event streams. Everything here treats the body as untrusted input.
 */
import {
  ClientError,
  ContentFilterError,
  ContextLengthExceededError,
  type GatewayError,
  InvalidResponseError,
  ModelNotFoundError,
  QuotaExceededError,
  RateLimitError,
  ServerError,
} from './errors';
import { MAX_USAGE_TOKENS, msg, sanitizeServerText } from './messages';
import { isObject, parseErrorBody } from './protocols/errorBody';
import { SseBlockReader } from './protocols/sse';
import { StreamParserBase } from './protocols/streamParserBase';
import type { Headers, ParsedCompletion } from './protocols/types';
import { parseRetryAfter } from './retry';
import type { Usage } from './types';

export type { Headers, ParsedCompletion } from './protocols/types';

interface ErrorContext {
  model: string;
  secrets: readonly string[];
}

const CONTENT_FILTER_CODES = new Set(['content_filter', 'content_policy_violation']);

/**
 * Maps an HTTP error response (status ≥ 400, or an `error` object in a 200 body or stream) to its class.
 * Reads OpenAI's `{ error: { message, type, param, code } }` and the shapes of vLLM and Ollama.
 */
export function errorFromResponse(options: {
  status: number;
  headers: Headers;
  body: unknown;
  ctx: ErrorContext;
}): GatewayError {
  const { status, headers, ctx } = options;
  const parsed = parseErrorBody(options.body);
  let rawMessage: unknown;
  let code: string | undefined;
  let type: string | undefined;
  if (isObject(parsed)) {
    const e = parsed.error;
    if (isObject(e)) {
      rawMessage = e.message;
      if (typeof e.code === 'string') code = e.code;
      if (typeof e.type === 'string') type = e.type;
    } else if (typeof e === 'string') {
      rawMessage = e;
    } else {
      rawMessage = parsed.message;
      if (typeof parsed.code === 'string') code = parsed.code;
      if (typeof parsed.type === 'string') type = parsed.type;
    }
  } else if (typeof options.body === 'string' && options.body.length > 0 && !/^\s*</.test(options.body)) {
    rawMessage = options.body;
  }
  const detail = sanitizeServerText(rawMessage, ctx.secrets);
  const providerCode = code === undefined ? undefined : sanitizeServerText(code, ctx.secrets).slice(0, 80);
  const providerType = type === undefined ? undefined : sanitizeServerText(type, ctx.secrets).slice(0, 80);
  const retryAfterMs = parseRetryAfter(headers);
  const base = { model: ctx.model, httpStatus: status, providerCode, providerType };
  const lower = detail.toLowerCase();

  if (
    code === 'model_not_found' ||
    (status === 404 && lower.includes('model') && /not found|does not exist|no such model/.test(lower))
  ) {
    return new ModelNotFoundError(msg.modelNotFound(ctx.model, detail), base);
  }
  if (
    code === 'context_length_exceeded' ||
    (status === 400 && /maximum context length|context length exceeded|context window/.test(lower))
  ) {
    return new ContextLengthExceededError(msg.contextLength(ctx.model, detail), base);
  }
  if (code !== undefined && CONTENT_FILTER_CODES.has(code)) {
    return new ContentFilterError(msg.contentFilter(ctx.model, detail), base);
  }
  if (status === 429) {
    if (code === 'insufficient_quota')
      return new QuotaExceededError(msg.quotaExceeded(ctx.model, detail), base);
    return new RateLimitError(msg.rateLimit(ctx.model, retryAfterMs, detail), { ...base, retryAfterMs });
  }
  if (status >= 500) return new ServerError(msg.server(ctx.model, status, detail), { ...base, retryAfterMs });
  if (status >= 400) return new ClientError(msg.client(ctx.model, status, detail), base);
  // An error object inside a 2xx body or stream: trust its numeric code if it is an HTTP status.
  const numeric = isObject(parsed) && isObject(parsed.error) ? parsed.error.code : undefined;
  if (typeof numeric === 'number' && numeric >= 400 && numeric < 600 && numeric !== status) {
    return errorFromResponse({ ...options, status: numeric, body: parsed });
  }
  return new ServerError(msg.server(ctx.model, status, detail), { ...base, retryAfterMs });
}

/**
 * The server's `usage`, validated: null when absent (`usage` missing or null, or an object with neither
 * count: the caller estimates), else prompt and completion tokens (and total_tokens when sent) must be
 * integers from 0 to MAX_USAGE_TOKENS.
 * @throws {InvalidResponseError} for a negative, fractional, absurd or non-numeric count: the call fails as
 *   `invalid_response` (recorded, counted, not retried) instead of a cost computed from a made-up count
 */
export function parseUsage(u: unknown, model = '', httpStatus?: number): Usage | null {
  if (u === undefined || u === null) return null;
  const bad = (field: string, got: unknown) =>
    new InvalidResponseError(msg.invalidUsage(model, field, got), {
      model,
      ...(httpStatus !== undefined ? { httpStatus } : {}),
    });
  if (!isObject(u))
    throw new InvalidResponseError(msg.invalidShape(model, 'usage is not an object'), {
      model,
      ...(httpStatus !== undefined ? { httpStatus } : {}),
    });
  const p = u.prompt_tokens;
  const c = u.completion_tokens;
  if (p === undefined && c === undefined) return null;
  const count = (field: string, v: unknown): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_USAGE_TOKENS) throw bad(field, v);
    return v;
  };
  const promptTokens = count('prompt_tokens', p);
  const completionTokens = count('completion_tokens', c);
  const totalTokens =
    u.total_tokens === undefined || u.total_tokens === null
      ? promptTokens + completionTokens
      : count('total_tokens', u.total_tokens);
  return { promptTokens, completionTokens, totalTokens };
}

/** Validates a non-streaming completion body (already JSON-parsed). Throws InvalidResponseError / mapped errors. */
export function parseCompletion(options: {
  body: unknown;
  status: number;
  headers: Headers;
  ctx: ErrorContext;
}): ParsedCompletion {
  const { body, ctx } = options;
  const bad = (what: string) =>
    new InvalidResponseError(msg.invalidShape(ctx.model, what), {
      model: ctx.model,
      httpStatus: options.status,
    });
  if (!isObject(body)) throw bad('body is not a JSON object');
  if (body.error !== undefined && body.error !== null) {
    throw errorFromResponse({ status: options.status, headers: options.headers, body, ctx });
  }
  const choices = body.choices;
  if (!Array.isArray(choices) || choices.length === 0) {
    throw new InvalidResponseError(msg.noChoices(ctx.model), {
      model: ctx.model,
      httpStatus: options.status,
    });
  }
  const choice = choices[0];
  if (!isObject(choice)) throw bad('choices[0] is not an object');
  const message = choice.message;
  if (!isObject(message)) throw bad('choices[0].message is missing');
  const content = message.content;
  if (content !== null && content !== undefined && typeof content !== 'string') {
    throw bad('choices[0].message.content is not a string');
  }
  const finishReason = typeof choice.finish_reason === 'string' ? choice.finish_reason : null;
  if (finishReason === 'content_filter') {
    throw new ContentFilterError(msg.contentFilter(ctx.model, ''), {
      model: ctx.model,
      httpStatus: options.status,
    });
  }
  const out: ParsedCompletion = {
    content: typeof content === 'string' ? content : null,
    finishReason,
    usage: parseUsage(body.usage, ctx.model, options.status),
  };
  if (typeof body.model === 'string') out.model = body.model;
  if (typeof body.id === 'string') out.id = body.id;
  if (Array.isArray(message.tool_calls) && message.tool_calls.length > 0) out.toolCalls = message.tool_calls;
  return out;
}

/**
 * Incremental parser for an OpenAI chat-completions event stream (text/event-stream). Feed it decoded text;
 * it accumulates the first choice's content, finish reason and usage, and notes when the first token came.
 */
export class ChatStreamParser extends StreamParserBase {
  /** `data: [DONE]` was seen. */
  done = false;
  protected readonly sse = new SseBlockReader((event) => this.handleEvent(event));

  get complete(): boolean {
    return this.done || this.finishReason !== null;
  }

  /** Call at end of body: processes a last event without its blank line. */
  end(): void {
    this.sse.end();
  }

  private handleEvent(event: string): void {
    let data = '';
    let hasData = false;
    for (const line of event.split('\n')) {
      if (line.startsWith('data:')) {
        const v = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
        data = hasData ? `${data}\n${v}` : v;
        hasData = true;
      }
    }
    if (!hasData || this.done) return;
    if (data.trim() === '[DONE]') {
      this.done = true;
      return;
    }
    const model = this.ctx.model;
    const obj = this.parseData(data);
    if (!isObject(obj)) throw this.bad('stream event is not an object');
    if (obj.error !== undefined && obj.error !== null) {
      throw errorFromResponse({
        status: this.ctx.status,
        headers: this.ctx.headers,
        body: obj,
        ctx: this.ctx,
      });
    }
    if (typeof obj.model === 'string' && this.model === undefined) this.model = obj.model;
    if (typeof obj.id === 'string' && this.id === undefined) this.id = obj.id;
    const usage = parseUsage(obj.usage, model, this.ctx.status);
    if (usage) this.usage = usage;
    const choices = obj.choices;
    if (!Array.isArray(choices)) return;
    for (const choice of choices) {
      if (!isObject(choice) || (choice.index !== undefined && choice.index !== 0)) continue;
      const delta = choice.delta;
      if (isObject(delta)) {
        if (typeof delta.content === 'string') this.addText(delta.content);
        if (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) {
          this.firstTokenAt ??= this.now();
          this.tools.push(...delta.tool_calls);
        }
      }
      if (typeof choice.finish_reason === 'string') {
        this.finishReason = choice.finish_reason;
        if (choice.finish_reason === 'content_filter') {
          throw new ContentFilterError(msg.contentFilter(model, ''), { model, httpStatus: this.ctx.status });
        }
      }
    }
  }
}
