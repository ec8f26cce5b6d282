import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import type { Gateway } from '../gateway/gateway';
import type { Pricing } from '../gateway/pricing';
import { estimateUsage } from '../gateway/tokens';
import type { ChatParams } from '../gateway/types';
import { bucketOf } from '../routing/bucket';
import type { Arm, CallRecord, ErrorKind, EvalItem } from '../types';

/** Price of a model per 1M tokens. */
export interface ArmPrice {
  inputPer1M: number;
  outputPer1M: number;
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
  total: number;
  done: number;
  perArm: Record<string, { done: number; errors: number; cached: number }>;
  errorsByKind: Partial<Record<ErrorKind, number>>;
  spentUsd: number;
  callsPerSecond: number;
  etaSeconds: number | null;
}

export interface RunBatchOptions {
  items: readonly EvalItem[];
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
  /** Stop scheduling new calls once this much has been spent (calls in flight finish). */
  maxCostUsd?: number;
  /** Share of items sent to the canary (shadow stage), chosen by hashing meta.userId or the item id. Default 1. */
  shadowRatio?: number;
  /** Re-send the calls that failed in an earlier attempt of this run (their records are replaced). */
  retryFailed?: boolean;
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
  spentUsd: number;
  stoppedForBudget: boolean;
  wallMs: number;
}

const costOf = (u: { promptTokens: number; completionTokens: number }, p: ArmPrice) =>
  (u.promptTokens * p.inputPer1M + u.completionTokens * p.outputPer1M) / 1e6;

const keyOf = (itemId: string, arm: string, repeat: number) => `${itemId}\u0000${arm}\u0000${repeat}`;

/**
 * Calls every arm on every item (k repeats), writing one CallRecord per finished call to
 * `<outDir>/<runId>/calls.jsonl`. Both arms of an item are dispatched together so drift over time hits them
 * equally. Crash-safe: rerunning the same command resumes — finished calls are not sent again, a torn last
 * line is dropped with a warning, and the file ends with exactly one record per (item, arm, repeat).
 * At most `2 × concurrency` units are queued at once, so memory does not grow with the dataset.
 */
