import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync, writeSync } from 'node:fs';
import { mkdir, readFile, rename, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { budgetedGateway, isBudgetExceeded, SpendBudget } from '../gateway/budget';
import type { Gateway, GatewayOutcome } from '../gateway/gateway';
import { type Pricing, usageCostUsd } from '../gateway/pricing';
import { hasKnownSecrets, redactKnownSecrets } from '../gateway/redact';
import { estimateUsage } from '../gateway/tokens';
import type { ChatParams } from '../gateway/types';
import { bucketOf } from '../routing/bucket';
import type { Arm, CallRecord, ErrorKind, EvalItem } from '../types';
import { type LiveArmSummary, RingBuffer, summarizeWindow, type WindowEntry } from './ringBuffer';
import { acquireRunLock, validateRunId } from './runFolder';

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

const costOf = (u: CallRecord['usage'], p: ArmPrice) => usageCostUsd(u, p);

interface Unit {
  item: EvalItem;
  armIndex: number;
  repeat: number;
}

/**
 * Calls every arm on every item (k repeats), writing one CallRecord per finished call to
 * `<outDir>/<runId>/calls.jsonl`. Both arms of an item are dispatched together so drift over time hits them
 * equally. Crash-safe: rerunning the same command resumes — finished calls are not sent again, a torn last
 * line is dropped with a warning, and the file ends with exactly one record per (item, arm, repeat).
 *
 * Memory is bounded: `concurrency` workers pull units lazily from the item source (arrays, iterables and
 * async iterables alike), so no more than `concurrency` units exist at once; the live summary is a
 * fixed-size ring buffer. Durability: records finished in one event-loop turn are appended together with
 * one synchronous write at the end of that turn, and a call releases its concurrency slot only once its
 * record is in the file — so a kill -9 can lose at most the records of calls still holding a slot (at most
 * `concurrency`), and those calls are sent again on resume.
 *
 * @throws {TypeError} on a bad runId or an arm without a price (before any call)
 * @throws {RangeError} on a bad concurrency, repeats, shadowRatio or liveWindow, or no arms
 * @example
 * const s = await runBatch({ items: streamJsonlItems('data.jsonl'), arms, concurrency: 64, runId: 'r1' });
 * s.planned; s.sent; s.failed; s.spentUsd;
 */
export async function runBatch(opts: RunBatchOptions): Promise<RunBatchSummary> {
  const started = performance.now();
  const concurrency = opts.concurrency ?? 16;
  const repeats = opts.repeats ?? 1;
  const shadowRatio = opts.shadowRatio ?? 1;
  const outDir = opts.outDir ?? 'runs';
  const liveWindow = opts.liveWindow ?? 1000;
  const warn = opts.onWarning ?? ((m: string) => process.stderr.write(`canarylab: ${m}\n`));
  validateRunId(opts.runId, 'runBatch: runId');
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError(`runBatch: concurrency must be an integer >= 1, got ${concurrency}`);
  if (!Number.isInteger(repeats) || repeats < 1)
    throw new RangeError(`runBatch: repeats must be an integer >= 1, got ${repeats}`);
  if (!(shadowRatio >= 0 && shadowRatio <= 1))
    throw new RangeError(`runBatch: shadowRatio must be in [0, 1], got ${shadowRatio}`);
  if (!Number.isInteger(liveWindow) || liveWindow < 1)
    throw new RangeError(`runBatch: liveWindow must be an integer >= 1, got ${liveWindow}`);
  if (opts.arms.length === 0) throw new RangeError('runBatch: arms must not be empty');
  const isAsync = typeof (opts.items as AsyncIterable<EvalItem>)[Symbol.asyncIterator] === 'function';
  if (!isAsync && typeof (opts.items as Iterable<EvalItem>)?.[Symbol.iterator] !== 'function')
    throw new TypeError('runBatch: items must be an array, an iterable or an async iterable of EvalItem');
  // Resolve every price before the first call: an unknown model without a price is a configuration error,
  // never a silent $0.
  const prices: ArmPrice[] = opts.arms.map((arm, i) => {
    if (arm.price) return arm.price;
    if (opts.pricing) {
      const p = opts.pricing.price(arm.gateway.model);
      const out: ArmPrice = { inputPer1M: p.inputPer1M, outputPer1M: p.outputPer1M };
      if (p.cachedInputPer1M !== undefined) out.cachedInputPer1M = p.cachedInputPer1M;
      if (p.cacheWritePer1M !== undefined) out.cacheWritePer1M = p.cacheWritePer1M;
      return out;
    }
    throw new TypeError(
      `runBatch: arms[${i}] (${arm.name}, model ${arm.gateway.model}): no price — set arm.price or pass pricing`,
    );
  });
  const runDir = join(outDir, opts.runId);
  const callsFile = join(runDir, 'calls.jsonl');
  const cacheDir = join(outDir, '.cache');
  await mkdir(runDir, { recursive: true });
  if (opts.cache !== false) await mkdir(cacheDir, { recursive: true });
  // One writer per run folder (re-entrant: the pipeline already holds it).
  const lock = acquireRunLock(runDir, 'runBatch');
  try {
    return await runLocked();
  } finally {
    lock.release();
  }

  async function runLocked(): Promise<RunBatchSummary> {
    const armIndex = new Map(opts.arms.map((a, i) => [a.name as string, i]));
    const recovered = { spentUsd: 0 };
    const done = await recoverCalls(callsFile, {
      retryFailed: opts.retryFailed ?? false,
      warn,
      units: new UnitSet(opts.arms.length, repeats),
      armIndex,
      recovered,
    });
    const budget =
      opts.budget ??
      (opts.maxCostUsd !== undefined
        ? new SpendBudget({ capUsd: opts.maxCostUsd, spentUsd: recovered.spentUsd })
        : undefined);
    const capUsd = opts.budget?.capUsd ?? opts.maxCostUsd;
    const arms: readonly BatchArm[] = budget
      ? opts.arms.map((a, i) => ({
          ...a,
          gateway: budgetedGateway(a.gateway, {
            budget,
            price: prices[i],
            ...(opts.assumedMaxOutputTokens !== undefined
              ? { maxOutputTokens: opts.assumedMaxOutputTokens }
              : {}),
          }),
        }))
      : opts.arms;
    const spentBefore = budget ? budget.spentUsd : recovered.spentUsd;
    const canaryIndex = armIndex.get('canary') ?? -1;
    const toCanary = (item: EvalItem) =>
      shadowRatio >= 1 || bucketOf(item.meta?.userId ?? item.id, { salt: 'shadow' }) < shadowRatio * 100;

    const progress = {
      total: 0,
      totalKnown: !isAsync && Array.isArray(opts.items),
      done: 0,
      perArm: Object.fromEntries(arms.map((a) => [a.name, { done: 0, errors: 0, cached: 0, total: 0 }])),
      errorsByKind: {},
      spentUsd: 0,
      callsPerSecond: 0,
      etaSeconds: null,
    } as BatchProgress;
    const perArmProgress = arms.map(
      (a) => progress.perArm[a.name] as Required<BatchProgress['perArm'][string]>,
    );
    const window = new RingBuffer<WindowEntry>(liveWindow);
    const armNames = arms.map((a) => a.name as string);
    Object.defineProperty(progress, 'live', {
      enumerable: true,
      get: () => summarizeWindow(window, armNames),
    });

    let planned = 0;
    let resumed = 0;
    const countUnit = (item: EvalItem, a: number, r: number): boolean => {
      planned++;
      perArmProgress[a].total++;
      if (done.has(item.id, a, r)) {
        resumed++;
        progress.done++;
        perArmProgress[a].done++;
        return true;
      }
      return false;
    };
    // An array's totals are known up front (one cheap pass, no allocation per unit); other sources are
    // counted as they are read.
    if (progress.totalKnown) {
      for (const item of opts.items as readonly EvalItem[]) {
        const c = toCanary(item);
        for (let r = 0; r < repeats; r++)
          for (let a = 0; a < arms.length; a++) if (a !== canaryIndex || c) countUnit(item, a, r);
      }
      progress.total = planned;
    }
    const counted = progress.totalKnown;

    // Units in item order, both arms of an item adjacent; finished ones (resume) are skipped.
    function* expand(item: EvalItem): Generator<Unit> {
      const c = toCanary(item);
      for (let r = 0; r < repeats; r++) {
        for (let a = 0; a < arms.length; a++) {
          if (a === canaryIndex && !c) continue;
          if (counted ? done.has(item.id, a, r) : countUnit(item, a, r)) continue;
          yield { item, armIndex: a, repeat: r };
        }
      }
    }
    const onSourceEnd = () => {
      if (!counted) {
        progress.total = planned;
        progress.totalKnown = true;
      }
    };
    function* syncUnits(): Generator<Unit> {
      for (const item of opts.items as Iterable<EvalItem>) {
        yield* expand(item);
        if (!counted) progress.total = planned;
      }
      onSourceEnd();
    }
    async function* asyncUnits(): AsyncGenerator<Unit> {
      for await (const item of opts.items as AsyncIterable<EvalItem>) {
        yield* expand(item);
        progress.total = planned;
      }
      onSourceEnd();
    }
    const syncIt = isAsync ? null : syncUnits();
    const asyncIt = isAsync ? asyncUnits() : null;

    const writer = new RecordWriter(openSync(callsFile, 'a'));
    let sent = 0;
    let cached = 0;
    let failed = 0;
    let stoppedForBudget = false;
    const useCache = opts.cache !== false;

    const runUnit = async (u: Unit): Promise<void> => {
      const { item, repeat } = u;
      const arm = arms[u.armIndex];
      const model = arm.gateway.model;
      const params = arm.params ?? EMPTY_PARAMS;
      // Hashing the request costs CPU on every call: only when the cache is on.
      const cachePath = useCache
        ? join(
            cacheDir,
            `${createHash('sha256')
              .update(JSON.stringify([arm.baseURL, model, item.messages, params, repeat]))
              .digest('hex')}.json`,
          )
        : null;
      const startedAt = new Date().toISOString();
      let rec: CallRecord | null = null;
      if (cachePath) {
        const hit = await readFile(cachePath, 'utf8').catch(() => null);
        if (hit) {
          const c = JSON.parse(hit) as CallRecord;
          rec = {
            ...c,
            runId: opts.runId,
            itemId: item.id,
            arm: arm.name,
            repeat,
            costUsd: 0,
            originalCostUsd: c.originalCostUsd ?? c.costUsd,
            cached: true,
            startedAt,
          };
          cached++;
        }
      }
      if (!rec) {
        const outcome = await arm.gateway.call({
          messages: item.messages,
          params,
          key: `${item.id}:${arm.name}:${repeat}`,
        });
        if (!outcome.ok && isBudgetExceeded(outcome.error)) {
          // Not sent: nothing to record; a rerun with a larger cap sends it.
          stoppedForBudget = true;
          return;
        }
        sent++;
        rec = toRecord({
          outcome,
          runId: opts.runId,
          item,
          arm,
          repeat,
          startedAt,
          price: prices[u.armIndex],
        });
        if (rec.ok && cachePath) {
          const tmp = `${cachePath}.${process.pid}.tmp`;
          await writeFile(tmp, JSON.stringify(rec));
          await rename(tmp, cachePath);
        }
      }
      // The slot is held until the record is in the file (see the durability note above).
      await writer.append(`${JSON.stringify(rec)}\n`);
      const a = perArmProgress[u.armIndex];
      a.done++;
      if (rec.cached) a.cached++;
      if (!rec.ok) {
        a.errors++;
        failed++;
        if (rec.errorKind)
          progress.errorsByKind[rec.errorKind] = (progress.errorsByKind[rec.errorKind] ?? 0) + 1;
      }
      const entry: WindowEntry = { arm: arm.name, ok: rec.ok, latencyMs: rec.latencyMs, cached: rec.cached };
      if (rec.errorKind) entry.errorKind = rec.errorKind;
      window.push(entry);
      progress.done++;
      progress.spentUsd += rec.costUsd;
      if (opts.onProgress) {
        const secs = (performance.now() - started) / 1000;
        const fresh = window.totalPushed;
        progress.callsPerSecond = secs > 0 ? fresh / secs : 0;
        progress.etaSeconds =
          progress.totalKnown && progress.callsPerSecond > 0
            ? (progress.total - progress.done) / progress.callsPerSecond
            : null;
        opts.onProgress(progress);
      }
    };

    // Per-arm limits below the global one: a worker holding a global slot waits for its arm's slot (so the
    // item order, both arms adjacent, is kept).
    const armLimits = arms.map((a) =>
      a.concurrency !== undefined && a.concurrency < concurrency ? new Semaphore(a.concurrency) : null,
    );
    let sourceDone = false;
    const worker = async (): Promise<void> => {
      while (!sourceDone) {
        if (stoppedForBudget) return;
        const next = syncIt ? syncIt.next() : await (asyncIt as AsyncGenerator<Unit>).next();
        if (next.done) {
          sourceDone = true;
          return;
        }
        // Checked with a unit in hand: a run whose every unit is recorded never reports a reached budget.
        if (budget?.exhausted) {
          stoppedForBudget = true;
          return;
        }
        const u = next.value;
        const limit = armLimits[u.armIndex];
        if (limit) await limit.acquire();
        try {
          await runUnit(u);
        } finally {
          limit?.release();
        }
      }
    };
    try {
      const workers: Promise<void>[] = [];
      for (let i = 0; i < concurrency; i++) workers.push(worker());
      // Every worker runs to its end even when one fails, so no call is left running unrecorded.
      const results = await Promise.allSettled(workers);
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) throw failure.reason;
    } finally {
      writer.close();
      if (!sourceDone) {
        syncIt?.return(undefined);
        await asyncIt?.return(undefined);
      }
    }
    if (stoppedForBudget) {
      const left = progress.totalKnown ? `${planned - progress.done} calls not sent` : 'the rest not sent';
      warn(
        `budget of $${capUsd} reached after $${(budget?.spentUsd ?? progress.spentUsd).toFixed(4)}: stopped before the next call's worst case could pass it; ${left} (rerun with --resume --max-cost <larger USD> to continue)`,
      );
    }
    if (budget && budget.overrun > 0)
      warn(
        `endpoints reported usage above the reserved worst case (by $${budget.overrun.toFixed(6)}): check the servers' usage counts`,
      );
    return {
      runId: opts.runId,
      callsFile,
      planned,
      resumed,
      sent,
      cached,
      failed,
      spentUsd: progress.spentUsd,
      spentBeforeUsd: spentBefore,
      stoppedForBudget,
      wallMs: performance.now() - started,
    };
  }
}

