/**
 * What a provider protocol supplies to the shared HTTP client (src/gateway/complete.ts): the request path and
 * headers, the request body built from OpenAI-shaped messages and params, the parsing of a JSON answer and
 * of an event stream into the normalized ChatResponse fields, and the mapping of its error shapes onto the
 * typed gateway errors (so one retry policy works for every provider).
 */
import type { GatewayError } from '../errors';
import type { ChatMessage, ChatParams, Usage } from '../types';

/** The fields of a completion the client keeps, validated. */
export interface ParsedCompletion {
  content: string | null;
  finishReason: string | null;
  usage: Usage | null;
  model?: string;
  id?: string;
  toolCalls?: unknown[];
}

/** The wire protocols an arm or a judge can speak. */
export const PROTOCOLS = ['openai', 'anthropic', 'gemini'] as const;
export type ProtocolName = (typeof PROTOCOLS)[number];

export type Headers = Record<string, string | string[] | undefined>;

/** What error and body parsers need to know: the model (for messages) and the secrets to keep out of them. */
export interface ProtocolContext {
  model: string;
  secrets: readonly string[];
}

/** Incremental parser of one streamed answer; the client feeds it decoded text. */
export interface StreamParser {
  push(text: string): void;
  /** Call at the end of the body (processes a last event without its blank line). */
  end(): void;
  readonly content: string;
  readonly sawContent: boolean;
  readonly finishReason: string | null;
  readonly usage: Usage | null;
  readonly model?: string;
  readonly id?: string;
  readonly firstTokenAt?: number;
  readonly toolCallDeltas?: unknown[];
  /** True when the stream ended the way the protocol says a complete answer ends. */
  readonly complete: boolean;
}

export interface ProtocolRequest {
  model: string;
  messages: readonly ChatMessage[];
  params: ChatParams;
  stream: boolean;
}

/** An answer of the server: its status, headers and body (parsed JSON, or text), and the call's context. */
export interface ProtocolAnswer {
  status: number;
  headers: Headers;
  body: unknown;
  ctx: ProtocolContext;
}

/** The context of a stream parser: the call's and the response's status and headers. */
export type StreamContext = ProtocolContext & { status: number; headers: Headers };

export interface Protocol {
  readonly name: ProtocolName;
  /** Path and query appended to the base URL's path, e.g. `/chat/completions`, `/messages`. */
  path(model: string, stream: boolean): string;
  /** Authentication headers for a key (never logged). */
  authHeaders(apiKey: string): Record<string, string>;
  /** Headers every request of this protocol carries (e.g. anthropic-version). */
  readonly fixedHeaders: Readonly<Record<string, string>>;
  buildBody(request: ProtocolRequest): Record<string, unknown>;
  parseCompletion(options: ProtocolAnswer): ParsedCompletion;
  createStreamParser(ctx: StreamContext, now: () => number): StreamParser;
  errorFromResponse(options: ProtocolAnswer): GatewayError;
}
