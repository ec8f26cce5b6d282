// `canarylab demo-data`: the offline summary of the bundled GSM8K and llmperf data.
import type { Command } from 'commander';
import { datasets } from '../../index';
import type { CliContext } from '../context';
import { offlineReport } from '../offlineReport';

/** Adds `demo-data` to the program. */
export function addDemoDataCommand(program: Command, ctx: CliContext): void {
  program
    .command('demo-data')
    .description('offline summary of the bundled real data (GSM8K accuracy, llmperf latency traces)')
    .action(async () => {
      ctx.stdout.write('canarylab — offline analysis of the bundled data (no API key, no network)\n\n');
      ctx.stdout.write(`${await offlineReport(datasets.DATASETS_DIR)}\n`);
    });
}
