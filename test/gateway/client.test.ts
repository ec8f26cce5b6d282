import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatClient } from '../../src/gateway/client';
import {
  ClientError,
  ContentFilterError,
  ContextLengthExceededError,
  GatewayConfigError,
  InvalidResponseError,
  ModelNotFoundError,
  NetworkError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from '../../src/gateway/errors';
import { createGateway } from '../../src/gateway/gateway';
import { type Simulator, startSimulator } from '../../src/sim/server';
import { caught, user } from '../sim/helpers';

const FAKE_KEY = 'sk-canarylab-FAKE-0123456789abcdefSECRET';
const fast = { latency: { p50Ms: 5, p95Ms: 10 } };

let sim: Simulator;
let raw: Server;
let rawURL: string;

beforeAll(async () => {
  sim = await startSimulator({
    seed: 7,
    models: {
      ok: fast,
      rl: { ...fast, faults: { rate_limit: 1 }, retryAfterS: 0 },
      s500: { ...fast, faults: { server_error: 1 } },
      s503: { ...fast, faults: { unavailable: 1 } },
      reset: { ...fast, faults: { reset: 1 } },
      hang: { ...fast, faults: { hang: 1 } },
      malformed: { ...fast, faults: { malformed: 1 } },
      nousage: { ...fast, faults: { missing_usage: 1 } },
      filtered: { ...fast, faults: { content_filter: 1 } },
      small: { ...fast, maxPromptTokens: 5 },
    },
  });
  // A deliberately broken "provider" for what the simulator never does.
  raw = createServer((req, res) => {
    req.resume();
    const auth = req.headers.authorization ?? '';
    const path = req.url ?? '';
    if (path.startsWith('/html')) {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>proxy login</html>');
    } else if (path.startsWith('/nochoices')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'x', object: 'chat.completion', choices: [] }));
    } else if (path.startsWith('/echo')) {
      // A careless server that echoes the credentials (and control characters) into its error message.
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { message: `bad key ${auth}\n\u001b[31mred`, type: 'auth', code: 'invalid_api_key' },
        }),
      );
    } else if (path.startsWith('/vllm404')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          object: 'error',
          message: 'The model `x` does not exist.',
          type: 'NotFoundError',
          code: 404,
        }),
      );
    } else if (path.startsWith('/quota')) {
      res.writeHead(429, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: {
            message: 'You exceeded your quota',
            type: 'insufficient_quota',
            code: 'insufficient_quota',
          },
        }),
      );
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    }
  });
  await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
  rawURL = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await sim.close();
  await new Promise<void>((r) => raw.close(() => r()));
});

function client(model: string, extra: Partial<Parameters<typeof createChatClient>[0]> = {}) {
  return createChatClient({ baseURL: sim.baseURL, model, apiKey: FAKE_KEY, timeoutMs: 5_000, ...extra });
}

