import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, simConfig, startCli, tempDir, writeConfig } from './cliHelpers';

const dir = tempDir('resume');
const lines = (file: string) =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
    : [];

describe('canarylab run --resume after kill -9', () => {
  it('continues the killed run and ends with exactly one record per (item, arm, repeat)', async () => {
    // 80 items × 2 arms, ~65 ms per call, 6 in flight: about 2 s of calls, so the kill lands mid-run.
    const cfg = writeConfig(
      dir,
      'resume.yaml',
      simConfig({ items: 80, latency: '{ p50Ms: 60, p95Ms: 90 }', concurrency: 6 }),
    );
    const out = join(dir, 'runs');
    const callsFile = join(out, 'r1', 'calls.jsonl');
    const first = startCli(['run', '--config', cfg, '--out', out, '--run-id', 'r1']);
    const deadline = Date.now() + 30_000;
    while (lines(callsFile).length < 30 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    const before = lines(callsFile).length;
    expect(before).toBeGreaterThanOrEqual(30);
    expect(before).toBeLessThan(160);
    expect(JSON.parse(readFileSync(join(out, 'r1', 'run.json'), 'utf8')).status).toBe('running');

    // The same command without --resume refuses to mix into the folder.
    const refused = await runCli(['run', '--config', cfg, '--out', out, '--run-id', 'r1']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already holds a run: pass --resume to continue it');

    // --resume without --run-id finds the latest run of this config.
    const resumed = await runCli(['run', '--config', cfg, '--out', out, '--resume']);
    expect(resumed.stderr).not.toMatch(/canarylab: /);
    expect(resumed.code).toBe(0);
    const m = /calls: 160 planned, (\d+) resumed, (\d+) sent/.exec(resumed.stderr);
    expect(m).not.toBeNull();
    // A torn last line (if the kill cut one) is dropped, so at most `before` calls were kept.
    expect(Number(m?.[1])).toBeGreaterThanOrEqual(before - 1);
    expect(Number(m?.[1]) + Number(m?.[2])).toBe(160);
    const records = lines(callsFile).map(
      (l) => JSON.parse(l) as { itemId: string; arm: string; repeat: number },
    );
    expect(records).toHaveLength(160);
    expect(new Set(records.map((r) => `${r.itemId}|${r.arm}|${r.repeat}`)).size).toBe(160);
    const manifest = JSON.parse(readFileSync(join(out, 'r1', 'run.json'), 'utf8'));
    expect(manifest.status).toBe('finished');
    expect(lines(join(out, 'r1', 'scores.jsonl'))).toHaveLength(160);
    expect(existsSync(join(out, 'r1', 'report.html'))).toBe(true);
  });
});
