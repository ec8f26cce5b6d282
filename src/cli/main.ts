/**
 * `canarylab`: the batch script. Results go to files in the run folder; progress and logs to stderr;
 * the verdict summary to stdout (to stderr with --json, which prints the decision JSON on stdout).
 * Each command lives in src/cli/commands/; this file builds the program and maps its outcome to an exit status.
 *
 * Exit status: 0 on success (with --exit-code: 0 promote, 10 hold, 20 rollback); 1 for errors (invalid
 * config, missing environment variable, unreadable files); 2 for usage errors (unknown command or option).
 */
import { Command, CommanderError } from 'commander';
import { toolVersion } from '../index';
import { addAnalyzeCommand } from './commands/analyze';
import { addCalibrateCommand } from './commands/calibrate';
import { addDecideCommand } from './commands/decide';
import { addDemoDataCommand } from './commands/demoData';
import { addInitCommand } from './commands/init';
import { addReportCommand } from './commands/report';
import { addRunCommand } from './commands/run';
import { addSimCommand } from './commands/sim';
import { type CliContext, type CliIo, createContext, EXIT_HELP } from './context';

export type { CliIo } from './context';

/** The `canarylab` program with every command, writing to the context's streams. */
function buildProgram(ctx: CliContext): Command {
  const program = new Command('canarylab')
    .description('Decide, with evidence, whether to promote a new LLM model over the one in production.')
    .version(toolVersion(), '-V, --version')
    .exitOverride()
    .enablePositionalOptions()
    .showHelpAfterError('(canarylab --help for usage)')
    .configureOutput({ writeOut: (s) => ctx.stdout.write(s), writeErr: (s) => ctx.stderr.write(s) })
    .addHelpText('after', EXIT_HELP);
  for (const add of [
    addRunCommand,
    addSimCommand,
    addAnalyzeCommand,
    addDecideCommand,
    addReportCommand,
    addInitCommand,
    addCalibrateCommand,
    addDemoDataCommand,
  ])
    add(program, ctx);
  return program;
}

/**
 * Runs the CLI with the arguments after the program name; resolves with the exit status.
 *
 * @example
 * process.exitCode = await main(['run', '--config', 'datasets/demo/eval.yaml']);
 */
export async function main(argv: string[], io: CliIo = {}): Promise<number> {
  const ctx = createContext(io);
  const program = buildProgram(ctx);
  if (argv.length === 0) {
    ctx.stderr.write(program.helpInformation());
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
    ctx.fail(e);
  }
  return ctx.code;
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
