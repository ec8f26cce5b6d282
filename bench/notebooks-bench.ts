// Notebook benchmark (issue 9): all four notebooks executed headlessly with real Jupyter and the tslab
// kernel, as `npm run notebooks` does (scripts/notebooks.py), into a temporary folder. Prints the wall time of
// the whole run and of each notebook against the two-minute target, and their ratio.
// Run: npx tsx bench/notebooks-bench.ts   (part of `npm run bench`)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const TARGET_S = 120;
const ROOT = join(__dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'canarylab-notebooks-bench-'));
const jsonFile = join(tmp, 'results.json');
const load = loadavg()[0];
const r = spawnSync(
  '/usr/bin/python3',
  ['scripts/notebooks.py', '--out', join(tmp, 'html'), '--json', jsonFile],
  { cwd: ROOT, env: { ...process.env, CANARYLAB_RUNS_DIR: join(tmp, 'runs') }, encoding: 'utf8' },
);
if (r.status !== 0) {
  process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
  rmSync(tmp, { recursive: true, force: true });
  process.exit(1);
}
const { seconds, results } = JSON.parse(readFileSync(jsonFile, 'utf8')) as {
  seconds: number;
  results: Array<{ name: string; seconds: number }>;
};
console.log(
  `notebook benchmark (load average ${load.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after): ` +
    `${results.length} notebooks in ${seconds.toFixed(1)} s, target ${TARGET_S} s, ratio ${(seconds / TARGET_S).toFixed(2)}`,
);
for (const n of results) console.log(`  ${n.name}: ${n.seconds.toFixed(1)} s`);
rmSync(tmp, { recursive: true, force: true });
