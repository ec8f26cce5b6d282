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
import type { Arm, CallRecord, RunData, RunItem } from '../types';
import { armOfModel, namesAModel } from './armOfModel';
import { cyrb53 } from './cyrb53';
import { ProductionLogError, productionLogMsg, routingMsg } from './errors';
import { type LogRecord, parseLine } from './logLine';
import type { ArmSplit } from './srm';

export { ProductionLogError, type ProductionLogErrorCode, productionLogMsg } from './errors';
export { MAX_LATENCY_MS, parseLine } from './logLine';

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
  if (files.length === 0) throw new RangeError(routingMsg.noLogFiles());
  const st = newImportState(opts.runId ?? basename(files[0], extname(files[0])));
  for (const f of files) await importFile(f, st, opts);
  const { out, users, models } = st;
  out.split.users = { primary: users.primary.size, canary: users.canary.size };
  for (const u of users.canary) if (users.primary.has(u)) out.split.usersInBothArms++;
  out.models = { primary: [...models.primary].sort(), canary: [...models.canary].sort() };
  return out;
}

/** What the import builds up line by line. */
interface ImportState {
  out: ProductionLogImport;
  /** Model → the arm its routing lines were routed to (for lines without routedTo). */
  learned: Map<string, Arm>;
  itemIds: Set<string>;
  /** Calls so far per (arm, item): the next call's repeat. */
  repeats: Map<string, number>;
  /** Requests so far per user: routing item ids `<userId>#<k>`. */
  userRequests: Map<string, number>;
  users: Record<Arm, Set<string>>;
  models: Record<Arm, Set<string>>;
}

function newImportState(runId: string): ImportState {
  return {
    out: {
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
    },
    learned: new Map(),
    itemIds: new Set(),
    repeats: new Map(),
    userRequests: new Map(),
    users: { primary: new Set(), canary: new Set() },
    models: { primary: new Set(), canary: new Set() },
  };
}

/** Reads one file line by line into the state; stops at the first invalid line unless skipInvalid. */
async function importFile(f: string, st: ImportState, opts: ImportLogsOptions): Promise<void> {
  try {
    await access(f);
  } catch (e) {
    throw new ProductionLogError({
      code: 'CANARYLAB_ERR_LOG_FILE',
      file: f,
      line: 0,
      field: '(file)',
      expected: productionLogMsg.cannotRead((e as NodeJS.ErrnoException).code ?? 'error'),
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
      st.out.invalidLines++;
      st.out.invalid.push({ file: f, line: lineNo, field: parsed.field, message: err.message });
      continue;
    }
    const placed = placeRecord(parsed.record, st, opts);
    if ('modelError' in placed) {
      // A record whose model cannot be placed (no arm, no price): stop reading and name the line.
      rl.close();
      throw new ProductionLogError({
        code: 'CANARYLAB_ERR_LOG_ARM',
        file: f,
        line: lineNo,
        field: 'model',
        expected: placed.modelError,
      });
    }
    addCall(parsed.record, placed, st);
  }
}

/** A record's arm, usage and cost. */
interface Placement {
  arm: Arm;
  usage: { promptTokens: number; completionTokens: number };
  costUsd: number;
}

/** The record's arm and price, or what is missing to place its model. */
function placeRecord(
  rec: LogRecord,
  st: ImportState,
  opts: ImportLogsOptions,
): Placement | { modelError: string } {
  const arm = resolveArm(rec, opts, st.learned);
  if (!arm) return { modelError: productionLogMsg.armUnknown(rec.model) };
  st.models[arm].add(rec.model);
  const usage = { promptTokens: 0, completionTokens: rec.kind === 'shadow' ? rec.tokens : 0 };
  let costUsd = 0;
  if (opts.pricing) {
    if (!Object.hasOwn(opts.pricing.models, rec.model))
      return { modelError: productionLogMsg.noPrice(rec.model) };
    costUsd = opts.pricing.costUsd({ model: rec.model, usage });
  }
  return { arm, usage, costUsd };
}

/** The record's item (shadow lines pair by prompt; routing lines are `<userId>#<k>`) and its CallRecord. */
function addCall(rec: LogRecord, p: Placement, st: ImportState): void {
  const { out } = st;
  const { arm } = p;
  let itemId: string;
  let meta: RunItem['meta'];
  if (rec.kind === 'shadow') {
    out.lines.shadow++;
    itemId = `shadow:${cyrb53(rec.prompt).toString(36)}`;
  } else {
    out.lines.routing++;
    const k = (st.userRequests.get(rec.userId) ?? 0) + 1;
    st.userRequests.set(rec.userId, k);
    itemId = `${rec.userId}#${k}`;
    meta = rec.tier !== undefined ? { userId: rec.userId, tier: rec.tier } : { userId: rec.userId };
    out.split.requests[arm]++;
    st.users[arm].add(rec.userId);
  }
  const repeatKey = `${arm}\u0000${itemId}`;
  const repeat = st.repeats.get(repeatKey) ?? 0;
  st.repeats.set(repeatKey, repeat + 1);
  if (!st.itemIds.has(itemId)) {
    st.itemIds.add(itemId);
    out.items.push(meta ? { id: itemId, meta } : { id: itemId });
  }
  const ok = rec.kind === 'shadow' ? rec.valid : rec.success;
  const call: CallRecord = {
    runId: out.runId,
    itemId,
    arm,
    model: rec.model,
    repeat,
    ok,
    attempts: 1,
    latencyMs: rec.latency,
    usage: p.usage,
    costUsd: p.costUsd,
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

function resolveArm(rec: LogRecord, opts: ImportLogsOptions, learned: Map<string, Arm>): Arm | undefined {
  if (rec.kind === 'routing' && rec.routedTo) {
    if (!learned.has(rec.model)) learned.set(rec.model, rec.routedTo);
    return rec.routedTo;
  }
  const byModel = armOfModel(rec.model, opts);
  return byModel !== undefined || namesAModel(opts) ? byModel : learned.get(rec.model);
}