export async function runBatch(opts: RunBatchOptions): Promise<RunBatchSummary> {
  const started = performance.now();
  const concurrency = opts.concurrency ?? 16;
  const repeats = opts.repeats ?? 1;
  const shadowRatio = opts.shadowRatio ?? 1;
  const outDir = opts.outDir ?? 'runs';
  const warn = opts.onWarning ?? ((m: string) => process.stderr.write(`canarylab: ${m}\n`));
  if (!/^[\w.-]+$/.test(opts.runId))
    throw new TypeError(`runBatch: runId must match [A-Za-z0-9_.-]+, got '${opts.runId}'`);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError(`runBatch: concurrency must be an integer >= 1, got ${concurrency}`);
  if (!Number.isInteger(repeats) || repeats < 1)
    throw new RangeError(`runBatch: repeats must be an integer >= 1, got ${repeats}`);
  if (!(shadowRatio >= 0 && shadowRatio <= 1))
    throw new RangeError(`runBatch: shadowRatio must be in [0, 1], got ${shadowRatio}`);
  if (opts.arms.length === 0) throw new RangeError('runBatch: arms must not be empty');
  // Resolve every price before the first call: an unknown model without a price is a configuration error,
  // never a silent $0.
  const prices = new Map<string, ArmPrice>();
  for (const arm of opts.arms) {
    if (arm.price) prices.set(arm.name, arm.price);
    else if (opts.pricing) {
      const p = opts.pricing.price(arm.gateway.model);
      prices.set(arm.name, { inputPer1M: p.inputPer1M, outputPer1M: p.outputPer1M });
    } else {
      throw new TypeError(
        `runBatch: arms[${opts.arms.indexOf(arm)}] (${arm.name}, model ${arm.gateway.model}): no price — set arm.price or pass pricing`,
      );
    }
  }
  const runDir = join(outDir, opts.runId);
  const callsFile = join(runDir, 'calls.jsonl');
  const cacheDir = join(outDir, '.cache');
  await mkdir(runDir, { recursive: true });
  if (opts.cache !== false) await mkdir(cacheDir, { recursive: true });

  const done = await recoverCalls(callsFile, { retryFailed: opts.retryFailed ?? false, warn });
  // Units are generated lazily in item order (both arms of an item adjacent): no per-unit array, so memory
  // beyond the caller's item list stays bounded by the 2 × concurrency scheduling window.
  function* unitsOf(): Generator<{ item: EvalItem; arm: BatchArm; repeat: number }> {
    for (const item of opts.items) {
      const toCanary =
        shadowRatio >= 1 || bucketOf(item.meta?.userId ?? item.id, { salt: 'shadow' }) < shadowRatio * 100;
      for (let r = 0; r < repeats; r++) {
        for (const arm of opts.arms) if (arm.name !== 'canary' || toCanary) yield { item, arm, repeat: r };
      }
    }
  }
  let planned = 0;
  let resumed = 0;
  for (const u of unitsOf()) {
    planned++;
    if (done.has(keyOf(u.item.id, u.arm.name, u.repeat))) resumed++;
  }

  const handle = await open(callsFile, 'a');
  const global = pLimit(concurrency);
  const perArm = new Map(opts.arms.map((a) => [a.name, pLimit(a.concurrency ?? concurrency)]));
  const progress: BatchProgress = {
    total: planned,
    done: resumed,
    perArm: Object.fromEntries(opts.arms.map((a) => [a.name, { done: 0, errors: 0, cached: 0 }])),
    errorsByKind: {},
    spentUsd: 0,
    callsPerSecond: 0,
    etaSeconds: null,
  };
  let sent = 0;
  let cached = 0;
  let failed = 0;
  let stoppedForBudget = false;
  let writeChain = Promise.resolve();
  const append = (rec: CallRecord) => {
    writeChain = writeChain.then(() => handle.write(`${JSON.stringify(rec)}\n`).then(() => undefined));
    return writeChain;
  };

  const runUnit = async (u: { item: EvalItem; arm: BatchArm; repeat: number }) => {
    const { item, arm, repeat } = u;
    const model = arm.gateway.model;
    const params = arm.params ?? {};
    // Hashing the request costs CPU on every call: only when the cache is on.
    const cachePath =
      opts.cache === false
        ? null
        : join(
            cacheDir,
            `${createHash('sha256')
              .update(JSON.stringify([arm.baseURL, model, item.messages, params, repeat]))
              .digest('hex')}.json`,
          );
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
      sent++;
      const ok = outcome.ok && !outcome.fallbackUsed;
      const response = outcome.ok ? outcome.response : undefined;
      let usage = response?.usage
        ? { promptTokens: response.usage.promptTokens, completionTokens: response.usage.completionTokens }
        : null;
      let usageEstimated: boolean | undefined;
      if (response && !usage) {
        const e = estimateUsage({ messages: item.messages, content: response.content });
        usage = { promptTokens: e.promptTokens, completionTokens: e.completionTokens };
        usageEstimated = true;
      }
      usage ??= { promptTokens: 0, completionTokens: 0 };
      const err = outcome.ok ? outcome.fallbackUsed?.error : outcome.error;
      rec = {
        runId: opts.runId,
        itemId: item.id,
        arm: arm.name,
        model,
        repeat,
        ok,
        attempts: outcome.attempts,
        latencyMs: response?.latencyMs ?? outcome.totalMs,
        usage,
        costUsd: costOf(usage, prices.get(arm.name) as ArmPrice),
        startedAt,
        cached: false,
      };
      if (usageEstimated) rec.usageEstimated = true;
      if (response?.ttftMs !== undefined) rec.ttftMs = response.ttftMs;
      if (response?.content != null) rec.content = response.content;
      if (response?.finishReason) rec.finishReason = response.finishReason;
      if (response) rec.httpStatus = response.httpStatus;
      if (err) {
        rec.errorKind = err.kind;
        rec.errorCode = err.code;
        rec.errorMessage = err.message;
        if (err.httpStatus !== undefined) rec.httpStatus = err.httpStatus;
      }
      if (outcome.fallbackUsed) {
        rec.fallback = {
          from: outcome.fallbackUsed.from,
          to: outcome.fallbackUsed.to,
          errorCode: outcome.fallbackUsed.error.code,
        };
      }
      if (ok && cachePath) {
        const tmp = `${cachePath}.${process.pid}.tmp`;
        await writeFile(tmp, JSON.stringify(rec));
        await rename(tmp, cachePath);
      }
    }
    await append(rec);
    const a = progress.perArm[arm.name];
    a.done++;
    if (rec.cached) a.cached++;
    if (!rec.ok) {
      a.errors++;
      failed++;
      if (rec.errorKind)
        progress.errorsByKind[rec.errorKind] = (progress.errorsByKind[rec.errorKind] ?? 0) + 1;
    }
    progress.done++;
    progress.spentUsd += rec.costUsd;
    const secs = (performance.now() - started) / 1000;
    const fresh = progress.done - resumed;
    progress.callsPerSecond = secs > 0 ? fresh / secs : 0;
    progress.etaSeconds =
      progress.callsPerSecond > 0 ? (progress.total - progress.done) / progress.callsPerSecond : null;
    opts.onProgress?.(progress);
  };

  // Bounded scheduling: at most 2 × concurrency units pending, in item order (both arms of an item adjacent).
  const pending = new Set<Promise<void>>();
  try {
    for (const u of unitsOf()) {
      if (done.has(keyOf(u.item.id, u.arm.name, u.repeat))) continue;
      if (opts.maxCostUsd !== undefined && progress.spentUsd >= opts.maxCostUsd) {
        stoppedForBudget = true;
        break;
      }
      while (pending.size >= 2 * concurrency) await Promise.race(pending);
      const arm = perArm.get(u.arm.name) as ReturnType<typeof pLimit>;
      const p: Promise<void> = global(() => arm(() => runUnit(u))).finally(() => pending.delete(p));
      pending.add(p);
    }
    await Promise.all(pending);
    await writeChain;
  } finally {
    await handle.close();
  }
  if (stoppedForBudget) {
    warn(
      `budget of $${opts.maxCostUsd} reached after $${progress.spentUsd.toFixed(4)}: stopped scheduling; ${planned - progress.done} calls not sent (rerun to continue)`,
    );
  }
  return {
    runId: opts.runId,
    callsFile,
    planned,
    resumed,
    sent,
    cached,
    failed,
    spentUsd: progress.spentUsd,
    stoppedForBudget,
    wallMs: performance.now() - started,
  };
}

