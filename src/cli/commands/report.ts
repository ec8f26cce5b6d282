// `canarylab report`: charts/*.svg and report.html from a decided run folder.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { runs } from '../../index';
import type { CliContext } from '../context';

/** Adds `report` to the program. */
export function addReportCommand(program: Command, ctx: CliContext): void {
  program
    .command('report')
    .description('comparison.json + decision.json → charts/*.svg and report.html')
    .argument('<runDir>', 'a run folder that has been analysed and decided')
    .action(async (runDir: string) => {
      try {
        if (!existsSync(runDir)) throw new Error(`${runDir}: no such run folder`);
        const written = await runs.withRunLock(runDir, 'report', () =>
          runs.reportStage(runDir, { log: ctx.log }),
        );
        ctx.stdout.write(`report: ${written.reportFile}\n`);
      } catch (e) {
        ctx.fail(e);
      }
    });
}