const EMPTY_PARAMS: ChatParams = Object.freeze({}) as ChatParams;

/** Builds the CallRecord of a finished gateway call. */
function toRecord(a: {
  outcome: GatewayOutcome;
  runId: string;
  item: EvalItem;
  arm: BatchArm;
  repeat: number;
  startedAt: string;
  price: ArmPrice;
}): CallRecord {
  const { outcome, item, arm } = a;
  const ok = outcome.ok && !outcome.fallbackUsed;
  const response = outcome.ok ? outcome.response : undefined;
  let usage: CallRecord['usage'];
  let usageEstimated = false;
  if (response?.usage) {
    const r = response.usage;
    usage = { promptTokens: r.promptTokens, completionTokens: r.completionTokens };
    if (r.cachedTokens) usage.cachedTokens = r.cachedTokens;
    if (r.cacheWriteTokens) usage.cacheWriteTokens = r.cacheWriteTokens;
    if (r.reasoningTokens) usage.reasoningTokens = r.reasoningTokens;
  } else if (response) {
    // Only here is the tokenizer loaded (lazily): runs whose servers all send usage never load it.
    const e = estimateUsage({ messages: item.messages, content: response.content });
    usage = { promptTokens: e.promptTokens, completionTokens: e.completionTokens };
    usageEstimated = true;
  } else usage = { promptTokens: 0, completionTokens: 0 };
  const err = outcome.ok ? outcome.fallbackUsed?.error : outcome.error;
  const rec: CallRecord = {
    runId: a.runId,
    itemId: item.id,
    arm: arm.name,
    model: arm.gateway.model,
    repeat: a.repeat,
    ok,
    attempts: outcome.attempts,
    latencyMs: outcome.latencyMs ?? response?.latencyMs ?? outcome.totalMs,
    usage,
    costUsd: costOf(usage, a.price),
    startedAt: a.startedAt,
    cached: false,
  };
  if (usageEstimated) rec.usageEstimated = true;
  const ttft = outcome.ok ? (outcome.ttftMs ?? response?.ttftMs) : undefined;
  if (ttft !== undefined) rec.ttftMs = ttft;
  if (outcome.attempts > 1) {
    rec.attemptLog = outcome.attemptLog.map((t) => {
      const e: NonNullable<CallRecord['attemptLog']>[number] = {
        latencyMs: t.latencyMs,
        waitMs: t.backoffMs,
        ok: t.ok,
      };
      if (t.rateLimitWaitMs > 0) e.rateLimitWaitMs = t.rateLimitWaitMs;
      if (t.httpStatus !== undefined) e.httpStatus = t.httpStatus;
      if (t.errorKind) e.errorKind = t.errorKind;
      if (t.model !== arm.gateway.model) e.model = t.model;
      return e;
    });
  }
  // Model output is untrusted: an answer echoing the API key (e.g. the Authorization header) is redacted.
  if (response?.content != null)
    rec.content = hasKnownSecrets() ? redactKnownSecrets(response.content) : response.content;
  if (response?.finishReason) rec.finishReason = response.finishReason;
  if (response) rec.httpStatus = response.httpStatus;
  if (err) {
    rec.errorKind = err.kind;
    rec.errorCode = err.code;
    rec.errorMessage = hasKnownSecrets() ? redactKnownSecrets(err.message) : err.message;
    if (err.httpStatus !== undefined) rec.httpStatus = err.httpStatus;
  }
  if (outcome.fallbackUsed) {
    rec.fallback = {
      from: outcome.fallbackUsed.from,
      to: outcome.fallbackUsed.to,
      errorCode: outcome.fallbackUsed.error.code,
    };
  }
  return rec;
}

