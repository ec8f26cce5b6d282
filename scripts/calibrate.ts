/**
 * npm run calibrate [-- --runs 200 --seed N --look-size 500 --max-looks 30 --scenarios a,b --no-write]
 *
 * Runs the calibration (synthetic canaries with known truth through analyzeRun → decide with the default
 * policy), prints progress to stderr, and writes docs/CALIBRATION.md (between its markers), docs/calibration.json
 * and the README's calibration block (between <!-- calibration:start --> and <!-- calibration:end -->).
 * Exit status 0 even when a goal is not met (the table says so); 1 on errors.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runCalibration } from '../src/calibration/run';
import { calibrationMarkdown, calibrationReadmeBlock, fmtRate } from '../src/calibration/table';

const ROOT = join(__dirname, '..');
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '200' },
    seed: { type: 'string' },
    'look-size': { type: 'string', default: '500' },
    'max-looks': { type: 'string', default: '30' },
    scenarios: { type: 'string' },
    sizes: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
  },
});
const int = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`calibrate: --${name}: expected a non-negative integer, got ${v}\n`);
    process.exit(1);
  }
  return n;
};
const runs = int('runs', values.runs) as number;
const command = 'npm run calibrate';
const result = runCalibration({
  runs,
  seed: int('seed', values.seed),
  lookSize: int('look-size', values['look-size']),
  maxLooks: int('max-looks', values['max-looks']),
  ...(values.scenarios ? { scenarios: values.scenarios.split(',') } : {}),
  ...(values.sizes ? { sizes: values.sizes.split(',').map((s) => int('sizes', s) as number) } : {}),
  onCell: (c) =>
    process.stderr.write(
      `${c.title} | ${c.design} | promote ${fmtRate(c.promote)} hold ${fmtRate(c.hold)} rollback ${fmtRate(c.rollback)} wrong ${fmtRate(c.wrong)}${c.sequential ? ` | median ${c.sequential.medianToCorrect ?? '—'} p90 ${c.sequential.p90ToCorrect ?? '—'}` : ''}${c.consistency ? ` | consistency pass ${fmtRate(c.consistency.pass)} fail ${fmtRate(c.consistency.fail)}` : ''} | ${c.seconds.toFixed(1)} s\n`,
    ),
});
const md = calibrationMarkdown(result, command);
process.stdout.write(`${md}\n`);
if (!values['no-write']) {
  const replaceBlock = (file: string, start: string, end: string, body: string) => {
    const text = readFileSync(file, 'utf8');
    const i = text.indexOf(start);
    const j = text.indexOf(end);
    if (i < 0 || j < i) throw new Error(`${file}: markers ${start} … ${end} not found`);
    writeFileSync(file, `${text.slice(0, i + start.length)}\n${body}\n${text.slice(j)}`);
  };
  replaceBlock(join(ROOT, 'docs', 'CALIBRATION.md'), '<!-- table:start -->', '<!-- table:end -->', md);
  replaceBlock(
    join(ROOT, 'README.md'),
    '<!-- calibration:start -->',
    '<!-- calibration:end -->',
    calibrationReadmeBlock(result, command),
  );
  writeFileSync(join(ROOT, 'docs', 'calibration.json'), `${JSON.stringify(result, null, 1)}\n`);
  process.stderr.write('wrote docs/CALIBRATION.md, docs/calibration.json and the README calibration block\n');
}
