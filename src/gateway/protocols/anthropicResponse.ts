/** Answers of the Anthropic Messages API: stop reasons, usage, error bodies and a JSON Message. */
import { ContentFilterError, type GatewayError, InvalidResponseError } from '../errors';
import { msg, sanitizeServerText } from '../messages';
import type { ParsedCompletion } from '../parse';
import { parseRetryAfter } from '../retry';
import type { Usage } from '../types';
import { isObject, parseErrorBody, providerError, rawErrorMessage } from './errorBody';
import type { ProtocolAnswer } from './types';
import { normalizeUsage, tokenCount, type UsageContext, usageFields } from './usage';

type Block = Record<string, unknown>;

/** HTTP status of each error type, for error events inside a 200 stream (docs: "Errors"). */
const TYPE_STATUS: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** stop_reason in the gateway's (OpenAI's) words, so that arms of different providers compare. */
export const STOP_REASON: Record<string, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  pause_turn: 'pause_turn',
  refusal: 'content_filter',
  model_context_window_exceeded: 'length',
};

/**
 * Usage of a Message (or of message_start + message_delta merged) → normalized. The total input is
 * input_tokens + cache_creation_input_tokens + cache_read_input_tokens (API reference, Usage).
 * Null when absent; a malformed count is an invalid response naming its field.
 */
export function anthropicUsage(raw: unknown, ctx: UsageContext): Usage | null {
  const u = usageFields(raw, ctx, { name: 'usage', counts: ['input_tokens', 'output_tokens'] });
  if (u === null) return null;
  const input = tokenCount('input_tokens', u.input_tokens, ctx);
  const output = tokenCount('output_tokens', u.output_tokens, ctx);
  const read = tokenCount('cache_read_input_tokens', u.cache_read_input_tokens, ctx, true);
  const write = tokenCount('cache_creation_input_tokens', u.cache_creation_input_tokens, ctx, true);
  const details = isObject(u.output_tokens_details) ? u.output_tokens_details : undefined;
  const thinking = tokenCount('output_tokens_details.thinking_tokens', details?.thinking_tokens, ctx, true);
  return normalizeUsage(
    {
      prompt: input + read + write,
      completion: output,
      cached: read,
      cacheWrite: write,
      reasoning: thinking,
    },
    ctx,
  );
}

export function toolUseToCall(b: Block, args: string): unknown {
  return { id: b.id, type: 'function', function: { name: b.name, arguments: args } };
}

export function anthropicError(options: ProtocolAnswer): GatewayError {
  const { headers, ctx } = options;
  const parsed = parseErrorBody(options.body);
  const e = isObject(parsed) && isObject(parsed.error) ? parsed.error : undefined;
  const type = typeof e?.type === 'string' ? e.type : undefined;
  const rawMessage = rawErrorMessage(e, options.body);
  const status =
    options.status >= 400 ? options.status : ((type !== undefined ? TYPE_STATUS[type] : undefined) ?? 500);
  const detail = sanitizeServerText(rawMessage, ctx.secrets);
  const providerType = type === undefined ? undefined : sanitizeServerText(type, ctx.secrets).slice(0, 80);
  return providerError({
    model: ctx.model,
    status,
    detail,
    base: { model: ctx.model, httpStatus: status, providerCode: providerType, providerType },
    notFound: type === 'not_found_error',
    contextLength: /prompt is too long|context window|context length|too many (input )?tokens/,
    retryAfterMs: parseRetryAfter(headers),
  });
}

/** A JSON Message → the normalized completion (an error body, or a refusal, throws its typed error). */
export function parseAnthropicCompletion({ body, status, headers, ctx }: ProtocolAnswer): ParsedCompletion {
  const bad = (what: string) =>
    new InvalidResponseError(msg.invalidShape(ctx.model, what), { model: ctx.model, httpStatus: status });
  if (!isObject(body)) throw bad('body is not a JSON object');
  if (body.type === 'error' || isObject(body.error)) {
    throw anthropicError({ status, headers, body, ctx });
  }
  if (!Array.isArray(body.content)) throw bad('content is not an array of blocks');
  let text = '';
  let sawText = false;
  const toolCalls: unknown[] = [];
  for (const b of body.content) {
    if (!isObject(b)) throw bad('a content block is not an object');
    if (b.type === 'text') {
      if (typeof b.text !== 'string') throw bad('a text block has no text');
      text += b.text;
      sawText = true;
    } else if (b.type === 'tool_use') {
      toolCalls.push(toolUseToCall(b, JSON.stringify(b.input ?? {})));
    }
  }
  const stop = typeof body.stop_reason === 'string' ? body.stop_reason : null;
  if (stop === 'refusal') {
    throw new ContentFilterError(msg.contentFilter(ctx.model, ''), {
      model: ctx.model,
      httpStatus: status,
    });
  }
  const out: ParsedCompletion = {
    content: sawText || toolCalls.length === 0 ? text : null,
    finishReason: stop === null ? null : (STOP_REASON[stop] ?? stop),
    usage: anthropicUsage(body.usage, { model: ctx.model, httpStatus: status }),
  };
  if (typeof body.model === 'string') out.model = body.model;
  if (typeof body.id === 'string') out.id = body.id;
  if (toolCalls.length > 0) out.toolCalls = toolCalls;
  return out;
}