/** A counting semaphore (FIFO). */
class Semaphore {
  private waiters: Array<() => void> = [];
  constructor(private free: number) {}
  acquire(): Promise<void> | undefined {
    if (this.free > 0) {
      this.free--;
      return undefined;
    }
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.free++;
  }
}

/**
 * Group commit of calls.jsonl lines: lines appended during one event-loop turn are written together by one
 * synchronous write in a setImmediate callback, and every appender's promise resolves once its line is in
 * the file (the kernel's page cache: it survives kill -9 of this process). The buffer holds at most the
 * lines of one turn, and at most one line per call in flight.
 */
export class RecordWriter {
  private lines: string[] = [];
  private pending: Promise<void> | null = null;
  private resolve: (() => void) | null = null;
  private reject: ((e: unknown) => void) | null = null;
  private closed = false;

  constructor(private readonly fd: number) {}

  /** Queues a line (ending in `\n`); resolves once it has been written. */
  append(line: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error('RecordWriter: append after close'));
    this.lines.push(line);
    if (!this.pending) {
      this.pending = new Promise<void>((resolve, reject) => {
        this.resolve = resolve;
        this.reject = reject;
      });
      setImmediate(this.flush);
    }
    return this.pending;
  }

  private readonly flush = (): void => {
    const resolve = this.resolve as () => void;
    const reject = this.reject as (e: unknown) => void;
    const data = Buffer.from(this.lines.length === 1 ? this.lines[0] : this.lines.join(''), 'utf8');
    this.lines = [];
    this.pending = null;
    try {
      let off = 0;
      while (off < data.length) off += writeSync(this.fd, data, off, data.length - off);
      resolve();
    } catch (e) {
      reject(e);
    }
  };

  /** Writes what is queued and closes the file. */
  close(): void {
    if (this.closed) return;
    if (this.pending) this.flush();
    this.closed = true;
    closeSync(this.fd);
  }
}

