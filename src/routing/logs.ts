/**
 * Import of the product router's production logs (rollout playbook), so live shadow and canary traffic is
 * analysed by the same code as an offline run:
 * - shadow results `{ model, prompt, latency, tokens, timestamp, valid }` — `prompt` is the first 100
 *   characters, `tokens` the response's total_tokens (0 when missing), `timestamp` an ISO string, `valid`
 *   whether the response had choices[0].message.content;
 * - routing metrics `{ userId, model, latency, success, timestamp, routedTo? }` — `timestamp` is
 *   `Date.now()` (epoch ms; an ISO string is accepted too), `success` is `response.ok`, `routedTo`
 *   'primary' | 'canary' as the router returns it. Optional extras read when present: `tier` (or
 *   `userTier`), the user's tier for segments.
 * Both timestamps are taken after the call returned, so a call started at `timestamp − latency`.
 */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { createInterface } from 'node:readline';
import type { Pricing } from '../gateway/pricing';
import { describeJsonSyntax, describeValue } from '../input/jsonValue';
import type { Arm, CallRecord, RunData, RunItem } from '../types';
import { cyrb53 } from './cyrb53';
import type { ArmSplit } from './srm';

/** Latency upper bound of a log line: a call over one day is a logging mistake (1e300 is rejected here). */
export const MAX_LATENCY_MS = 86_400_000;

/** Stable codes of {@link ProductionLogError}. */
export type ProductionLogErrorCode =
  /** A line that is not a valid shadow result or routing metric. */
  | 'CANARYLAB_ERR_LOG_LINE'
  /** The file cannot be read. */
  | 'CANARYLAB_ERR_LOG_FILE'
  /** A line's model belongs to neither arm, and nothing says which arm it is (never skipped). */
  | 'CANARYLAB_ERR_LOG_ARM';

/** A production-log problem, located: `file:line: field: what was expected`. */
export class ProductionLogError extends Error {
  readonly code: ProductionLogErrorCode;
  readonly file: string;
  /** 1-based line; 0 for a problem with the whole file. */
  readonly line: number;
  readonly field: string;
  /** What was expected, and what was there. */
  readonly expected: string;
  constructor(a: {
    code: ProductionLogErrorCode;
    file: string;
    line: number;
    field: string;
    expected: string;
  }) {
    super(a.line > 0 ? `${a.file}:${a.line}: ${a.field}: ${a.expected}` : `${a.file}: ${a.expected}`);
    this.name = 'ProductionLogError';
    this.code = a.code;
    this.file = a.file;
    this.line = a.line;
    this.field = a.field;
    this.expected = a.expected;
  }
}

/** Options of {@link importProductionLogs}. */
export interface ImportLogsOptions {
  /** Run id of the records (default: the first file's name without extension). */
  runId?: string;
  /** Skip malformed lines and count them (the CLI's --skip-invalid) instead of failing on the first. */
  skipInvalid?: boolean;
  /**
   * The primary's model name. A line's arm is its `routedTo` when logged; otherwise the model decides:
   * `primaryModel` → primary, `canaryModel` → canary (with only one given, every other model is the other
   * arm); with neither, models are learned from earlier lines' `routedTo`.
   */
  primaryModel?: string;
  canaryModel?: string;
  /** Prices for costUsd (tokens × blended price); without it costs are 0. A model not in it is an error. */
  pricing?: Pricing;
}

/** One skipped line. */
export interface InvalidLine {
  file: string;
  line: number;
  field: string;
  /** The full `file:line: field: expected` message. */
  message: string;
}

/** What {@link importProductionLogs} returns: the run's records plus what the import saw. */
export interface ProductionLogImport extends RunData {
  items: RunItem[];
  /** Malformed lines skipped (only with skipInvalid; otherwise the first one throws). */
  invalidLines: number;
  invalid: InvalidLine[];
  /** Valid lines of each shape. */
  lines: { shadow: number; routing: number };
  /** Model names seen in each arm. */
  models: { primary: string[]; canary: string[] };
  /**
   * The observed traffic split of the routing lines, for the SRM check: distinct users per arm (the unit
   * the router randomises) and requests per arm. Shadow lines are copies and are not counted.
   */
  split: { users: ArmSplit; requests: ArmSplit; usersInBothArms: number };
}

