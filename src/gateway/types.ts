/**
 * Shapes the gateway speaks: OpenAI chat-completions requests in, normalized responses out.
 * Field names of request params stay in OpenAI's snake_case, because they go on the wire as they are.
 */

import type { ChatMessage, ErrorKind } from '../types';

/** ChatMessage and ErrorKind are the shared record types of src/types.ts. */
export type { ChatMessage, ErrorKind };

/**
 * Request parameters, sent as they are (snake_case, OpenAI's names). `model` and `messages` are set by the
 * client; `stream: true` switches to server-sent events and measures time to first token.
 */
export interface ChatParams {
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  stop?: string | string[];
  seed?: number;
  n?: number;
  stream?: boolean;
  response_format?: unknown;
  tools?: unknown[];
  tool_choice?: unknown;
  user?: string;
  [key: string]: unknown;
}

/** Token usage as reported by the server (camelCase, as in CallRecord). */
export interface Usage {
  /** Every input token, cached ones included. */
  promptTokens: number;
  /** Every output token billed at the output price, reasoning included. */
  completionTokens: number;
  totalTokens: number;
  /** Of promptTokens, read from the provider's prompt cache (billed at its cached-input price). */
  cachedTokens?: number;
  /** Of promptTokens, written to the prompt cache (Anthropic bills them above the input price). */
  cacheWriteTokens?: number;
  /** Of completionTokens, spent on reasoning / thinking. */
  reasoningTokens?: number;
}

/** A completed call. `content` is model output: untrusted text. */
export interface ChatResponse {
  /** Concatenated text of the first choice; null when the model only called tools. */
  content: string | null;
  /** Server-reported usage; null when the server sent none (the caller may estimate, see estimateUsage). */
  usage: Usage | null;
  /** `stop`, `length`, `tool_calls`, … as sent by the server; null when absent. */
  finishReason: string | null;
  httpStatus: number;
  /** Monotonic milliseconds from sending the request to the last byte of the response. */
  latencyMs: number;
  /** Streaming only: milliseconds from sending to the first content token. */
  ttftMs?: number;
  /** Model name the server says answered. */
  model: string;
  /** Response id (`chatcmpl-…`), when sent. */
  id?: string;
  toolCalls?: unknown[];
}
