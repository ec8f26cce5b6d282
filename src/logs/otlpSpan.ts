/** One OTLP span → a CallRecord: attribute decoding, timestamps, token counts, the arm, the error kind. */
import type { Pricing } from '../gateway/pricing';
import { armOfModel } from '../routing/armOfModel';
import type { Arm, CallRecord, ErrorKind } from '../types';
import { logsMsg, type OtlpErrorCode } from './errors';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
} from './genAiAttributes';

type AnyValue = {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: AnyValue[] };
};
type KeyValue = { key?: string; value?: AnyValue };

function scalar(v: AnyValue | undefined): string | number | boolean | undefined {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return typeof v.intValue === 'number' ? v.intValue : Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  const first = v.arrayValue?.values?.[0];
  return first ? scalar(first) : undefined;
}

function attributes(list: unknown): Map<string, string | number | boolean> {
  const out = new Map<string, string | number | boolean>();
  if (!Array.isArray(list)) return out;
  for (const kv of list as KeyValue[]) {
    if (kv && typeof kv.key === 'string') {
      const v = scalar(kv.value);
      if (v !== undefined) out.set(kv.key, v);
    }
  }
  return out;
}

/** Nanoseconds since the epoch as OTLP JSON writes them: a decimal string, or a number. */
function nanos(x: unknown): bigint | undefined {
  if (typeof x === 'string' && /^\d{1,20}$/.test(x)) return BigInt(x);
  if (typeof x === 'number' && Number.isSafeInteger(x) && x >= 0) return BigInt(x);
  // SDKs that keep hrtime pairs ([seconds, nanoseconds]).
  if (Array.isArray(x) && x.length === 2 && x.every((n) => Number.isSafeInteger(n) && n >= 0)) {
    return BigInt(x[0]) * 1_000_000_000n + BigInt(x[1]);
  }
  return undefined;
}

/**
 * `error.type` → the project's error kinds. The convention leaves its values to the instrumentation: an
 * HTTP status code, an exception class name, or `_OTHER`; anything unrecognised counts as a server error.
 */
export function errorKindOf(errorType: string | undefined, httpStatus?: number): ErrorKind {
  const t = (errorType ?? '').toLowerCase();
  const status = httpStatus ?? (/^\d{3}$/.test(t) ? Number(t) : undefined);
  if (status === 429 || /rate.?limit|too.?many|resource_exhausted|quota/.test(t)) return 'rate_limit';
  if (/timeout|timed.?out|deadline/.test(t) || status === 408 || status === 504) return 'timeout';
  if (/content.?filter|safety|blocked/.test(t)) return 'content_filter';
  if (/econn|network|connection|socket|dns|enotfound|epipe/.test(t)) return 'network';
  if (/invalid.?response|malformed|parse|json/.test(t)) return 'invalid_response';
  if (status !== undefined && status >= 400 && status < 500) return 'client';
  if (/bad.?request|invalid.?request|not.?found|unauthori[sz]ed|permission|authentication/.test(t)) {
    return 'client';
  }
  return 'server';
}

/** What the span reader needs: the reader's options and the per-user call counts (for item ids). */
export interface SpanContext {
  runId: string;
  armAttribute?: string;
  armValues: { primary: readonly string[]; canary: readonly string[] };
  primaryModel?: string;
  canaryModel?: string;
  userAttribute?: string;
  pricing?: Pricing;
  /** Calls seen per user so far (item id `user#k`). */
  perUser: Map<string, number>;
}

/** A span's outcome: not a GenAI call, an invalid field (with the OtlpError code), or its record. */
export type SpanOutcome =
  | { kind: 'other' }
  | { kind: 'problem'; field: string; expected: string; code?: OtlpErrorCode }
  | { kind: 'call'; record: CallRecord };

/** The arm of a span: its arm attribute's value (mapped by armValues), else its model. */
function armOfSpan(
  attrs: Map<string, string | number | boolean>,
  model: string,
  ctx: SpanContext,
): Arm | undefined {
  let arm: Arm | undefined;
  const flag = ctx.armAttribute ? attrs.get(ctx.armAttribute) : undefined;
  if (flag !== undefined) {
    const v = String(flag);
    if (ctx.armValues.primary.includes(v)) arm = 'primary';
    else if (ctx.armValues.canary.includes(v)) arm = 'canary';
  }
  return arm ?? armOfModel(model, ctx);
}