describe('createChatClient against the simulator', () => {
  it('completes a non-streaming call with usage, finish reason and latency', async () => {
    const c = client('ok');
    const r = await c.complete({ messages: user('What is 2 + 2?'), params: { temperature: 0 } });
    expect(r.httpStatus).toBe(200);
    expect(typeof r.content).toBe('string');
    expect(r.content?.length).toBeGreaterThan(0);
    expect(r.finishReason).toBe('stop');
    expect(r.usage?.promptTokens).toBeGreaterThan(0);
    expect(r.usage?.totalTokens).toBe((r.usage?.promptTokens ?? 0) + (r.usage?.completionTokens ?? 0));
    expect(r.latencyMs).toBeGreaterThan(0);
    expect(r.ttftMs).toBeUndefined();
    expect(r.model).toBe('ok');
    await c.close();
  });

  it('streams with SSE: same answer, time to first token before the last byte, usage included', async () => {
    const c = client('ok');
    const plain = await c.complete({ messages: user('Stream me a story') });
    const streamed = await c.complete({ messages: user('Stream me a story'), params: { stream: true } });
    expect(streamed.content).toBe(plain.content);
    expect(streamed.usage).toEqual(plain.usage);
    expect(streamed.finishReason).toBe('stop');
    expect(streamed.ttftMs).toBeGreaterThan(0);
    expect(streamed.ttftMs).toBeLessThanOrEqual(streamed.latencyMs);
    const noUsage = createChatClient({ baseURL: sim.baseURL, model: 'ok', streamUsage: false });
    const s2 = await noUsage.complete({ messages: user('Stream me a story'), params: { stream: true } });
    expect(s2.usage).toBeNull();
    await noUsage.close();
    await c.close();
  });

  it('maps every injected fault to its error class', async () => {
    const cases: Array<[string, boolean, new (...a: never[]) => Error, string]> = [
      ['rl', false, RateLimitError, 'rate_limit'],
      ['s500', false, ServerError, 'server'],
      ['s503', false, ServerError, 'server'],
      ['reset', false, NetworkError, 'network'],
      ['reset', true, NetworkError, 'network'],
      ['malformed', false, InvalidResponseError, 'invalid_response'],
      ['malformed', true, InvalidResponseError, 'invalid_response'],
      ['filtered', false, ContentFilterError, 'content_filter'],
      ['filtered', true, ContentFilterError, 'content_filter'],
      ['unknown-model', false, ModelNotFoundError, 'client'],
      ['small', false, ContextLengthExceededError, 'client'],
    ];
    for (const [model, stream, cls, kind] of cases) {
      const c = client(model);
      const err = await caught(c.complete({ messages: user(`fault ${model} please`), params: { stream } }));
      expect(err, `${model} stream=${stream}`).toBeInstanceOf(cls);
      expect((err as { kind: string }).kind).toBe(kind);
      await c.close();
    }
    const c = client('rl');
    const rl = (await caught(c.complete({ messages: user('x') }))) as RateLimitError;
    expect(rl.httpStatus).toBe(429);
    expect(rl.retryAfterMs).toBe(0);
    expect(rl.retryable).toBe(true);
    expect(rl.providerCode).toBe('rate_limit_exceeded');
    await c.close();
    const c503 = client('s503');
    const e503 = (await caught(c503.complete({ messages: user('x') }))) as ServerError;
    expect(e503.httpStatus).toBe(503);
    expect(e503.retryAfterMs).toBe(1000);
    await c503.close();
    const nf = client('nope');
    const e404 = (await caught(nf.complete({ messages: user('x') }))) as ModelNotFoundError;
    expect(e404.code).toBe('CANARYLAB_ERR_MODEL_NOT_FOUND');
    expect(e404.providerCode).toBe('model_not_found');
    expect(e404.isModelError).toBe(true);
    expect(e404.retryable).toBe(false);
    await nf.close();
    const small = client('small');
    const ctx = (await caught(
      small.complete({ messages: user('a long prompt that does not fit') }),
    )) as ContextLengthExceededError;
    expect(ctx.code).toBe('CANARYLAB_ERR_CONTEXT_LENGTH_EXCEEDED');
    expect(ctx.httpStatus).toBe(400);
    await small.close();
  });

  it('reports a missing usage as null, streaming or not', async () => {
    const c = client('nousage');
    const r = await c.complete({ messages: user('x') });
    expect(r.usage).toBeNull();
    expect(r.content).not.toBeNull();
    const s = await c.complete({ messages: user('x'), params: { stream: true } });
    expect(s.usage).toBeNull();
    expect(s.content).toBe(r.content);
    await c.close();
  });

  it('ends a hanging request with a TimeoutError at the timeout', async () => {
    const c = client('hang', { timeoutMs: 100 });
    const t0 = performance.now();
    const err = (await caught(c.complete({ messages: user('x') }))) as TimeoutError;
    const elapsed = performance.now() - t0;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.timeoutMs).toBe(100);
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(1500);
    const s = (await caught(
      c.complete({ messages: user('x'), params: { stream: true }, timeoutMs: 50 }),
    )) as TimeoutError;
    expect(s).toBeInstanceOf(TimeoutError);
    expect(s.timeoutMs).toBe(50);
    await c.close();
  });

  it('rejects with the caller’s abort reason, not a gateway error', async () => {
    const c = client('hang');
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('stop now')), 30);
    const err = await caught(c.complete({ messages: user('x'), signal: ac.signal }));
    expect((err as Error).message).toBe('stop now');
    await c.close();
  });

  it('maps connection refused to a NetworkError', async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    const c = createChatClient({ baseURL: `http://127.0.0.1:${port}/v1`, model: 'm', timeoutMs: 2000 });
    const err = (await caught(c.complete({ messages: user('x') }))) as NetworkError;
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.causeCode).toBe('ECONNREFUSED');
    await c.close();
  });

  it('rejects wrong content type, missing choices and empty bodies as invalid responses', async () => {
    for (const path of ['/html', '/nochoices', '/empty']) {
      const c = createChatClient({ baseURL: `${rawURL}${path}`, model: 'm' });
      const err = await caught(c.complete({ messages: user('x') }));
      expect(err, path).toBeInstanceOf(InvalidResponseError);
      await c.close();
    }
  });

  it('reads vLLM-style 404s as model errors and insufficient_quota as a non-retryable 429', async () => {
    const c = createChatClient({ baseURL: `${rawURL}/vllm404`, model: 'x' });
    expect(await caught(c.complete({ messages: user('x') }))).toBeInstanceOf(ModelNotFoundError);
    await c.close();
    const q = createChatClient({ baseURL: `${rawURL}/quota`, model: 'x' });
    const err = (await caught(q.complete({ messages: user('x') }))) as RateLimitError;
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.code).toBe('CANARYLAB_ERR_QUOTA_EXCEEDED');
    expect(err.retryable).toBe(false);
    await q.close();
  });

  it('rejects bad options with a config error that never echoes the key', () => {
    expect(() => createChatClient({ baseURL: 'ftp://x', model: 'm' })).toThrow(GatewayConfigError);
    expect(() => createChatClient({ baseURL: 'http://x', model: '' })).toThrow(/model/);
    expect(() => createChatClient({ baseURL: 'http://x', model: 'm', timeoutMs: -1 })).toThrow(/timeoutMs/);
    let msg = '';
    try {
      createChatClient({ baseURL: 'http://x', model: 'm', apiKey: `${FAKE_KEY}\r\nx-evil: 1` });
    } catch (e) {
      msg = `${(e as Error).message} ${inspect(e)}`;
    }
    expect(msg).toMatch(/apiKey/);
    expect(msg).not.toContain(FAKE_KEY);
  });
});

