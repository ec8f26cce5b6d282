/**
 * Times our BCa bootstrap of a P95 difference against scipy.stats.bootstrap on the same data and prints both
 * intervals, both times and their ratio. Two arms of 10,000 seeded lognormal latencies, 9999 resamples.
 *
 *   npx tsx bench/scipy_bootstrap_compare.ts            (unpaired, the canary-vs-primary case)
 *   npx tsx bench/scipy_bootstrap_compare.ts --paired   (same prompts in both arms)
 *
 * scipy runs under /usr/bin/python3 (Debian's python3-scipy), vectorised with batch=500; when it is not
 * there, only our time is printed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrapCI, quantileStatistic } from '../src/stats/bootstrapCI';
import { createRng } from '../src/stats/random';

const PYTHON = '/usr/bin/python3';
const paired = process.argv.includes('--paired');
const n = 10_000;
const resamples = 9999;

const rng = createRng(1);
const arm = (median: number) => Array.from({ length: n }, () => median * Math.exp(0.6 * rng.normal()));
const primary = arm(0.8);
const canary = arm(0.84);

const statistic = quantileStatistic(0.95, (p, c) => c - p);
const run = () =>
  bootstrapCI({ samples: [primary, canary], statistic, method: 'bca', resamples, paired, seed: 1 });
run(); // warm up the JIT
const times: number[] = [];
let ours = run();
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  ours = run();
  times.push((performance.now() - t0) / 1000);
}
times.sort((a, b) => a - b);
const oursTime = times[2];
console.log(
  `data: 2 arms x ${n} lognormal latencies, ${paired ? 'paired' : 'unpaired'}, BCa, ${resamples} resamples`,
);
console.log(
  `canarylab bootstrapCI: [${ours.lower.toFixed(5)}, ${ours.upper.toFixed(5)}]  median of 5 runs ${oursTime.toFixed(3)} s`,
);

const script = `
import json, sys, time
import numpy as np
from scipy import stats
import scipy
d = json.load(open(sys.argv[1]))
x, y = np.asarray(d["primary"]), np.asarray(d["canary"])
def p95diff(a, b, axis=-1):
    return np.percentile(b, 95, axis=axis) - np.percentile(a, 95, axis=axis)
t0 = time.perf_counter()
r = stats.bootstrap((x, y), p95diff, n_resamples=${resamples}, batch=500, method="BCa", paired=${paired ? 'True' : 'False'},
                    vectorized=True, random_state=np.random.default_rng(1))
t = time.perf_counter() - t0
print(json.dumps({"seconds": t, "low": float(r.confidence_interval.low), "high": float(r.confidence_interval.high),
                  "scipy": scipy.__version__}))
`;

if (!existsSync(PYTHON)) {
  console.log(`scipy: ${PYTHON} not found, nothing to compare with`);
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), 'canarylab-bootstrap-'));
try {
  const dataFile = join(dir, 'data.json');
  writeFileSync(dataFile, JSON.stringify({ primary, canary }));
  const py = spawnSync(PYTHON, ['-c', script, dataFile], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (py.status !== 0) {
    console.log(`scipy: not available (${(py.stderr || '').trim().split('\n').pop()})`);
    process.exit(0);
  }
  const s = JSON.parse(py.stdout.trim().split('\n').pop() as string) as {
    seconds: number;
    low: number;
    high: number;
    scipy: string;
  };
  console.log(
    `scipy ${s.scipy} stats.bootstrap:  [${s.low.toFixed(5)}, ${s.high.toFixed(5)}]  ${s.seconds.toFixed(3)} s`,
  );
  const width = s.high - s.low;
  console.log(
    `end points differ by ${((100 * Math.abs(ours.lower - s.low)) / width).toFixed(2)}% / ${(
      (100 * Math.abs(ours.upper - s.high)) / width
    ).toFixed(2)}% of the interval width (Monte-Carlo error: different PRNGs)`,
  );
  console.log(`speed-up: scipy time / our time = ${(s.seconds / oursTime).toFixed(1)}x`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