/** A token-count attribute: undefined when absent, null when not a non-negative integer. */
function tokenCount(attrs: Map<string, string | number | boolean>, key: string): number | undefined | null {
  const v = attrs.get(key);
  if (v === undefined) return undefined;
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null;
}

/** The item id of a span: `user#k` (the user's k-th call) when it names a user, else its span id or `spanNumber`. */
function itemIdOf(
  attrs: Map<string, string | number | boolean>,
  spanId: string | undefined,
  spanNumber: number,
  ctx: SpanContext,
): string {
  const user = attrs.get(ctx.userAttribute ?? 'user.id') ?? attrs.get('enduser.id');
  const userKey = user === undefined ? undefined : String(user);
  let itemId = spanId ?? `${spanNumber}`;
  if (userKey !== undefined) {
    const k = ctx.perUser.get(userKey) ?? 0;
    ctx.perUser.set(userKey, k + 1);
    itemId = `${userKey}#${k}`;
  }
  return itemId;
}

/** Reads one span (the `spanNumber`-th seen) into a CallRecord, or says why it is not one. */
export function spanToCall(span: Record<string, unknown>, spanNumber: number, ctx: SpanContext): SpanOutcome {
  const attrs = attributes(span?.attributes);
  const requestModel = attrs.get(ATTR_GEN_AI_REQUEST_MODEL);
  const responseModel = attrs.get(ATTR_GEN_AI_RESPONSE_MODEL);
  if (requestModel === undefined && responseModel === undefined) return { kind: 'other' };
  const spanId = typeof span.spanId === 'string' ? span.spanId : undefined;
  const where = `span ${spanId ?? '?'}`;
  const model = String(requestModel ?? responseModel);
  const start = nanos(span.startTimeUnixNano);
  const end = nanos(span.endTimeUnixNano);
  if (start === undefined || end === undefined || end < start)
    return {
      kind: 'problem',
      field: `${where}: startTimeUnixNano/endTimeUnixNano`,
      expected: logsMsg.otlpTimes(),
    };
  const latencyMs = Number(end - start) / 1e6;
  const startMs = Number(start / 1_000_000n);
  if (!Number.isFinite(latencyMs) || startMs > 8.64e15)
    return {
      kind: 'problem',
      field: `${where}: startTimeUnixNano`,
      expected: logsMsg.otlpDateRange(),
    };
  const input = tokenCount(attrs, ATTR_GEN_AI_USAGE_INPUT_TOKENS);
  const output = tokenCount(attrs, ATTR_GEN_AI_USAGE_OUTPUT_TOKENS);
  if (input === null || output === null)
    return {
      kind: 'problem',
      field: `${where}: gen_ai.usage.*_tokens`,
      expected: logsMsg.otlpTokens(),
    };
  const statusCode = (span.status as { code?: unknown } | undefined)?.code;
  const errorType = attrs.get(ATTR_ERROR_TYPE);
  const failed = statusCode === 2 || statusCode === 'STATUS_CODE_ERROR' || errorType !== undefined;
  const httpStatusAttr = attrs.get(ATTR_HTTP_RESPONSE_STATUS_CODE);
  const httpStatus = typeof httpStatusAttr === 'number' ? httpStatusAttr : undefined;
  const arm = armOfSpan(attrs, model, ctx);
  if (!arm)
    return {
      kind: 'problem',
      field: `${where}: ${ctx.armAttribute ?? 'arm'}`,
      expected: logsMsg.otlpArm(ctx.armAttribute, ctx.armValues, model),
      code: 'CANARYLAB_ERR_OTLP_ARM',
    };
  const itemId = itemIdOf(attrs, spanId, spanNumber, ctx);
  const usage = { promptTokens: input ?? 0, completionTokens: output ?? 0 };
  const record: CallRecord = {
    runId: ctx.runId,
    itemId,
    arm,
    model,
    repeat: 0,
    ok: !failed,
    attempts: 1,
    latencyMs,
    usage,
    costUsd: ctx.pricing ? ctx.pricing.costUsd({ model, usage }) : 0,
    startedAt: new Date(startMs).toISOString(),
    cached: false,
  };
  if (failed)
    record.errorKind = errorKindOf(errorType === undefined ? undefined : String(errorType), httpStatus);
  if (httpStatus !== undefined) record.httpStatus = httpStatus;
  return { kind: 'call', record };
}
