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
 */
import { access } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { countTextTokens, loadTokenizer } from '../gateway/tokens';
import { parseJudgePrompt } from '../scoring/judgePrompt';
import { createRng, type Rng } from '../stats/random';
import { type AnswerBook, loadAnswerBook } from './answers';
import {
  FAULT_NAMES,
  type FaultName,
  type ResolvedProfile,
  type ResolvedSimConfig,
  resolveSimConfig,
  SimConfigError,
  type SimConfigInput,
} from './config';
import { judgeRequestKey, simJudgeReply } from './judge';
import { simMsg } from './messages';
import { anthropicDialect } from './protocols/anthropic';
import { geminiDialect } from './protocols/gemini';
import { openaiDialect } from './protocols/openai';
import {
  contentText,
  isSimError,
  type SimMsg as Msg,
  type SimAnswer,
  type SimDialect,
  type SimRoute,
  sendJson,
} from './protocols/types';

export type SimulatorOptions = SimConfigInput;

export interface SimModelStats {
  /** Chat requests (any protocol) that named this model (every one that crossed the wire, faults included). */
  requests: number;
  /** Requests answered with a complete, valid completion. */
  ok: number;
  streamed: number;
  /** Responses by HTTP status (200 included). */
  statuses: Record<string, number>;
  faults: Record<FaultName, number>;
  inFlight: number;
  maxInFlight: number;
  promptTokens: number;
  completionTokens: number;
}

/** How late the simulator answered past the latency it drew (its own timing accuracy, not the client's). */
export interface SimTimingStats {
  /** Responses and stream steps sent at a drawn time (faults and streamed chunks included). */
  scheduled: number;
  /**
   * Lateness in ms: when the write started minus when it was due (arrival + drawn latency); never negative.
   * Quantiles are the upper edges of 0.1 ms buckets (values past 1 s count in the last bucket; max is exact).
   */
  lateMs: { mean: number; p50: number; p95: number; p99: number; max: number };
}

export interface SimulatorStats {
  /** Chat-completion requests, all models (unknown ones included). */
  requests: number;
  inFlight: number;
  maxInFlight: number;
  /** Faults injected, all models. */
  faults: Record<FaultName, number>;
  byModel: Record<string, SimModelStats>;
  rejected: { unknownModel: number; contextLength: number; badRequest: number; unauthorized: number };
  timing: SimTimingStats;
}

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

const MAX_BODY = 16 * 1024 * 1024;

function zeroFaults(): Record<FaultName, number> {
  return Object.fromEntries(FAULT_NAMES.map((f) => [f, 0])) as Record<FaultName, number>;
}

