/**
 * Chat client on undici for OpenAI chat completions, the Anthropic Messages API and Gemini generateContent
 * (src/gateway/protocols/): one keep-alive Pool per base URL, typed errors,
 * monotonic latency from send to last byte, and time to first token for streamed calls.
 */
import { EventEmitter } from 'node:events';
import { Pool } from 'undici';
import { GatewayConfigError, GatewayError, InvalidResponseError, NetworkError, TimeoutError } from './errors';
import { msg } from './messages';
import type { Headers } from './parse';
import { createProtocol, type ProtocolName } from './protocols/index';
import { registerSecret } from './redact';
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

interface PoolEntry {
  pool: Pool;
  refs: number;
}

const pools = new Map<string, PoolEntry>();

function acquirePool(origin: string, connections: number): { key: string; pool: Pool } {
  const key = `${origin}#${connections}`;
  let entry = pools.get(key);
  if (!entry) {
    entry = {
      pool: new Pool(origin, {
        connections,
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 600_000,
        // The client's own timer ends requests; undici's timeouts are only a backstop.
        headersTimeout: 0,
        bodyTimeout: 0,
      }),
      refs: 0,
    };
    pools.set(key, entry);
  }
  entry.refs++;
  return { key, pool: entry.pool };
}

async function releasePool(key: string): Promise<void> {
  const entry = pools.get(key);
  if (!entry) return;
  entry.refs--;
  if (entry.refs <= 0) {
    pools.delete(key);
    await entry.pool.close();
  }
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

const MAX_ERROR_BODY = 64 * 1024;

/** The abort signal of one request, in the EventEmitter form undici accepts (`aborted`, `reason`, 'abort'). */
class RequestSignal extends EventEmitter {
  aborted = false;
  reason: unknown = undefined;
  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
  }
}

/**
 * Creates a client for one model behind one OpenAI-compatible base URL.
 *
 * @example
 * const client = createChatClient({ baseURL: sim.baseURL, model: 'gpt-4.1', timeoutMs: 30_000 });
 * const r = await client.complete({ messages: [{ role: 'user', content: 'Hi' }], params: { max_tokens: 64 } });
 * r.content; r.usage; r.latencyMs;
 */
