/**
 * OpenTelemetry GenAI spans as a production-log source: OTLP JSON exports (what the OpenTelemetry SDKs'
 * JSON serializer and the Collector's file exporter write: one `ExportTraceServiceRequest` per file, or one
 * per line) → CallRecords, one per GenAI client span, so production traffic recorded by any instrumented
 * service is analysed by the same code as an offline run.
 *
 * Attribute names follow the OpenTelemetry GenAI semantic conventions, as named in
 * `@opentelemetry/semantic-conventions` (copied in ./genAiAttributes.ts, checked against the package) (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/):
 * `gen_ai.request.model`, `gen_ai.response.model`, `gen_ai.usage.input_tokens`,
 * `gen_ai.usage.output_tokens`, `gen_ai.operation.name`, `error.type`; the span's duration is the call's
 * latency and its status (`STATUS_CODE_ERROR`, or an `error.type`) says it failed.
 *
 * The arm comes from a configurable span attribute (a feature-flag variant such as
 * `feature_flag.result.variant`, or the router's own attribute) mapped to primary/canary by value, or else
 * from the model (`primaryModel` / `canaryModel`). Spans that are not GenAI calls (no `gen_ai.*` model
 * attribute) are skipped and counted.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { summarizeCalls } from '../analysis/summary/build';
import type { RunSummary } from '../analysis/summary/types';
import type { Pricing } from '../gateway/pricing';
import type { Arm, CallRecord, ErrorKind } from '../types';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
} from './genAiAttributes';

/** Stable codes of {@link OtlpError}. */
export type OtlpErrorCode =
  /** A line or document that is not an OTLP JSON trace export, or a span with an invalid field. */
  | 'CANARYLAB_ERR_OTLP_SPAN'
  /** The file cannot be read. */
  | 'CANARYLAB_ERR_OTLP_FILE'
  /** A span's arm cannot be told (no arm attribute value and a model of neither arm). */
  | 'CANARYLAB_ERR_OTLP_ARM';

/** A problem with an OTLP export, located: `file:line: field: what was expected`. */
export class OtlpError extends Error {
  readonly code: OtlpErrorCode;
  readonly file: string;
  /** 1-based line of the export document (0 for the whole file). */
  readonly line: number;
  readonly field: string;
  constructor(a: { code: OtlpErrorCode; file: string; line: number; field: string; expected: string }) {
    super(a.line > 0 ? `${a.file}:${a.line}: ${a.field}: ${a.expected}` : `${a.file}: ${a.expected}`);
    this.name = 'OtlpError';
    this.code = a.code;
    this.file = a.file;
    this.line = a.line;
    this.field = a.field;
  }
}

/** Options of {@link streamOtlpCalls}. */
export interface OtlpOptions {
  /** Run id written on every record. */
  runId: string;
  /**
   * Span attribute whose value names the arm (for example `feature_flag.result.variant`); its values are
   * mapped with `armValues`. Spans without it fall back to the model.
   */
  armAttribute?: string;
  /** Attribute values of each arm (default `{ primary: ['primary', 'control'], canary: ['canary', 'treatment'] }`). */
  armValues?: { primary: readonly string[]; canary: readonly string[] };
  /** Model (request model, else response model) of each arm, when no arm attribute says it. */
  primaryModel?: string;
  canaryModel?: string;
  /** Span attribute holding the user id (default `user.id`, then `enduser.id`), used for item ids and SRM. */
  userAttribute?: string;
  /** Prices for costUsd (input and output tokens priced apart); without it costs are 0. */
  pricing?: Pricing;
  /** Skip invalid spans and count them instead of failing on the first. */
  skipInvalid?: boolean;
}

/** What the reader saw besides the records it yielded (filled while streaming). */
export interface OtlpFacts {
  /** Export documents read (files, or lines of a JSON-lines export). */
  documents: number;
  /** Spans seen, GenAI client spans turned into records, and other spans skipped. */
  spans: number;
  genAiSpans: number;
  otherSpans: number;
  /** Invalid spans skipped (only with skipInvalid), with the first few messages. */
  invalid: number;
  invalidMessages: string[];
  /** Models seen in each arm. */
  models: { primary: string[]; canary: string[] };
}

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