/**
 * Which (item, arm, repeat) units are recorded, compactly: one small integer bit mask per item id when
 * arms × repeats ≤ 31, string keys otherwise.
 */
class UnitSet {
  private readonly masks = new Map<string, number>();
  private readonly keys: Set<string> | null;
  constructor(
    private readonly arms: number,
    private readonly repeats: number,
  ) {
    this.keys = arms * repeats > 31 ? new Set() : null;
  }
  add(itemId: string, arm: number, repeat: number): void {
    if (this.keys) this.keys.add(`${itemId}\u0000${arm}\u0000${repeat}`);
    else this.masks.set(itemId, (this.masks.get(itemId) ?? 0) | (1 << (repeat * this.arms + arm)));
  }
  has(itemId: string, arm: number, repeat: number): boolean {
    if (this.keys) return this.keys.has(`${itemId}\u0000${arm}\u0000${repeat}`);
    const m = this.masks.get(itemId);
    return m !== undefined && (m & (1 << (repeat * this.arms + arm))) !== 0;
  }
  /** Whether units of this repeat index fit (records of other repeat counts are kept but not tracked). */
  tracks(repeat: number): boolean {
    return repeat >= 0 && repeat < this.repeats;
  }
}

/**
 * Reads an existing calls.jsonl for resuming, streaming it (memory does not grow with the file): drops a
 * torn last line (truncating the file, with a warning) and returns the units already recorded. With
 * `retryFailed`, failed records are removed from the file so that their units are sent again and the file
 * keeps one record per unit.
 */
