/** The public shapes of runBatch: arms and their prices, the options, the progress and the summary. */

import type { SpendBudget } from '../gateway/budget';
import type { Gateway } from '../gateway/gateway';
import type { Pricing } from '../gateway/pricing';
import type { ChatParams } from '../gateway/types';
import type { Arm, ErrorKind, EvalItem } from '../types';
import type { LiveArmSummary } from './ringBuffer';

/** Price of a model per 1M tokens (cached and cache-write input at their own prices when given). */
export interface ArmPrice {
  inputPer1M: number;
  outputPer1M: number;
  cachedInputPer1M?: number;
  cacheWritePer1M?: number;
}

/** One side of the comparison: a gateway to its model, its parameters and its price. */
export interface BatchArm {
  name: Arm;
  gateway: Gateway;
  /** Base URL of the endpoint, part of the cache key. */
  baseURL: string;
  params?: ChatParams;
  /** Price of this arm's model; when absent it is looked up in `RunBatchOptions.pricing`. */
  price?: ArmPrice;
  /** Calls of this arm in flight at once (default: the global concurrency). */
  concurrency?: number;
}

export interface BatchProgress {
  /** Units (item × arm × repeat) planned; for a streamed item source, the units seen so far (see totalKnown). */
  total: number;
  /** False while a streamed (non-array) item source is still being read: `total` is then a lower bound. */
  totalKnown?: boolean;
  done: number;
  perArm: Record<string, { done: number; errors: number; cached: number; total?: number }>;
  errorsByKind: Partial<Record<ErrorKind, number>>;
  spentUsd: number;
  callsPerSecond: number;
  etaSeconds: number | null;
  /**
   * Live summary per arm over the last `liveWindow` finished calls of this invocation (a fixed-size ring
   * buffer): recent success rate, P50/P95 latency, failures by kind. Computed when read.
   */
  readonly live?: Record<string, LiveArmSummary>;
}

/** Items as an array, any iterable, or an async iterable (a streamed dataset: read lazily, never all held). */
export type ItemSource = Iterable<EvalItem> | AsyncIterable<EvalItem>;

export interface RunBatchOptions {
  /**
   * The dataset. Arrays and iterables are read lazily as calls are scheduled; an async iterable (e.g.
   * streamJsonlItems) is pulled one item at a time, so memory does not grow with the dataset.
   */
  items: ItemSource;
  arms: readonly BatchArm[];
  /** Calls in flight at once, all arms together. Default 16. */
  concurrency?: number;
  /** Folder of runs; the run writes `<outDir>/<runId>/calls.jsonl`. Default 'runs'. */
  outDir?: string;
  runId: string;
  /** Price table (datasets/pricing.json via loadPricing) for arms without their own `price`. */
  pricing?: Pricing;
  /** Response cache in `<outDir>/.cache/` (default on). Errors are never cached. */
  cache?: boolean;
  /** Independent samples per item (repeat index is part of the cache key). Default 1. */
  repeats?: number;
  /**
   * Hard spend cap, USD: each call's worst case is reserved before it is sent and settled on its real cost
   * (see src/gateway/budget.ts), so the recorded spend never passes it at any concurrency. The spend of the
   * records already in calls.jsonl (a resumed run) counts against it. When the next call does not fit, the
   * run stops cleanly (`stoppedForBudget`), keeping every finished record.
   */
  maxCostUsd?: number;
  /**
   * A ledger shared with other spenders (the pipeline's judges): used instead of a ledger of `maxCostUsd`;
   * its starting spend must already include the records'.
   */
  budget?: SpendBudget;
  /** Output tokens reserved for a call without max_tokens (default DEFAULT_MAX_OUTPUT_TOKENS, 32,768). */
  assumedMaxOutputTokens?: number;
  /** Share of items sent to the canary (shadow stage), chosen by hashing meta.userId or the item id. Default 1. */
  shadowRatio?: number;
  /** Re-send the calls that failed in an earlier attempt of this run (their records are replaced). */
  retryFailed?: boolean;
  /** Finished calls kept for the live summary (`BatchProgress.live`), all arms together. Default 1000. */
  liveWindow?: number;
  onProgress?: (p: BatchProgress) => void;
  /** Warnings (torn last line dropped, budget reached). Default: stderr. */
  onWarning?: (message: string) => void;
}

export interface RunBatchSummary {
  runId: string;
  callsFile: string;
  /** (item, arm, repeat) units the run covers. */
  planned: number;
  /** Units already recorded before this invocation (resumed). */
  resumed: number;
  /** Calls sent over the network by this invocation (after retries, one per unit). */
  sent: number;
  cached: number;
  failed: number;
  /** USD spent by this invocation's calls. */
  spentUsd: number;
  /** USD the run had spent before this invocation (its records, and with a shared ledger the judges'). */
  spentBeforeUsd: number;
  /** True when the spend cap stopped the run before every unit was sent (rerun with a larger cap). */
  stoppedForBudget: boolean;
  wallMs: number;
}