/**
 * Reads OTLP JSON trace exports (files; each one JSON document, or one document per line) and yields one
 * CallRecord per GenAI span, in file order; memory holds one document at a time. `facts` fills in as the
 * stream is read.
 *
 * @throws {OtlpError} CANARYLAB_ERR_OTLP_SPAN naming file:line and the field (unless skipInvalid);
 *   CANARYLAB_ERR_OTLP_FILE when a file cannot be read; CANARYLAB_ERR_OTLP_ARM when a span's arm cannot be told
 * @example
 * const facts = newOtlpFacts();
 * for await (const call of streamOtlpCalls(['traces.json'], { runId: 'prod', armAttribute: 'feature_flag.result.variant' }, facts)) {
 *   // call.arm, call.latencyMs, call.usage …
 * }
 */
export async function* streamOtlpCalls(
  files: readonly string[],
  opts: OtlpOptions,
  facts: OtlpFacts = newOtlpFacts(),
): AsyncGenerator<CallRecord> {
  const armValues = opts.armValues ?? {
    primary: ['primary', 'control'],
    canary: ['canary', 'treatment'],
  };
  const seenModels = { primary: new Set<string>(), canary: new Set<string>() };
  const perUser = new Map<string, number>();
  for (const file of files) {
    for await (const { line, doc } of documents(file)) {
      facts.documents++;
      const problem = (field: string, expected: string, code: OtlpErrorCode = 'CANARYLAB_ERR_OTLP_SPAN') => {
        const err = new OtlpError({ code, file, line, field, expected });
        if (!opts.skipInvalid || code === 'CANARYLAB_ERR_OTLP_ARM') throw err;
        facts.invalid++;
        if (facts.invalidMessages.length < 20) facts.invalidMessages.push(err.message);
      };
      if (doc instanceof OtlpParseFailure) {
        problem('(document)', 'valid JSON');
        continue;
      }
      if (
        typeof doc !== 'object' ||
        doc === null ||
        !Array.isArray((doc as { resourceSpans?: unknown }).resourceSpans)
      ) {
        problem('resourceSpans', 'an OTLP JSON trace export ({ "resourceSpans": [ … ] })');
        continue;
      }
      for (const rs of (doc as { resourceSpans: unknown[] }).resourceSpans) {
        const scopeSpans = (rs as { scopeSpans?: unknown })?.scopeSpans;
        if (!Array.isArray(scopeSpans)) continue;
        for (const ss of scopeSpans) {
          const spans = (ss as { spans?: unknown })?.spans;
          if (!Array.isArray(spans)) continue;
          for (const span of spans as Record<string, unknown>[]) {
            facts.spans++;
            const attrs = attributes(span?.attributes);
            const requestModel = attrs.get(ATTR_GEN_AI_REQUEST_MODEL);
            const responseModel = attrs.get(ATTR_GEN_AI_RESPONSE_MODEL);
            if (requestModel === undefined && responseModel === undefined) {
              facts.otherSpans++;
              continue;
            }
            const spanId = typeof span.spanId === 'string' ? span.spanId : undefined;
            const where = `span ${spanId ?? '?'}`;
            const model = String(requestModel ?? responseModel);
            const start = nanos(span.startTimeUnixNano);
            const end = nanos(span.endTimeUnixNano);
            if (start === undefined || end === undefined || end < start) {
              problem(
                `${where}: startTimeUnixNano/endTimeUnixNano`,
                'nanosecond timestamps with end ≥ start',
              );
              continue;
            }
            const latencyMs = Number(end - start) / 1e6;
            const startMs = Number(start / 1_000_000n);
            if (!Number.isFinite(latencyMs) || startMs > 8.64e15) {
              problem(`${where}: startTimeUnixNano`, 'a time within the JavaScript date range');
              continue;
            }
            const tokens = (key: string): number | undefined | null => {
              const v = attrs.get(key);
              if (v === undefined) return undefined;
              return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null;
            };
            const input = tokens(ATTR_GEN_AI_USAGE_INPUT_TOKENS);
            const output = tokens(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS);
            if (input === null || output === null) {
              problem(`${where}: gen_ai.usage.*_tokens`, 'non-negative integer token counts');
              continue;
            }
            const statusCode = (span.status as { code?: unknown } | undefined)?.code;
            const errorType = attrs.get(ATTR_ERROR_TYPE);
            const failed = statusCode === 2 || statusCode === 'STATUS_CODE_ERROR' || errorType !== undefined;
            const httpStatusAttr = attrs.get(ATTR_HTTP_RESPONSE_STATUS_CODE);
            const httpStatus = typeof httpStatusAttr === 'number' ? httpStatusAttr : undefined;

            let arm: Arm | undefined;
            const flag = opts.armAttribute ? attrs.get(opts.armAttribute) : undefined;
            if (flag !== undefined) {
              const v = String(flag);
              if (armValues.primary.includes(v)) arm = 'primary';
              else if (armValues.canary.includes(v)) arm = 'canary';
            }
            if (!arm) {
              if (opts.primaryModel !== undefined && model === opts.primaryModel) arm = 'primary';
              else if (opts.canaryModel !== undefined && model === opts.canaryModel) arm = 'canary';
              else if (opts.primaryModel !== undefined && opts.canaryModel === undefined) arm = 'canary';
              else if (opts.canaryModel !== undefined && opts.primaryModel === undefined) arm = 'primary';
            }
            if (!arm) {
              problem(
                `${where}: ${opts.armAttribute ?? 'arm'}`,
                `an arm: ${opts.armAttribute ? `${opts.armAttribute} in ${JSON.stringify(armValues)}, or ` : ''}a model named by --primary-model / --canary-model (got model ${JSON.stringify(model)})`,
                'CANARYLAB_ERR_OTLP_ARM',
              );
              continue;
            }
            seenModels[arm].add(model);
            const user = attrs.get(opts.userAttribute ?? 'user.id') ?? attrs.get('enduser.id');
            const userKey = user === undefined ? undefined : String(user);
            let itemId = spanId ?? `${facts.spans}`;
            if (userKey !== undefined) {
              const k = perUser.get(userKey) ?? 0;
              perUser.set(userKey, k + 1);
              itemId = `${userKey}#${k}`;
            }
            const usage = { promptTokens: input ?? 0, completionTokens: output ?? 0 };
            const record: CallRecord = {
              runId: opts.runId,
              itemId,
              arm,
              model,
              repeat: 0,
              ok: !failed,
              attempts: 1,
              latencyMs,
              usage,
              costUsd: opts.pricing ? opts.pricing.costUsd({ model, usage }) : 0,
              startedAt: new Date(startMs).toISOString(),
              cached: false,
            };
            if (failed)
              record.errorKind = errorKindOf(
                errorType === undefined ? undefined : String(errorType),
                httpStatus,
              );
            if (httpStatus !== undefined) record.httpStatus = httpStatus;
            facts.genAiSpans++;
            yield record;
          }
        }
      }
    }
  }
  facts.models = { primary: [...seenModels.primary].sort(), canary: [...seenModels.canary].sort() };
}