const SHADOW_SHAPE = '{ model, prompt, latency, tokens, timestamp, valid }';
const ROUTING_SHAPE = '{ userId, model, latency, success, timestamp, routedTo? }';

/**
 * Reads production-log JSONL files (shadow results and/or routing metrics, in any mix) line by line —
 * memory grows with the records kept, never with the file read — and maps each line to a CallRecord.
 * Shadow lines pair up by prompt (item id `shadow:<cyrb53 of the prompt>`; repeated prompts become
 * repeats), routing lines are one item per request (`<userId>#<k>`). Blank lines are ignored.
 *
 * @throws {ProductionLogError} CANARYLAB_ERR_LOG_LINE naming file:line, the field and what was expected
 *   (unless skipInvalid); CANARYLAB_ERR_LOG_FILE when a file cannot be read; CANARYLAB_ERR_LOG_ARM when a
 *   line's arm cannot be told
 * @example
 * const run = await importProductionLogs('datasets/logs/routing.jsonl', { skipInvalid: true });
 * srmCheck({ observed: run.split.users, expectedCanaryShare: 0.25 });
 * analyzeRun(run);
 */
export async function importProductionLogs(
  file: string | readonly string[],
  opts: ImportLogsOptions = {},
): Promise<ProductionLogImport> {
  const files = typeof file === 'string' ? [file] : [...file];
  if (files.length === 0) throw new RangeError('importProductionLogs: give at least one file');
  const runId = opts.runId ?? basename(files[0], extname(files[0]));
  const out: ProductionLogImport = {
    runId,
    calls: [],
    scores: [],
    pairwise: [],
    items: [],
    invalidLines: 0,
    invalid: [],
    lines: { shadow: 0, routing: 0 },
    models: { primary: [], canary: [] },
    split: { users: { primary: 0, canary: 0 }, requests: { primary: 0, canary: 0 }, usersInBothArms: 0 },
  };
  const learned = new Map<string, Arm>();
  const itemIds = new Set<string>();
  const repeats = new Map<string, number>();
  const userRequests = new Map<string, number>();
  const users = { primary: new Set<string>(), canary: new Set<string>() };
  const models = { primary: new Set<string>(), canary: new Set<string>() };

  for (const f of files) {
    try {
      await access(f);
    } catch (e) {
      throw new ProductionLogError({
        code: 'CANARYLAB_ERR_LOG_FILE',
        file: f,
        line: 0,
        field: '(file)',
        expected: `cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      });
    }
    const rl = createInterface({
      input: createReadStream(f, { encoding: 'utf8' }),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    let lineNo = 0;
    for await (const text of rl) {
      lineNo++;
      if (text.trim() === '') continue;
      const parsed = parseLine(text);
      if ('field' in parsed) {
        const err = new ProductionLogError({
          code: 'CANARYLAB_ERR_LOG_LINE',
          file: f,
          line: lineNo,
          ...parsed,
        });
        if (!opts.skipInvalid) {
          rl.close();
          throw err;
        }
        out.invalidLines++;
        out.invalid.push({ file: f, line: lineNo, field: parsed.field, message: err.message });
        continue;
      }
      const rec = parsed.record;
      const arm = resolveArm(rec, opts, learned);
      // A record whose model cannot be placed (no arm, no price): stop reading and name the line.
      const modelError = (expected: string) => {
        rl.close();
        return new ProductionLogError({
          code: 'CANARYLAB_ERR_LOG_ARM',
          file: f,
          line: lineNo,
          field: 'model',
          expected,
        });
      };
      if (!arm) {
        throw modelError(
          `cannot tell which arm '${rec.model}' is: pass { primaryModel, canaryModel } or log routedTo`,
        );
      }
      models[arm].add(rec.model);
      const usage = { promptTokens: 0, completionTokens: rec.kind === 'shadow' ? rec.tokens : 0 };
      let costUsd = 0;
      if (opts.pricing) {
        if (!Object.hasOwn(opts.pricing.models, rec.model)) {
          throw modelError(
            `'${rec.model}' has no price in the pricing table (add it, or import without pricing)`,
          );
        }
        costUsd = opts.pricing.costUsd({ model: rec.model, usage });
      }
      let itemId: string;
      let meta: RunItem['meta'];
      if (rec.kind === 'shadow') {
        out.lines.shadow++;
        itemId = `shadow:${cyrb53(rec.prompt).toString(36)}`;
      } else {
        out.lines.routing++;
        const k = (userRequests.get(rec.userId) ?? 0) + 1;
        userRequests.set(rec.userId, k);
        itemId = `${rec.userId}#${k}`;
        meta = rec.tier !== undefined ? { userId: rec.userId, tier: rec.tier } : { userId: rec.userId };
        out.split.requests[arm]++;
        users[arm].add(rec.userId);
      }
      const repeatKey = `${arm}\u0000${itemId}`;
      const repeat = repeats.get(repeatKey) ?? 0;
      repeats.set(repeatKey, repeat + 1);
      if (!itemIds.has(itemId)) {
        itemIds.add(itemId);
        out.items.push(meta ? { id: itemId, meta } : { id: itemId });
      }
      const ok = rec.kind === 'shadow' ? rec.valid : rec.success;
      const call: CallRecord = {
        runId,
        itemId,
        arm,
        model: rec.model,
        repeat,
        ok,
        attempts: 1,
        latencyMs: rec.latency,
        usage,
        costUsd,
        startedAt: new Date(rec.timestampMs - rec.latency).toISOString(),
        cached: false,
      };
      if (!ok) {
        if (rec.kind === 'shadow') {
          call.errorKind = 'invalid_response';
          call.errorMessage = 'the shadow log marks the response invalid (no choices[0].message.content)';
        } else call.errorMessage = 'the router logged success: false';
      }
      out.calls.push(call);
    }
  }
  out.split.users = { primary: users.primary.size, canary: users.canary.size };
  for (const u of users.canary) if (users.primary.has(u)) out.split.usersInBothArms++;
  out.models = { primary: [...models.primary].sort(), canary: [...models.canary].sort() };
  return out;
}

type LogRecord =
  | {
      kind: 'shadow';
      model: string;
      prompt: string;
      latency: number;
      tokens: number;
      timestampMs: number;
      valid: boolean;
    }
  | {
      kind: 'routing';
      userId: string;
      model: string;
      latency: number;
      success: boolean;
      timestampMs: number;
      routedTo?: Arm;
      tier?: string;
    };

type Problem = { field: string; expected: string };

/**
 * Parses and validates one line; returns the record or the first problem found. With a column mapping
 * (their name for each playbook field), the line's keys are read under their names. The same rules run as
 * SQL in src/logs/duckdb.ts (the engines); keep them in step.
 */
export function parseLine(
  text: string,
  mapping?: Partial<Record<string, string>>,
): { record: LogRecord } | Problem {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return {
      field: '(line)',
      expected: `expected one JSON object, got invalid JSON (${describeJsonSyntax(text)})`,
    };
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    return {
      field: '(line)',
      expected: `expected a JSON object, got ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v}`,
    };
  }
  let o = v as Record<string, unknown>;
  if (mapping) {
    const renamed: Record<string, unknown> = { ...o };
    for (const [field, column] of Object.entries(mapping)) {
      if (column === undefined || column === field) continue;
      delete renamed[field];
      if (Object.hasOwn(o, column)) renamed[field] = o[column];
    }
    o = renamed;
  }
  const isRouting = 'userId' in o || 'success' in o || 'routedTo' in o;
  const isShadow = 'valid' in o || 'prompt' in o || 'tokens' in o;
  if (!isRouting && !isShadow) {
    return {
      field: '(record)',
      expected: `expected a shadow result ${SHADOW_SHAPE} or a routing metric ${ROUTING_SHAPE}, got keys ${keys(o)}`,
    };
  }
  const model = nonEmptyString(o, 'model');
  if (typeof model !== 'string') return model;
  const latency = nonNegativeNumber(
    o,
    'latency',
    `a number of milliseconds between 0 and ${MAX_LATENCY_MS} (one day)`,
    MAX_LATENCY_MS,
  );
  if (typeof latency !== 'number') return latency;
  const timestampMs = timestamp(o);
  if (typeof timestampMs !== 'number') return timestampMs;
  // Derived: the call's start (timestamp − latency) must be a valid time too.
  if (!Number.isFinite(new Date(timestampMs - latency).getTime()))
    return { field: 'timestamp', expected: `expected a time after the latency, got ${show(o.timestamp)}` };
  if (isRouting) {
    const userId = nonEmptyString(o, 'userId');
    if (typeof userId !== 'string') return userId;
    if (typeof o.success !== 'boolean')
      return { field: 'success', expected: `expected true or false, got ${show(o.success)}` };
    let routedTo: Arm | undefined;
    if (o.routedTo !== undefined && o.routedTo !== null) {
      if (o.routedTo !== 'primary' && o.routedTo !== 'canary')
        return { field: 'routedTo', expected: `expected 'primary' or 'canary', got ${show(o.routedTo)}` };
      routedTo = o.routedTo;
    }
    const tierValue = o.tier ?? o.userTier;
    if (tierValue !== undefined && typeof tierValue !== 'string')
      return {
        field: 'tier' in o ? 'tier' : 'userTier',
        expected: `expected a string, got ${show(tierValue)}`,
      };
    return {
      record: {
        kind: 'routing',
        userId,
        model,
        latency,
        success: o.success,
        timestampMs,
        routedTo,
        tier: tierValue,
      },
    };
  }
  if (typeof o.prompt !== 'string')
    return { field: 'prompt', expected: `expected a string, got ${show(o.prompt)}` };
  const tokens = o.tokens;
  if (typeof tokens !== 'number' || !Number.isSafeInteger(tokens) || tokens < 0)
    return { field: 'tokens', expected: `expected an integer >= 0 (total tokens), got ${show(tokens)}` };
  if (typeof o.valid !== 'boolean')
    return { field: 'valid', expected: `expected true or false, got ${show(o.valid)}` };
  return {
    record: { kind: 'shadow', model, prompt: o.prompt, latency, tokens, timestampMs, valid: o.valid },
  };
}

