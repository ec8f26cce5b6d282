// `canarylab calibrate`: synthetic canaries with known truth → verdict rates per scenario and design.
import { type Command, InvalidArgumentError } from 'commander';
import { calibration } from '../../index';
import { positiveInt } from '../args';
import type { CliContext } from '../context';

interface CalibrateOptions {
  runs: number;
  scenarios?: string;
  sizes: string;
  lookSize: string;
  maxLooks: number;
  seed: string;
  json?: boolean;
}

/** Adds `calibrate` to the program. */
export function addCalibrateCommand(program: Command, ctx: CliContext): void {
  program
    .command('calibrate')
    .description(
      'synthetic canaries with known truth through analyze → decide: verdict rates per scenario (npm run calibrate writes docs/CALIBRATION.md)',
    )
    .option('--runs <n>', 'runs per cell (the published table uses 200)', positiveInt('--runs'), 20)
    .option(
      '--scenarios <ids>',
      `comma-separated scenario ids (${calibration.SCENARIOS.map((x) => x.id).join(', ')})`,
    )
    .option('--sizes <list>', 'fixed sample sizes, items per arm', '1319,5000')
    .option('--look-size <n>', 'items per look of sequential monitoring (0: none)', '500')
    .option('--max-looks <n>', 'looks of sequential monitoring', positiveInt('--max-looks'), 30)
    .option('--seed <n>', 'seed of every run', '20261206')
    .option('--json', 'print the result as JSON instead of the Markdown table')
    .action((o: CalibrateOptions) => {
      try {
        calibrate(ctx, o);
      } catch (e) {
        ctx.fail(e);
      }
    });
}

function calibrate(ctx: CliContext, o: CalibrateOptions): void {
  const ids = o.scenarios?.split(',');
  const unknown = ids?.filter((id) => !calibration.SCENARIOS.some((x) => x.id === id)) ?? [];
  if (unknown.length > 0)
    throw new InvalidArgumentError(
      `--scenarios: unknown scenario '${unknown[0]}' (known: ${calibration.SCENARIOS.map((x) => x.id).join(', ')})`,
    );
  const result = calibration.runCalibration({
    runs: o.runs,
    seed: count('--seed', o.seed),
    sizes: o.sizes === 'none' ? [] : o.sizes.split(',').map((x) => count('--sizes', x)),
    lookSize: count('--look-size', o.lookSize),
    maxLooks: o.maxLooks,
    ...(ids ? { scenarios: ids } : {}),
    onCell: (c) => ctx.log(`${c.title} | ${c.design}: promote ${c.promote.count}/${c.runs}`),
  });
  ctx.stdout.write(
    o.json
      ? `${JSON.stringify(result, null, 2)}\n`
      : `${calibration.calibrationMarkdown(result, 'canarylab calibrate')}\n`,
  );
}

/** A non-negative integer option value (checked after parsing, so its error exits 1 as before). */
function count(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError(`${name}: expected a non-negative integer, got ${v}`);
  return n;
}