/** Empty facts, to pass to {@link streamOtlpCalls} and read after the stream ends. */
export function newOtlpFacts(): OtlpFacts {
  return {
    documents: 0,
    spans: 0,
    genAiSpans: 0,
    otherSpans: 0,
    invalid: 0,
    invalidMessages: [],
    models: { primary: [], canary: [] },
  };
}

/**
 * The export documents of one file: a whole-file JSON document (pretty-printed exports), or one document
 * per line (the Collector's file exporter). Decided by the first non-blank character after the first line:
 * a file whose first line parses alone is read line by line.
 */
async function* documents(file: string): AsyncGenerator<{ line: number; doc: unknown }> {
  const lines: string[] = [];
  let lineNo = 0;
  let perLine: boolean | undefined;
  let stream: ReturnType<typeof createReadStream>;
  try {
    stream = createReadStream(file, { encoding: 'utf8' });
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
  } catch (e) {
    throw new OtlpError({
      code: 'CANARYLAB_ERR_OTLP_FILE',
      file,
      line: 0,
      field: '',
      expected: `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    });
  }
  const rl = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const raw of rl) {
    lineNo++;
    const text = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (perLine === undefined) {
      if (text.trim() === '') continue;
      try {
        const doc = JSON.parse(text);
        perLine = true;
        yield { line: lineNo, doc };
      } catch {
        perLine = false;
        lines.push(text);
      }
      continue;
    }
    if (perLine) {
      if (text.trim() === '') continue;
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch {
        doc = new OtlpParseFailure();
      }
      yield { line: lineNo, doc };
    } else {
      lines.push(text);
    }
  }
  if (perLine === false) {
    let doc: unknown;
    try {
      doc = JSON.parse(lines.join('\n'));
    } catch {
      doc = new OtlpParseFailure();
    }
    yield { line: 1, doc };
  }
  if (lineNo === 0) {
    throw new OtlpError({ code: 'CANARYLAB_ERR_OTLP_FILE', file, line: 0, field: '', expected: 'is empty' });
  }
}

/** A document that is not JSON (yielded so the caller reports it with its line, as any invalid document). */
class OtlpParseFailure {}

/** What {@link summarizeOtlp} returns (the same facts a log engine reports). */
export interface OtlpSummary {
  summary: RunSummary;
  source: string;
  engine: 'js';
  facts: OtlpFacts & {
    split: {
      requests: { primary: number; canary: number };
      users: { primary: number; canary: number };
      usersInBothArms: number;
    };
  };
  invalidLines: number;
}

/**
 * OTLP JSON exports → the mergeable summary of the comparison (counts, failures by kind, token and cost
 * sums, latency histograms, time windows), through the same builder as an offline run.
 *
 * @throws {OtlpError} as {@link streamOtlpCalls}
 * @example
 * const { summary } = await summarizeOtlp(['traces.json'], { runId: 'prod', armAttribute: 'feature_flag.result.variant', windowMs: 3_600_000 });
 * analyzeSummaries({ runId: 'prod', summary });
 */
export async function summarizeOtlp(
  files: readonly string[],
  opts: OtlpOptions & { source?: string; windowMs?: number },
): Promise<OtlpSummary> {
  const facts = newOtlpFacts();
  const calls: CallRecord[] = [];
  const users = { primary: new Set<string>(), canary: new Set<string>() };
  for await (const c of streamOtlpCalls(files, opts, facts)) {
    calls.push(c);
    const hash = c.itemId.lastIndexOf('#');
    if (hash > 0) users[c.arm].add(c.itemId.slice(0, hash));
  }
  const source = opts.source ?? files.join(',');
  const summary = summarizeCalls(calls, {
    windowMs: opts.windowMs,
    origin: { source, engine: 'js', rows: calls.length, invalidLines: facts.invalid },
  });
  let both = 0;
  for (const u of users.primary) if (users.canary.has(u)) both++;
  return {
    summary,
    source,
    engine: 'js',
    facts: {
      ...facts,
      split: {
        requests: { primary: summary.primary.calls, canary: summary.canary.calls },
        users: { primary: users.primary.size, canary: users.canary.size },
        usersInBothArms: both,
      },
    },
    invalidLines: facts.invalid,
  };
}

/** Whether a file is an OTLP JSON trace export: its first 64 KiB mention `"resourceSpans"`. */
export async function isOtlpFile(file: string): Promise<boolean> {
  const { open } = await import('node:fs/promises');
  const fh = await open(file, 'r').catch(() => undefined);
  if (!fh) return false;
  try {
    const buf = Buffer.alloc(65_536);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).includes('"resourceSpans"');
  } finally {
    await fh.close();
  }
}
