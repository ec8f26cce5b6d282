import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, SMALL_POLICY, simConfig, tempDir, writeConfig } from './cliHelpers';

const dir = tempDir('exit');

describe('canarylab run --exit-code (real processes, in-process simulator)', () => {
  it('exits 0 on promote and writes every file of the run folder', async () => {
    const cfg = writeConfig(dir, 'promote.yaml', simConfig({ items: 40, policy: SMALL_POLICY }));
    const out = join(dir, 'promote-runs');
    const r = await runCli(['run', '--config', cfg, '--out', out, '--run-id', 'p1', '--exit-code']);
    expect(r.stderr).not.toMatch(/canarylab: /);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('verdict: PROMOTE — promote to feature flag (5% of users)');
    expect(r.stdout).toMatch(/success rate\s+required\s+PASS\s+100\.00%/);
    const runDir = join(out, 'p1');
    expect(r.stdout).toContain(`report: ${join(runDir, 'report.html')}`);
    for (const f of [
      'calls.jsonl',
      'scores.jsonl',
      'items.jsonl',
      'run.json',
      'policy.json',
      'comparison.json',
      'decision.json',
      'report.html',
    ]) {
      expect(existsSync(join(runDir, f)), f).toBe(true);
    }
    expect(readdirSync(join(runDir, 'charts')).filter((f) => f.endsWith('.svg')).length).toBeGreaterThan(3);
    const calls = readFileSync(join(runDir, 'calls.jsonl'), 'utf8').trim().split('\n');
    expect(calls).toHaveLength(80);
    // items.jsonl: ids, references and meta, no prompt text.
    const items = readFileSync(join(runDir, 'items.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(items).toHaveLength(40);
    expect(Object.keys(items[0]).sort()).toEqual(['id', 'meta', 'reference']);
    const manifest = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
    expect(manifest).toMatchObject({
      runId: 'p1',
      status: 'finished',
      tool: { name: 'canarylab', version: JSON.parse(readFileSync('package.json', 'utf8')).version },
      dataset: { items: 40 },
      arms: { primary: { model: 'prim', simulated: true }, canary: { model: 'can', simulated: true } },
      stage: { stage: 'shadow', trafficPercent: 0, shadowPercent: 5 },
      repeats: 1,
    });
    expect(manifest.configHash).toMatch(/^[0-9a-f]{64}$/);
    // Evaluation cost = the sum of the calls' costs (no judge here).
    const spent = calls.map((l) => JSON.parse(l).costUsd as number).reduce((a, b) => a + b, 0);
    expect(manifest.evaluationCostUsd).toBeCloseTo(spent, 12);
    const decision = JSON.parse(readFileSync(join(runDir, 'decision.json'), 'utf8'));
    expect(decision).toMatchObject({ verdict: 'promote', nextStage: 'flag', trafficPercent: 5 });
  });

  it('exits 20 on rollback and prints the decision JSON on stdout with --json', async () => {
    // Half of the canary's calls fail (HTTP 500, no retry): the success rate's interval lies below 90%.
    const cfg = writeConfig(
      dir,
      'rollback.yaml',
      simConfig({ items: 40, policy: SMALL_POLICY, canaryFaults: '{ server_error: 0.5 }' }),
    );
    const r = await runCli(['run', '--config', cfg, '--out', join(dir, 'rb-runs'), '--exit-code', '--json']);
    expect(r.code).toBe(20);
    const decision = JSON.parse(r.stdout);
    expect(decision.verdict).toBe('rollback');
    expect(decision.gates.find((g: { gate: string }) => g.gate === 'success rate').status).toBe('fail');
    // The summary went to stderr, so stdout is nothing but the JSON.
    expect(r.stderr).toContain('verdict: ROLLBACK');
  });
});
