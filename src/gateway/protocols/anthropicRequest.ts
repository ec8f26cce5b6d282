/** Requests of the Anthropic Messages API built from OpenAI-shaped messages, params and tools. */
import type { ChatMessage } from '../types';
import { isObject } from './errorBody';
import { readToolCalls } from './toolCalls';
import type { ProtocolRequest } from './types';

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
  return readToolCalls(calls).map((c) => ({ type: 'tool_use', id: c.id, name: c.name, input: c.args }));
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

/** The request body of a Messages API call: OpenAI-only params dropped or translated, `max_tokens` always set. */
export function anthropicBody({ model, messages, params, stream }: ProtocolRequest): Record<string, unknown> {
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
}
