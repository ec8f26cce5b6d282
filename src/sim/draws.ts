/**
 * Latency and fault injection: what each request draws from its seeded generator, in a fixed order (its
 * latency, lognormal or a trace record with the record's outcome; then its fault, from the model's fault
 * plan first and its rates after), and the error each error fault answers with.
 */
import type { Rng } from '../stats/random';
import { FAULT_NAMES, type FaultName, type ResolvedProfile } from './config';
import { simMsg } from './messages';
import type { SimError } from './protocols/types';

/** What a model's draws carry from one request to the next. */
export interface DrawState {
  /** What is left of the profile's faultPlan. */
  plan: Array<FaultName | 'none'>;
  /** The next record of a trace replayed in order. */
  traceCursor: number;
  /** The fault rates as cumulative thresholds, in FAULT_NAMES order (faults with rate 0 left out). */
  cumulative: Array<[FaultName, number]>;
}

/** A request's draw: when it answers (ms after arrival, time-scaled) and the fault it gets, if any. */
export interface Draw {
  totalMs: number;
  ttftMs: number;
  fault: FaultName | undefined;
}

/** A model's draw state before its first request. */
export function newDrawState(profile: ResolvedProfile): DrawState {
  let acc = 0;
  const cumulative: Array<[FaultName, number]> = [];
  for (const f of FAULT_NAMES) {
    const r = profile.faults[f] ?? 0;
    if (r > 0) {
      acc += r;
      cumulative.push([f, acc]);
    }
  }
  return { plan: [...profile.faultPlan], traceCursor: 0, cumulative };
}

/**
 * Draws a request's latency and fault. The order of draws is fixed (a uniform for the fault, a normal for
 * the latency, then a record index for a trace replayed at random), so the same seed gives the same draw.
 */
export function drawRequest(profile: ResolvedProfile, state: DrawState, rng: Rng): Draw {
  const u = rng.next();
  const z = rng.normal();
  const lat = drawLatency(profile, state, rng, z);
  return {
    totalMs: lat.totalMs * profile.timeScale,
    ttftMs: lat.ttftMs * profile.timeScale,
    fault: drawFault(state, u, lat.traceFault),
  };
}

function drawLatency(
  profile: ResolvedProfile,
  state: DrawState,
  rng: Rng,
  z: number,
): { totalMs: number; ttftMs: number; traceFault?: FaultName } {
  const lat = profile.latency;
  if (lat.type === 'lognormal') {
    const totalMs = lat.p50Ms === 0 ? 0 : Math.exp(lat.mu + lat.sigma * z);
    return { totalMs, ttftMs: totalMs * lat.ttftFraction };
  }
  const n = lat.records.length;
  const rec = lat.records[lat.order === 'cycle' ? state.traceCursor++ % n : rng.int(n)];
  return { totalMs: rec.e2eMs, ttftMs: rec.ttftMs, traceFault: traceOutcome(rec.errorCode) };
}

/**
 * A trace record's outcome as a fault. llmperf codes: 429 is a rate limit; -100 ("output too few tokens") is
 * llmperf's own check on a completed answer, so it is served normally; any other code is a server failure.
 */
function traceOutcome(code: number | null): FaultName | undefined {
  if (code === 429) return 'rate_limit';
  if (code !== null && code !== -100) return code === 503 ? 'unavailable' : 'server_error';
  return undefined;
}

/** The fault plan's next entry while it lasts; then the rate whose band `u` falls in, else the trace's. */
function drawFault(state: DrawState, u: number, traceFault: FaultName | undefined): FaultName | undefined {
  const planned = state.plan.shift();
  if (planned !== undefined) return planned === 'none' ? undefined : planned;
  for (const [f, c] of state.cumulative) {
    if (u < c) return f;
  }
  return traceFault;
}

/** The error an error fault (rate_limit, server_error, unavailable) answers with; undefined for others. */
export function faultError(
  fault: FaultName | undefined,
  model: string,
  profile: ResolvedProfile,
): SimError | undefined {
  const retryAfter = String(profile.retryAfterS);
  switch (fault) {
    case 'rate_limit':
      return {
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
      };
    case 'server_error':
      return { kind: 'server_error', message: simMsg.serverError, type: 'server_error' };
    case 'unavailable':
      return {
        kind: 'overloaded',
        message: simMsg.overloaded,
        type: 'server_error',
        retryAfterS: profile.retryAfterS,
        headers: { 'retry-after': retryAfter },
      };
    default:
      return undefined;
  }
}
