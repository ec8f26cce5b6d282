// Start-up of the canarylab command: the compiled bin (dist/cli.js, what an installed package runs) against
// the same source run through tsx (CANARYLAB_FROM_SOURCE=1), interleaved in one process so both see the
// same machine load. Reports wall and CPU time per command and the ratio source / compiled.
// Run: npx tsx bench/startup-bench.ts [runs=15]   (part of `npm run bench`; builds dist/ first)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bin', 'canarylab.cjs');
const runs = Number(process.argv[2] ?? 15);

execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'ignore' });

// A small real run folder for `analyze` (the demo config, 100 items, simulator in-process).
const out = mkdtempSync(join(tmpdir(), 'canarylab-startup-bench-'));
execFileSync(
  process.execPath,
  [BIN, 'run', '--config', 'datasets/demo/eval.yaml', '--limit', '100', '--out', out],
  {
    cwd: ROOT,
    stdio: 'ignore',
  },
);
const runDir = join(out, readdirSync(out).find((d) => d !== 'history') ?? '');

interface Sample {
  wallMs: number;
  cpuMs: number;
}

/** One run of the bin (with its shebang's V8 flags, as `npx canarylab` runs it). */
function once(args: string[], fromSource: boolean): Sample {
  const env = { ...process.env, CANARYLAB_FROM_SOURCE: fromSource ? '1' : '0' };
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', BIN, ...args], { cwd: ROOT, env, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`canarylab ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const [user, sys] = r.stderr.trim().split('\n').pop()?.split(' ').map(Number) ?? [Number.NaN, Number.NaN];
  return { wallMs, cpuMs: (user + sys) * 1000 };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

const commands: Array<[string, string[]]> = [
  ['--version', ['--version']],
  ['analyze <run folder>', ['analyze', runDir]],
];
console.log(`start-up, ${runs} runs each, interleaved; load average ${loadavg()[0].toFixed(2)}`);
console.log('command                 compiled wall / CPU     source (tsx) wall / CPU   ratio (wall)');
for (const [label, args] of commands) {
  once(args, false); // warm the file cache
  once(args, true);
  const compiled: Sample[] = [];
  const source: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    compiled.push(once(args, false));
    source.push(once(args, true));
  }
  const c = { wall: mean(compiled.map((s) => s.wallMs)), cpu: mean(compiled.map((s) => s.cpuMs)) };
  const s = { wall: mean(source.map((x) => x.wallMs)), cpu: mean(source.map((x) => x.cpuMs)) };
  console.log(
    `${label.padEnd(22)}  ${c.wall.toFixed(0).padStart(6)} / ${c.cpu.toFixed(0).padStart(5)} ms    ${s.wall
      .toFixed(0)
      .padStart(6)} / ${s.cpu.toFixed(0).padStart(5)} ms       ${(s.wall / c.wall).toFixed(2)}`,
  );
}
console.log(`load average after: ${loadavg()[0].toFixed(2)}`);
rmSync(out, { recursive: true, force: true });
