/** Dataset files (JSONL, CSV, GSM8K) read into validated EvalItems, streamed, filtered and sampled. */
import { createReadStream } from 'node:fs';
import { parse as parseCsv } from 'csv-parse';
import { loadGsm8kSolutions } from '../datasets/gsm8k';
import { readJsonl } from '../input/jsonl';
import { describeValue } from '../input/jsonValue';
import { createRng } from '../stats/random';
import type { ChatMessage, EvalItem } from '../types';
import { runnerMsg } from './errors';

/** Options of dataset loading. */
export interface LoadItemsOptions {
  /** Keep at most this many items (after filtering and sampling). */
  limit?: number;
  /** Seeded uniform sample of this many items (reservoir sampling: memory bounded by the sample size). */
  sample?: { n: number; seed: number };
  /** Keep only items whose meta.tags include this tag. */
  tag?: string;
}

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);

/**
 * Validates one dataset record into an EvalItem: `{ id, prompt }` or `{ id, messages }`, plus optional
 * `reference` and `meta.{userId, tier, tags}`. Errors read `file:line: field: what was expected`.
 */
export function toEvalItem(value: unknown, where: string): EvalItem {
  const row = value as Record<string, unknown>;
  if (row === null || typeof row !== 'object' || Array.isArray(row)) {
    throw new TypeError(runnerMsg.itemNotObject(where));
  }
  const id = row.id;
  if ((typeof id !== 'string' || id.trim() === '') && (typeof id !== 'number' || !Number.isFinite(id))) {
    throw new TypeError(runnerMsg.itemField(where, 'id', 'a non-empty string or a number'));
  }
  let messages: ChatMessage[];
  if (row.messages !== undefined) {
    if (!Array.isArray(row.messages) || row.messages.length === 0) {
      throw new TypeError(runnerMsg.itemField(where, 'messages', 'a non-empty array of { role, content }'));
    }
    messages = row.messages.map((m: Record<string, unknown>, i: number) => {
      if (!m || typeof m !== 'object' || !ROLES.has(m.role as string)) {
        throw new TypeError(
          runnerMsg.itemField(where, `messages[${i}].role`, `one of ${[...ROLES].join(', ')}`),
        );
      }
      if (typeof m.content !== 'string')
        throw new TypeError(runnerMsg.itemField(where, `messages[${i}].content`, 'a string'));
      return { role: m.role as ChatMessage['role'], content: m.content };
    });
  } else if (typeof row.prompt === 'string') {
    messages = [{ role: 'user', content: row.prompt }];
  } else {
    throw new TypeError(runnerMsg.itemField(where, 'prompt', 'a string (or a messages array)'));
  }
  const item: EvalItem = { id: String(id), messages };
  if (row.reference !== undefined) {
    if (
      typeof row.reference !== 'string' &&
      !(typeof row.reference === 'number' && Number.isFinite(row.reference))
    ) {
      throw new TypeError(
        runnerMsg.itemField(
          where,
          'reference',
          `a string or a finite number, got ${describeValue(row.reference)}`,
        ),
      );
    }
    item.reference = row.reference;
  }
  if (row.meta !== undefined) {
    const meta = row.meta as Record<string, unknown>;
    if (!meta || typeof meta !== 'object' || Array.isArray(meta))
      throw new TypeError(runnerMsg.itemField(where, 'meta', 'an object'));
    for (const k of ['userId', 'tier'] as const) {
      if (meta[k] !== undefined && typeof meta[k] !== 'string')
        throw new TypeError(runnerMsg.itemField(where, `meta.${k}`, 'a string'));
    }
    if (
      meta.tags !== undefined &&
      !(Array.isArray(meta.tags) && meta.tags.every((t) => typeof t === 'string'))
    ) {
      throw new TypeError(runnerMsg.itemField(where, 'meta.tags', 'an array of strings'));
    }
    item.meta = meta as EvalItem['meta'];
  }
  return item;
}

/**
 * Streams a JSONL dataset into EvalItems (memory grows with the items kept, not the file). Duplicate ids
 * fail naming both lines; `tag` filters, `sample` draws a seeded uniform sample, `limit` caps the count.
 */
export async function loadJsonlItems(file: string, opts: LoadItemsOptions = {}): Promise<EvalItem[]> {
  return collectItems(file, readJsonl(file), opts);
}

/**
 * Streams a CSV dataset (header row; columns id, prompt, reference, userId, tier, tags with tags separated
 * by `|`) into EvalItems, with the same checks and options as {@link loadJsonlItems}. Line numbers in errors
 * are the file's lines (the header is line 1).
 */
export async function loadCsvItems(file: string, opts: LoadItemsOptions = {}): Promise<EvalItem[]> {
  return collectItems(file, csvRows(file), opts);
}

async function* csvRows(file: string): AsyncGenerator<{ line: number; value: unknown }> {
  const parser = createReadStream(file, { encoding: 'utf8' }).pipe(
    parseCsv({ columns: true, skip_empty_lines: true, trim: true, info: true, bom: true }),
  );
  try {
    for await (const rec of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      const r = rec.record;
      const value: Record<string, unknown> = { id: r.id, prompt: r.prompt };
      if (r.reference !== undefined && r.reference !== '') {
        const n = Number(r.reference);
        value.reference = Number.isFinite(n) && /^-?[\d.]+(e-?\d+)?$/i.test(r.reference) ? n : r.reference;
      }
      const meta: Record<string, unknown> = {};
      if (r.userId) meta.userId = r.userId;
      if (r.tier) meta.tier = r.tier;
      if (r.tags)
        meta.tags = r.tags
          .split('|')
          .map((t) => t.trim())
          .filter(Boolean);
      if (Object.keys(meta).length) value.meta = meta;
      yield { line: rec.info.lines, value };
    }
  } catch (e) {
    // csv-parse's messages quote the field's text (`value is "…"`): a fixed description per code instead.
    const err = e as Error & { lines?: number; code?: string };
    const problem = CSV_PROBLEMS[err.code ?? ''] ?? 'the row cannot be read';
    throw new SyntaxError(runnerMsg.badCsv(file, err.lines ?? '?', problem));
  }
}

