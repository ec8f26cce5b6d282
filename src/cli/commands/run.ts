// `canarylab run`: the whole pipeline on an eval config, then the verdict summary.
import type { Command } from 'commander';
import { BudgetReachedError, loadEvalConfig, type PipelineResult, runPipeline, text } from '../../index';
import { positiveInt, positiveNumber } from '../args';
import { type CliContext, EXIT_BUDGET, EXIT_HELP } from '../context';

interface RunOptions {
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
}

/** Adds `run` to the program. */
export function addRunCommand(program: Command, ctx: CliContext): void {
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
    .action(async (o: RunOptions) => {
      try {
        printResult(ctx, o, await runFromConfig(ctx, o));
      } catch (e) {
        ctx.fail(e);
        if (e instanceof BudgetReachedError) ctx.code = EXIT_BUDGET;
      }
    });
}

/** Loads the config and runs the pipeline with a progress line on stderr. */
async function runFromConfig(ctx: CliContext, o: RunOptions): Promise<PipelineResult> {
  const config = await loadEvalConfig(o.config);
  const progress = text.createProgressReporter({ stream: ctx.stderr });
  return runPipeline({
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
      ctx.log(l);
    },
    env: ctx.env,
  });
}

/** The verdict summary (stdout, or stderr with --json beside the decision JSON) and the exit status. */
function printResult(ctx: CliContext, o: RunOptions, result: PipelineResult): void {
  const summary = text.formatVerdict({
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
    ctx.stderr.write(`\n${summary}`);
    ctx.stdout.write(`${JSON.stringify(result.decision, null, 2)}\n`);
  } else ctx.stdout.write(`\n${summary}`);
  ctx.log(`done in ${text.formatSeconds(result.wallMs)}`);
  ctx.code = o.exitCode ? text.VERDICT_EXIT_CODES[result.decision.verdict] : 0;
  if (result.budgetReached) {
    ctx.log(`canarylab: ${result.budgetReached.message}`);
    ctx.code = EXIT_BUDGET;
  }
}
