/** The chat client's public shapes: its options, one request, and the client itself. */
import type { ProtocolName } from './protocols/index';
import type { ChatMessage, ChatParams, ChatResponse } from './types';

export interface ChatClientOptions {
  /**
   * The wire protocol (default `openai`): OpenAI chat completions, the Anthropic Messages API or the Gemini
   * API's generateContent. Messages and params are given in OpenAI's shape whatever the protocol.
   */
  protocol?: ProtocolName;
  /**
   * e.g. `https://api.openai.com/v1` (`/chat/completions` is appended), `https://api.anthropic.com/v1`
   * (`/messages`), `https://generativelanguage.googleapis.com/v1beta` (`/models/{model}:generateContent`),
   * or a simulator's `baseURL` (it serves all three).
   */
  baseURL: string;
  /**
   * Read by the caller (config names an environment variable); sent as a Bearer token (openai), `x-api-key`
   * (anthropic) or `x-goog-api-key` (gemini); never logged.
   */
  apiKey?: string;
  /** `anthropic-version` header of the anthropic protocol. Default `2023-06-01`. */
  anthropicVersion?: string;
  model: string;
  /** Whole-request timeout, send to last byte. Default 60 000. */
  timeoutMs?: number;
  /** Connections of the shared pool for this base URL. Default 64. */
  maxConnections?: number;
  /** Extra request headers (e.g. an organization or a router's routing header). */
  headers?: Record<string, string>;
  /** Send `stream_options: { include_usage: true }` on streamed calls (servers that reject it: false). Default true. */
  streamUsage?: boolean;
  /** Largest response body accepted. Default 32 MiB. */
  maxResponseBytes?: number;
}

export interface CompleteRequest {
  messages: readonly ChatMessage[];
  params?: ChatParams;
  signal?: AbortSignal;
  /** Overrides the client's model for this call (used for fallback to another model of the same provider). */
  model?: string;
  /** Overrides the client's timeout for this call (the gateway passes what is left of its total budget). */
  timeoutMs?: number;
}

export interface ChatClient {
  readonly model: string;
  readonly baseURL: string;
  /** Resolves to the completion or rejects with a GatewayError (or the signal's reason when aborted). */
  complete(request: CompleteRequest): Promise<ChatResponse>;
  /** Releases this client's hold on the shared pool (the pool closes with its last client). */
  close(): Promise<void>;
}