const CSV_PROBLEMS: Record<string, string> = {
  INVALID_OPENING_QUOTE:
    'a quote inside an unquoted field: quote the whole field and double the quotes in it',
  CSV_INVALID_CLOSING_QUOTE: 'a closing quote is followed by other characters',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'a closing quote is followed by other characters',
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is not closed before the end of the file',
  CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: 'the row has a different number of fields than the header',
  CSV_RECORD_INCONSISTENT_COLUMNS: 'the row has a different number of fields than the header',
  CSV_OPTION_COLUMNS_MISSING_NAME: 'the header row has an empty column name',
  CSV_INVALID_COLUMN_DEFINITION: 'the header row has an invalid column name',
  CSV_INVALID_COLUMN_MAPPING: 'the header row has an invalid column name',
  CSV_MAX_RECORD_SIZE: 'the row is too large',
};

async function collectItems(
  file: string,
  rows: AsyncIterable<{ line: number; value: unknown }>,
  opts: LoadItemsOptions,
): Promise<EvalItem[]> {
  const kept: EvalItem[] = [];
  for await (const item of iterateItems(file, rows, opts)) kept.push(item);
  return kept;
}

/**
 * Validated items in file order: tag filter, then either a seeded reservoir sample (yielded in reservoir order
 * once the file is read: memory bounded by the sample size) or the first `limit` items. Duplicate ids are
 * detected through a map of id → line (the only state that grows with the file: one entry per item).
 */
async function* iterateItems(
  file: string,
  rows: AsyncIterable<{ line: number; value: unknown }>,
  opts: LoadItemsOptions,
): AsyncGenerator<EvalItem> {
  const seen = new Map<string, number>();
  const rng = opts.sample ? createRng(opts.sample.seed) : null;
  const reservoir: EvalItem[] = [];
  let eligible = 0;
  let yielded = 0;
  if (opts.limit !== undefined && opts.limit <= 0 && !opts.sample) return;
  for await (const { line, value } of rows) {
    const item = toEvalItem(value, `${file}:${line}`);
    const first = seen.get(item.id);
    if (first !== undefined)
      throw new TypeError(runnerMsg.duplicateId(`${file}:${line}`, describeValue(item.id), first));
    seen.set(item.id, line);
    if (opts.tag !== undefined && !item.meta?.tags?.includes(opts.tag)) continue;
    eligible++;
    if (opts.sample && rng) {
      // Algorithm R: after k eligible items, each is in the reservoir with probability n/k.
      if (reservoir.length < opts.sample.n) reservoir.push(item);
      else {
        const j = rng.int(eligible);
        if (j < opts.sample.n) reservoir[j] = item;
      }
    } else {
      yield item;
      yielded++;
      if (opts.limit !== undefined && yielded >= opts.limit) return;
    }
  }
  if (opts.sample) {
    const limit = opts.limit ?? Number.POSITIVE_INFINITY;
    for (let i = 0; i < reservoir.length && i < limit; i++) yield reservoir[i];
  }
}

/**
 * Streams a JSONL dataset as an async iterable of EvalItems, read lazily as the consumer pulls (pass it to
 * runBatch as `items`: memory does not grow with the file, apart from one id → line entry per item for the
 * duplicate check). Same checks and options as {@link loadJsonlItems}; with `sample`, the sample is yielded
 * once the whole file has been read. Errors surface from the iteration (for runBatch: it rejects).
 *
 * @throws {TypeError|SyntaxError} while iterating, on a bad line (`file:line: field: what was expected`)
 * @example
 * await runBatch({ items: streamJsonlItems('datasets/prompts.jsonl', { tag: 'math' }), arms, runId: 'r1' });
 */
export function streamJsonlItems(file: string, opts: LoadItemsOptions = {}): AsyncIterable<EvalItem> {
  return { [Symbol.asyncIterator]: () => iterateItems(file, readJsonl(file), opts) };
}

/** Streams a CSV dataset lazily, as {@link streamJsonlItems} does for JSONL (columns as {@link loadCsvItems}). */
export function streamCsvItems(file: string, opts: LoadItemsOptions = {}): AsyncIterable<EvalItem> {
  return { [Symbol.asyncIterator]: () => iterateItems(file, csvRows(file), opts) };
}

/**
 * The GSM8K adapter: each test problem becomes `{ id: 'gsm8k-<i>', prompt: question, reference: final
 * number }`, from datasets/gsm8k/model_solutions.jsonl (the simulator replays the recorded answers by question).
 */
export async function loadGsm8kItems(file: string, opts: LoadItemsOptions = {}): Promise<EvalItem[]> {
  const problems = await loadGsm8kSolutions(file);
  let items: EvalItem[] = problems.map((p) => ({
    id: p.id,
    messages: [{ role: 'user', content: p.question }],
    reference: p.reference,
    meta: { tags: ['gsm8k'] },
  }));
  if (opts.tag !== undefined) items = items.filter((i) => i.meta?.tags?.includes(opts.tag as string));
  if (opts.sample) {
    const rng = createRng(opts.sample.seed);
    const idx = items.map((_, i) => i);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    items = idx
      .slice(0, opts.sample.n)
      .sort((a, b) => a - b)
      .map((i) => items[i]);
  }
  return opts.limit !== undefined ? items.slice(0, opts.limit) : items;
}
