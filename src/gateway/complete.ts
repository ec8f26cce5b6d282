/**
 * One chat call of a client: the request on the shared pool under a timeout and the caller's signal, the
 * response read as an error, an event stream or a JSON completion, and transport failures as typed errors.
 */
import { EventEmitter } from 'node:events';
import type { Dispatcher, Pool } from 'undici';
import type { ClientConfig } from './clientConfig';
import type { CompleteRequest } from './clientTypes';
import { GatewayError, InvalidResponseError, NetworkError, TimeoutError } from './errors';
import { msg } from './messages';
import type { Headers, ParsedCompletion } from './parse';
import type { ChatResponse } from './types';

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

type ResponseBody = AsyncIterable<Buffer> & { destroy(err?: Error): unknown };

/** What reading one response needs to know about its call. */
interface CallContext {
  model: string;
  stream: boolean;
  /** performance.now() when the request was sent: latency and time to first token are measured from it. */
  started: number;
  ctx: { model: string; secrets: string[] };
}

/**
 * Sends one request with the client's configuration on `pool`. Resolves to the completion or rejects with a
 * GatewayError (or the signal's reason when the caller aborted).
 */
export async function completeRequest(
  c: ClientConfig,
  pool: Pool,
  request: CompleteRequest,
): Promise<ChatResponse> {
  const callModel = request.model ?? c.model;
  const params = request.params ?? {};
  const stream = params.stream === true;
  const body = c.protocol.buildBody({ model: callModel, messages: request.messages, params, stream });
  if (c.protocol.name === 'openai' && stream && c.streamUsage && body.stream_options === undefined)
    body.stream_options = { include_usage: true };
  const headers = stream ? c.streamHeaders : c.jsonHeaders;
  const limitMs = Math.max(1, Math.min(request.timeoutMs ?? c.timeoutMs, c.timeoutMs));
  const ctx = { model: callModel, secrets: c.secrets };
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
  let responseBody: ResponseBody | undefined;
  try {
    const res = await pool.request({
      path: c.pathOf(callModel, stream),
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal: ac,
    });
    responseBody = res.body;
    return await readResponse(c, res, { model: callModel, stream, started, ctx });
  } catch (err) {
    responseBody?.destroy();
    if (userSignal?.aborted && !timedOut) throw userSignal.reason;
    throw transportError(err, callModel, limitMs, timedOut);
  } finally {
    clearTimeout(timer);
    userSignal?.removeEventListener('abort', onUserAbort);
  }
}

/** A failure below HTTP as a typed error (timeout, network); GatewayErrors and anything else pass as they are. */
function transportError(err: unknown, model: string, limitMs: number, timedOut: boolean): unknown {
  if (err instanceof GatewayError) return err;
  const code = errorCode(err);
  if (timedOut || (code !== undefined && TIMEOUT_CODES.has(code))) {
    return new TimeoutError(msg.timeout(model, limitMs), { model, timeoutMs: limitMs });
  }
  if (code !== undefined && (NETWORK_CODES.has(code) || code.startsWith('HPE_'))) {
    return new NetworkError(msg.network(model, code), { model, causeCode: code, cause: err });
  }
  return err;
}

/** Reads a response: an HTTP error, a streamed completion or a JSON one (anything else is invalid). */
async function readResponse(
  c: ClientConfig,
  res: Dispatcher.ResponseData,
  call: CallContext,
): Promise<ChatResponse> {
  const status = res.statusCode;
  const resHeaders = res.headers as Headers;
  const contentType = String(resHeaders['content-type'] ?? '').toLowerCase();
  if (status >= 400) {
    const text = await readText(res.body, MAX_ERROR_BODY, true);
    throw c.protocol.errorFromResponse({ status, headers: resHeaders, body: text, ctx: call.ctx });
  }
  if (call.stream && contentType.includes('text/event-stream'))
    return readStream(c, res.body, status, resHeaders, call);
  if (!contentType.includes('json')) {
    await readText(res.body, MAX_ERROR_BODY, true);
    throw new InvalidResponseError(msg.invalidContentType(call.model, contentType || '(none)'), {
      model: call.model,
      httpStatus: status,
    });
  }
  const text = await readText(res.body, c.maxResponseBytes, false, call.model, status);
  const latencyMs = performance.now() - call.started;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidResponseError(msg.invalidJson(call.model), { model: call.model, httpStatus: status });
  }
  const p = c.protocol.parseCompletion({ body: parsed, status, headers: resHeaders, ctx: call.ctx });
  return chatResponse(p, { status, latencyMs, model: call.model });
}

/** The client's answer: a parsed completion with its status, latency (and time to first token, streamed). */
function chatResponse(
  p: ParsedCompletion,
  x: { status: number; latencyMs: number; model: string; ttftMs?: number },
): ChatResponse {
  const out: ChatResponse = {
    content: p.content,
    usage: p.usage,
    finishReason: p.finishReason,
    httpStatus: x.status,
    latencyMs: x.latencyMs,
    model: p.model ?? x.model,
  };
  if (x.ttftMs !== undefined) out.ttftMs = x.ttftMs;
  if (p.id !== undefined) out.id = p.id;
  if (p.toolCalls) out.toolCalls = p.toolCalls;
  return out;
}

/** Reads an event stream through the protocol's parser, up to the client's size limit. */
async function readStream(
  c: ClientConfig,
  body: ResponseBody,
  status: number,
  headers: Headers,
  call: CallContext,
): Promise<ChatResponse> {
  const { model, started } = call;
  const parser = c.protocol.createStreamParser({ ...call.ctx, status, headers }, () => performance.now());
  const decoder = new TextDecoder();
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > c.maxResponseBytes) {
      throw new InvalidResponseError(msg.bodyTooLarge(model, c.maxResponseBytes), {
        model,
        httpStatus: status,
      });
    }
    parser.push(decoder.decode(chunk, { stream: true }));
  }
  parser.push(decoder.decode());
  parser.end();
  const latencyMs = performance.now() - started;
  if (!parser.complete) {
    throw new InvalidResponseError(msg.streamEnded(model), { model, httpStatus: status });
  }
  const p: ParsedCompletion = {
    content: parser.sawContent || !parser.toolCallDeltas ? parser.content : null,
    finishReason: parser.finishReason,
    usage: parser.usage,
  };
  if (parser.model !== undefined) p.model = parser.model;
  if (parser.id !== undefined) p.id = parser.id;
  if (parser.toolCallDeltas) p.toolCalls = parser.toolCallDeltas;
  const ttftMs = parser.firstTokenAt === undefined ? undefined : parser.firstTokenAt - started;
  return chatResponse(p, { status, latencyMs, model, ttftMs });
}

/** Reads a body as UTF-8 up to `limit` bytes; past the limit it stops (truncate) or throws. */
async function readText(
  body: ResponseBody,
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
