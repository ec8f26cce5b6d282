import { join } from 'node:path';
import { runSimCommand } from '../index';
import { offlineReport } from './offlineReport';

const ROOT = join(__dirname, '..', '..');

const HELP = `canarylab — decide, with evidence, whether to promote a new LLM model over the one in production

Usage: canarylab <command> [options]

Commands:
  demo            offline analysis of the bundled real data (the default; no API key, no network)
  sim             serve the embedded OpenAI-compatible simulator on 127.0.0.1
                  (canarylab sim --config datasets/sim.example.json [--port N] [--seed N])
  help            this text
`;

export async function main(argv: string[]): Promise<number> {
  const [command = 'demo'] = argv;
  switch (command) {
    case 'demo': {
      process.stdout.write(`canarylab — offline analysis of the bundled data (no API key, no network)\n\n`);
      process.stdout.write(`${await offlineReport(join(ROOT, 'datasets'))}\n`);
      return 0;
    }
    case 'sim':
      return runSimCommand(argv.slice(1));
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(HELP);
      return 0;
    default:
      process.stderr.write(`canarylab: unknown command '${command}'\n\n${HELP}`);
      return 2;
  }
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