describe('secrets', () => {
  it('never puts the API key in an error message, its JSON, its inspect output, a log hook or an outcome', async () => {
    const seen: string[] = [];
    const targets = [
      createChatClient({ baseURL: `${rawURL}/echo`, model: 'm', apiKey: FAKE_KEY }),
      client('reset'),
      client('hang', { timeoutMs: 30 }),
      client('unknown-model'),
      client('malformed'),
    ];
    for (const c of targets) {
      const err = await caught(c.complete({ messages: user('x') }));
      seen.push(
        (err as Error).message,
        JSON.stringify(err),
        inspect(err, { depth: Number.POSITIVE_INFINITY }),
      );
      const gw = createGateway({
        client: c,
        retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
        onAttempt: (a) => seen.push(JSON.stringify(a)),
      });
      const out = await gw.call({ messages: user('x') });
      seen.push(JSON.stringify(out), inspect(out, { depth: Number.POSITIVE_INFINITY }));
      seen.push(inspect(c, { depth: Number.POSITIVE_INFINITY, showHidden: true }), JSON.stringify(c));
      await c.close();
    }
    const echo = seen[0];
    expect(echo).toContain('[redacted]');
    expect(echo).not.toContain('\u001b');
    expect(echo).not.toContain('\n');
    for (const s of seen) expect(s).not.toContain(FAKE_KEY);
    expect(seen.join('\n')).not.toContain(FAKE_KEY.slice(10));
  });

  it('sends the key as a Bearer token (the simulator checks it)', async () => {
    const locked = await startSimulator({ apiKey: FAKE_KEY, models: { ok: fast } });
    const good = createChatClient({ baseURL: locked.baseURL, model: 'ok', apiKey: FAKE_KEY });
    expect((await good.complete({ messages: user('x') })).httpStatus).toBe(200);
    const bad = createChatClient({ baseURL: locked.baseURL, model: 'ok', apiKey: 'sk-wrong-key-000' });
    const err = (await caught(bad.complete({ messages: user('x') }))) as ClientError;
    expect(err).toBeInstanceOf(ClientError);
    expect(err.httpStatus).toBe(401);
    expect(err.message).not.toContain('sk-wrong-key-000');
    await good.close();
    await bad.close();
    await locked.close();
  });
});
