import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/sim/server';
import type { CallRecord } from '../../src/types';

const ROOT = join(__dirname, '..', '..');
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({
    seed: 3,
    models: {
      'sim-primary': { latency: { p50Ms: 15, p95Ms: 30 }, answers: 'template' },
      'sim-canary': { latency: { p50Ms: 15, p95Ms: 30 }, answers: 'template' },
    },
  });
});
afterAll(async () => {
  await sim.close();
});

const runChild = (out: string): ChildProcess =>
  spawn(
    process.execPath,
    // --import tsx runs in this one process (the tsx CLI would fork a child that SIGKILL would not reach).
    ['--import', 'tsx', join(__dirname, 'child/runChild.ts'), sim.baseURL, out, 'k'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
const lines = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : []);

describe('crash safety: kill -9 mid-run, rerun, exactly-once records', () => {
  it('resumes without re-sending finished calls', async () => {
    const out = mkdtempSync(join(tmpdir(), 'canarylab-kill-'));
    const file = join(out, 'k', 'calls.jsonl');
    const child = runChild(out);
    // Wait until about a third of the 400 calls are recorded, then SIGKILL (no chance to flush or clean up).
    const deadline = Date.now() + 30_000;
    while (lines(file).length < 130 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const recordedAtKill = lines(file).length;
    expect(recordedAtKill).toBeGreaterThan(100);
    expect(recordedAtKill).toBeLessThan(400);
    const servedAtKill = sim.stats().requests;

    const again = runChild(out);
    let stdout = '';
    again.stdout?.on('data', (d) => {
      stdout += d;
    });
    const code = await new Promise((r) => again.once('exit', r));
    expect(code).toBe(0);
    expect(stdout).toContain('finished');
    const recs = lines(file).map((l) => JSON.parse(l) as CallRecord);
    expect(recs).toHaveLength(400);
    expect(new Set(recs.map((r) => `${r.itemId}/${r.arm}/${r.repeat}`)).size).toBe(400);
    // Served after the kill = the units not recorded before it: nothing recorded was sent again.
    const servedAfter = sim.stats().requests - servedAtKill;
    expect(servedAfter).toBe(400 - recordedAtKill);
    // In total at most `concurrency` (4) calls were sent twice: the ones in flight when killed. Records are
    // group-committed (one write per event-loop turn), but a call keeps its concurrency slot until its record
    // is written, so "in flight" includes a finished call whose line was not yet written — still at most 4.
    // A record counted in recordedAtKill was in the file, hence never re-sent (servedAfter above).
    expect(sim.stats().requests - 400).toBeLessThanOrEqual(4);
  }, 60_000);
});
