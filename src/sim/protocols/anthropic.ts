/**
 * The simulator's Anthropic Messages API dialect (`POST /v1/messages`): the key in `x-api-key` (or as a
 * Bearer token, as @anthropic-ai/sdk 1.x sends it) and a required
 * `anthropic-version` header; `model`, `max_tokens` (required), `messages` of user/assistant turns with
 * string or block content, top-level `system` (string or text blocks), `stop_sequences`, `stream`.
 * Answers are `Message` objects; streams are `message_start`, `content_block_start`, `ping`,
 * `content_block_delta`, `content_block_stop`, `message_delta`, `message_stop` events; errors are
 * `{ type: 'error', error: { type, message }, request_id }` — 529 `overloaded_error` for overload.
 *
 * Prompt caching as documented: explicit `cache_control` breakpoints; the prefix up to the last breakpoint
 * (at least 1,024 tokens for Sonnet models) is written on first use (`cache_creation_input_tokens`) and
 * read after (`cache_read_input_tokens`); `input_tokens` counts only the tokens after the breakpoint.
 * Extended thinking (`thinking: { type: 'enabled', budget_tokens }`): a thinking block before the text, and
 * min(budget, 2 × answer tokens) thinking tokens inside `output_tokens` (`output_tokens_details.thinking_tokens`).
 */
import type { ServerResponse } from 'node:http';
import {
  isObject,
  type SimAnswer,
  type SimDialect,
  type SimError,
  type SimMsg,
  type SimRequest,
  type SimUsage,
  sendJson,
  stringItems,
} from './types';

const ERROR: Record<SimError['kind'], { status: number; type: string }> = {
  unauthorized: { status: 401, type: 'authentication_error' },
  bad_json: { status: 400, type: 'invalid_request_error' },
  bad_request: { status: 400, type: 'invalid_request_error' },
  model_not_found: { status: 404, type: 'not_found_error' },
  context_length: { status: 400, type: 'invalid_request_error' },
  rate_limit: { status: 429, type: 'rate_limit_error' },
  server_error: { status: 500, type: 'api_error' },
  overloaded: { status: 529, type: 'overloaded_error' },
  route_not_found: { status: 404, type: 'not_found_error' },
  too_large: { status: 413, type: 'request_too_large' },
};

/** Anthropic's texts for each error kind (the shapes of its API reference, "Errors"). */
function errorMessage(e: SimError): string {
  switch (e.kind) {
    case 'unauthorized':
      return 'invalid x-api-key';
    case 'bad_json':
      return 'There was an issue with the format or content of your request: the body is not valid JSON.';
    case 'model_not_found':
      return `model: ${e.model ?? ''}`;
    case 'context_length':
      return `prompt is too long: ${e.promptTokens ?? 0} tokens > ${e.maxTokens ?? 0} maximum`;
    case 'rate_limit':
      return 'This request would exceed the rate limit for your organization of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits.';
    case 'server_error':
      return 'Internal server error';
    case 'overloaded':
      return 'Overloaded';
    default:
      return e.message;
  }
}

let requestCounter = 0;

/** A request id in Anthropic's form, the next of this process. */
const nextRequestId = (): string => `req_sim${(++requestCounter).toString(36).padStart(8, '0')}`;

function anthropicError(res: ServerResponse, e: SimError): void {
  const { status, type } = ERROR[e.kind];
  const requestId = nextRequestId();
  const headers: Record<string, string> = { 'request-id': requestId };
  if (e.kind === 'rate_limit' || e.kind === 'overloaded') {
    if (e.retryAfterS !== undefined) headers['retry-after'] = String(e.retryAfterS);
  }
  sendJson(
    res,
    status,
    { type: 'error', error: { type, message: errorMessage(e) }, request_id: requestId },
    headers,
  );
}

const bad = (message: string): SimError => ({ kind: 'bad_request', message });

/** Text of a `system` field or of a message's content (string or blocks; tool results' text included). */
function blocksText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((b) => {
      if (!isObject(b)) return '';
      if (typeof b.text === 'string') return b.text;
      if (b.type === 'tool_result') return blocksText(b.content);
      return '';
    })
    .join('');
}

const hasCacheControl = (content: unknown): boolean =>
  Array.isArray(content) && content.some((b) => isObject(b) && b.cache_control !== undefined);

function usageObject(u: SimUsage) {
  const out: Record<string, unknown> = {
    input_tokens: u.promptTokens - u.cachedTokens - u.cacheWriteTokens,
    cache_creation_input_tokens: u.cacheWriteTokens,
    cache_read_input_tokens: u.cachedTokens,
    cache_creation: { ephemeral_5m_input_tokens: u.cacheWriteTokens, ephemeral_1h_input_tokens: 0 },
    // output_tokens is the inclusive total billed; thinking_tokens the part spent thinking.
    output_tokens: u.completionTokens + u.reasoningTokens,
    service_tier: 'standard',
  };
  if (u.reasoningTokens > 0) out.output_tokens_details = { thinking_tokens: u.reasoningTokens };
  return out;
}

/** The visible summary of a simulated thinking block (the tokens spent are in the usage). */
const THINKING_SUMMARY = 'Working through the problem step by step before answering.';
const SIGNATURE = 'c2ltdWxhdGVkLXNpZ25hdHVyZQ==';

function stopReason(a: SimAnswer): string {
  if (a.finish === 'length') return 'max_tokens';
  if (a.finish === 'content_filter') return 'refusal';
  return a.stopSequence !== undefined ? 'stop_sequence' : 'end_turn';
}

