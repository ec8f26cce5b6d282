/**
 * A protocol ("dialect") of the simulator: how a request of that wire format is read into the simulator's
 * neutral request, and how its answers, streams and errors are written. Latency, faults, answers and token
 * counts are drawn by the simulator (src/sim/chat.ts) the same way whatever the dialect, so one model profile
 * behaves alike behind every protocol.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

export type SimProtocol = 'openai' | 'anthropic' | 'gemini';

/** A chat message as the simulator counts and answers it (OpenAI's shape: role and text content). */
export interface SimMsg {
  role?: unknown;
  content?: unknown;
  name?: unknown;
}

/** What the route already says (Gemini puts the model and streaming in the URL). */
export interface SimRoute {
  protocol: SimProtocol;
  model?: string;
  stream?: boolean;
  /** Query parameters (Gemini accepts the key as `?key=`). */
  query: URLSearchParams;
}

export interface SimRequest {
  model: string;
  /** Messages in OpenAI's shape: what tokens are counted on, judge prompts parsed from, answers looked up by. */
  messages: SimMsg[];
  /** The text the per-request seed is drawn from (the messages as sent). */
  hashKey: string;
  stops: string[];
  maxTokens?: number;
  stream: boolean;
  /** Usage in the stream (OpenAI only sends it when asked; the others always do). */
  includeUsage: boolean;
  /** The prompt prefix a provider cache would hold, and whether the request asked for caching explicitly. */
  cachePrefix?: { messages: SimMsg[]; explicit: boolean };
  /**
   * Thinking budget asked for (Gemini thinkingConfig.thinkingBudget, Anthropic thinking.budget_tokens):
   * min(budget, 2 × answer tokens) are reported as reasoning tokens.
   */
  thinkingBudget?: number;
}

export type SimErrorKind =
  | 'unauthorized'
  | 'bad_json'
  | 'bad_request'
  | 'model_not_found'
  | 'context_length'
  | 'rate_limit'
  | 'server_error'
  | 'overloaded'
  | 'route_not_found'
  | 'too_large';

/** An error to send; `message`, `param`, `code` are OpenAI's texts, which other dialects replace with theirs. */
export interface SimError {
  kind: SimErrorKind;
  message: string;
  type?: string;
  param?: string | null;
  code?: string | null;
  headers?: Record<string, string>;
  model?: string;
  retryAfterS?: number;
  /** context_length: the limit and the prompt's tokens. */
  maxTokens?: number;
  promptTokens?: number;
}

export interface SimUsage {
  /** Every input token, cached ones included. */
  promptTokens: number;
  /** Tokens of the answer text. */
  completionTokens: number;
  /** Of promptTokens, read from the simulated prompt cache. */
  cachedTokens: number;
  /** Of promptTokens, written to it (explicit caching). */
  cacheWriteTokens: number;
  /** Thinking tokens, billed as output on top of completionTokens. */
  reasoningTokens: number;
}

export interface SimAnswer {
  id: string;
  model: string;
  created: number;
  text: string;
  finish: 'stop' | 'length' | 'content_filter';
  /** The stop sequence that ended the text, when one did. */
  stopSequence?: string;
  /** Absent when the `missing_usage` fault drops it. */
  usage?: SimUsage;
  /** Whether a stream carries usage (the request's includeUsage). */
  includeUsage: boolean;
  /** Thinking tokens spent (0 without a thinking budget), also when the usage is dropped. */
  reasoningTokens: number;
}

/** The pieces of one streamed answer, written by the server at their drawn times. */
export interface StreamFramer {
  /** Written with the headers at the time to first token (may be empty). */
  open(): string;
  delta(text: string): string;
  /** A chunk cut short (the `malformed` fault). */
  malformed(text: string): string;
  /** The finish, the usage and the end of the stream. */
  close(): string;
}

export interface SimDialect {
  readonly name: SimProtocol;
  readonly streamContentType: string;
  /** Smallest prefix (tokens) a provider caches. */
  readonly cacheMinTokens: number;
  /** Cached tokens are reported in multiples of this (OpenAI: 128). */
  readonly cacheGranularity: number;
  /** Authentication and required headers; an error to send, or undefined. */
  preflight(headers: IncomingHttpHeaders, route: SimRoute, apiKey: string | undefined): SimError | undefined;
  parse(payload: Record<string, unknown>, route: SimRoute): SimRequest | SimError;
  sendError(res: ServerResponse, e: SimError): void;
  completion(a: SimAnswer): string;
  completionHeaders(totalMs: number): Record<string, string>;
  framer(a: SimAnswer): StreamFramer;
}

/** A plain object (not null, not an array): how the dialects check request fields. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isSimError(x: SimRequest | SimError): x is SimError {
  return typeof (x as SimError).kind === 'string';
}

/** Sends a JSON body with its length. */
export function sendJson(
  res: ServerResponse,
  status: number,
  obj: unknown,
  headers: Record<string, string> = {},
): void {
  const s = JSON.stringify(obj);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(s),
    ...headers,
  });
  res.end(s);
}

/** The strings of an array, other items skipped; none when it is not an array (stop sequences). */
export function stringItems(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

/** Text of OpenAI-shaped content: a string, or the text parts of an array. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((p) => (p && typeof p.text === 'string' ? (p.text as string) : '')).join('');
  }
  return '';
}