function fnv1a(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const PLAIN = { disallowedSpecial: new Set<string>() };

/** countTextTokens encodes texts up to this many characters in one piece (its CHUNK); longer ones in pieces. */
const ONE_PIECE_CHARS = 512;
/** gpt-tokenizer's own pre-tokenizer and per-piece encoder, when its internals have the expected shape. */
interface PieceEncoder {
  split: RegExp;
  rank(piece: string): number | undefined;
  merge(piece: string): unknown[];
}
let pieceEncoder: PieceEncoder | null | undefined;
function getPieceEncoder(): PieceEncoder | null {
  if (pieceEncoder !== undefined) return pieceEncoder;
  const tk = loadTokenizer() as unknown as { default?: unknown };
  const core = (tk.default as { bytePairEncodingCoreProcessor?: Record<string, unknown> } | undefined)
    ?.bytePairEncodingCoreProcessor;
  const split = core?.tokenSplitRegex;
  pieceEncoder =
    core &&
    split instanceof RegExp &&
    split.global &&
    typeof core.getBpeRankFromString === 'function' &&
    typeof core.bytePairEncode === 'function'
      ? {
          split,
          rank: (core.getBpeRankFromString as (k: string) => number | undefined).bind(core),
          merge: (core.bytePairEncode as (k: string) => unknown[]).bind(core),
        }
      : null;
  return pieceEncoder;
}
/** Tokens per pre-tokenized piece, for short pieces (they repeat: words, spaces, punctuation). */
const pieceCounts = new Map<string, number>();
const PIECE_CACHE_MAX = 50_000;

/**
 * o200k tokens of a text, exactly `loadTokenizer().encode(text, PLAIN).length`: encode splits the text with
 * its pre-tokenizer regex and encodes each piece on its own, so the count is the sum over pieces, and the
 * pieces repeat — a small map of piece → count replaces most lookups in the 200k-entry rank table (the
 * simulator's largest per-request cost). Falls back to encode when gpt-tokenizer's internals look different.
 */
function exactTokenCount(text: string): number {
  const enc = getPieceEncoder();
  if (!enc) return loadTokenizer().encode(text, PLAIN).length;
  let n = 0;
  for (const m of text.matchAll(enc.split)) {
    const piece = m[0];
    // Pieces of 13+ characters may be slices that keep the whole text alive: counted, not cached.
    const cacheable = piece.length < 13;
    let c = cacheable ? pieceCounts.get(piece) : undefined;
    if (c === undefined) {
      c = enc.rank(piece) !== undefined ? 1 : enc.merge(piece).length;
      if (cacheable) {
        if (pieceCounts.size >= PIECE_CACHE_MAX) pieceCounts.clear();
        pieceCounts.set(piece, c);
      }
    }
    n += c;
  }
  return n;
}

/**
 * Bounded-piece counting, as countTextTokens: linear on a 1 MB run of one character, where plain BPE is
 * quadratic. Texts it encodes in one piece take the cached exact count.
 */
const countTokens = (text: string): number =>
  text.length === 0 ? 0 : text.length <= ONE_PIECE_CHARS ? exactTokenCount(text) : countTextTokens(text);

function promptTokenCount(messages: Msg[]): number {
  let n = 3;
  for (const m of messages) {
    n += 3 + countTokens(contentText(m.content)) + countTokens(typeof m.role === 'string' ? m.role : '');
    if (typeof m.name === 'string') n += 1 + countTokens(m.name);
  }
  return n;
}

const TEMPLATE_WORDS = (
  'the canary answers after the primary with a measured latency and a careful step so each result ' +
  'is checked against the reference before a staged rollout moves traffic from one model to another'
).split(' ');

/** A deterministic stand-in answer for prompts without a recorded one. */
function templateAnswer(model: string, prompt: string, rng: Rng): string {
  const n = 12 + rng.int(40);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(TEMPLATE_WORDS[rng.int(TEMPLATE_WORDS.length)]);
  const topic = prompt.replace(/\s+/g, ' ').trim().slice(0, 48);
  return `Simulated answer from ${model} to "${topic}": ${words.join(' ')}.\nA: ${rng.int(1000)}`;
}

/** Lateness histogram: 0.1 ms buckets up to 1 s (later ones in the last bucket), exact mean and max. */
class LatenessHistogram {
  private readonly buckets = new Uint32Array(10_000);
  private n = 0;
  private sum = 0;
  private max = 0;

  add(ms: number): void {
    const v = Math.max(ms, 0);
    this.buckets[Math.min(this.buckets.length - 1, Math.floor(v * 10))]++;
    this.n++;
    this.sum += v;
    if (v > this.max) this.max = v;
  }

  summary(): SimTimingStats {
    const q = (p: number): number => {
      if (this.n === 0) return 0;
      const want = Math.ceil(p * this.n);
      let acc = 0;
      for (let i = 0; i < this.buckets.length; i++) {
        acc += this.buckets[i];
        if (acc >= want) return Math.min(this.max, (i + 1) / 10);
      }
      return this.max;
    };
    return {
      scheduled: this.n,
      lateMs: {
        mean: this.n ? this.sum / this.n : 0,
        p50: q(0.5),
        p95: q(0.95),
        p99: q(0.99),
        max: this.max,
      },
    };
  }
}

interface Due {
  /** performance.now() time at which to run. */
  due: number;
  /** Insertion order: equal due times run first-in, first-out. */
  seq: number;
  run: () => void;
}

/** Queued requests handled per turn of the event loop (each costs ~0.05 ms). */
const DRAIN_SLICE = 8;

/** A due time this close (ms) counts as now: Node timers have 1 ms resolution. */
const DUE_SLACK_MS = 0.5;

/**
 * Every delayed write of the simulator in one min-heap under a single Node timer, armed for the earliest
 * due time (instead of a Timeout object, a closure set and a clearTimeout per request). A callback never
 * runs more than DUE_SLACK_MS early; how late each one ran is recorded.
 */
class Scheduler {
  private heap: Due[] = [];
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerDue = Number.POSITIVE_INFINITY;
  private closed = false;
  readonly lateness = new LatenessHistogram();

  /** Runs `run` at performance.now() time `due` (now, if that has passed). */
  at(due: number, run: () => void): void {
    if (this.closed) return;
    const now = performance.now();
    if (due - now <= DUE_SLACK_MS) {
      this.lateness.add(now - due);
      run();
      return;
    }
    this.push({ due, seq: this.seq++, run });
    if (due < this.timerDue) this.arm(now);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.heap = [];
  }

  private arm(now: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = Number.POSITIVE_INFINITY;
    if (this.heap.length === 0 || this.closed) return;
    const due = this.heap[0].due;
    this.timerDue = due;
    this.timer = setTimeout(this.fire, Math.max(1, Math.ceil(due - now)));
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.timerDue = Number.POSITIVE_INFINITY;
    try {
      let now = performance.now();
      while (this.heap.length > 0 && this.heap[0].due - now <= DUE_SLACK_MS) {
        const d = this.pop();
        this.lateness.add(now - d.due);
        d.run();
        now = performance.now();
      }
    } finally {
      this.arm(performance.now());
    }
  };

  private less(a: Due, b: Due): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  private push(d: Due): void {
    const h = this.heap;
    let i = h.length;
    h.push(d);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(d, h[parent])) break;
      h[i] = h[parent];
      i = parent;
    }
    h[i] = d;
  }

  private pop(): Due {
    const h = this.heap;
    const top = h[0];
    const last = h.pop() as Due;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && this.less(h[r], h[l]) ? r : l;
        if (!this.less(h[c], last)) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

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

/** Per-request bookkeeping shared by its close listener and its handler. */
interface ReqCtx {
  closed: boolean;
  /** The model's stats once the request named a known model (its in-flight count is decremented on close). */
  model: SimModelStats | undefined;
}

interface ModelState {
  profile: ResolvedProfile;
  stats: SimModelStats;
  plan: Array<FaultName | 'none'>;
  traceCursor: number;
  cumulative: Array<[FaultName, number]>;
  /** What is left of the judge profile's malformedPlan. */
  judgePlan: Array<'malformed' | 'ok'>;
}

class SimServer {
  private readonly server = createServer((req, res) => this.onRequest(req, res));
  private readonly models = new Map<string, ModelState>();
  private readonly seen = new Map<number, number>();
  private readonly judgeSeen = new Map<number, number>();
  /** Prompt prefixes already seen per protocol and model: the simulated provider prompt cache. */
  private readonly prefixCache = new Set<number>();
  private readonly sockets = new Set<Socket>();
  private requests = 0;
  private inFlight = 0;
  private maxInFlight = 0;
  private readonly faults = zeroFaults();
  private readonly rejected = { unknownModel: 0, contextLength: 0, badRequest: 0, unauthorized: 0 };
  private answerBook?: Promise<AnswerBook>;
  private idCounter = 0;
  private readonly scheduler = new Scheduler();
  /** Requests whose body has arrived, handled after the current I/O batch (see onRequest). */
  private pendingChats: Array<{
    req: IncomingMessage;
    res: ServerResponse;
    body: Buffer;
    t0: number;
    ctx: ReqCtx;
    dialect: SimDialect;
    route: SimRoute;
  }> = [];
  private pendingHead = 0;
  private drainScheduled = false;

  constructor(private readonly cfg: ResolvedSimConfig) {
    for (const [name, profile] of cfg.models) {
      let acc = 0;
      const cumulative: Array<[FaultName, number]> = [];
      for (const f of FAULT_NAMES) {
        const r = profile.faults[f] ?? 0;
        if (r > 0) {
          acc += r;
          cumulative.push([f, acc]);
        }
      }
      this.models.set(name, {
        profile,
        plan: [...profile.faultPlan],
        judgePlan: [...(profile.judge?.malformedPlan ?? [])],
        traceCursor: 0,
        cumulative,
        stats: {
          requests: 0,
          ok: 0,
          streamed: 0,
          statuses: {},
          faults: zeroFaults(),
          inFlight: 0,
          maxInFlight: 0,
          promptTokens: 0,
          completionTokens: 0,
        },
      });
    }
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
          stats: () => this.snapshot(),
          close: () => this.close(),
        });
      });
    });
  }

  private close(): Promise<void> {
    this.scheduler.close();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
      this.server.closeAllConnections();
    });
  }

  private snapshot(): SimulatorStats {
    const byModel: Record<string, SimModelStats> = {};
    for (const [name, m] of this.models) {
      byModel[name] = { ...m.stats, statuses: { ...m.stats.statuses }, faults: { ...m.stats.faults } };
    }
    return {
      requests: this.requests,
      inFlight: this.inFlight,
      maxInFlight: this.maxInFlight,
      faults: { ...this.faults },
      byModel,
      rejected: { ...this.rejected },
      timing: this.scheduler.lateness.summary(),
    };
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
        data: [...this.models.keys()].map((id) => ({
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
      const dialect = DIALECTS[route.protocol];
      this.requests++;
      this.inFlight++;
      if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
      const ctx: ReqCtx = { closed: false, model: undefined };
      res.once('close', () => {
        ctx.closed = true;
        this.inFlight--;
        if (ctx.model) ctx.model.inFlight--;
      });
      readBody(req, (err, body) => {
        if (err) {
          this.rejected.badRequest++;
          dialect.sendError(res, { kind: 'too_large', message: simMsg.tooLarge });
          return;
        }
        // The latency clock started at t0 (above). The work of answering is queued behind the rest of this
        // I/O batch, so that when many requests arrive together each is timed from its own arrival, not from
        // the end of the work on the ones before it (a burst of 256 would otherwise start ~10 ms late).
        this.pendingChats.push({ req, res, body: body as Buffer, t0, ctx, dialect, route });
        if (!this.drainScheduled) {
          this.drainScheduled = true;
          setImmediate(this.drainChats);
        }
      });
      return;
    }
    req.resume();
    openaiDialect.sendError(res, {
      kind: 'route_not_found',
      message: simMsg.notFound(req.method ?? 'GET', path),
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
      const args = q[this.pendingHead];
      q[this.pendingHead++] = undefined as unknown as (typeof q)[number];
      const { res, dialect } = args;
      this.handleChat(args).catch(() => {
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

  private async handleChat(args: {
    req: IncomingMessage;
    res: ServerResponse;
    body: Buffer;
    t0: number;
    ctx: ReqCtx;
    dialect: SimDialect;
    route: SimRoute;
  }): Promise<void> {
    const { req, res, t0, ctx, dialect } = args;
    const refused = dialect.preflight(req.headers, args.route, this.cfg.apiKey);
    if (refused) {
      if (refused.kind === 'unauthorized') this.rejected.unauthorized++;
      else this.rejected.badRequest++;
      dialect.sendError(res, refused);
      return;
    }
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(args.body.toString('utf8'));
      if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
        throw new Error('not an object');
    } catch {
      this.rejected.badRequest++;
      dialect.sendError(res, { kind: 'bad_json', message: simMsg.badJson });
      return;
    }
    const parsed = dialect.parse(payload, args.route);
    if (isSimError(parsed)) {
      if (parsed.kind === 'route_not_found') this.rejected.unknownModel++;
      else this.rejected.badRequest++;
      dialect.sendError(res, parsed);
      return;
    }
    const model = parsed.model;
    const state = this.models.get(model);
    if (!state) {
      this.rejected.unknownModel++;
      dialect.sendError(res, {
        kind: 'model_not_found',
        message: simMsg.modelNotFound(model),
        code: 'model_not_found',
        model,
      });
      return;
    }
    const { profile, stats } = state;
    stats.requests++;
    if (!ctx.closed) {
      stats.inFlight++;
      if (stats.inFlight > stats.maxInFlight) stats.maxInFlight = stats.inFlight;
      ctx.model = stats;
    }
    res.once('finish', () => {
      stats.statuses[res.statusCode] = (stats.statuses[res.statusCode] ?? 0) + 1;
    });
    /** Runs fn `ms` after the request arrived (now, if that time has passed); never after the client left. */
    const at = (ms: number, fn: () => void): void => {
      this.scheduler.at(t0 + ms, () => {
        if (!res.destroyed && !res.writableEnded) fn();
      });
    };

    const msgs = parsed.messages;
    const promptTokens = promptTokenCount(msgs);
    if (promptTokens > profile.maxPromptTokens) {
      this.rejected.contextLength++;
      dialect.sendError(res, {
        kind: 'context_length',
        message: simMsg.contextLength(profile.maxPromptTokens, promptTokens),
        param: 'messages',
        code: 'context_length_exceeded',
        model,
        maxTokens: profile.maxPromptTokens,
        promptTokens,
      });
      return;
    }

    // Per-request randomness: (seed, model, messages, occurrence).
    const reqHash = fnv1a(parsed.hashKey, fnv1a(model));
    const occurrence = this.seen.get(reqHash) ?? 0;
    if (this.seen.size > 500_000) this.seen.clear();
    this.seen.set(reqHash, occurrence + 1);
    const rng = createRng(fnv1a(`${this.cfg.seed}|${occurrence}`, reqHash));

    // Latency and, for traces, the recorded outcome.
    const scale = profile.timeScale;
    let totalMs: number;
    let ttftMs: number;
    let traceFault: FaultName | undefined;
    const lat = profile.latency;
    const u = rng.next();
    const z = rng.normal();
    if (lat.type === 'lognormal') {
      totalMs = lat.p50Ms === 0 ? 0 : Math.exp(lat.mu + lat.sigma * z);
      ttftMs = totalMs * lat.ttftFraction;
    } else {
      const n = lat.records.length;
      const rec = lat.records[lat.order === 'cycle' ? state.traceCursor++ % n : rng.int(n)];
      totalMs = rec.e2eMs;
      ttftMs = rec.ttftMs;
      // llmperf codes: 429 is a rate limit; -100 ("output too few tokens") is llmperf's own check on a
      // completed answer, so it is served normally; any other code is a server-side failure.
      if (rec.errorCode === 429) traceFault = 'rate_limit';
      else if (rec.errorCode !== null && rec.errorCode !== -100) {
        traceFault = rec.errorCode === 503 ? 'unavailable' : 'server_error';
      }
    }
    totalMs *= scale;
    ttftMs *= scale;

    let fault: FaultName | undefined;
    const planned = state.plan.shift();
    if (planned !== undefined) fault = planned === 'none' ? undefined : planned;
    else {
      for (const [f, c] of state.cumulative) {
        if (u < c) {
          fault = f;
          break;
        }
      }
      fault ??= traceFault;
    }
    if (fault) {
      stats.faults[fault]++;
      this.faults[fault]++;
    }

    const retryAfter = String(profile.retryAfterS);
    switch (fault) {
      case 'rate_limit':
        at(ttftMs, () =>
          dialect.sendError(res, {
            kind: 'rate_limit',
            message: simMsg.rateLimited(model, profile.retryAfterS),
            type: 'requests',
            code: 'rate_limit_exceeded',
            retryAfterS: profile.retryAfterS,
            headers: {
              'retry-after': retryAfter,
              'x-ratelimit-limit-requests': '60',
              'x-ratelimit-remaining-requests': '0',
              'x-ratelimit-reset-requests': `${profile.retryAfterS}s`,
            },
          }),
        );
        return;
      case 'server_error':
        at(ttftMs, () =>
          dialect.sendError(res, { kind: 'server_error', message: simMsg.serverError, type: 'server_error' }),
        );
        return;
      case 'unavailable':
        at(ttftMs, () =>
          dialect.sendError(res, {
            kind: 'overloaded',
            message: simMsg.overloaded,
            type: 'server_error',
            retryAfterS: profile.retryAfterS,
            headers: { 'retry-after': retryAfter },
          }),
        );
        return;
      case 'hang':
        return; // never answers; the socket closes when the client gives up or the simulator closes
      default:
        break;
    }

    // The answer.
    const lastUser = [...msgs].reverse().find((m) => m.role === 'user');
    const promptText = contentText(lastUser?.content);
    let text: string | undefined;
    if (profile.judge) {
      const judged = parseJudgePrompt(msgs as Parameters<typeof parseJudgePrompt>[0]);
      if (judged) {
        // Seeded by the judge request's content without its per-call fence token (see src/sim/judge.ts).
        const key = fnv1a(judgeRequestKey(judged, msgs.length), fnv1a(model));
        const seen = this.judgeSeen.get(key) ?? 0;
        if (this.judgeSeen.size > 500_000) this.judgeSeen.clear();
        this.judgeSeen.set(key, seen + 1);
        const judgeRng = createRng(fnv1a(`${this.cfg.seed}|judge|${seen}`, key));
        const plannedJudge = state.judgePlan.shift();
        const malformed =
          plannedJudge !== undefined
            ? plannedJudge === 'malformed'
            : judgeRng.next() < profile.judge.malformed;
        text = simJudgeReply({ parsed: judged, profile: profile.judge, rng: judgeRng, malformed });
      }
    }
    if (text === undefined && profile.answers !== 'template') {
      this.answerBook ??= loadAnswerBook(this.cfg.answersFile);
      const book = await this.answerBook;
      text = book.find(promptText)?.solutions[profile.answers];
    }
    text ??= templateAnswer(model, promptText, createRng(fnv1a(String(this.cfg.seed), reqHash)));
    let finish: SimAnswer['finish'] = 'stop';
    let stopSequence: string | undefined;
    for (const s of parsed.stops) {
      const i = s.length > 0 ? text.indexOf(s) : -1;
      if (i !== -1) {
        text = text.slice(0, i);
        stopSequence = s;
      }
    }
    const maxTokens = parsed.maxTokens;
    let completionTokens = exactTokenCount(text);
    if (maxTokens !== undefined && maxTokens >= 0 && completionTokens > maxTokens) {
      const tokens = loadTokenizer().encode(text, PLAIN).slice(0, maxTokens);
      text = loadTokenizer().decode(tokens);
      completionTokens = tokens.length;
      finish = 'length';
      stopSequence = undefined;
    }
    if (fault === 'content_filter') {
      text = '';
      completionTokens = 0;
      finish = 'content_filter';
      stopSequence = undefined;
    }
    // The provider's prompt cache: a prefix seen before (for this model) is read from it; the first time,
    // explicit caching (Anthropic's cache_control) writes it.
    let cachedTokens = 0;
    let cacheWriteTokens = 0;
    if (parsed.cachePrefix) {
      const prefixTokens = promptTokenCount(parsed.cachePrefix.messages);
      if (prefixTokens >= dialect.cacheMinTokens) {
        const key = fnv1a(JSON.stringify(parsed.cachePrefix.messages), fnv1a(`${dialect.name}|${model}`));
        if (this.prefixCache.has(key)) {
          cachedTokens = prefixTokens - (prefixTokens % dialect.cacheGranularity);
        } else {
          if (this.prefixCache.size > 100_000) this.prefixCache.clear();
          this.prefixCache.add(key);
          if (parsed.cachePrefix.explicit) cacheWriteTokens = prefixTokens;
        }
      }
    }
    const reasoningTokens =
      parsed.thinkingBudget !== undefined && finish !== 'content_filter'
        ? Math.min(parsed.thinkingBudget, 2 * completionTokens)
        : 0;
    const withUsage = fault !== 'missing_usage';
    const answer: SimAnswer = {
      id: answerId(dialect.name, reqHash, occurrence),
      model,
      created: Math.floor(Date.now() / 1000),
      text,
      finish,
      includeUsage: parsed.includeUsage,
      reasoningTokens,
    };
    if (stopSequence !== undefined) answer.stopSequence = stopSequence;
    if (withUsage) {
      answer.usage = { promptTokens, completionTokens, cachedTokens, cacheWriteTokens, reasoningTokens };
    }
    const onOk = () => {
      if (fault === undefined || fault === 'missing_usage' || fault === 'content_filter') {
        if (fault === undefined || fault === 'missing_usage') stats.ok++;
        stats.promptTokens += promptTokens;
        stats.completionTokens += completionTokens + reasoningTokens;
      }
    };

    if (parsed.stream) {
      stats.streamed++;
      this.stream({
        res,
        at,
        fault,
        totalMs,
        ttftMs,
        intervalMs: profile.streamIntervalMs,
        text,
        contentType: dialect.streamContentType,
        framer: dialect.framer(answer),
        onOk,
      });
      return;
    }

    const body = dialect.completion(answer);
    if (fault === 'reset') {
      at(totalMs / 2, () => {
        const buf = Buffer.from(body);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': buf.length });
        res.write(buf.subarray(0, buf.length >> 1), () => resetSocket(res));
      });
      return;
    }
    if (fault === 'malformed') {
      at(totalMs, () => {
        const bad = body.slice(0, Math.max(1, body.length >> 1));
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(bad) });
        res.end(bad);
      });
      return;
    }
    at(totalMs, () => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        ...dialect.completionHeaders(totalMs),
      });
      res.end(body);
      onOk();
    });
  }

  private stream(args: {
    res: ServerResponse;
    at: (ms: number, fn: () => void) => void;
    fault: FaultName | undefined;
    totalMs: number;
    ttftMs: number;
    intervalMs: number;
    text: string;
    contentType: string;
    framer: ReturnType<SimDialect['framer']>;
    onOk: () => void;
  }): void {
    const { res, at, fault, totalMs, ttftMs, framer } = args;
    const pieces = args.text.match(/\s*\S+|\s+/g) ?? [];
    const span = Math.max(0, totalMs - ttftMs);
    const k = Math.max(1, Math.min(pieces.length, Math.floor(span / Math.max(args.intervalMs, 0.001)) + 1));
    const groups: string[] = [];
    for (let g = 0; g < k; g++) {
      groups.push(
        pieces.slice(Math.floor((g * pieces.length) / k), Math.floor(((g + 1) * pieces.length) / k)).join(''),
      );
    }
    const cutAt = Math.floor(k / 2);

    // Steps run strictly in order: each one schedules the next, so no timer can overtake another.
    const steps: Array<{ when: number; run: () => boolean | undefined }> = [];
    steps.push({
      when: ttftMs,
      run: () => {
        res.writeHead(200, { 'content-type': args.contentType, 'cache-control': 'no-cache' });
        const first = framer.open();
        if (first.length > 0) res.write(first);
        else res.flushHeaders();
        return true;
      },
    });
    for (let g = 0; g < k; g++) {
      steps.push({
        when: k === 1 ? ttftMs : ttftMs + (span * g) / (k - 1),
        run: () => {
          if (g === cutAt && fault === 'reset') {
            res.write(framer.delta(groups[g]).slice(0, 20), () => resetSocket(res));
            return false; // the connection dies here
          }
          if (g === cutAt && fault === 'malformed') {
            res.write(framer.malformed(groups[g]));
            return true;
          }
          if (groups[g].length > 0) res.write(framer.delta(groups[g]));
          return true;
        },
      });
    }
    steps.push({
      when: totalMs,
      run: () => {
        res.end(framer.close());
        if (fault !== 'malformed') args.onOk();
        return true;
      },
    });
    const runFrom = (i: number): void => {
      if (i >= steps.length) return;
      at(steps[i].when, () => {
        if (steps[i].run()) runFrom(i + 1);
      });
    };
    runFrom(0);
  }
}

