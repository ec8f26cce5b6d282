/**
 * npm run calibrate [-- --runs 200 --jobs 2 --seed N --look-size 500 --max-looks 30 --scenarios a,b --no-write]
 *   [--sizes 1319,5000 | none] [--also-tuned-to 4000 | none] [--save result.json] [--merge a.json,b.json]
 *
 * Runs the calibration (synthetic canaries with known truth through analyzeRun → decide with the default
 * policy), prints progress to stderr and the table to stdout, and writes docs/CALIBRATION.md (between its
 * markers), docs/calibration.json and the README's calibration block (between <!-- calibration:start -->
 * and <!-- calibration:end -->). `--jobs N` splits the scenarios over N child processes (the same seeds, so
 * the same table). Exit status 0 even when a goal is not met (the table says so); 1 on errors.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CellResult } from '../src/calibration/calibrate';
import { type CalibrationResult, finishCalibration, runCalibration } from '../src/calibration/run';
import { SCENARIOS } from '../src/calibration/scenarios';
import { calibrationMarkdown, calibrationReadmeBlock, fmtRate } from '../src/calibration/table';

const ROOT = join(__dirname, '..');
const COMMAND = 'npm run calibrate';
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '200' },
    jobs: { type: 'string', default: '1' },
    seed: { type: 'string' },
    'look-size': { type: 'string', default: '500' },
    'max-looks': { type: 'string', default: '30' },
    'expected-samples': { type: 'string' },
    // The sensitivity cells of the published table: the good scenarios with the sequences tuned to the whole
    // monitoring horizon (500 × 30 = 15,000) instead of the default 500 × 8 expected looks.
    'also-tuned-to': { type: 'string', default: '15000' },
    merge: { type: 'string' },
    scenarios: { type: 'string' },
    sizes: { type: 'string' },
    save: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
  },
});

function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`calibrate: --${name}: expected a non-negative integer, got ${v}\n`);
    process.exit(1);
  }
  return n;
}

const progress = (c: CellResult) =>
  process.stderr.write(
    `${c.title} | ${c.design} | promote ${fmtRate(c.promote)} hold ${fmtRate(c.hold)} rollback ${fmtRate(c.rollback)} wrong ${fmtRate(c.wrong)}${c.sequential ? ` | median ${c.sequential.medianToCorrect ?? '—'} p90 ${c.sequential.p90ToCorrect ?? '—'}` : ''}${c.consistency ? ` | consistency pass ${fmtRate(c.consistency.pass)} fail ${fmtRate(c.consistency.fail)}` : ''} | ${c.seconds.toFixed(1)} s\n`,
  );

function runChild(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, __filename, ...args], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`calibrate: a job exited with ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const runs = int('runs', values.runs) as number;
  const jobs = Math.max(1, int('jobs', values.jobs) as number);
  const wanted = values.scenarios ? values.scenarios.split(',') : SCENARIOS.map((s) => s.id);
  for (const id of wanted)
    if (!SCENARIOS.some((s) => s.id === id)) {
      process.stderr.write(
        `calibrate: --scenarios: unknown scenario '${id}' (known: ${SCENARIOS.map((s) => s.id).join(', ')})\n`,
      );
      process.exit(1);
    }
  let result: CalibrationResult;
  const sizes =
    values.sizes === 'none'
      ? []
      : values.sizes
        ? values.sizes.split(',').map((x) => int('sizes', x) as number)
        : undefined;
  const alsoTunedTo =
    values['also-tuned-to'] === 'none'
      ? []
      : values['also-tuned-to']?.split(',').map((x) => int('also-tuned-to', x) as number);
  if (values.merge) {
    // Saved results of separate invocations (e.g. a sensitivity run beside the main one): one table.
    const loaded = values.merge
      .split(',')
      .map((f) => JSON.parse(readFileSync(f, 'utf8')) as CalibrationResult);
    const cells = firstOfEachCell(loaded);
    result = finishCalibration(
      cells,
      loaded[0].options,
      loaded.reduce((a, r) => a + r.seconds, 0),
    );
  } else if (jobs > 1) {
    const dir = mkdtempSync(join(tmpdir(), 'canarylab-calibrate-'));
    const parts = Array.from({ length: jobs }, () => [] as string[]);
    wanted.forEach((id, i) => {
      parts[i % jobs].push(id);
    });
    const pass = [
      'runs',
      'seed',
      'look-size',
      'max-looks',
      'expected-samples',
      'sizes',
      'also-tuned-to',
    ] as const;
    const common = pass.flatMap((k) => (values[k] !== undefined ? [`--${k}`, String(values[k])] : []));
    const files = parts.map((_, i) => join(dir, `part${i}.json`));
    await Promise.all(
      parts
        .map((ids, i) => ({ ids, i }))
        .filter((p) => p.ids.length > 0)
        .map((p) =>
          runChild([
            ...common,
            '--scenarios',
            p.ids.join(','),
            '--save',
            files[p.i],
            '--no-write',
            '--quiet',
          ]),
        ),
    );
    const loaded = parts
      .map((ids, i) =>
        ids.length > 0 ? (JSON.parse(readFileSync(files[i], 'utf8')) as CalibrationResult) : null,
      )
      .filter((r): r is CalibrationResult => r !== null);
    const cells = firstOfEachCell(loaded);
    result = finishCalibration(cells, loaded[0].options, (performance.now() - t0) / 1000);
  } else {
    result = runCalibration({
      runs,
      seed: int('seed', values.seed),
      lookSize: int('look-size', values['look-size']),
      maxLooks: int('max-looks', values['max-looks']),
      expectedSamples: int('expected-samples', values['expected-samples']),
      scenarios: wanted,
      ...(sizes ? { sizes } : {}),
      ...(alsoTunedTo ? { alsoTunedTo } : {}),
      onCell: progress,
    });
  }
  if (values.save) writeFileSync(values.save, JSON.stringify(result));
  const md = calibrationMarkdown(result, COMMAND);
  if (!values.quiet) process.stdout.write(`${md}\n`);
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
      calibrationReadmeBlock(result, COMMAND),
    );
    writeFileSync(join(ROOT, 'docs', 'calibration.json'), `${JSON.stringify(result, null, 1)}\n`);
    process.stderr.write(
      'wrote docs/CALIBRATION.md, docs/calibration.json and the README calibration block\n',
    );
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});

/** The cells of several saved results, one per (scenario × design): a cell present in several is taken from the first. */
function firstOfEachCell(results: readonly CalibrationResult[]): CalibrationResult['cells'] {
  const seen = new Set<string>();
  return results
    .flatMap((r) => r.cells)
    .filter((c) => {
      const key = `${c.scenario}\u0000${c.design}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}
