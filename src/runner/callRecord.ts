/** One unit's CallRecord: built from a finished gateway call, or from a response-cache hit. */
import type { GatewayOutcome } from '../gateway/gateway';
import { usageCostUsd } from '../gateway/pricing';
import { hasKnownSecrets, redactKnownSecrets } from '../gateway/redact';
import { estimateUsage } from '../gateway/tokens';
import type { ChatResponse } from '../gateway/types';
import type { CallRecord, EvalItem } from '../types';
import type { ArmPrice, BatchArm } from './batchTypes';

/** Builds the CallRecord of a finished gateway call. */
export function toRecord(a: {
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
  const { usage, usageEstimated } = recordUsage(response, item);
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
    costUsd: usageCostUsd(usage, a.price),
    startedAt: a.startedAt,
    cached: false,
  };
  if (usageEstimated) rec.usageEstimated = true;
  const ttft = outcome.ok ? (outcome.ttftMs ?? response?.ttftMs) : undefined;
  if (ttft !== undefined) rec.ttftMs = ttft;
  if (outcome.attempts > 1) rec.attemptLog = recordAttemptLog(outcome, arm.gateway.model);
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

/** The record's usage: the server's counts, else (a response without usage) the tokenizer's estimate. */
function recordUsage(
  response: ChatResponse | undefined,
  item: EvalItem,
): { usage: CallRecord['usage']; usageEstimated: boolean } {
  if (response?.usage) {
    const r = response.usage;
    const usage: CallRecord['usage'] = { promptTokens: r.promptTokens, completionTokens: r.completionTokens };
    if (r.cachedTokens) usage.cachedTokens = r.cachedTokens;
    if (r.cacheWriteTokens) usage.cacheWriteTokens = r.cacheWriteTokens;
    if (r.reasoningTokens) usage.reasoningTokens = r.reasoningTokens;
    return { usage, usageEstimated: false };
  }
  if (response) {
    // Only here is the tokenizer loaded (lazily): runs whose servers all send usage never load it.
    const e = estimateUsage({ messages: item.messages, content: response.content });
    return {
      usage: { promptTokens: e.promptTokens, completionTokens: e.completionTokens },
      usageEstimated: true,
    };
  }
  return { usage: { promptTokens: 0, completionTokens: 0 }, usageEstimated: false };
}

/** The attempts of a retried call, as recorded (fields only where they say something). */
function recordAttemptLog(outcome: GatewayOutcome, armModel: string): NonNullable<CallRecord['attemptLog']> {
  return outcome.attemptLog.map((t) => {
    const e: NonNullable<CallRecord['attemptLog']>[number] = {
      latencyMs: t.latencyMs,
      waitMs: t.backoffMs,
      ok: t.ok,
    };
    if (t.rateLimitWaitMs > 0) e.rateLimitWaitMs = t.rateLimitWaitMs;
    if (t.httpStatus !== undefined) e.httpStatus = t.httpStatus;
    if (t.errorKind) e.errorKind = t.errorKind;
    if (t.model !== armModel) e.model = t.model;
    return e;
  });
}

/** The record of a response-cache hit: the cached call under this unit's ids, costing nothing this time. */
export function cachedRecord(a: {
  hit: string;
  runId: string;
  item: EvalItem;
  arm: BatchArm;
  repeat: number;
  startedAt: string;
}): CallRecord {
  const c = JSON.parse(a.hit) as CallRecord;
  return {
    ...c,
    runId: a.runId,
    itemId: a.item.id,
    arm: a.arm.name,
    repeat: a.repeat,
    costUsd: 0,
    originalCostUsd: c.originalCostUsd ?? c.costUsd,
    cached: true,
    startedAt: a.startedAt,
  };
}
