// `canarylab decide`: comparison.json → decision.json, then the verdict summary.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { loadPolicy, type RolloutPosition, runs, text } from '../../index';
import { share, stageArg } from '../args';
import { type CliContext, EXIT_HELP } from '../context';

interface DecideOptions {
  policy?: string;
  stage?: RolloutPosition;
  canaryShare?: number;
  exitCode?: boolean;
  json?: boolean;
}

/** Adds `decide` to the program. */
export function addDecideCommand(program: Command, ctx: CliContext): void {
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
    .action(async (runDir: string, o: DecideOptions) => {
      try {
        await decideRun(ctx, runDir, o);
      } catch (e) {
        ctx.fail(e);
      }
    });
}

async function decideRun(ctx: CliContext, runDir: string, o: DecideOptions): Promise<void> {
  const policy = o.policy ? await loadPolicy(o.policy) : undefined;
  if (!existsSync(runDir)) throw new Error(`${runDir}: no such run folder`);
  const { decision, file } = await runs.withRunLock(runDir, 'decide', () =>
    runs.decideStage(runDir, {
      ...(policy ? { policy } : {}),
      ...(o.stage ? { position: o.stage } : {}),
      ...(o.canaryShare !== undefined ? { canaryShare: o.canaryShare } : {}),
    }),
  );
  const analysis = await runs.readAnalysis(runDir);
  const summary = text.formatVerdict({ decision, comparisons: analysis.comparisons });
  if (o.json) {
    ctx.stderr.write(summary);
    ctx.stdout.write(`${JSON.stringify(decision, null, 2)}\n`);
  } else ctx.stdout.write(summary);
  ctx.log(`decision: ${file}`);
  ctx.code = o.exitCode ? text.VERDICT_EXIT_CODES[decision.verdict] : 0;
}
