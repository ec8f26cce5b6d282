/**
 * Issue 16, defect 1: maxCostUsd is a hard cap — at concurrency 64 and 256, with and without the judge,
 * across kill -9 and --resume — and the run stops cleanly with "budget reached" and exit status 3.
 *
 * Hand-derived numbers: the scripted server reports 40 prompt + 8 completion tokens per call, priced at
 * $1000 per 1M tokens in and out, so every call (arm or judge) costs exactly 48 × 1000 / 1e6 = $0.048.
 * An arm call's reserved worst case: prompt bound = 64 (request) + 16 (message) + 4 ("user") + the
 * prompt's bytes ("Question 12: what is 2 + 2?" = 27) = 111 tokens, plus max_tokens 50 = 161 tokens
 * = $0.161 (items 0–9 have one byte less). The ledger stops only when the next worst case does not fit
 * with nothing in flight, so the spend ends within (cap − 0.161, cap].
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  calls,
  readJson,
  recordedSpend,
  relConfig,
  runCli,
  startCli,
  tempDir,
  unitCounts,
  waitForLines,
  writeItems,
} from './helpers';
import { type ScriptedServer, startScriptedServer } from './scriptedServer';

const KEY = 'sk-rel-spendcap-0123456789abcdef';
const PER_CALL = 0.048;
const WORST_ARM_CALL = 0.161;
let server: ScriptedServer;
let slow: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer({ latencyMs: 5 });
  slow = await startScriptedServer({ latencyMs: 25 });
});
afterAll(async () => {
  await server.close();
  await slow.close();
});

const env = (s: ScriptedServer) => ({ BASE_URL: s.baseURL, REL_KEY: KEY });
const allUnique = (runDir: string) => [...unitCounts(runDir).values()].every((n) => n === 1);

describe('spend cap (maxCostUsd) is a hard cap', () => {
  it('concurrency 64, no judge: stops within the cap with exit 3, keeps its spend across --resume, continues with --max-cost', async () => {
    const dir = tempDir('cap64');
    const cfg = join(dir, 'eval.yaml');
    writeFileSync(cfg, relConfig({ items: writeItems(dir, 100), concurrency: 64, maxCostUsd: 2 }));
    const out = join(dir, 'runs');
    const runDir = join(out, 'r');
    const first = await runCli(['run', '--config', cfg, '--out', out, '--run-id', 'r'], env(server));
    expect(first.code, first.stderr).toBe(3);
    expect(first.stderr).toContain('budget reached');
    const spent = recordedSpend(runDir).total;
    expect(spent).toBeLessThanOrEqual(2);
    // Not needlessly conservative: it stops only when the next worst case ($0.161) no longer fits.
    expect(spent).toBeGreaterThan(2 - WORST_ARM_CALL - PER_CALL);
    expect(allUnique(runDir)).toBe(true);
    const manifest = readJson(join(runDir, 'run.json'));
    expect(manifest.status).toBe('stopped');
    expect(String(manifest.stopReason)).toContain('budget reached');
    const report = readFileSync(join(runDir, 'report.html'), 'utf8');
    expect(report).toContain('Budget reached');

    // --resume with the same cap: the spend of the records counts, nothing more is sent.
    const served = server.requests();
    const again = await runCli(['run', '--config', cfg, '--out', out, '--resume'], env(server));
    expect(again.code, again.stderr).toBe(3);
    expect(server.requests()).toBe(served);
    expect(recordedSpend(runDir).total).toBeCloseTo(spent, 12);

    // A larger cap continues the same run to the end: 200 units, each once; 200 × $0.048 = $9.60.
    const done = await runCli(
      ['run', '--config', cfg, '--out', out, '--resume', '--max-cost', '100'],
      env(server),
    );
    expect(done.code, done.stderr).toBe(0);
    expect(unitCounts(runDir).size).toBe(200);
    expect(allUnique(runDir)).toBe(true);
    expect(recordedSpend(runDir).total).toBeCloseTo(200 * PER_CALL, 9);
    expect(readJson(join(runDir, 'run.json')).status).toBe('finished');
  }, 240_000);

  it('concurrency 256 with the judge (single and pairwise): the judge calls count and stop at the cap', async () => {
    const dir = tempDir('cap256j');
    const cfg = join(dir, 'eval.yaml');
    // 60 items: 120 arm calls ($5.76) fit in the $10 cap; the 240 judge calls ($11.52) do not.
    writeFileSync(
      cfg,
      relConfig({ items: writeItems(dir, 60), concurrency: 256, maxCostUsd: 10, judge: true }),
    );
    const out = join(dir, 'runs');
    const runDir = join(out, 'j');
    const r = await runCli(['run', '--config', cfg, '--out', out, '--run-id', 'j'], env(server));
    expect(r.code, r.stderr).toBe(3);
    const spent = recordedSpend(runDir);
    expect(spent.calls).toBeCloseTo(120 * PER_CALL, 9);
    expect(spent.judge).toBeGreaterThan(0);
    expect(spent.total).toBeLessThanOrEqual(10);
    expect(allUnique(runDir)).toBe(true);
    expect(readJson(join(runDir, 'run.json')).status).toBe('stopped');
  }, 240_000);

  for (const c of [
    { concurrency: 256, judge: false, items: 300, cap: 12, seed: 0.37 },
    { concurrency: 64, judge: true, items: 120, cap: 14, seed: 0.61 },
  ]) {
    it(`concurrency ${c.concurrency}${c.judge ? ' with the judge' : ''}: kill -9 mid-run, --resume: recorded spend ≤ cap`, async () => {
      const dir = tempDir('capkill');
      const cfg = join(dir, 'eval.yaml');
      writeFileSync(
        cfg,
        relConfig({
          items: writeItems(dir, c.items),
          concurrency: c.concurrency,
          maxCostUsd: c.cap,
          judge: c.judge,
        }),
      );
      const out = join(dir, 'runs');
      const runDir = join(out, 'k');
      const first = startCli(['run', '--config', cfg, '--out', out, '--run-id', 'k'], env(slow));
      // Killed after a seeded share of the calls the cap allows (cap / $0.048).
      const target = Math.max(5, Math.floor(c.seed * Math.floor(c.cap / PER_CALL)));
      await waitForLines(join(runDir, 'calls.jsonl'), target, 120_000);
      first.child.kill('SIGKILL');
      expect((await first.done).signal).toBe('SIGKILL');
      const atKill = calls(runDir).length;
      expect(atKill).toBeGreaterThan(0);
      const second = await runCli(
        ['run', '--config', cfg, '--out', out, '--run-id', 'k', '--resume'],
        env(slow),
      );
      expect([0, 3], second.stderr).toContain(second.code);
      expect(second.code, second.stderr).toBe(3);
      const spent = recordedSpend(runDir).total;
      expect(spent).toBeLessThanOrEqual(c.cap);
      expect(spent).toBeGreaterThan(c.cap - 2); // most of the budget was used (a judge call's worst case is < $2)
      expect(allUnique(runDir)).toBe(true);
    }, 240_000);
  }
});