async function recoverCalls(
  file: string,
  opts: {
    retryFailed: boolean;
    warn: (m: string) => void;
    units: UnitSet;
    armIndex: Map<string, number>;
    /** Filled with the spend of the records kept. */
    recovered?: { spentUsd: number };
  },
): Promise<UnitSet> {
  const { units } = opts;
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    return units;
  }
  if (size === 0) return units;
  // A file not ending in a newline ends with a torn line: find the last newline from the end.
  const fd = openSync(file, 'r');
  let keep = size;
  try {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] !== 0x0a) {
      const chunk = Buffer.alloc(64 * 1024);
      let end = size;
      keep = 0;
      while (end > 0) {
        const start = Math.max(0, end - chunk.length);
        const n = readSync(fd, chunk, 0, end - start, start);
        const i = chunk.subarray(0, n).lastIndexOf(0x0a);
        if (i >= 0) {
          keep = start + i + 1;
          break;
        }
        end = start;
      }
    }
  } finally {
    closeSync(fd);
  }
  if (keep < size) {
    opts.warn(`${file}: dropped a torn last line (${size - keep} bytes) left by an interrupted run`);
    await truncate(file, keep);
  }
  if (keep === 0) return units;
  const tmp = `${file}.tmp`;
  const out = opts.retryFailed ? openSync(tmp, 'w') : null;
  let removed = 0;
  let lineNo = 0;
  try {
    const rl = createInterface({
      input: createReadStream(file, { encoding: 'utf8' }),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    const kept: string[] = [];
    for await (const line of rl) {
      lineNo++;
      if (line === '') continue;
      let rec: Pick<CallRecord, 'itemId' | 'arm' | 'repeat' | 'ok' | 'costUsd'>;
      try {
        rec = JSON.parse(line);
      } catch {
        throw new SyntaxError(
          `${file}:${lineNo}: not valid JSON in the middle of the file (only a torn last line is repaired)`,
        );
      }
      if (opts.retryFailed && !rec.ok) {
        removed++;
        continue;
      }
      if (
        opts.recovered &&
        typeof rec.costUsd === 'number' &&
        Number.isFinite(rec.costUsd) &&
        rec.costUsd > 0
      )
        opts.recovered.spentUsd += rec.costUsd;
      const a = opts.armIndex.get(rec.arm);
      const r = rec.repeat ?? 0;
      if (a !== undefined && units.tracks(r)) units.add(rec.itemId, a, r);
      if (out) {
        kept.push(line, '\n');
        if (kept.length >= 2048) {
          writeSync(out, kept.join(''));
          kept.length = 0;
        }
      }
    }
    if (out && kept.length) writeSync(out, kept.join(''));
  } finally {
    if (out !== null) closeSync(out);
  }
  if (out !== null) {
    if (removed > 0) await rename(tmp, file);
    else await unlink(tmp);
  }
  return units;
}