/** Response ids in each provider's form: chatcmpl-…, msg_…, and Gemini's opaque responseId. */
function answerId(protocol: SimDialect['name'], reqHash: number, occurrence: number): string {
  const tail = `${reqHash.toString(16)}${occurrence.toString(16)}`;
  if (protocol === 'anthropic') return `msg_sim${tail}`;
  if (protocol === 'gemini') return `sim${tail}`;
  return `chatcmpl-${tail}`;
}

function resetSocket(res: ServerResponse): void {
  const s = res.socket as (Socket & { resetAndDestroy?: () => void }) | null;
  if (!s) return;
  if (typeof s.resetAndDestroy === 'function') s.resetAndDestroy();
  else s.destroy();
}

function readBody(req: IncomingMessage, cb: (err: Error | null, body?: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let failed = false;
  req.on('data', (c: Buffer) => {
    if (failed) return;
    size += c.length;
    if (size > MAX_BODY) {
      failed = true;
      cb(new Error('too large'));
      return;
    }
    chunks.push(c);
  });
  req.on('end', () => {
    if (!failed) cb(null, Buffer.concat(chunks));
  });
  req.on('error', () => {
    failed = true;
  });
}

const DIALECTS: Record<SimRoute['protocol'], SimDialect> = {
  openai: openaiDialect,
  anthropic: anthropicDialect,
  gemini: geminiDialect,
};

const GEMINI_PATH = /^\/(?:v1beta|v1)\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

/** The protocol a POST path belongs to, or undefined when it is none of the chat routes. */
function chatRoute(url: string): SimRoute | undefined {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
  if (path === '/v1/chat/completions' || path === '/chat/completions') return { protocol: 'openai', query };
  if (path === '/v1/messages' || path === '/messages') return { protocol: 'anthropic', query };
  const m = GEMINI_PATH.exec(path);
  if (m) {
    return {
      protocol: 'gemini',
      model: decodeURIComponent(m[1]),
      stream: m[2] === 'streamGenerateContent',
      query,
    };
  }
  return undefined;
}
