/**
 * The core records of canarylab (DESIGN.md, "Core records"). Their names and fields are part of the public
 * contract: every stage writes one of them, and every later stage, notebook and report reads them.
 */

/** The error kinds a CallRecord can carry. */
export type ErrorKind =
  | 'timeout'
  | 'network'
  | 'rate_limit'
  | 'server'
  | 'client'
  | 'invalid_response'
  | 'content_filter';

/** One chat message (OpenAI chat-completions shape). */
export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  content: string | null | ReadonlyArray<{ type: string; text?: string; [key: string]: unknown }>;
  name?: string;
  tool_call_id?: string;
  tool_calls?: unknown[];
}

/** Which side of the comparison a call belongs to. */
export type Arm = 'primary' | 'canary';

/** One evaluation item: a prompt (as chat messages), an optional reference answer, and segment metadata. */
export interface EvalItem {
  id: string;
  messages: ChatMessage[];
  /** Reference answer for rubrics and judges (a number for GSM8K, text elsewhere). */
  reference?: string | number;
  meta?: { userId?: string; tier?: string; tags?: string[]; [key: string]: unknown };
}

/** One finished call (after retries) of one arm on one item: a line of runs/<runId>/calls.jsonl. */
export interface CallRecord {
  runId: string;
  itemId: string;
  arm: Arm;
  model: string;
  /** Repeat index, 0-based, when items are run k times (independent samples). */
  repeat: number;
  ok: boolean;
  errorKind?: ErrorKind;
  /** Stable error code (CANARYLAB_ERR_…) of the final failure. */
  errorCode?: string;
  errorMessage?: string;
  httpStatus?: number;
  /** Every HTTP attempt, including retries and a fallback. */
  attempts: number;
  /**
   * What the user waited, ms: from the first attempt being sent to the final response, retries and their
   * waits (backoff, Retry-After) included. For one attempt, that attempt's latency.
   */
  latencyMs: number;
  /**
   * When the call took more than one attempt: each attempt's own latency, the wait before it (backoff or
   * Retry-After) and its rate-limiter queueing, with its status.
   */
  attemptLog?: Array<{
    latencyMs: number;
    waitMs: number;
    rateLimitWaitMs?: number;
    ok: boolean;
    httpStatus?: number;
    errorKind?: ErrorKind;
    model?: string;
  }>;
  ttftMs?: number;
  /**
   * Server-reported tokens: promptTokens all input (cached included), completionTokens all output
   * (reasoning included); the optional breakdowns are parts of those, priced by the provider apart.
   */
  usage: {
    promptTokens: number;
    completionTokens: number;
    cachedTokens?: number;
    cacheWriteTokens?: number;
    reasoningTokens?: number;
  };
  /** True when usage was estimated with a tokenizer because the server sent none. */
  usageEstimated?: boolean;
  costUsd: number;
  /**
   * Cache hits only: what the answer cost when it was first made (its `costUsd` then). The hit itself costs
   * nothing new (`costUsd: 0`), but cost comparisons need the price of the answer, which is what
   * production would pay.
   */
  originalCostUsd?: number;
  /** Model output: untrusted text. */
  content?: string;
  finishReason?: string;
  /** ISO-8601 time the call was first sent. */
  startedAt: string;
  /** Served from the response cache: original latency and usage, no new cost. */
  cached: boolean;
  /** Set when a configured fallback model answered after a model error of `model`. */
  fallback?: { from: string; to: string; errorCode: string };
}

/** One scorer's verdict on one call: a line of runs/<runId>/scores.jsonl. */
export interface ScoreRecord {
  runId: string;
  itemId: string;
  arm: Arm;
  repeat?: number;
  scorer: string;
  /** Score in the scorer's own scale (1–10 for judges, 0–1 for most rubrics); null for a scorer error. */
  score: number | null;
  pass?: boolean;
  reason?: string;
  /** Set when scoring itself failed (judge call failed, malformed verdict): never counted as a score. */
  error?: string;
  judge?: {
    model: string;
    rawVerdict?: string;
    /** What the judge's calls cost (its own model and price), and their usage and count (incl. a retry). */
    costUsd?: number;
    usage?: { promptTokens: number; completionTokens: number };
    calls?: number;
  };
}

