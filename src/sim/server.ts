/**
 * The embedded simulator: OpenAI chat completions `POST /v1/chat/completions`, the Anthropic Messages API
 * `POST /v1/messages` and the Gemini API `POST /v1beta/models/{model}:generateContent` /
 * `:streamGenerateContent?alt=sse` (JSON and SSE each, src/sim/protocols/), `GET /v1/models`, `GET /health`,
 * on 127.0.0.1 by default. Latency, faults and answers come from seeded model profiles, the same for every
 * protocol.
 *
 * Reproducibility: each request draws its randomness from a generator seeded by (seed, model, messages, how
 * many times this same request was seen), so the same requests get the same latencies, faults and answers
 * whatever order concurrent requests arrive in, and a retry of a request gets a fresh draw.
 *
 * This file listens, routes and queues; a chat request's course is in chat.ts (admission, then draws.ts for
 * its latency and fault, answer.ts for its text and usage, deliver.ts for the writes at the drawn times),
 * the wire formats in protocols/, the settings in src/config/simulator.ts (re-exported by config.ts).
 */
import { access } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { handleChat, type PendingChat, type ReqCtx } from './chat';
import { type ResolvedSimConfig, resolveSimConfig, SimConfigError, type SimConfigInput } from './config';
import { chatRoute, DIALECTS, readBody } from './http';
import { simMsg } from './messages';
import { openaiDialect } from './protocols/openai';
import { sendJson } from './protocols/types';
import { createSimState, type SimState, snapshot } from './state';
import type { SimulatorStats } from './stats';
import { getPieceEncoder } from './tokens';

export type { SimModelStats, SimTimingStats, SimulatorStats } from './stats';

export type SimulatorOptions = SimConfigInput;

export interface Simulator {
  /** Origin, e.g. `http://127.0.0.1:43123`. */
  url: string;
  /** `${url}/v1`: what OpenAI-style clients take as baseURL. */
  baseURL: string;
  port: number;
  stats(): SimulatorStats;
  /** Stops listening and drops every open connection (hanging requests included). */
  close(): Promise<void>;
}

/** Queued requests handled per turn of the event loop (each costs ~0.05 ms). */
const DRAIN_SLICE = 8;

/**
 * Starts a simulator. Rejects with SimConfigError when the configuration is bad.
 *
 * @example
 * const sim = await startSimulator({ seed: 1, models: { 'gpt-4.1': { latency: { p50Ms: 5, p95Ms: 10 } } } });
 * // point any OpenAI client at sim.baseURL
 * await sim.close();
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const cfg: ResolvedSimConfig = resolveSimConfig(options);
  if ([...cfg.models.values()].some((p) => p.answers !== 'template')) {
    try {
      await access(cfg.answersFile);
    } catch {
      throw new SimConfigError([`answersFile: ${simMsg.answersMissing(cfg.answersFile)}`]);
    }
  }
  // Every request counts tokens: load the tokenizer now (~0.3 s once per process), not on the first request,
  // which would otherwise answer that late (and every request that arrived meanwhile with it).
  getPieceEncoder();
  const sim = new SimServer(cfg);
  return sim.listen();
}

/** The HTTP side of a simulator: listening, routing, queueing chat requests, closing. */
class SimServer {
  private readonly server = createServer((req, res) => this.onRequest(req, res));
  private readonly sim: SimState;
  private readonly sockets = new Set<Socket>();
  private idCounter = 0;
  /** Requests whose body has arrived, handled after the current I/O batch (see acceptChat). */
  private pendingChats: PendingChat[] = [];
  private pendingHead = 0;
  private drainScheduled = false;

  constructor(private readonly cfg: ResolvedSimConfig) {
    this.sim = createSimState(cfg);
    this.server.keepAliveTimeout = 30_000;
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  listen(): Promise<Simulator> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.cfg.port, this.cfg.host, () => {
        this.server.off('error', reject);
        const addr = this.server.address() as AddressInfo;
        const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
        const url = `http://${host}:${addr.port}`;
        resolve({
          url,
          baseURL: `${url}/v1`,
          port: addr.port,
          stats: () => snapshot(this.sim),
          close: () => this.close(),
        });
      });
    });
  }

  private close(): Promise<void> {
    this.sim.scheduler.close();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
      this.server.closeAllConnections();
    });
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const t0 = performance.now();
    const path = (req.url ?? '/').split('?')[0];
    res.setHeader('x-request-id', `req_sim_${(++this.idCounter).toString(36)}`);
    if (req.method === 'GET' && path === '/health') {
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
      sendJson(res, 200, {
        object: 'list',
        data: [...this.sim.models.keys()].map((id) => ({
          id,
          object: 'model',
          created: 1_700_000_000,
          owned_by: 'canarylab-sim',
        })),
      });
      return;
    }
    const route = req.method === 'POST' ? chatRoute(req.url ?? '/') : undefined;
    if (route) {
      this.acceptChat({ req, res, t0, route });
      return;
    }
    req.resume();
    openaiDialect.sendError(res, {
      kind: 'route_not_found',
      message: simMsg.notFound(req.method ?? 'GET', path),
    });
  }

  /** Counts a chat request in flight, reads its body and queues it (413 when the body is too large). */
  private acceptChat(args: Pick<PendingChat, 'req' | 'res' | 't0' | 'route'>): void {
    const { req, res, t0, route } = args;
    const sim = this.sim;
    const dialect = DIALECTS[route.protocol];
    sim.requests++;
    sim.inFlight++;
    if (sim.inFlight > sim.maxInFlight) sim.maxInFlight = sim.inFlight;
    const ctx: ReqCtx = { closed: false, model: undefined };
    res.once('close', () => {
      ctx.closed = true;
      sim.inFlight--;
      if (ctx.model) ctx.model.inFlight--;
    });
    readBody(req, (err, body) => {
      if (err) {
        sim.rejected.badRequest++;
        dialect.sendError(res, { kind: 'too_large', message: simMsg.tooLarge });
        return;
      }
      // The latency clock started at t0 (on arrival). The work of answering is queued behind the rest of this
      // I/O batch, so that when many requests arrive together each is timed from its own arrival, not from
      // the end of the work on the ones before it (a burst of 256 would otherwise start ~10 ms late).
      this.pendingChats.push({ req, res, body: body as Buffer, t0, ctx, dialect, route });
      if (!this.drainScheduled) {
        this.drainScheduled = true;
        setImmediate(this.drainChats);
      }
    });
  }

  /**
   * Handles queued requests a few at a time, yielding to the event loop between slices, so that requests
   * arriving meanwhile are timed on arrival rather than after a whole burst's work.
   */
  private readonly drainChats = (): void => {
    const q = this.pendingChats;
    const end = Math.min(q.length, this.pendingHead + DRAIN_SLICE);
    while (this.pendingHead < end) {
      const job = q[this.pendingHead];
      q[this.pendingHead++] = undefined as unknown as PendingChat;
      const { res, dialect } = job;
      handleChat(this.sim, job).catch(() => {
        if (!res.headersSent)
          dialect.sendError(res, { kind: 'server_error', message: simMsg.serverError, type: 'server_error' });
        else res.destroy();
      });
    }
    if (this.pendingHead < q.length) {
      setImmediate(this.drainChats);
      return;
    }
    this.pendingChats = [];
    this.pendingHead = 0;
    this.drainScheduled = false;
  };
}
