/**
 * `summarizeLogs(source)`: production logs → the mergeable summary of the comparison, computed by SQL where
 * the log lives — DuckDB (embedded, default) for files, ClickHouse for `clickhouse://HOST:PORT/DATABASE/TABLE`.
 * The raw rows never reach JavaScript; memory does not grow with the log.
 */
import { DEFAULT_LOG_WINDOW_MS, type RunSummary } from '../analysis/summary/types';
import type { Pricing } from '../gateway/pricing';
import type { InvalidLine } from '../routing/logs';
import { type ArmRules, armResolver, assembleSummary, type LogImportFacts } from './assemble';
import { clickhouseAggregates } from './clickhouse';
import { duckdbAggregates, duckdbGlob, openDuckDB } from './duckdb';
import type { EngineResult } from './engineTypes';
import type { ColumnMapping } from './mapping';
import { isOtlpFile, summarizeOtlp } from './otlp';
import { isClickHouseSource, parseClickHouseSource, resolveFileSource } from './source';

/** Options of {@link summarizeLogs}. */
export interface SummarizeLogsOptions extends ArmRules {
  /** Their column names for the playbook's fields. */
  mapping?: ColumnMapping;
  /** Error-rate window (and sequential look) width in ms (default one hour). */
  windowMs?: number;
  /** Skip lines that break a rule and count them, instead of failing on the first. */
  skipInvalid?: boolean;
  /** Price table: cost = completion tokens × the model's output price. */
  pricing?: Pricing;
  /** Where ClickHouse credentials are read from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /**
   * OpenTelemetry exports only: the span attribute naming the arm (e.g. `feature_flag.result.variant`) and
   * its values for each arm (default primary/control and canary/treatment).
   */
  armAttribute?: string;
  armValues?: { primary: readonly string[]; canary: readonly string[] };
}

/** What {@link summarizeLogs} returns. */
export interface LogSummary {
  summary: RunSummary;
  /** The source's name (a path or glob as given, or clickhouse://host:port/db/table — never credentials). */
  source: string;
  /** 'js' for OpenTelemetry OTLP JSON exports (read by src/logs/otlp.ts, not SQL). */
  engine: 'duckdb' | 'clickhouse' | 'js';
  facts: LogImportFacts & {
    split: LogImportFacts['split'] & { users: { primary: number; canary: number }; usersInBothArms: number };
  };
  invalidLines: number;
  /** The first invalid lines, located (up to 1,000). */
  invalid: InvalidLine[];
}

/**
 * Summarises production logs (routing or shadow lines) from files (a file, folder or glob of JSONL,
 * JSONL.gz, CSV or Parquet) or a ClickHouse table.
 *
 * @throws {LogSourceError} a missing file, a glob matching nothing, an empty log, a ClickHouse that refuses
 *   the connection, a table without the needed columns — one message naming what and where
 * @throws {ProductionLogError} the first invalid line (`file:line: field: expected …`) unless skipInvalid;
 *   a model whose arm cannot be told
 * @example
 * const { summary } = await summarizeLogs('logs/2025-06-*.jsonl.gz', { skipInvalid: true });
 * const ch = await summarizeLogs('clickhouse://127.0.0.1:8123/logs/routing'); // CANARYLAB_CLICKHOUSE_USER/PASSWORD
 */
export async function summarizeLogs(spec: string, opts: SummarizeLogsOptions = {}): Promise<LogSummary> {
  const windowMs = opts.windowMs ?? DEFAULT_LOG_WINDOW_MS;
  if (!(Number.isSafeInteger(windowMs) && windowMs >= 1000))
    throw new RangeError(`summarizeLogs: windowMs must be an integer >= 1000, got ${windowMs}`);
  const run = isClickHouseSource(spec)
    ? await runClickHouse(spec, opts, windowMs)
    : await runFiles(spec, opts, windowMs);
  if (!('result' in run)) return run;
  const { engine, name, result } = run;
  try {
    const { summary, facts } = assembleSummary(result.aggs, {
      source: name,
      engine,
      windowMs,
      rules: { primaryModel: opts.primaryModel, canaryModel: opts.canaryModel },
      pricing: opts.pricing,
      invalidLines: result.invalidLines,
    });
    const users =
      facts.lines.routing > 0
        ? await result.users(armResolver(result.aggs.groups, opts))
        : { primary: 0, canary: 0, both: 0 };
    return {
      summary,
      source: name,
      engine,
      facts: {
        ...facts,
        split: {
          ...facts.split,
          users: { primary: users.primary, canary: users.canary },
          usersInBothArms: users.both,
        },
      },
      invalidLines: result.invalidLines,
      invalid: result.invalid,
    };
  } finally {
    result.close();
  }
}

/** An SQL engine's grouped rows of a source, with the source's name. */
interface EngineRun {
  engine: 'duckdb' | 'clickhouse';
  name: string;
  result: EngineResult;
}

async function runClickHouse(spec: string, opts: SummarizeLogsOptions, windowMs: number): Promise<EngineRun> {
  const src = parseClickHouseSource(spec);
  const result = await clickhouseAggregates(src, {
    mapping: opts.mapping,
    windowMs,
    skipInvalid: opts.skipInvalid === true,
    env: opts.env ?? process.env,
  });
  return { engine: 'clickhouse', name: src.name, result };
}

/** Files: DuckDB's grouped rows, or (OpenTelemetry OTLP JSON exports) the whole summary from the OTLP reader. */
async function runFiles(
  spec: string,
  opts: SummarizeLogsOptions,
  windowMs: number,
): Promise<EngineRun | LogSummary> {
  const db = await openDuckDB();
  try {
    const src = await resolveFileSource(spec, (p) => duckdbGlob(db, p));
    // OpenTelemetry GenAI spans (OTLP JSON exports) are read by their own reader, not SQL.
    if (src.format === 'jsonl' && (await isOtlpFile(src.files[0]))) {
      db.close();
      return await otlpLogSummary(src.files, src.name, opts, windowMs);
    }
    const result = await duckdbAggregates(db, src, {
      mapping: opts.mapping,
      windowMs,
      skipInvalid: opts.skipInvalid === true,
    });
    return { engine: 'duckdb', name: src.name, result };
  } catch (e) {
    db.close();
    throw e;
  }
}

async function otlpLogSummary(
  files: readonly string[],
  name: string,
  opts: SummarizeLogsOptions,
  windowMs: number,
): Promise<LogSummary> {
  const o = await summarizeOtlp(files, {
    runId: name,
    source: name,
    windowMs,
    skipInvalid: opts.skipInvalid === true,
    ...(opts.pricing ? { pricing: opts.pricing } : {}),
    ...(opts.primaryModel ? { primaryModel: opts.primaryModel } : {}),
    ...(opts.canaryModel ? { canaryModel: opts.canaryModel } : {}),
    ...(opts.armAttribute ? { armAttribute: opts.armAttribute } : {}),
    ...(opts.armValues ? { armValues: opts.armValues } : {}),
  });
  return {
    summary: o.summary,
    source: name,
    engine: 'js',
    facts: {
      lines: { shadow: 0, routing: o.facts.genAiSpans },
      models: o.facts.models,
      split: o.facts.split,
    },
    invalidLines: o.invalidLines,
    invalid: o.facts.invalidMessages.map((message) => ({
      file: name,
      line: 0,
      field: '(span)',
      message,
    })),
  };
}