function resolveArm(rec: LogRecord, opts: ImportLogsOptions, learned: Map<string, Arm>): Arm | undefined {
  if (rec.kind === 'routing' && rec.routedTo) {
    if (!learned.has(rec.model)) learned.set(rec.model, rec.routedTo);
    return rec.routedTo;
  }
  const { primaryModel, canaryModel } = opts;
  if (primaryModel !== undefined && rec.model === primaryModel) return 'primary';
  if (canaryModel !== undefined && rec.model === canaryModel) return 'canary';
  if (primaryModel !== undefined && canaryModel === undefined) return 'canary';
  if (canaryModel !== undefined && primaryModel === undefined) return 'primary';
  if (primaryModel !== undefined && canaryModel !== undefined) return undefined;
  return learned.get(rec.model);
}

function nonEmptyString(o: Record<string, unknown>, field: string): string | Problem {
  const v = o[field];
  if (typeof v === 'string' && v !== '') return v;
  return { field, expected: `expected a non-empty string, got ${show(v)}` };
}

function nonNegativeNumber(
  o: Record<string, unknown>,
  field: string,
  what: string,
  max = Number.MAX_VALUE,
): number | Problem {
  const v = o[field];
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= max) return v;
  return { field, expected: `expected ${what}, got ${show(v)}` };
}