export function createChatClient(options: ChatClientOptions): ChatClient {
  const fn = 'createChatClient';
  if (typeof options !== 'object' || options === null) {
    throw new GatewayConfigError(msg.badOption(fn, 'options', 'an object', options));
  }
  const { baseURL, model } = options;
  if (typeof baseURL !== 'string')
    throw new GatewayConfigError(msg.badOption(fn, 'baseURL', 'a string', baseURL));
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    throw new GatewayConfigError(msg.badBaseURL(fn, baseURL));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new GatewayConfigError(msg.badBaseURL(fn, baseURL));
  if (typeof model !== 'string' || model.length === 0) {
    throw new GatewayConfigError(msg.badOption(fn, 'model', 'a non-empty string', model));
  }
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new GatewayConfigError(msg.badOption(fn, 'timeoutMs', 'a positive number', timeoutMs));
  }
  const maxConnections = options.maxConnections ?? 64;
  if (!Number.isInteger(maxConnections) || maxConnections < 1) {
    throw new GatewayConfigError(msg.badOption(fn, 'maxConnections', 'a positive integer', maxConnections));
  }
  const apiKey = options.apiKey;
  if (apiKey !== undefined && (typeof apiKey !== 'string' || /[\r\n\0]/.test(apiKey))) {
    // Never describe the value: it is a secret.
    throw new GatewayConfigError(`${fn}: apiKey must be a string without line breaks`);
  }
  const maxResponseBytes = options.maxResponseBytes ?? 32 * 1024 * 1024;
  const streamUsage = options.streamUsage ?? true;
  const secrets: string[] = apiKey ? [apiKey] : [];
  // Known to the writers of run folders: an answer that echoes the key is stored redacted.
  registerSecret(apiKey);
  const protocol = createProtocol(options.protocol ?? 'openai', {
    ...(options.anthropicVersion !== undefined ? { anthropicVersion: options.anthropicVersion } : {}),
  });
  const basePath = url.pathname.replace(/\/+$/, '');
  const pathOf = (m: string, stream: boolean): string => {
    const p = `${basePath}${protocol.path(m, stream)}`;
    return url.search ? `${p}${p.includes('?') ? '&' : '?'}${url.search.slice(1)}` : p;
  };

  const baseHeaders: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'canarylab/0.1',
    ...protocol.fixedHeaders,
  };
  for (const [k, v] of Object.entries(options.headers ?? {})) baseHeaders[k.toLowerCase()] = v;
  if (apiKey) Object.assign(baseHeaders, protocol.authHeaders(apiKey));

  // Built once per client, not per call (undici only reads them).
  const jsonHeaders = Object.freeze({ ...baseHeaders, accept: 'application/json' });
  const streamHeaders = Object.freeze({ ...baseHeaders, accept: 'text/event-stream' });

  const { key: poolKey, pool } = acquirePool(url.origin, maxConnections);
  let closed = false;
  const displayBase = `${url.origin}${url.pathname}`;

  async function complete(request: CompleteRequest): Promise<ChatResponse> {
    const callModel = request.model ?? model;
    const params = request.params ?? {};
    const stream = params.stream === true;
    const body = protocol.buildBody({ model: callModel, messages: request.messages, params, stream });
    if (protocol.name === 'openai' && stream && streamUsage && body.stream_options === undefined)
      body.stream_options = { include_usage: true };
    const headers = stream ? streamHeaders : jsonHeaders;
    const limitMs = Math.max(1, Math.min(request.timeoutMs ?? timeoutMs, timeoutMs));
    const ctx = { model: callModel, secrets };
    const userSignal = request.signal;
    if (userSignal?.aborted) throw userSignal.reason;

    // undici accepts an EventEmitter as the signal: far cheaper per call than an AbortController (whose
    // construction and EventTarget listeners showed up at ~10 µs per call in the runner's profile).
    const ac = new RequestSignal();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ac.abort();
    }, limitMs);
    const onUserAbort = () => ac.abort(userSignal?.reason);
    userSignal?.addEventListener('abort', onUserAbort, { once: true });

    const started = performance.now();
    let responseBody: (AsyncIterable<Buffer> & { destroy(err?: Error): unknown }) | undefined;
    try {
      const res = await pool.request({
        path: pathOf(callModel, stream),
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: ac,
      });
      responseBody = res.body;
      const status = res.statusCode;
      const resHeaders = res.headers as Headers;
      const contentType = String(resHeaders['content-type'] ?? '').toLowerCase();

      if (status >= 400) {
        const text = await readText(res.body, MAX_ERROR_BODY, true);
        throw protocol.errorFromResponse({ status, headers: resHeaders, body: text, ctx });
      }
      if (stream && contentType.includes('text/event-stream')) {
        const parser = protocol.createStreamParser({ ...ctx, status, headers: resHeaders }, () =>
          performance.now(),
        );
        const decoder = new TextDecoder();
        let size = 0;
        for await (const chunk of res.body) {
          size += chunk.length;
          if (size > maxResponseBytes) {
            throw new InvalidResponseError(msg.bodyTooLarge(callModel, maxResponseBytes), {
              model: callModel,
              httpStatus: status,
            });
          }
          parser.push(decoder.decode(chunk, { stream: true }));
        }
        parser.push(decoder.decode());
        parser.end();
        const latencyMs = performance.now() - started;
        if (!parser.complete) {
          throw new InvalidResponseError(msg.streamEnded(callModel), {
            model: callModel,
            httpStatus: status,
          });
        }
        const out: ChatResponse = {
          content: parser.sawContent || !parser.toolCallDeltas ? parser.content : null,
          usage: parser.usage,
          finishReason: parser.finishReason,
          httpStatus: status,
          latencyMs,
          model: parser.model ?? callModel,
        };
        if (parser.firstTokenAt !== undefined) out.ttftMs = parser.firstTokenAt - started;
        if (parser.id !== undefined) out.id = parser.id;
        if (parser.toolCallDeltas) out.toolCalls = parser.toolCallDeltas;
        return out;
      }
      if (!contentType.includes('json')) {
        await readText(res.body, MAX_ERROR_BODY, true);
        throw new InvalidResponseError(msg.invalidContentType(callModel, contentType || '(none)'), {
          model: callModel,
          httpStatus: status,
        });
      }
      const text = await readText(res.body, maxResponseBytes, false, callModel, status);
      const latencyMs = performance.now() - started;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new InvalidResponseError(msg.invalidJson(callModel), { model: callModel, httpStatus: status });
      }
      const c = protocol.parseCompletion({ body: parsed, status, headers: resHeaders, ctx });
      const out: ChatResponse = {
        content: c.content,
        usage: c.usage,
        finishReason: c.finishReason,
        httpStatus: status,
        latencyMs,
        model: c.model ?? callModel,
      };
      if (c.id !== undefined) out.id = c.id;
      if (c.toolCalls) out.toolCalls = c.toolCalls;
      return out;
    } catch (err) {
      responseBody?.destroy();
      if (userSignal?.aborted && !timedOut) throw userSignal.reason;
      if (err instanceof GatewayError) throw err;
      const code = errorCode(err);
      if (timedOut || (code !== undefined && TIMEOUT_CODES.has(code))) {
        throw new TimeoutError(msg.timeout(callModel, limitMs), { model: callModel, timeoutMs: limitMs });
      }
      if (code !== undefined && (NETWORK_CODES.has(code) || code.startsWith('HPE_'))) {
        throw new NetworkError(msg.network(callModel, code), {
          model: callModel,
          causeCode: code,
          cause: err,
        });
      }
      throw err;
    } finally {
      clearTimeout(timer);
      userSignal?.removeEventListener('abort', onUserAbort);
    }
  }

  return {
    model,
    get baseURL() {
      return displayBase;
    },
    complete,
    async close() {
      if (closed) return;
      closed = true;
      await releasePool(poolKey);
    },
  };
}

/** Reads a body as UTF-8 up to `limit` bytes; past the limit it stops (truncate) or throws. */
async function readText(
  body: AsyncIterable<Buffer> & { destroy(err?: Error): unknown },
  limit: number,
  truncate: boolean,
  model = '',
  status = 0,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size + chunk.length > limit) {
      if (truncate) {
        chunks.push(chunk.subarray(0, limit - size));
        body.destroy();
        break;
      }
      throw new InvalidResponseError(msg.bodyTooLarge(model, limit), { model, httpStatus: status });
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}
