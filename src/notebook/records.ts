/**
 * Record shapes for notebooks: CallRecords flattened into DataFrame rows, and real llmperf latency traces
 * turned into CallRecords so the analysis can compare two providers' traces as primary vs canary.
 */
import type { LlmperfRequest } from '../datasets/llmperf';
import type { Arm, CallRecord, ErrorKind } from '../types';

/** One CallRecord as a flat DataFrame row (no model output: `content` is left out). */
export interface CallRow {
  itemId: string;
  arm: Arm;
  model: string;
  repeat: number;
  ok: boolean;
  /** The error kind, or 'none' for a successful call (so groupby sees no missing value). */
  errorKind: ErrorKind | 'none' | 'unknown';
  httpStatus: number | null;
  attempts: number;
  latencyMs: number;
  ttftMs: number | null;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  cached: boolean;
}

/**
 * Flattens CallRecords into rows for a danfojs DataFrame: usage split into two columns, `errorKind` 'none'
 * for successes, absent optional numbers as null, and no model output.
 *
 * @example
 * const df = new dfd.DataFrame(callRows(calls));
 * df.groupby(['arm', 'errorKind']).agg({ latencyMs: ['count', 'mean'] });
 */
export function callRows(calls: readonly CallRecord[]): CallRow[] {
  return calls.map((c) => ({
    itemId: c.itemId,
    arm: c.arm,
    model: c.model,
    repeat: c.repeat ?? 0,
    ok: c.ok,
    errorKind: c.ok ? 'none' : (c.errorKind ?? 'unknown'),
    httpStatus: c.httpStatus ?? null,
    attempts: c.attempts,
    latencyMs: c.latencyMs,
    ttftMs: c.ttftMs ?? null,
    promptTokens: c.usage.promptTokens,
    completionTokens: c.usage.completionTokens,
    costUsd: c.costUsd,
    cached: c.cached,
  }));
}

/** Options of {@link llmperfToCalls}. */
export interface LlmperfToCallsOptions {
  /** The trace's requests (loadLlmperfTrace). */
  trace: readonly LlmperfRequest[];
  runId: string;
  arm: Arm;
  /** Model label of the records, e.g. 'lepton/llama-2-70b'. */
  model: string;
  /** Price per 1M tokens, for costUsd (default 0: the traces carry no price). */
  price?: { inputPer1M: number; outputPer1M: number };
  /** Start time of the first request; request i is stamped `start + i × spacingMs` (the traces carry no times). */
  start?: Date;
  /** Default 1000. */
  spacingMs?: number;
  /** Item id of request i. Default `llmperf-<i>` (so two traces of the same length pair up by position). */
  itemId?: (i: number) => string;
}

/**
 * The error kind of an llmperf error code: 429 → rate_limit; other 4xx → client; 5xx → server;
 * -100 (the response had too few tokens) → invalid_response; anything else (-1: the client saw no
 * response) → network.
 */
export function llmperfErrorKind(code: number): ErrorKind {
  if (code === 429) return 'rate_limit';
  if (code >= 400 && code < 500) return 'client';
  if (code >= 500 && code < 600) return 'server';
  if (code === -100) return 'invalid_response';
  return 'network';
}

/**
 * Turns a real llmperf trace (one provider's requests) into CallRecords of one arm, so analyzeRun can compare
 * two providers. Successful requests keep their end-to-end latency and TTFT (s → ms) and token counts;
 * failed ones become failed calls of the error kind {@link llmperfErrorKind} gives (with httpStatus for HTTP
 * codes), which count against the success rate and are left out of latency. The traces record no content.
 *
 * @throws {RangeError} on an empty trace or a bad spacing
 * @example
 * const calls = [
 *   ...llmperfToCalls({ trace: await loadLlmperfTrace('datasets/llmperf/together_70b.json'), runId: 'trace', arm: 'primary', model: 'together' }),
 *   ...llmperfToCalls({ trace: await loadLlmperfTrace('datasets/llmperf/lepton_70b.json'), runId: 'trace', arm: 'canary', model: 'lepton' }),
 * ];
 * analyzeRun({ runId: 'trace', calls, scores: [], pairwise: [] });
 */
export function llmperfToCalls(opts: LlmperfToCallsOptions): CallRecord[] {
  if (opts.trace.length === 0) throw new RangeError(`llmperfToCalls: the ${opts.arm} trace has no requests`);
  const spacing = opts.spacingMs ?? 1000;
  if (!(spacing >= 0 && Number.isFinite(spacing)))
    throw new RangeError(`llmperfToCalls: spacingMs must be a finite number >= 0, got ${spacing}`);
  const t0 = (opts.start ?? new Date('2024-01-01T00:00:00Z')).getTime();
  const idOf = opts.itemId ?? ((i: number) => `llmperf-${i}`);
  const price = opts.price ?? { inputPer1M: 0, outputPer1M: 0 };
  const costOf = (u: CallRecord['usage']) =>
    (u.promptTokens * price.inputPer1M + u.completionTokens * price.outputPer1M) / 1e6;
  return opts.trace.map((r, i): CallRecord => {
    const usage = { promptTokens: r.inputTokens, completionTokens: r.outputTokens };
    const base = {
      runId: opts.runId,
      itemId: idOf(i),
      arm: opts.arm,
      model: opts.model,
      repeat: 0,
      attempts: 1,
      latencyMs: r.endToEndLatencyS * 1000,
      usage,
      startedAt: new Date(t0 + i * spacing).toISOString(),
      cached: false,
    };
    if (r.errorCode === null) {
      return {
        ...base,
        ok: true,
        ttftMs: r.ttftS * 1000,
        costUsd: costOf(usage),
      };
    }
    // A request that got an answer (e.g. -100, too few tokens) used its tokens; one without (429, -1) did not.
    const answered = r.endToEndLatencyS > 0;
    const rec: CallRecord = {
      ...base,
      ok: false,
      errorKind: llmperfErrorKind(r.errorCode),
      errorMessage: r.errorMessage || `llmperf error code ${r.errorCode}`,
      usage: answered ? usage : { promptTokens: 0, completionTokens: 0 },
      costUsd: answered ? costOf(usage) : 0,
    };
    if (r.errorCode >= 100 && r.errorCode < 600) rec.httpStatus = r.errorCode;
    return rec;
  });
}