function message(a: SimAnswer, content: unknown[], final: boolean): Record<string, unknown> {
  const m: Record<string, unknown> = {
    id: a.id,
    type: 'message',
    role: 'assistant',
    model: a.model,
    content,
    stop_reason: final ? stopReason(a) : null,
    stop_sequence: final ? (a.stopSequence ?? null) : null,
  };
  if (a.usage) {
    m.usage = final ? usageObject(a.usage) : { ...usageObject(a.usage), output_tokens: 1 };
  }
  return m;
}

const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

export const anthropicDialect: SimDialect = {
  name: 'anthropic',
  streamContentType: 'text/event-stream; charset=utf-8',
  cacheMinTokens: 1024,
  cacheGranularity: 1,
  preflight(headers, _route, apiKey) {
    // The key comes as x-api-key (the API reference) or as a Bearer token (what @anthropic-ai/sdk 1.x sends).
    if (
      apiKey !== undefined &&
      headers['x-api-key'] !== apiKey &&
      headers.authorization !== `Bearer ${apiKey}`
    ) {
      return { kind: 'unauthorized', message: 'invalid x-api-key' };
    }
    if (typeof headers['anthropic-version'] !== 'string' || headers['anthropic-version'] === '') {
      return bad('anthropic-version: header is required');
    }
    return undefined;
  },
  parse(payload): SimRequest | SimError {
    const model = payload.model;
    if (typeof model !== 'string' || model === '') return bad('model: Field required');
    const max = payload.max_tokens;
    if (max === undefined) return bad('max_tokens: Field required');
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) {
      return bad('max_tokens: Input should be a valid integer greater than or equal to 1');
    }
    const messages = payload.messages;
    if (!Array.isArray(messages) || messages.length === 0) {
      return bad('messages: at least one message is required');
    }
    const out: SimMsg[] = [];
    const system = payload.system;
    if (system !== undefined) {
      if (typeof system !== 'string' && !Array.isArray(system)) {
        return bad('system: Input should be a valid string or a list of text blocks');
      }
      const text = blocksText(system);
      if (text.length > 0) out.push({ role: 'system', content: text });
    }
    const firstTurn = out.length;
    let breakpoint = hasCacheControl(system) ? out.length : -1;
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i];
      if (!isObject(m) || (m.role !== 'user' && m.role !== 'assistant')) {
        return bad(`messages.${i}.role: Input should be 'user' or 'assistant'`);
      }
      if (typeof m.content !== 'string' && !Array.isArray(m.content)) {
        return bad(`messages.${i}.content: Input should be a valid string or a list of content blocks`);
      }
      out.push({ role: m.role, content: blocksText(m.content) });
      if (hasCacheControl(m.content)) breakpoint = out.length;
    }
    if (out[firstTurn]?.role !== 'user') return bad('messages: first message must use the "user" role');
    const stops = stringItems(payload.stop_sequences);
    const req: SimRequest = {
      model,
      messages: out,
      hashKey: JSON.stringify([system ?? null, messages]),
      stops,
      maxTokens: max,
      stream: payload.stream === true,
      includeUsage: true,
    };
    const thinking = payload.thinking;
    if (isObject(thinking) && thinking.type === 'enabled' && typeof thinking.budget_tokens === 'number') {
      if (thinking.budget_tokens >= max) return bad('max_tokens must be greater than thinking.budget_tokens');
      if (thinking.budget_tokens > 0) req.thinkingBudget = thinking.budget_tokens;
    }
    // Explicit caching: the prefix through the last block marked cache_control.
    if (breakpoint > 0) req.cachePrefix = { messages: out.slice(0, breakpoint), explicit: true };
    return req;
  },
  sendError: anthropicError,
  completion(a) {
    const content: unknown[] = [];
    if (a.reasoningTokens > 0)
      content.push({ type: 'thinking', thinking: THINKING_SUMMARY, signature: SIGNATURE });
    if (a.finish !== 'content_filter') content.push({ type: 'text', text: a.text });
    return JSON.stringify(message(a, content, true));
  },
  completionHeaders: () => ({ 'request-id': nextRequestId() }),
  framer(a) {
    // With thinking, block 0 is the thinking block (its text, then its signature) and the answer is block 1.
    const index = a.reasoningTokens > 0 ? 1 : 0;
    const thinking =
      index === 0
        ? ''
        : event('content_block_start', {
            type: 'content_block_start',
            index: 0,
            content_block: { type: 'thinking', thinking: '', signature: '' },
          }) +
          event('content_block_delta', {
            type: 'content_block_delta',
            index: 0,
            delta: { type: 'thinking_delta', thinking: THINKING_SUMMARY },
          }) +
          event('content_block_delta', {
            type: 'content_block_delta',
            index: 0,
            delta: { type: 'signature_delta', signature: SIGNATURE },
          }) +
          event('content_block_stop', { type: 'content_block_stop', index: 0 });
    return {
      open: () =>
        event('message_start', { type: 'message_start', message: message(a, [], false) }) +
        thinking +
        event('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'text', text: '' },
        }) +
        event('ping', { type: 'ping' }),
      delta: (text) =>
        event('content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'text_delta', text },
        }),
      malformed: (text) =>
        `event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } }).slice(0, 40)}\n\n`,
      close: () => {
        const delta: Record<string, unknown> = {
          type: 'message_delta',
          delta: { stop_reason: stopReason(a), stop_sequence: a.stopSequence ?? null },
        };
        if (a.usage) delta.usage = usageObject(a.usage);
        return (
          event('content_block_stop', { type: 'content_block_stop', index }) +
          event('message_delta', delta) +
          event('message_stop', { type: 'message_stop' })
        );
      },
    };
  },
};