/**
 * Reads an existing calls.jsonl for resuming: drops a torn last line (truncating the file, with a
 * warning) and returns the keys already recorded. With `retryFailed`, failed records are removed from the
 * file so that their units are sent again and the file keeps one record per unit.
 */
async function recoverCalls(
  file: string,
  opts: { retryFailed: boolean; warn: (m: string) => void },
): Promise<Set<string>> {
  const done = new Set<string>();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return done;
  }
  const lastNewline = text.lastIndexOf('\n');
  if (lastNewline < text.length - 1) {
    const keep = Buffer.byteLength(text.slice(0, lastNewline + 1));
    opts.warn(
      `${file}: dropped a torn last line (${text.length - lastNewline - 1} characters) left by an interrupted run`,
    );
    await truncate(file, keep);
    text = text.slice(0, lastNewline + 1);
  }
  const lines = text.split('\n').filter((l) => l !== '');
  const kept: string[] = [];
  lines.forEach((line, i) => {
    let rec: CallRecord;
    try {
      rec = JSON.parse(line) as CallRecord;
    } catch {
      throw new SyntaxError(
        `${file}:${i + 1}: not valid JSON in the middle of the file (only a torn last line is repaired)`,
      );
    }
    if (opts.retryFailed && !rec.ok) return;
    done.add(keyOf(rec.itemId, rec.arm, rec.repeat ?? 0));
    kept.push(line);
  });
  if (opts.retryFailed && kept.length !== lines.length) {
    const tmp = `${file}.tmp`;
    await writeFile(tmp, kept.length ? `${kept.join('\n')}\n` : '');
    await rename(tmp, file);
  }
  return done;
}
