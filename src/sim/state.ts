/**
 * The simulator's state as one explicit object: its configuration, each model's profile, counters and
 * draw state, what it remembers across requests (occurrences, the prompt cache, the answers file), its
 * scheduler, and the overall counters; and the snapshot of it that `stats()` returns.
 */
import type { AnswerBook } from './answers';
import type { FaultName, ResolvedProfile, ResolvedSimConfig } from './config';
import { type DrawState, newDrawState } from './draws';
import { Scheduler } from './scheduler';
import { newModelStats, type SimModelStats, type SimulatorStats, zeroFaults } from './stats';

/** One model: its profile, its counters, and what its draws carry from request to request. */
export interface ModelState extends DrawState {
  profile: ResolvedProfile;
  stats: SimModelStats;
  /** What is left of the judge profile's malformedPlan. */
  judgePlan: Array<'malformed' | 'ok'>;
}

export interface SimState {
  readonly cfg: ResolvedSimConfig;
  readonly models: Map<string, ModelState>;
  /** How many times each request (hash of model and messages) was seen: its occurrence seeds its draws. */
  readonly seen: Map<number, number>;
  /** The same for judge requests (hash without the fence token). */
  readonly judgeSeen: Map<number, number>;
  /** Prompt prefixes already seen per protocol and model: the simulated provider prompt cache. */
  readonly prefixCache: Set<number>;
  /** The answers file, loaded on the first request that replays recorded answers. */
  answerBook?: Promise<AnswerBook>;
  readonly scheduler: Scheduler;
  requests: number;
  inFlight: number;
  maxInFlight: number;
  readonly faults: Record<FaultName, number>;
  readonly rejected: SimulatorStats['rejected'];
}

/** The state of a simulator that has served nothing yet. */
export function createSimState(cfg: ResolvedSimConfig): SimState {
  const models = new Map<string, ModelState>();
  for (const [name, profile] of cfg.models) {
    models.set(name, {
      profile,
      ...newDrawState(profile),
      judgePlan: [...(profile.judge?.malformedPlan ?? [])],
      stats: newModelStats(),
    });
  }
  return {
    cfg,
    models,
    seen: new Map(),
    judgeSeen: new Map(),
    prefixCache: new Set(),
    scheduler: new Scheduler(),
    requests: 0,
    inFlight: 0,
    maxInFlight: 0,
    faults: zeroFaults(),
    rejected: { unknownModel: 0, contextLength: 0, badRequest: 0, unauthorized: 0 },
  };
}

/** A copy of the counters (later requests do not change it). */
export function snapshot(sim: SimState): SimulatorStats {
  const byModel: Record<string, SimModelStats> = {};
  for (const [name, m] of sim.models) {
    byModel[name] = { ...m.stats, statuses: { ...m.stats.statuses }, faults: { ...m.stats.faults } };
  }
  return {
    requests: sim.requests,
    inFlight: sim.inFlight,
    maxInFlight: sim.maxInFlight,
    faults: { ...sim.faults },
    byModel,
    rejected: { ...sim.rejected },
    timing: sim.scheduler.lateness.summary(),
  };
}
