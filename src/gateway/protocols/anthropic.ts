/**
 * The Anthropic Messages API (`POST {baseURL}/messages`, e.g. https://api.anthropic.com/v1/messages):
 * `x-api-key` and `anthropic-version` headers; system prompt as the top-level `system` field; content
 * blocks; `max_tokens` required; usage in `input_tokens` / `output_tokens` / `cache_read_input_tokens` /
 * `cache_creation_input_tokens` (input_tokens excludes both cache counts: the total input is their sum);
 * `stop_reason`; streamed as `message_start`, `content_block_start`/`_delta`/`_stop`, `message_delta`,
 * `message_stop` (and `ping`, `error`) events. Errors are `{ type: 'error', error: { type, message } }`
 * with 529 `overloaded_error` besides the usual statuses.
 *
 * Shapes from the official SDK's types (@anthropic-ai/sdk, resources/messages/messages.d.ts: Message,
 * Usage, MessageDeltaUsage, RawMessageStreamEvent; core/error.js for the status → error class map) and
 * Anthropic's API reference (versioning: the `anthropic-version: 2023-06-01` header).
 */
import { ContentFilterError, type GatewayError, InvalidResponseError } from '../errors';
import { msg, sanitizeServerText } from '../messages';
import type { ParsedCompletion } from '../parse';
import { parseRetryAfter } from '../retry';
import type { ChatMessage, Usage } from '../types';
import { isObject, parseErrorBody, providerError, rawErrorMessage } from './errorBody';
import { SseSplitter } from './sse';
import type { Headers, Protocol, ProtocolContext, StreamParser } from './types';
import { normalizeUsage, tokenCount, type UsageContext, usageFields } from './usage';

/** The API version sent when the client is not told another one. */
export const ANTHROPIC_VERSION = '2023-06-01';
/** `max_tokens` is required by the Messages API; sent when params set neither max_tokens nor max_completion_tokens. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

/** OpenAI-only params that the Messages API would reject; the rest are sent as they are. */
const OPENAI_ONLY = new Set([
  'max_tokens',
  'max_completion_tokens',
  'stop',
  'stream',
  'stream_options',
  'n',
  'seed',
  'user',
  'response_format',
  'frequency_penalty',
  'presence_penalty',
  'logprobs',
  'top_logprobs',
  'logit_bias',
  'parallel_tool_calls',
  'tools',
  'tool_choice',
  'reasoning_effort',
]);

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
const STOP_REASON: Record<string, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  pause_turn: 'pause_turn',
  refusal: 'content_filter',
  model_context_window_exceeded: 'length',
};

type Block = Record<string, unknown>;

/** OpenAI content (string or parts) → Anthropic content blocks; parts of other shapes pass as they are. */
function toBlocks(content: ChatMessage['content']): Block[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return content.length > 0 ? [{ type: 'text', text: content }] : [];
  return content.map((p) => {
    if (p.type === 'text') {
      const b: Block = { type: 'text', text: p.text ?? '' };
      if (p.cache_control !== undefined) b.cache_control = p.cache_control;
      return b;
    }
    return { ...p };
  });
}

function toolCallsToBlocks(calls: unknown[] | undefined): Block[] {
  const out: Block[] = [];
  for (const c of calls ?? []) {
    if (!isObject(c) || !isObject(c.function)) continue;
    let input: unknown = {};
    try {
      input = JSON.parse(String(c.function.arguments ?? '{}'));
    } catch {
      input = {};
    }
    out.push({ type: 'tool_use', id: c.id, name: c.function.name, input });
  }
  return out;
}

/** OpenAI-shaped messages → `{ system, messages }` of the Messages API. */
export function toAnthropicMessages(messages: readonly ChatMessage[]): {
  system?: string | Block[];
  messages: Array<{ role: 'user' | 'assistant'; content: string | Block[] }>;
} {
  const system: Block[] = [];
  let systemHasParts = false;
  const out: Array<{ role: 'user' | 'assistant'; content: string | Block[] }> = [];
  for (const m of messages) {
    if (m.role === 'system' || m.role === 'developer') {
      if (Array.isArray(m.content)) systemHasParts = true;
      system.push(...toBlocks(m.content));
    } else if (m.role === 'tool') {
      const text = typeof m.content === 'string' ? m.content : toBlocks(m.content);
      out.push({
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: m.tool_call_id, content: text }],
      });
    } else if (m.role === 'assistant') {
      const blocks = [...toBlocks(m.content), ...toolCallsToBlocks(m.tool_calls)];
      out.push({
        role: 'assistant',
        content: typeof m.content === 'string' && !m.tool_calls?.length ? m.content : blocks,
      });
    } else {
      out.push({ role: 'user', content: typeof m.content === 'string' ? m.content : toBlocks(m.content) });
    }
  }
  const res: ReturnType<typeof toAnthropicMessages> = { messages: out };
  if (system.length > 0) {
    res.system = systemHasParts ? system : system.map((b) => String(b.text ?? '')).join('\n\n');
  }
  return res;
}

