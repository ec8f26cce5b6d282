/**
 * The simulator's counters as its `stats()` reports them: per model and overall requests, statuses, faults,
 * concurrency, tokens served, and its own timing accuracy.
 */
import { FAULT_NAMES, type FaultName } from './config';

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

/** A count of 0 for every fault. */
export function zeroFaults(): Record<FaultName, number> {
  return Object.fromEntries(FAULT_NAMES.map((f) => [f, 0])) as Record<FaultName, number>;
}

/** A model's counters before its first request. */
export function newModelStats(): SimModelStats {
  return {
    requests: 0,
    ok: 0,
    streamed: 0,
    statuses: {},
    faults: zeroFaults(),
    inFlight: 0,
    maxInFlight: 0,
    promptTokens: 0,
    completionTokens: 0,
  };
}

/**
 * Counts an answer once it has been written to the end: `ok` when it came whole (usage dropped or not), and
 * its tokens when it came whole or content-filtered.
 */
export function countServed(
  stats: SimModelStats,
  fault: FaultName | undefined,
  tokens: { prompt: number; completion: number },
): void {
  if (fault === undefined || fault === 'missing_usage' || fault === 'content_filter') {
    if (fault === undefined || fault === 'missing_usage') stats.ok++;
    stats.promptTokens += tokens.prompt;
    stats.completionTokens += tokens.completion;
  }
}