/** A pairwise judgment of primary vs canary on one item. */
export interface PairwiseRecord {
  itemId: string;
  judge: string;
  winner: 'primary' | 'canary' | 'tie';
  /** False when the verdict flipped with the answer order (then recorded as a tie, MT-Bench's rule). */
  orderConsistent: boolean;
  /** The run this judgment belongs to (a line of runs/<runId>/pairwise.jsonl). */
  runId?: string;
  /** Repeat index of the two calls compared. */
  repeat?: number;
  /** The judge's verdict in each order: `primaryFirst` showed the primary's answer as A. */
  verdicts?: {
    primaryFirst?: 'primary' | 'canary' | 'tie';
    canaryFirst?: 'primary' | 'canary' | 'tie';
  };
  /** Character lengths of the two answers (for the judge's length bias). */
  lengths?: { primary: number; canary: number };
  reason?: string;
  /** Set when judging failed (judge call failed, malformed verdict twice): then `winner` is not counted. */
  error?: string;
  /** The judge's model and raw verdict(s). */
  judgeModel?: string;
  rawVerdict?: string;
  /** Index of a repeated judgment of the same pair (0 = first; repeats measure self-consistency). */
  judgment?: number;
  /** What the judge's calls for this pair cost, their usage and count. */
  costUsd?: number;
  usage?: { promptTokens: number; completionTokens: number };
  judgeCalls?: number;
}

/** One side of a comparison: sample size, estimate, interval. */
export interface ArmEstimate {
  n: number;
  estimate: number;
  ci: [number, number];
}

/** A metric measured on both arms, their difference, and the test of it. */
export interface MetricComparison {
  metric: string;
  unit: string;
  better: 'higher' | 'lower';
  primary: ArmEstimate;
  canary: ArmEstimate;
  /** canary − primary (or the relative change, as `unit` says), with its interval. */
  delta: { estimate: number; ci: [number, number]; relative?: { estimate: number; ci: [number, number] } };
  test: { method: string; statistic: number; pValue: number; adjustedPValue?: number };
  segment?: { key: string; value: string };
  /** The always-valid confidence sequence of the value the metric's gate reads (gate metrics, overall only). */
  alwaysValid?: AlwaysValidInterval;
}

/**
 * An always-valid (anytime) confidence sequence of a gate's value: with probability ≥ 1 − alpha the true
 * value lies in `ci` at every look at once, so a gate may be judged on it however often it is looked at.
 */
export interface AlwaysValidInterval {
  /** The value `ci` is on: the canary's own value, canary − primary, or canary/primary − 1 (`delta.relative`). */
  target: 'canary' | 'delta' | 'relative';
  /** The (1 − alpha) confidence sequence at the last look, on the same scale as the fixed interval. */
  ci: [number, number];
  alpha: number;
  /** Looks taken so far (1 for one analysis; the entries of a monitored history). */
  looks: number;
  /** Observations behind `ci`: canary calls, ok canary calls, pairs, or the smaller arm's priced calls. */
  n: number;
  /** The sample size (same unit as n) the sequence was tuned to be tightest at (always set by canarylab). */
  nExpected?: number;
  method: string;
  /** The point estimate the sequence is about, on the same scale (a sequence pooled over a history's looks). */
  estimate?: number;
}

export type Severity = 'required' | 'important' | 'recommended';
export type GateStatus = 'pass' | 'fail' | 'inconclusive';
export type Stage = 'shadow' | 'flag' | 'percentage' | 'full';

/** One promotion gate judged on its interval. */
export interface GateResult {
  gate: string;
  metric: string;
  threshold: number;
  observed: number;
  ci: [number, number];
  status: GateStatus;
  severity: Severity;
  reason: string;
  samplesNeeded?: number;
  /** What `samplesNeeded` counts when it is not calls per arm: `windows` (the error-rate consistency gate). */
  samplesUnit?: 'windows';
}

/** The promotion decision of a run. */
export interface Decision {
  verdict: 'promote' | 'hold' | 'rollback';
  stage: Stage;
  nextStage?: Stage;
  trafficPercent: number;
  gates: GateResult[];
  reasons: string[];
}

/** One line of runs/<runId>/items.jsonl: an item's id, reference and segment metadata (no prompt text). */
export interface RunItem {
  id: string;
  reference?: string | number;
  meta?: EvalItem['meta'];
}

/** Everything the analysis reads from a run folder. */
export interface RunData {
  runId: string;
  calls: CallRecord[];
  scores: ScoreRecord[];
  pairwise: PairwiseRecord[];
  items?: RunItem[];
}