/** OpenAI function tools → Anthropic tools (`input_schema`); tools in Anthropic's shape pass as they are. */
function toTools(tools: unknown): unknown[] | undefined {
  if (!Array.isArray(tools)) return undefined;
  return tools.map((t) => {
    if (isObject(t) && t.type === 'function' && isObject(t.function)) {
      const f = t.function;
      const out: Block = { name: f.name, input_schema: f.parameters ?? { type: 'object' } };
      if (f.description !== undefined) out.description = f.description;
      return out;
    }
    return t;
  });
}

function toToolChoice(choice: unknown): unknown {
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  if (choice === 'none') return { type: 'none' };
  if (isObject(choice) && choice.type === 'function' && isObject(choice.function)) {
    return { type: 'tool', name: choice.function.name };
  }
  return choice;
}

/**
 * Usage of a Message (or of message_start + message_delta merged) → normalized. The total input is
 * input_tokens + cache_creation_input_tokens + cache_read_input_tokens (API reference, Usage).
 * Null when absent; a malformed count is an invalid response naming its field.
 */
function anthropicUsage(raw: unknown, ctx: UsageContext): Usage | null {
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

function toolUseToCall(b: Block, args: string): unknown {
  return { id: b.id, type: 'function', function: { name: b.name, arguments: args } };
}

function anthropicError(options: {
  status: number;
  headers: Headers;
  body: unknown;
  ctx: ProtocolContext;
}): GatewayError {
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

class AnthropicStreamParser implements StreamParser {
  content = '';
  sawContent = false;
  finishReason: string | null = null;
  usage: Usage | null = null;
  model?: string;
  id?: string;
  firstTokenAt?: number;
  /** message_stop was seen. */
  private stopped = false;
  private readonly tools: unknown[] = [];
  private readonly blocks = new Map<number, { block: Block; json: string }>();
  private rawUsage: Record<string, unknown> | undefined;
  private readonly sse = new SseSplitter((e) => this.onEvent(e.event, e.data));

  constructor(
    private readonly ctx: ProtocolContext & { status: number; headers: Headers },
    private readonly now: () => number,
  ) {}

  get toolCallDeltas(): unknown[] | undefined {
    return this.tools.length > 0 ? this.tools : undefined;
  }

  /** Complete at message_stop, or once message_delta gave the stop reason (as OpenAI's finish_reason). */
  get complete(): boolean {
    return this.stopped || this.finishReason !== null;
  }

  push(text: string): void {
    this.sse.push(text);
  }

  end(): void {
    this.sse.end();
    this.usage = this.rawUsage
      ? anthropicUsage(this.rawUsage, { model: this.ctx.model, httpStatus: this.ctx.status })
      : null;
  }

  private bad(what: string): InvalidResponseError {
    return new InvalidResponseError(msg.invalidShape(this.ctx.model, what), {
      model: this.ctx.model,
      httpStatus: this.ctx.status,
    });
  }

  private onEvent(event: string, data: string): void {
    if (this.stopped || event === 'ping') return;
    let obj: unknown;
    try {
      obj = JSON.parse(data);
    } catch {
      throw new InvalidResponseError(msg.invalidJson(this.ctx.model), {
        model: this.ctx.model,
        httpStatus: this.ctx.status,
      });
    }
    if (!isObject(obj)) throw this.bad('stream event is not an object');
    const type = typeof obj.type === 'string' ? obj.type : event;
    switch (type) {
      case 'error':
        throw anthropicError({
          status: this.ctx.status,
          headers: this.ctx.headers,
          body: obj,
          ctx: this.ctx,
        });
      case 'message_start': {
        const m = obj.message;
        if (!isObject(m)) throw this.bad('message_start without a message');
        if (typeof m.id === 'string') this.id = m.id;
        if (typeof m.model === 'string') this.model = m.model;
        if (isObject(m.usage)) this.rawUsage = { ...m.usage };
        return;
      }
      case 'content_block_start': {
        const b = obj.content_block;
        if (!isObject(b) || typeof obj.index !== 'number')
          throw this.bad('content_block_start without a block');
        this.blocks.set(obj.index, { block: b, json: '' });
        if (b.type === 'text' && typeof b.text === 'string' && b.text.length > 0) this.addText(b.text);
        if (b.type === 'tool_use') this.firstTokenAt ??= this.now();
        return;
      }
      case 'content_block_delta': {
        const d = obj.delta;
        if (!isObject(d)) throw this.bad('content_block_delta without a delta');
        if (d.type === 'text_delta' && typeof d.text === 'string') this.addText(d.text);
        else if (d.type === 'input_json_delta' && typeof d.partial_json === 'string') {
          const b = this.blocks.get(obj.index as number);
          if (b) b.json += d.partial_json;
        }
        return;
      }
      case 'content_block_stop': {
        const b = this.blocks.get(obj.index as number);
        if (b?.block.type === 'tool_use') this.tools.push(toolUseToCall(b.block, b.json || '{}'));
        return;
      }
      case 'message_delta': {
        const d = obj.delta;
        if (isObject(d) && typeof d.stop_reason === 'string') {
          this.finishReason = STOP_REASON[d.stop_reason] ?? d.stop_reason;
          if (d.stop_reason === 'refusal') {
            throw new ContentFilterError(msg.contentFilter(this.ctx.model, ''), {
              model: this.ctx.model,
              httpStatus: this.ctx.status,
            });
          }
        }
        // message_delta usage is cumulative; null fields keep message_start's values.
        if (isObject(obj.usage)) {
          this.rawUsage ??= {};
          for (const [k, v] of Object.entries(obj.usage))
            if (v !== null && v !== undefined) this.rawUsage[k] = v;
        }
        return;
      }
      case 'message_stop':
        this.stopped = true;
        return;
      default:
        return; // new event types may be added (versioning policy): ignored
    }
  }

  private addText(text: string): void {
    if (text.length === 0) return;
    this.firstTokenAt ??= this.now();
    this.content += text;
    this.sawContent = true;
  }
}

/**
 * Builds the Messages API protocol.
 *
 * @example
 * const client = createChatClient({ protocol: 'anthropic', baseURL: 'https://api.anthropic.com/v1', apiKey, model: 'claude-sonnet-4-5' });
 */
export function anthropicProtocol(options: { version?: string } = {}): Protocol {
  const fixedHeaders = Object.freeze({ 'anthropic-version': options.version ?? ANTHROPIC_VERSION });
  return {
    name: 'anthropic',
    path: () => '/messages',
    authHeaders: (apiKey) => ({ 'x-api-key': apiKey }),
    fixedHeaders,
    buildBody({ model, messages, params, stream }) {
      const body: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(params)) if (!OPENAI_ONLY.has(k) && v !== undefined) body[k] = v;
      const { system, messages: msgs } = toAnthropicMessages(messages);
      body.model = model;
      if (system !== undefined) body.system = system;
      body.messages = msgs;
      const max =
        typeof params.max_tokens === 'number'
          ? params.max_tokens
          : typeof params.max_completion_tokens === 'number'
            ? params.max_completion_tokens
            : ANTHROPIC_DEFAULT_MAX_TOKENS;
      body.max_tokens = max;
      if (params.stop !== undefined)
        body.stop_sequences = Array.isArray(params.stop) ? params.stop : [params.stop];
      if (typeof params.user === 'string' && body.metadata === undefined)
        body.metadata = { user_id: params.user };
      const tools = toTools(params.tools);
      if (tools) body.tools = tools;
      if (params.tool_choice !== undefined) body.tool_choice = toToolChoice(params.tool_choice);
      if (stream) body.stream = true;
      return body;
    },
    parseCompletion({ body, status, headers, ctx }): ParsedCompletion {
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
    },
    createStreamParser: (ctx, now) => new AnthropicStreamParser(ctx, now),
    errorFromResponse: anthropicError,
  };
}
