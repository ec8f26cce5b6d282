/**
 * A chat request, whatever its protocol: admitted (key, JSON body, the dialect's fields, a known model,
 * the context window), then answered from its seeded draws: an error fault, a hang, or an answer (a judge
 * verdict, a recorded answer or a template) written at its drawn times, as JSON or streamed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRng, hash32 } from '../stats/random';
import { answerId, composeAnswer, templateAnswer } from './answer';
import { loadAnswerBook } from './answers';
import { type At, type Delivery, deliverAnswer } from './deliver';
import { drawRequest, faultError } from './draws';
import { simJudgeAnswer } from './judge';
import { simMsg } from './messages';
import {
  contentText,
  isObject,
  isSimError,
  type SimDialect,
  type SimError,
  type SimRequest,
  type SimRoute,
} from './protocols/types';
import { nextOccurrence } from './seed';
import type { ModelState, SimState } from './state';
import { countServed, type SimModelStats } from './stats';
import { promptTokenCount } from './tokens';

/** Per-request bookkeeping shared by its close listener and its handler. */
export interface ReqCtx {
  closed: boolean;
  /** The model's stats once the request named a known model (its in-flight count is decremented on close). */
  model: SimModelStats | undefined;
}

/** A chat request whose body has arrived; its latency clock started at t0 (performance.now() on arrival). */
export interface PendingChat {
  req: IncomingMessage;
  res: ServerResponse;
  body: Buffer;
  t0: number;
  ctx: ReqCtx;
  dialect: SimDialect;
  route: SimRoute;
}

/** Answers a chat request (the caller answers 500, or drops the connection, when this rejects). */
export async function handleChat(sim: SimState, job: PendingChat): Promise<void> {
  const admitted = admit(sim, job);
  if (!admitted) return;
  const { request, state } = admitted;
  const { res, dialect } = job;
  const { model } = request;
  const { profile, stats } = state;
  const at = atArrival(sim, job);
  const promptTokens = promptTokenCount(request.messages);
  if (promptTokens > profile.maxPromptTokens) {
    sim.rejected.contextLength++;
    dialect.sendError(res, contextLengthError(model, profile.maxPromptTokens, promptTokens));
    return;
  }

  // Per-request randomness: (seed, model, messages, occurrence).
  const reqHash = hash32(request.hashKey, hash32(model));
  const occurrence = nextOccurrence(sim.seen, reqHash);
  const draw = drawRequest(profile, state, createRng(hash32(`${sim.cfg.seed}|${occurrence}`, reqHash)));
  const { fault } = draw;
  if (fault) {
    stats.faults[fault]++;
    sim.faults[fault]++;
  }
  const error = faultError(fault, model, profile);
  if (error) {
    at(draw.ttftMs, () => dialect.sendError(res, error));
    return;
  }
  if (fault === 'hang') return; // never answers; the socket closes when the client gives up or the simulator closes

  const promptText = contentText([...request.messages].reverse().find((m) => m.role === 'user')?.content);
  let text = profile.judge
    ? simJudgeAnswer({
        messages: request.messages,
        model,
        profile: profile.judge,
        plan: state.judgePlan,
        seed: sim.cfg.seed,
        seen: sim.judgeSeen,
      })
    : undefined;
  if (text === undefined && profile.answers !== 'template') {
    sim.answerBook ??= loadAnswerBook(sim.cfg.answersFile);
    text = (await sim.answerBook).find(promptText)?.solutions[profile.answers];
  }
  text ??= templateAnswer(model, promptText, createRng(hash32(String(sim.cfg.seed), reqHash)));
  const { answer, completionTokens } = composeAnswer({
    text,
    request,
    fault,
    dialect,
    promptTokens,
    prefixCache: sim.prefixCache,
    id: answerId(dialect.name, reqHash, occurrence),
  });
  const d: Delivery = {
    res,
    at,
    fault,
    totalMs: draw.totalMs,
    ttftMs: draw.ttftMs,
    onOk: () =>
      countServed(stats, fault, {
        prompt: promptTokens,
        completion: completionTokens + answer.reasoningTokens,
      }),
  };
  if (request.stream) stats.streamed++;
  deliverAnswer(d, { answer, dialect, stream: request.stream, intervalMs: profile.streamIntervalMs });
}

/** The error of a prompt longer than the model's context window. */
function contextLengthError(model: string, maxTokens: number, promptTokens: number): SimError {
  return {
    kind: 'context_length',
    message: simMsg.contextLength(maxTokens, promptTokens),
    param: 'messages',
    code: 'context_length_exceeded',
    model,
    maxTokens,
    promptTokens,
  };
}

/** Runs fn `ms` after the request arrived (now, if that time has passed); never after the client left. */
function atArrival(sim: SimState, job: PendingChat): At {
  const { res, t0 } = job;
  return (ms, fn) => {
    sim.scheduler.at(t0 + ms, () => {
      if (!res.destroyed && !res.writableEnded) fn();
    });
  };
}

/** The body as a JSON object, or undefined when it is not one. */
function jsonObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const payload: unknown = JSON.parse(body.toString('utf8'));
    return isObject(payload) ? payload : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The request's fields and its model's state once the request passed the dialect's checks and named a known
 * model (then counted as that model's); undefined after answering the error, counted as rejected.
 */
function admit(sim: SimState, job: PendingChat): { request: SimRequest; state: ModelState } | undefined {
  const { res, ctx, dialect } = job;
  const refused = dialect.preflight(job.req.headers, job.route, sim.cfg.apiKey);
  if (refused) {
    if (refused.kind === 'unauthorized') sim.rejected.unauthorized++;
    else sim.rejected.badRequest++;
    dialect.sendError(res, refused);
    return undefined;
  }
  const payload = jsonObject(job.body);
  if (!payload) {
    sim.rejected.badRequest++;
    dialect.sendError(res, { kind: 'bad_json', message: simMsg.badJson });
    return undefined;
  }
  const request = dialect.parse(payload, job.route);
  if (isSimError(request)) {
    if (request.kind === 'route_not_found') sim.rejected.unknownModel++;
    else sim.rejected.badRequest++;
    dialect.sendError(res, request);
    return undefined;
  }
  const model = request.model;
  const state = sim.models.get(model);
  if (!state) {
    sim.rejected.unknownModel++;
    dialect.sendError(res, {
      kind: 'model_not_found',
      message: simMsg.modelNotFound(model),
      code: 'model_not_found',
      model,
    });
    return undefined;
  }
  const { stats } = state;
  stats.requests++;
  if (!ctx.closed) {
    stats.inFlight++;
    if (stats.inFlight > stats.maxInFlight) stats.maxInFlight = stats.inFlight;
    ctx.model = stats;
  }
  res.once('finish', () => {
    stats.statuses[res.statusCode] = (stats.statuses[res.statusCode] ?? 0) + 1;
  });
  return { request, state };
}
