/**
 * `canarylab`: the batch script. Results go to files in the run folder; progress and logs to stderr;
 * the verdict summary to stdout (to stderr with --json, which prints the decision JSON on stdout).
 *
 * Exit status: 0 on success (with --exit-code: 0 promote, 10 hold, 20 rollback); 1 for errors (invalid
 * config, missing environment variable, unreadable files); 2 for usage errors (unknown command or option).
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import {
  analyzeStage,
  BudgetReachedError,
  ConfigError,
  calibrationMarkdown,
  createProgressReporter,
  decideStage,
  importLogsRun,
  isRunFolder,
  loadEvalConfig,
  loadPolicy,
  loadPricing,
  nanToNull,
  PACKAGE_ROOT,
  parseColumnMapping,
  type RolloutPosition,
  readAnalysis,
  readRunSummary,
  reportStage,
  runCalibration,
  runPipeline,
  runSimCommand,
  SCENARIOS,
  toolVersion,
  withRunLock,
} from '../index';
import { formatComparisons, formatVerdict, VERDICT_EXIT_CODES } from '../report/textSummary';
import { INIT_TEMPLATE } from './initTemplate';
import { offlineReport } from './offlineReport';

const ROOT = PACKAGE_ROOT;

/** Where the CLI writes (the process's streams by default). */
export interface CliIo {
  stdout?: { write(s: string): unknown; isTTY?: boolean };
  stderr?: { write(s: string): unknown; isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
}

const EXIT_HELP = `
Exit status:
  0   the command completed (for run/decide without --exit-code, whatever the verdict)
  0   with --exit-code: verdict promote
  10  with --exit-code: verdict hold
  20  with --exit-code: verdict rollback
  3   run: budget reached — the spend cap (maxCostUsd) stopped the run before every call was sent; every
      finished record is kept, the report covers them (rerun with --resume --max-cost <larger USD> to continue)
  1   error: invalid config (the message names the file, line and field), missing environment
      variable, unreadable or malformed files
  2   usage error: unknown command or option, bad option value
`;

/** `1h`, `30m`, `90s`, `1d` or plain milliseconds → ms (at least one second). */
function durationMs(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(v.trim());
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
  const ms = m ? Math.round(Number(m[1]) * unit[(m[2] ?? 'ms') as keyof typeof unit]) : Number.NaN;
  if (!(ms >= 1000 && Number.isSafeInteger(ms)))
    throw new InvalidArgumentError(
      `--window: expected a duration of at least 1s such as 1h, 30m or 1d, got ${JSON.stringify(v)}`,
    );
  return ms;
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

function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be an integer >= 1.`);
    return n;
  };
}

function positiveNumber(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!(Number.isFinite(n) && n > 0)) throw new InvalidArgumentError(`${name} must be a number > 0 (USD).`);
    return n;
  };
}

function share(v: string): number {
  const n = Number(v);
  if (!(n > 0 && n < 1))
    throw new InvalidArgumentError('expected a share strictly between 0 and 1, e.g. 0.05.');
  return n;
}

function armValuesArg(v: string): { primary: string[]; canary: string[] } {
  const sides = v.split(':');
  const list = (x: string | undefined) =>
    (x ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  const primary = list(sides[0]);
  const canary = list(sides[1]);
  if (
    sides.length !== 2 ||
    primary.length === 0 ||
    canary.length === 0 ||
    primary.some((p) => canary.includes(p))
  )
    throw new InvalidArgumentError(
      'expected <primary values>:<canary values>, comma-separated and disjoint, e.g. control,off:treatment,on.',
    );
  return { primary, canary };
}

function stageArg(v: string): RolloutPosition {
  const m = /^(shadow|flag|percentage|full):(\d+(?:\.\d+)?)(?::(\d+(?:\.\d+)?))?$/.exec(v);
  if (!m)
    throw new InvalidArgumentError(
      'expected <stage>:<trafficPercent>[:<shadowPercent>], e.g. shadow:0:5 or flag:25.',
    );
  const p: RolloutPosition = { stage: m[1] as RolloutPosition['stage'], trafficPercent: Number(m[2]) };
  if (m[3] !== undefined) p.shadowPercent = Number(m[3]);
  return p;
}

/** Exit status of a run stopped by its spend cap (maxCostUsd). */
const EXIT_BUDGET = 3;

/** A failure of a command that is the user's to fix (printed without a stack). */
function describeError(e: unknown): string {
  if (e instanceof ConfigError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

/**
 * Runs the CLI with the arguments after the program name; resolves with the exit status.
 *
 * @example
 * process.exitCode = await main(['run', '--config', 'datasets/demo/eval.yaml']);
 */
export async function main(argv: string[], io: CliIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const env = io.env ?? process.env;
  const log = (line: string) => stderr.write(`${line}\n`);
  let code = 0;
  const fail = (e: unknown): void => {
    stderr.write(`canarylab: ${describeError(e)}\n`);
    code = 1;
  };

  const program = new Command('canarylab')
    .description('Decide, with evidence, whether to promote a new LLM model over the one in production.')
    .version(toolVersion(), '-V, --version')
    .exitOverride()
    .enablePositionalOptions()
    .showHelpAfterError('(canarylab --help for usage)')
    .configureOutput({ writeOut: (s) => stdout.write(s), writeErr: (s) => stderr.write(s) })
    .addHelpText('after', EXIT_HELP);

  program
    .command('run')
    .description('the whole pipeline: calls → scores → comparison → decision → charts and report.html')
    .requiredOption('-c, --config <file>', 'eval config (YAML or JSON)')
    .option('-o, --out <dir>', "folder of run folders (default: the config's out, else runs/)")
    .option('--run-id <id>', 'name of the run folder (default: <UTC time>-<config hash>)')
    .option(
      '--resume',
      'continue an interrupted run (the given --run-id, else the latest run of this config)',
    )
    .option('--force', 'replace the run already in the --run-id folder (its files are deleted first)')
    .option(
      '--max-cost <usd>',
      "spend cap in USD (overrides the config's maxCostUsd; raise it to resume a run stopped by its cap)",
      positiveNumber('--max-cost'),
    )
    .option('--no-cache', 'do not read or write the response cache')
    .option('--limit <n>', 'use at most n items', positiveInt('--limit'))
    .option('--exit-code', 'exit with the verdict: 0 promote, 10 hold, 20 rollback')
    .option('--json', 'print the decision as JSON on stdout (the summary goes to stderr)')
    .addHelpText('after', EXIT_HELP)
    .action(
      async (o: {
        config: string;
        out?: string;
        runId?: string;
        resume?: boolean;
        force?: boolean;
        maxCost?: number;
        cache: boolean;
        limit?: number;
        exitCode?: boolean;
        json?: boolean;
      }) => {
        try {
          const config = await loadEvalConfig(o.config);
          const progress = createProgressReporter({ stream: stderr });
          const result = await runPipeline({
            config,
            configFile: o.config,
            ...(o.out !== undefined ? { outDir: o.out } : {}),
            ...(o.runId !== undefined ? { runId: o.runId } : {}),
            resume: o.resume === true,
            ...(o.force ? { force: true } : {}),
            ...(o.maxCost !== undefined ? { maxCostUsd: o.maxCost } : {}),
            ...(o.cache === false ? { cache: false } : {}),
            ...(o.limit !== undefined ? { limit: o.limit } : {}),
            onProgress: progress.update,
            log: (l) => {
              if (l.startsWith('calls:')) progress.finish();
              log(l);
            },
            env,
          });
          const summary = formatVerdict({
            decision: result.decision,
            comparisons: result.analysis.comparisons,
            reportFile: result.report.reportFile,
            runDir: result.runDir,
            evaluationCostUsd: result.manifest.evaluationCostUsd,
            ...(result.manifest.costs
              ? { costs: { ...result.manifest.costs, judgeModel: result.manifest.judge?.model } }
              : {}),
          });
          if (o.json) {
            stderr.write(`\n${summary}`);
            stdout.write(`${JSON.stringify(result.decision, nanToNull, 2)}\n`);
          } else stdout.write(`\n${summary}`);
          log(`done in ${(result.wallMs / 1000).toFixed(1)} s`);
          code = o.exitCode ? VERDICT_EXIT_CODES[result.decision.verdict] : 0;
          if (result.budgetReached) {
            log(`canarylab: ${result.budgetReached.message}`);
            code = EXIT_BUDGET;
          }
        } catch (e) {
          fail(e);
          if (e instanceof BudgetReachedError) code = EXIT_BUDGET;
        }
      },
    );

  program
    .command('sim')
    .description('serve the embedded OpenAI-compatible simulator on 127.0.0.1 (canarylab sim --help)')
    .allowUnknownOption()
    .passThroughOptions()
    .helpOption(false)
    .argument('[args...]')
    .action(async (args: string[]) => {
      code = await runSimCommand(args ?? [], { stdout, stderr });
    });

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
    .action(
      async (
        source: string,
        o: {
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
        },
      ) => {
        try {
          const isClickHouse = /^clickhouses?:\/\//i.test(source);
          if (!isClickHouse && existsSync(source) && statSync(source).isDirectory()) {
            const summary = await readRunSummary(source);
            if (summary || isRunFolder(source)) {
              // One writer per run folder: not while a run (or another stage) is writing it.
              const { analysis, file } = await withRunLock(source, 'analyze', () =>
                analyzeStage(source, summary ? { summary } : {}),
              );
              stdout.write(
                o.json ? `${JSON.stringify(analysis, nanToNull, 2)}\n` : formatComparisons(analysis),
              );
              log(`analysis: ${file}`);
              return;
            }
          }
          const windowMs = durationMs(o.window);
          const runId = o.runId ?? defaultLogRunId(source);
          const pricing = await loadPricing(o.pricing ?? join(ROOT, 'datasets', 'pricing.json'));
          const { imported, analysis, file, runDir, sequential } = await importLogsRun({
            source,
            outDir: o.out,
            runId,
            force: o.force === true,
            skipInvalid: o.skipInvalid === true,
            pricing,
            windowMs,
            ...(o.columns ? { mapping: parseColumnMapping(o.columns) } : {}),
            ...(o.history ? { historyFile: o.history } : {}),
            ...(o.primaryModel ? { primaryModel: o.primaryModel } : {}),
            ...(o.canaryModel ? { canaryModel: o.canaryModel } : {}),
            ...(o.armAttribute ? { armAttribute: o.armAttribute } : {}),
            ...(o.armValues ? { armValues: o.armValues } : {}),
          });
          if (imported.invalidLines > 0) {
            log(`analyze: skipped ${imported.invalidLines} malformed line(s) of ${imported.source}:`);
            for (const i of imported.invalid.slice(0, 10)) log(`  ${i.message}`);
            if (imported.invalidLines > 10) log(`  … and ${imported.invalidLines - 10} more`);
          }
          stdout.write(o.json ? `${JSON.stringify(analysis, nanToNull, 2)}\n` : formatComparisons(analysis));
          const { lines } = imported.facts;
          log(
            `summarised ${lines.shadow + lines.routing} lines (${lines.shadow} shadow, ${lines.routing} routing) of ${imported.source} with ${imported.engine} → ${runDir}`,
          );
          log(`analysis: ${file}`);
          if (sequential) log(`sequential: ${sequential.reason}`);
          log(
            `next: canarylab decide ${runDir}${lines.routing > 0 ? ' --canary-share <configured share>' : ''}`,
          );
        } catch (e) {
          fail(e);
        }
      },
    );

  program
    .command('decide')
    .description('comparison.json → decision.json (gates, verdict, next stage)')
    .argument('<runDir>', 'a run folder that has been analysed')
    .option(
      '--policy <file>',
      "policy file (YAML or JSON; default: the run's policy.json, else the playbook's)",
    )
    .option(
      '--stage <stage>',
      'where the rollout stands: <stage>:<traffic%>[:<shadow%>], e.g. shadow:0:5',
      stageArg,
    )
    .option(
      '--canary-share <share>',
      'configured canary share of traffic: adds the sample-ratio check',
      share,
    )
    .option('--exit-code', 'exit with the verdict: 0 promote, 10 hold, 20 rollback')
    .option('--json', 'print the decision as JSON on stdout (the summary goes to stderr)')
    .addHelpText('after', EXIT_HELP)
    .action(
      async (
        runDir: string,
        o: {
          policy?: string;
          stage?: RolloutPosition;
          canaryShare?: number;
          exitCode?: boolean;
          json?: boolean;
        },
      ) => {
        try {
          const policy = o.policy ? await loadPolicy(o.policy) : undefined;
          if (!existsSync(runDir)) throw new Error(`${runDir}: no such run folder`);
          const { decision, file } = await withRunLock(runDir, 'decide', () =>
            decideStage(runDir, {
              ...(policy ? { policy } : {}),
              ...(o.stage ? { position: o.stage } : {}),
              ...(o.canaryShare !== undefined ? { canaryShare: o.canaryShare } : {}),
            }),
          );
          const analysis = await readAnalysis(runDir);
          const summary = formatVerdict({ decision, comparisons: analysis.comparisons });
          if (o.json) {
            stderr.write(summary);
            stdout.write(`${JSON.stringify(decision, nanToNull, 2)}\n`);
          } else stdout.write(summary);
          log(`decision: ${file}`);
          code = o.exitCode ? VERDICT_EXIT_CODES[decision.verdict] : 0;
        } catch (e) {
          fail(e);
        }
      },
    );

  program
    .command('report')
    .description('comparison.json + decision.json → charts/*.svg and report.html')
    .argument('<runDir>', 'a run folder that has been analysed and decided')
    .action(async (runDir: string) => {
      try {
        if (!existsSync(runDir)) throw new Error(`${runDir}: no such run folder`);
        const written = await withRunLock(runDir, 'report', () => reportStage(runDir, { log }));
        stdout.write(`report: ${written.reportFile}\n`);
      } catch (e) {
        fail(e);
      }
    });

  program
    .command('init')
    .description('write a commented example config for an OpenAI-compatible endpoint (keys from env vars)')
    .option('-o, --out <file>', 'where to write it', 'eval.yaml')
    .action(async (o: { out: string }) => {
      try {
        await mkdir(dirname(o.out), { recursive: true });
        await writeFile(o.out, INIT_TEMPLATE, { flag: 'wx' });
        stdout.write(`wrote ${o.out}\nnext: export OPENAI_API_KEY=…; canarylab run --config ${o.out}\n`);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
          fail(new Error(`${o.out} already exists: not overwritten (choose another --out)`));
        } else fail(e);
      }
    });

  program
    .command('calibrate')
    .description(
      'synthetic canaries with known truth through analyze → decide: verdict rates per scenario (npm run calibrate writes docs/CALIBRATION.md)',
    )
    .option('--runs <n>', 'runs per cell (the published table uses 200)', positiveInt('--runs'), 20)
    .option('--scenarios <ids>', `comma-separated scenario ids (${SCENARIOS.map((x) => x.id).join(', ')})`)
    .option('--sizes <list>', 'fixed sample sizes, items per arm', '1319,5000')
    .option('--look-size <n>', 'items per look of sequential monitoring (0: none)', '500')
    .option('--max-looks <n>', 'looks of sequential monitoring', positiveInt('--max-looks'), 30)
    .option('--seed <n>', 'seed of every run', '20261206')
    .option('--json', 'print the result as JSON instead of the Markdown table')
    .action(
      (o: {
        runs: number;
        scenarios?: string;
        sizes: string;
        lookSize: string;
        maxLooks: number;
        seed: string;
        json?: boolean;
      }) => {
        try {
          const ids = o.scenarios?.split(',');
          const unknown = ids?.filter((id) => !SCENARIOS.some((x) => x.id === id)) ?? [];
          if (unknown.length > 0)
            throw new InvalidArgumentError(
              `--scenarios: unknown scenario '${unknown[0]}' (known: ${SCENARIOS.map((x) => x.id).join(', ')})`,
            );
          const count = (name: string, v: string) => {
            const n = Number(v);
            if (!Number.isInteger(n) || n < 0)
              throw new InvalidArgumentError(`${name}: expected a non-negative integer, got ${v}`);
            return n;
          };
          const result = runCalibration({
            runs: o.runs,
            seed: count('--seed', o.seed),
            sizes: o.sizes === 'none' ? [] : o.sizes.split(',').map((x) => count('--sizes', x)),
            lookSize: count('--look-size', o.lookSize),
            maxLooks: o.maxLooks,
            ...(ids ? { scenarios: ids } : {}),
            onCell: (c) => log(`${c.title} | ${c.design}: promote ${c.promote.count}/${c.runs}`),
          });
          stdout.write(
            o.json
              ? `${JSON.stringify(result, nanToNull, 2)}\n`
              : `${calibrationMarkdown(result, 'canarylab calibrate')}\n`,
          );
        } catch (e) {
          fail(e);
        }
      },
    );

  program
    .command('demo-data')
    .description('offline summary of the bundled real data (GSM8K accuracy, llmperf latency traces)')
    .action(async () => {
      stdout.write('canarylab — offline analysis of the bundled data (no API key, no network)\n\n');
      stdout.write(`${await offlineReport(join(ROOT, 'datasets'))}\n`);
    });

  if (argv.length === 0) {
    stderr.write(program.helpInformation());
    return 2;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      )
        return 0;
      return 2;
    }
    fail(e);
  }
  return code;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`canarylab: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
