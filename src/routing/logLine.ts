/** One production-log line → a shadow or routing record, or the first problem (field and what was expected). */
import { describeJsonSyntax, describeValue } from '../input/jsonValue';
import type { Arm } from '../types';

/** Latency upper bound of a log line: a call over one day is a logging mistake (1e300 is rejected here). */
export const MAX_LATENCY_MS = 86_400_000;
/** Epoch-ms timestamps between 2000-01-01 and 2200-01-01: rules out seconds and garbage. */
export const MIN_TIMESTAMP_MS = 946_684_800_000;
export const MAX_TIMESTAMP_MS = 7_258_118_400_000;

const SHADOW_SHAPE = '{ model, prompt, latency, tokens, timestamp, valid }';
const ROUTING_SHAPE = '{ userId, model, latency, success, timestamp, routedTo? }';

/**
 * What each field must be, for `file:line: field: expected …` messages (one place): parseLine says it
 * followed by what it got; the SQL engines (src/logs/) say it for the rows that break the rule.
 */
export const EXPECTED: Record<string, string> = {
  '(line)': 'expected one JSON object',
  '(record)': `expected a shadow result ${SHADOW_SHAPE} or a routing metric ${ROUTING_SHAPE}`,
  model: 'expected a non-empty string',
  latency: `expected a number of milliseconds between 0 and ${MAX_LATENCY_MS} (one day)`,
  timestamp: 'expected an ISO-8601 time or epoch milliseconds (2000–2200)',
  userId: 'expected a non-empty string',
  success: 'expected true or false',
  routedTo: "expected 'primary' or 'canary'",
  tier: 'expected a string',
  prompt: 'expected a string',
  tokens: 'expected an integer >= 0 (total tokens)',
  valid: 'expected true or false',
};

/** The rule of `rule` (a key of EXPECTED) broken by `v`, reported on `field`. */
function broken(field: string, v: unknown, rule = field): Problem {
  return { field, expected: `${EXPECTED[rule]}, got ${show(v)}` };
}

/** A valid line: a shadow result or a routing metric. */
export type LogRecord =
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

/** What a line breaks: the field and what was expected. */
export type Problem = { field: string; expected: string };

/**
 * Parses and validates one line; returns the record or the first problem found. With a column mapping
 * (their name for each playbook field), the line's keys are read under their names. The same rules run as
 * SQL in src/logs/duckdbSql.ts and src/logs/clickhouseSql.ts (the engines); keep them in step.
 */
export function parseLine(
  text: string,
  mapping?: Partial<Record<string, string>>,
): { record: LogRecord } | Problem {
  const parsed = jsonObject(text);
  if ('field' in parsed) return parsed;
  const o = mapping ? renamed(parsed.o, mapping) : parsed.o;
  const isRouting = 'userId' in o || 'success' in o || 'routedTo' in o;
  const isShadow = 'valid' in o || 'prompt' in o || 'tokens' in o;
  if (!isRouting && !isShadow) {
    return {
      field: '(record)',
      expected: `${EXPECTED['(record)']}, got keys ${keys(o)}`,
    };
  }
  const common = commonFields(o);
  if ('field' in common) return common;
  return isRouting ? routingRecord(o, common) : shadowRecord(o, common);
}

/** The line as a JSON object, or the problem. */
function jsonObject(text: string): { o: Record<string, unknown> } | Problem {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return {
      field: '(line)',
      expected: `${EXPECTED['(line)']}, got invalid JSON (${describeJsonSyntax(text)})`,
    };
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    return {
      field: '(line)',
      expected: `expected a JSON object, got ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v}`,
    };
  }
  return { o: v as Record<string, unknown> };
}

/** The object with each mapped column's value under its playbook field name. */
function renamed(
  o: Record<string, unknown>,
  mapping: Partial<Record<string, string>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...o };
  for (const [field, column] of Object.entries(mapping)) {
    if (column === undefined || column === field) continue;
    delete out[field];
    if (Object.hasOwn(o, column)) out[field] = o[column];
  }
  return out;
}

/** The fields both shapes have: model, latency, timestamp (and a valid start, timestamp − latency). */
interface CommonFields {
  model: string;
  latency: number;
  timestampMs: number;
}

function commonFields(o: Record<string, unknown>): CommonFields | Problem {
  const model = nonEmptyString(o, 'model');
  if (typeof model !== 'string') return model;
  const latency = o.latency;
  if (!(typeof latency === 'number' && Number.isFinite(latency) && latency >= 0 && latency <= MAX_LATENCY_MS))
    return broken('latency', latency);
  const timestampMs = timestamp(o);
  if (typeof timestampMs !== 'number') return timestampMs;
  // Derived: the call's start (timestamp − latency) must be a valid time too.
  if (!Number.isFinite(new Date(timestampMs - latency).getTime()))
    return { field: 'timestamp', expected: `expected a time after the latency, got ${show(o.timestamp)}` };
  return { model, latency, timestampMs };
}

function routingRecord(o: Record<string, unknown>, c: CommonFields): { record: LogRecord } | Problem {
  const userId = nonEmptyString(o, 'userId');
  if (typeof userId !== 'string') return userId;
  if (typeof o.success !== 'boolean') return broken('success', o.success);
  let routedTo: Arm | undefined;
  if (o.routedTo !== undefined && o.routedTo !== null) {
    if (o.routedTo !== 'primary' && o.routedTo !== 'canary') return broken('routedTo', o.routedTo);
    routedTo = o.routedTo;
  }
  const tierValue = o.tier ?? o.userTier;
  if (tierValue !== undefined && typeof tierValue !== 'string')
    return broken('tier' in o ? 'tier' : 'userTier', tierValue, 'tier');
  return {
    record: {
      kind: 'routing',
      userId,
      model: c.model,
      latency: c.latency,
      success: o.success,
      timestampMs: c.timestampMs,
      routedTo,
      tier: tierValue,
    },
  };
}

function shadowRecord(o: Record<string, unknown>, c: CommonFields): { record: LogRecord } | Problem {
  if (typeof o.prompt !== 'string') return broken('prompt', o.prompt);
  const tokens = o.tokens;
  if (typeof tokens !== 'number' || !Number.isSafeInteger(tokens) || tokens < 0)
    return broken('tokens', tokens);
  if (typeof o.valid !== 'boolean') return broken('valid', o.valid);
  const { model, latency, timestampMs } = c;
  return {
    record: { kind: 'shadow', model, prompt: o.prompt, latency, tokens, timestampMs, valid: o.valid },
  };
}

function nonEmptyString(o: Record<string, unknown>, field: string): string | Problem {
  const v = o[field];
  if (typeof v === 'string' && v !== '') return v;
  return broken(field, v);
}

function timestamp(o: Record<string, unknown>): number | Problem {
  const v = o.timestamp;
  const expected = 'expected an ISO-8601 time or epoch milliseconds';
  if (typeof v === 'number') {
    // Epoch ms between 2000-01-01 and 2200-01-01: rules out seconds and garbage.
    if (Number.isFinite(v) && v >= MIN_TIMESTAMP_MS && v < MAX_TIMESTAMP_MS) return v;
    return broken('timestamp', v);
  }
  if (typeof v === 'string') {
    const ms = Date.parse(v);
    if (
      Number.isFinite(ms) &&
      /^\d{4}-\d{2}-\d{2}T/.test(v) &&
      ms >= MIN_TIMESTAMP_MS &&
      ms < MAX_TIMESTAMP_MS
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