function timestamp(o: Record<string, unknown>): number | Problem {
  const v = o.timestamp;
  const expected = 'expected an ISO-8601 time or epoch milliseconds';
  if (typeof v === 'number') {
    // Epoch ms between 2000-01-01 and 2200-01-01: rules out seconds and garbage.
    if (Number.isFinite(v) && v >= 946_684_800_000 && v < 7_258_118_400_000) return v;
    return { field: 'timestamp', expected: `${expected} (2000–2200), got ${show(v)}` };
  }
  if (typeof v === 'string') {
    const ms = Date.parse(v);
    if (
      Number.isFinite(ms) &&
      /^\d{4}-\d{2}-\d{2}T/.test(v) &&
      ms >= 946_684_800_000 &&
      ms < 7_258_118_400_000
    )
      return ms;
  }
  return { field: 'timestamp', expected: `${expected}, got ${show(v)}` };
}

/**
 * What a message says was found: the kind and, for short strings and numbers, the value — never a long
 * string (a log line may carry a secret), and 1e400 as out of range rather than JSON's null.
 */
function show(v: unknown): string {
  if (v === undefined) return 'nothing (missing)';
  if (typeof v === 'boolean') return String(v);
  return describeValue(v);
}

function keys(o: Record<string, unknown>): string {
  const k = Object.keys(o);
  return k.length ? k.slice(0, 8).join(', ') : '(none)';
}
