/**
 * Issue 16, defect 3: one writer per run folder. Two real CLI processes on one folder: the second gets a
 * clear error and exit 1, and no call is sent twice; a lock left by a killed process is stale and taken
 * over by the next --resume.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  calls,
  lineCount,
  relConfig,
  runCli,
  startCli,
  tempDir,
  unitCounts,
  waitForLines,
  writeItems,
} from './helpers';
import { type ScriptedServer, startScriptedServer } from './scriptedServer';

const KEY = 'sk-rel-lock-0123456789abcdef';
let server: ScriptedServer;
beforeAll(async () => {
  // 40 ms per call at concurrency 4: 200 calls take about 2 s, long enough for a second process to collide.
  server = await startScriptedServer({ latencyMs: 40 });
});
afterAll(async () => {
  await server.close();
});
const env = () => ({ BASE_URL: server.baseURL, REL_KEY: KEY });

describe('one writer per run folder (real concurrent processes)', () => {
  it('kill -9, then two --resume at once: one continues, the other exits 1 naming the holder; nothing is sent twice', async () => {
    const dir = tempDir('lock');
    const cfg = join(dir, 'eval.yaml');
    writeFileSync(cfg, relConfig({ items: writeItems(dir, 100), concurrency: 4 }));
    const out = join(dir, 'runs');
    const runDir = join(out, 'r');
    const file = join(runDir, 'calls.jsonl');

    const first = startCli(['run', '--config', cfg, '--out', out, '--run-id', 'r'], env());
    await waitForLines(file, 30, 120_000);
    // From now on 300 ms per call: the 170 calls left take ≥ 12 s, so the run surely outlives the checks below.
    server.setLatency(300);
    // While it runs, the lock holds its pid and host, and a second process is refused.
    const lock = JSON.parse(readFileSync(join(runDir, '.lock'), 'utf8')) as { pid: number; host: string };
    expect(lock).toMatchObject({ pid: first.child.pid, host: hostname() });
    const [decide, analyze] = await Promise.all([
      runCli(['decide', runDir], env()),
      runCli(['analyze', runDir], env()),
    ]);
    for (const r of [decide, analyze]) {
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`is being written by process ${first.child.pid} on ${hostname()} (run`);
    }

    first.child.kill('SIGKILL');
    await first.done;
    // The killed process could not remove its lock: it is stale now.
    expect(existsSync(join(runDir, '.lock'))).toBe(true);
    const recordedAtKill = calls(runDir).length;
    const servedAtKill = server.requests();
    // Slower answers from now on, so the two resumers surely overlap (about 170 calls × 150 ms / 4).
    server.setLatency(150);

    const [a, b] = await Promise.all([
      runCli(['run', '--config', cfg, '--out', out, '--run-id', 'r', '--resume'], env()),
      runCli(['run', '--config', cfg, '--out', out, '--run-id', 'r', '--resume'], env()),
    ]);
    const codes = [a.code, b.code].sort();
    expect(codes, `${a.stderr}\n---\n${b.stderr}`).toEqual([0, 1]);
    const loser = a.code === 1 ? a : b;
    expect(loser.stderr).toMatch(
      /is being written by process \d+ on .*only one process may write a run folder/,
    );
    // Exactly one record per unit, and the endpoint was paid once for each unit not recorded at the kill
    // (a torn last line, if the kill cut one, is sent again: at most one more).
    expect(lineCount(file)).toBe(200);
    expect([...unitCounts(runDir).values()].every((n) => n === 1)).toBe(true);
    const servedAfter = server.requests() - servedAtKill;
    expect(servedAfter).toBeGreaterThanOrEqual(200 - recordedAtKill);
    expect(servedAfter).toBeLessThanOrEqual(200 - recordedAtKill + 1);
    server.setLatency(40);
    // The winner released its lock.
    expect(existsSync(join(runDir, '.lock'))).toBe(false);
  }, 240_000);
});
