import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'canarylab.cjs');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts the real CLI (bin/canarylab.cjs, as `npx canarylab` would) in its own process. */
export function startCli(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): {
  child: ChildProcess;
  done: Promise<CliResult>;
} {
  // CANARYLAB_FROM_SOURCE: the bin runs src/ through tsx, so these tests check the source being edited rather
  // than the last `npm run build`; the compiled command is tested from the packed tarball (test/package/).
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', CANARYLAB_FROM_SOURCE: '1', ...opts.env };
  // Variables a test removes are passed as undefined: delete them so the child does not inherit them.
  for (const [k, v] of Object.entries(opts.env ?? {})) if (v === undefined) delete env[k];
  const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** Runs the CLI to completion. */
export function runCli(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CliResult> {
  return startCli(args, opts).done;
}

/** A fresh temporary folder. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `canarylab-${prefix}-`));
}

/** Writes a file and returns its path. */
export function writeConfig(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/**
 * A config on the in-process simulator with fast latencies, replaying GSM8K answers: the primary
 * 175b_verification (56% correct), the canary 6b_verification (39% correct).
 */
export function simConfig(opts: {
  items: number;
  canaryFaults?: string;
  policy?: string;
  latency?: string;
  concurrency?: number;
  extra?: string;
}): string {
  const latency = opts.latency ?? '{ p50Ms: 5, p95Ms: 10 }';
  return `simulator:
  seed: 7
  models:
    prim: { latency: ${latency}, answers: 175b_verification }
    can: { latency: ${latency}, answers: 6b_verification${opts.canaryFaults ? `, faults: ${opts.canaryFaults}` : ''} }
arms:
  primary: { model: prim, price: { blendedPer1M: 8 } }
  canary: { model: can, price: { blendedPer1M: 2 }${opts.canaryFaults ? ', retry: { maxAttempts: 1 }' : ''} }
dataset: { gsm8k: { limit: ${opts.items} } }
scorers: [ { type: numeric } ]
concurrency: ${opts.concurrency ?? 32}
${opts.policy ?? ''}
${opts.extra ?? ''}
`;
}

/**
 * A policy whose gates a small run can decide: success rate above 90% and P50 latency below 3 s (both
 * required). With 40 of 40 calls ok the success rate's 95% interval starts above 0.91 (Wilson: 40/(40+1.96²)
 * = 0.912; Clopper–Pearson: 0.025^(1/40) = 0.912), so it passes; with about half failing it lies wholly below 0.9.
 * Latency intervals are distribution-free order-statistic intervals: a 95% upper bound for the P95 needs
 * 0.95^n ≤ 0.025, n ≥ 72 calls, so 40 calls cannot decide a P95 gate; the P50's needs 0.5^n ≤ 0.025, n ≥ 6.
 * The simulated canary really is worse on quality (39% vs 56% correct); since sequential monitoring tests
 * quality paired (issue 17) it shows that harm even at 40 items (−27.5 points, always-valid p = 0.014), so
 * this policy, which deliberately gates on success and latency only, turns `blockOnHarm` off.
 */
export const SMALL_POLICY = `policy:
  gates:
    - { name: success rate, metric: success_rate, kind: absolute, direction: above, threshold: 0.9, severity: required }
    - { name: P50 latency, metric: latency_p50_ms, kind: absolute, direction: below, threshold: 3000, severity: required }
  plan:
    - { stage: shadow, trafficPercent: 0, shadowPercent: 5 }
    - { stage: flag, trafficPercent: 5 }
  sequential: { blockOnHarm: false }
`;
