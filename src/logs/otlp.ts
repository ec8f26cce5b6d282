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
import { summarizeCalls } from '../analysis/summary/build';
import type { RunSummary } from '../analysis/summary/types';
import type { Pricing } from '../gateway/pricing';
import type { CallRecord } from '../types';
import { logsMsg, OtlpError, type OtlpErrorCode } from './errors';
import { documents, OtlpParseFailure } from './otlpDocuments';
import { type SpanContext, spanToCall } from './otlpSpan';

export { OtlpError, type OtlpErrorCode } from './errors';
export { errorKindOf } from './otlpSpan';

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
  const ctx: SpanContext = {
    ...opts,
    armValues: opts.armValues ?? { primary: ['primary', 'control'], canary: ['canary', 'treatment'] },
    perUser: new Map<string, number>(),
  };
  const seenModels = { primary: new Set<string>(), canary: new Set<string>() };
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
        problem('(document)', logsMsg.otlpNotJson());
        continue;
      }
      if (
        typeof doc !== 'object' ||
        doc === null ||
        !Array.isArray((doc as { resourceSpans?: unknown }).resourceSpans)
      ) {
        problem('resourceSpans', logsMsg.otlpNotExport());
        continue;
      }
      for (const span of spansOf(doc as { resourceSpans: unknown[] })) {
        facts.spans++;
        const r = spanToCall(span, facts.spans, ctx);
        if (r.kind === 'other') facts.otherSpans++;
        else if (r.kind === 'problem') problem(r.field, r.expected, r.code);
        else {
          seenModels[r.record.arm].add(r.record.model);
          facts.genAiSpans++;
          yield r.record;
        }
      }
    }
  }
  facts.models = { primary: [...seenModels.primary].sort(), canary: [...seenModels.canary].sort() };
}

/** The spans of an export document, in order (resourceSpans → scopeSpans → spans; malformed levels skipped). */
function* spansOf(doc: { resourceSpans: unknown[] }): Generator<Record<string, unknown>> {
  for (const rs of doc.resourceSpans) {
    const scopeSpans = (rs as { scopeSpans?: unknown })?.scopeSpans;
    if (!Array.isArray(scopeSpans)) continue;
    for (const ss of scopeSpans) {
      const spans = (ss as { spans?: unknown })?.spans;
      if (!Array.isArray(spans)) continue;
      // a loop, not yield*: tslab's TypeScript 5.0 rejects delegating to an array iterator here
      for (const span of spans as Record<string, unknown>[]) yield span;
    }
  }
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
