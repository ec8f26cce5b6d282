// `canarylab init`: writes the commented example config (never over an existing file).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context';
import { INIT_TEMPLATE } from '../initTemplate';

/** Adds `init` to the program. */
export function addInitCommand(program: Command, ctx: CliContext): void {
  program
    .command('init')
    .description('write a commented example config for an OpenAI-compatible endpoint (keys from env vars)')
    .option('-o, --out <file>', 'where to write it', 'eval.yaml')
    .action(async (o: { out: string }) => {
      try {
        await mkdir(dirname(o.out), { recursive: true });
        await writeFile(o.out, INIT_TEMPLATE, { flag: 'wx' });
        ctx.stdout.write(`wrote ${o.out}\nnext: export OPENAI_API_KEY=…; canarylab run --config ${o.out}\n`);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
          ctx.fail(new Error(`${o.out} already exists: not overwritten (choose another --out)`));
        } else ctx.fail(e);
      }
    });
}
