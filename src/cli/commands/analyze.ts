// `canarylab analyze`: comparison.json from a run folder, or from production logs imported into a new one.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { datasets, importLogsRun, loadPricing, runs, summaries, text } from '../../index';
import { armValuesArg, durationMs } from '../args';
import type { CliContext } from '../context';

interface AnalyzeOptions {
  skipInvalid?: boolean;
  out: string;
  runId?: string;
  force?: boolean;
  primaryModel?: string;
  canaryModel?: string;
  columns?: string;
  window: string;
  history?: string;
  pricing?: string;
  json?: boolean;
  armAttribute?: string;
  armValues?: { primary: string[]; canary: string[] };
}

/** Adds `analyze` to the program. */
export function addAnalyzeCommand(program: Command, ctx: CliContext): void {
  program
    .command('analyze')
    .description(
      'comparison.json from a run folder, or from production logs (files via DuckDB, or a ClickHouse table)',
    )
    .argument(
      '<source>',
      'a run folder; a log file, folder or glob (JSONL, JSONL.gz, CSV, Parquet; shadow or routing lines); or clickhouse://HOST:PORT/DATABASE/TABLE (credentials: CANARYLAB_CLICKHOUSE_USER / CANARYLAB_CLICKHOUSE_PASSWORD)',
    )
    .option('--skip-invalid', 'logs: skip malformed lines and count them instead of failing on the first')
    .option('-o, --out <dir>', 'logs: folder to create the run folder in', 'runs')
    .option('--run-id <id>', 'logs: name of the run folder (default: the file or table name)')
    .option('--force', 'logs: replace an existing run folder of that name')
    .option('--primary-model <model>', 'logs: the model of the primary arm')
    .option('--canary-model <model>', 'logs: the model of the canary arm')
    .option('--columns <mapping>', 'logs: their column names, e.g. userId=user_id,latency=duration_ms')
    .option('--window <duration>', 'logs: error-rate window and sequential look, e.g. 1h, 30m, 1d', '1h')
    .option('--history <file>', 'logs: add one sequential look per window to this history file')
    .option(
      '--arm-attribute <name>',
      'OpenTelemetry spans: the attribute naming the arm, e.g. feature_flag.result.variant',
    )
    .option(
      '--arm-values <primary:canary>',
      'OpenTelemetry spans: the attribute values of each arm, e.g. control,off:treatment,on (default primary,control:canary,treatment)',
      armValuesArg,
    )
    .option(
      '--pricing <file>',
      'logs: price table for the cost of each line (default: datasets/pricing.json)',
    )
    .option('--json', 'print the analysis JSON on stdout')
    .action(async (source: string, o: AnalyzeOptions) => {
      try {
        if (!(await analyzeRunFolder(ctx, source, o))) await analyzeLogs(ctx, source, o);
      } catch (e) {
        ctx.fail(e);
      }
    });
}

/** `source` is a run folder: analyses it and returns true; otherwise returns false. */
async function analyzeRunFolder(ctx: CliContext, source: string, o: AnalyzeOptions): Promise<boolean> {
  const isClickHouse = /^clickhouses?:\/\//i.test(source);
  if (isClickHouse || !existsSync(source) || !statSync(source).isDirectory()) return false;
  const summary = await runs.readRunSummary(source);
  if (!summary && !runs.isRunFolder(source)) return false;
  // One writer per run folder: not while a run (or another stage) is writing it.
  const { analysis, file } = await runs.withRunLock(source, 'analyze', () =>
    runs.analyzeStage(source, summary ? { summary } : {}),
  );
  ctx.stdout.write(o.json ? `${JSON.stringify(analysis, null, 2)}\n` : text.formatComparisons(analysis));
  ctx.log(`analysis: ${file}`);
  return true;
}

/** Imports production logs into a new run folder, analyses them and says what was read. */
async function analyzeLogs(ctx: CliContext, source: string, o: AnalyzeOptions): Promise<void> {
  const windowMs = durationMs(o.window);
  const runId = o.runId ?? defaultLogRunId(source);
  const pricing = await loadPricing(o.pricing ?? join(datasets.DATASETS_DIR, 'pricing.json'));
  const { imported, analysis, file, runDir, sequential } = await importLogsRun({
    source,
    outDir: o.out,
    runId,
    force: o.force === true,
    skipInvalid: o.skipInvalid === true,
    pricing,
    windowMs,
    ...(o.columns ? { mapping: summaries.parseColumnMapping(o.columns) } : {}),
    ...(o.history ? { historyFile: o.history } : {}),
    ...(o.primaryModel ? { primaryModel: o.primaryModel } : {}),
    ...(o.canaryModel ? { canaryModel: o.canaryModel } : {}),
    ...(o.armAttribute ? { armAttribute: o.armAttribute } : {}),
    ...(o.armValues ? { armValues: o.armValues } : {}),
  });
  if (imported.invalidLines > 0) {
    ctx.log(`analyze: skipped ${imported.invalidLines} malformed line(s) of ${imported.source}:`);
    for (const i of imported.invalid.slice(0, 10)) ctx.log(`  ${i.message}`);
    if (imported.invalidLines > 10) ctx.log(`  … and ${imported.invalidLines - 10} more`);
  }
  ctx.stdout.write(o.json ? `${JSON.stringify(analysis, null, 2)}\n` : text.formatComparisons(analysis));
  const { lines } = imported.facts;
  ctx.log(
    `summarised ${lines.shadow + lines.routing} lines (${lines.shadow} shadow, ${lines.routing} routing) of ${imported.source} with ${imported.engine} → ${runDir}`,
  );
  ctx.log(`analysis: ${file}`);
  if (sequential) ctx.log(`sequential: ${sequential.reason}`);
  ctx.log(`next: canarylab decide ${runDir}${lines.routing > 0 ? ' --canary-share <configured share>' : ''}`);
}

/** A run id from a log source: the file or table name without extensions, as one safe folder name. */
function defaultLogRunId(source: string): string {
  const last =
    source
      .replace(/[/\\]+$/, '')
      .split(/[/\\]/)
      .filter((p) => !/[*?[{]/.test(p))
      .pop() ?? '';
  const name = last
    .replace(/\.(jsonl|ndjson|json|csv|parquet)(\.gz)?$/i, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_');
  return name && name !== '.' && name !== '..' ? name : 'logs';
}
