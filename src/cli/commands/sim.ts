// `canarylab sim`: the embedded simulator, its own arguments passed through untouched.
import type { Command } from 'commander';
import { runSimCommand } from '../../sim/cli';
import type { CliContext } from '../context';

/** Adds `sim` to the program. */
export function addSimCommand(program: Command, ctx: CliContext): void {
  program
    .command('sim')
    .description('serve the embedded OpenAI-compatible simulator on 127.0.0.1 (canarylab sim --help)')
    .allowUnknownOption()
    .passThroughOptions()
    .helpOption(false)
    .argument('[args...]')
    .action(async (args: string[]) => {
      ctx.code = await runSimCommand(args ?? [], { stdout: ctx.stdout, stderr: ctx.stderr });
    });
}
