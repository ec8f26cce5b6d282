/**
 * A small scripted OpenAI-compatible chat-completions server on 127.0.0.1 for the reliability tests: each
 * request gets the behaviour a test asks for (a fault, chosen by a seeded draw or by a function), and every
 * request is counted per (model, prompt) so tests can tell a re-sent call from a new one.
 *
 * Usage it reports (when it reports any): prompt_tokens = 40, completion_tokens = 8 (fixed, so spend is
 * easy to derive by hand); the answer is "The answer is 4." (or, with `echoAuth`, the request's
 * Authorization header, as a hostile model might).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | 'ok'
  | 'rate_limit' // 429 with Retry-After (and retry-after-ms when `retryAfterMs` is set)
  | 'server_error' // 503
  | 'reset' // socket destroyed before any response
  | 'hang' // never answers (the client's timeout fires)
  | 'malformed' // 200 with a body that is not JSON
  | 'missing_usage' // 200 without usage (the client estimates it)
  | 'negative_usage' // 200 with prompt_tokens: -100000000
  | 'slow_stream'; // server-sent events trickled out in small delayed chunks

export const FAULTS: readonly Exclude<Fault, 'ok'>[] = [
  'rate_limit',
  'server_error',
  'reset',
  'hang',
  'malformed',
  'missing_usage',
  'negative_usage',
  'slow_stream',
];

export const USAGE = { prompt: 40, completion: 8 } as const;

export interface ScriptedServerOptions {
  /** The fault of the n-th request (0-based) of a model; default: rate `faultRate` of `fault`, seeded. */
  decide?: (info: { n: number; model: string; prompt: string; attempt: number }) => Fault;
  fault?: Fault;
  faultRate?: number;
  seed?: number;
  /** Latency of an ok answer, ms. Default 5. */
  latencyMs?: number;
  /** Retry-After header of a 429, in seconds (default 1); with retryAfterMs, `retry-after-ms` too. */
  retryAfterSeconds?: number;
  retryAfterMs?: number;
  /** Arms' answers echo the request's Authorization header (a model that echoes its input). */
  echoAuth?: boolean;
}

export interface ScriptedServer {
  baseURL: string;
  /** Requests received, all together. */
  requests(): number;
  /** Requests per `${model}\u0000${last user message}`. */
  perPrompt(): Map<string, number>;
  /** Changes the latency of ok answers from now on. */
  setLatency(ms: number): void;
  close(): Promise<void>;
}

/** mulberry32: a small seeded generator (the fault draws must not depend on the test machine). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startScriptedServer(opts: ScriptedServerOptions = {}): Promise<ScriptedServer> {
  const draw = rng(opts.seed ?? 1);
  let latency = opts.latencyMs ?? 5;
  const perModel = new Map<string, number>();
  const perPrompt = new Map<string, number>();
  let total = 0;
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void handle(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  });
  server.keepAliveTimeout = 1000;

  async function handle(req: IncomingMessage, res: ServerResponse, text: string): Promise<void> {
    total++;
    let body: {
      model?: string;
      messages?: Array<{ role: string; content: string }>;
      stream?: boolean;
    } = {};
    try {
      body = JSON.parse(text);
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"bad json"}}');
      return;
    }
    const model = body.model ?? '?';
    const prompt = [...(body.messages ?? [])].reverse().find((m) => m.role === 'user')?.content ?? '';
    const key = `${model}\u0000${prompt}`;
    const attempt = (perPrompt.get(key) ?? 0) + 1;
    perPrompt.set(key, attempt);
    const n = perModel.get(model) ?? 0;
    perModel.set(model, n + 1);
    const fault: Fault = opts.decide
      ? opts.decide({ n, model, prompt, attempt })
      : draw() < (opts.faultRate ?? 0)
        ? (opts.fault ?? 'ok')
        : 'ok';
    // A judge model (its name starts with "judge") answers with a verdict both judge kinds accept.
    const content = model.startsWith('judge')
      ? '{"score": 8, "winner": "A", "reason": "fine"}'
      : opts.echoAuth
        ? `The answer is 4. You sent: ${String(req.headers.authorization)}`
        : 'The answer is 4.';
    const usage = {
      prompt_tokens: USAGE.prompt,
      completion_tokens: USAGE.completion,
      total_tokens: USAGE.prompt + USAGE.completion,
    };
    const completion = (u: unknown) =>
      JSON.stringify({
        id: `chatcmpl-${total}`,
        object: 'chat.completion',
        model,
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        ...(u === undefined ? {} : { usage: u }),
      });
    switch (fault) {
      case 'rate_limit': {
        const h: Record<string, string> = {
          'content-type': 'application/json',
          'retry-after': String(opts.retryAfterSeconds ?? 1),
        };
        if (opts.retryAfterMs !== undefined) h['retry-after-ms'] = String(opts.retryAfterMs);
        res.writeHead(429, h);
        res.end('{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}');
        return;
      }
      case 'server_error':
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"error":{"message":"overloaded","type":"server_error"}}');
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'hang':
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      case 'malformed':
        await sleep(latency);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id": "chatcmpl-x", "choices": [ {"message": ');
        return;
      case 'missing_usage':
        await sleep(latency);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(completion(undefined));
        return;
      case 'negative_usage':
        await sleep(latency);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(completion({ prompt_tokens: -100000000, completion_tokens: 8, total_tokens: -99999992 }));
        return;
      case 'slow_stream': {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const words = content.split(' ');
        for (const w of words) {
          const ev = {
            id: 'c',
            model,
            choices: [{ index: 0, delta: { content: `${w} ` }, finish_reason: null }],
          };
          res.write(`data: ${JSON.stringify(ev)}\n\n`);
          await sleep(15);
        }
        res.write(
          `data: ${JSON.stringify({ id: 'c', model, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`,
        );
        res.write(`data: ${JSON.stringify({ id: 'c', model, choices: [], usage })}\n\n`);
        res.end('data: [DONE]\n\n');
        return;
      }
      default: {
        await sleep(latency);
        if (body.stream) {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          const ev = { id: 'c', model, choices: [{ index: 0, delta: { content }, finish_reason: 'stop' }] };
          res.write(`data: ${JSON.stringify(ev)}\n\n`);
          res.write(`data: ${JSON.stringify({ id: 'c', model, choices: [], usage })}\n\n`);
          res.end('data: [DONE]\n\n');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(completion(usage));
      }
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests: () => total,
    perPrompt: () => perPrompt,
    setLatency: (ms: number) => {
      latency = ms;
    },
    close: async () => {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
