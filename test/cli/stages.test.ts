import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/sim/server';
import { runCli, SMALL_POLICY, tempDir, writeConfig } from './cliHelpers';

const dir = tempDir('stages');
const KEY = 'sk-canarylab-test-0123456789abcdef';

/** Every file under a folder, recursively. */
function filesUnder(d: string): string[] {
  return readdirSync(d).flatMap((n) =>
    statSync(join(d, n)).isDirectory() ? filesUnder(join(d, n)) : [join(d, n)],
  );
}

describe('a run against an external OpenAI-compatible endpoint, then each stage alone', () => {
  let sim: Simulator;
  beforeAll(async () => {
    // A separate endpoint that demands the key, like a real provider.
    sim = await startSimulator({
      seed: 3,
      apiKey: KEY,
      models: {
        'model-a': { latency: { p50Ms: 5, p95Ms: 10 }, answers: '175b_verification' },
        'model-b': { latency: { p50Ms: 5, p95Ms: 10 }, answers: '6b_verification' },
      },
    });
  });
  afterAll(() => sim.close());

  it('exits 10 on hold; the key is sent but written nowhere; analyze, decide and report re-run from the files', async () => {
    const cfg = writeConfig(
      dir,
      'ext.yaml',
      `arms:
  primary: { model: model-a, baseURL: ${sim.baseURL}, apiKeyEnv: CANARYLAB_TEST_KEY, price: { blendedPer1M: 8 } }
  canary: { model: model-b, baseURL: ${sim.baseURL}, apiKeyEnv: CANARYLAB_TEST_KEY, price: { blendedPer1M: 2 } }
dataset: { gsm8k: { limit: 40 } }
scorers: [ { type: numeric } ]
concurrency: 16
`,
    );
    const out = join(dir, 'runs');
    const env = { CANARYLAB_TEST_KEY: KEY };
    // The playbook's policy: 40 calls cannot show a success rate above 99.5% (interval from ~91%), so hold.
    const r = await runCli(['run', '--config', cfg, '--out', out, '--run-id', 'h1', '--exit-code'], { env });
    expect(r.stderr).not.toMatch(/canarylab: /);
    expect(r.code).toBe(10);
    expect(r.stdout).toContain('verdict: HOLD');
    expect(r.stdout).toMatch(/success rate\s+required\s+inconclusive/);
    expect(sim.stats().rejected.unauthorized).toBe(0);
    expect(sim.stats().byModel['model-b'].ok).toBe(40);
    const runDir = join(out, 'h1');
    for (const f of filesUnder(runDir)) expect(readFileSync(f, 'utf8'), f).not.toContain(KEY);
    expect(r.stdout + r.stderr).not.toContain(KEY);
    const manifest = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
    expect(manifest.arms.canary).toEqual({
      model: 'model-b',
      baseURL: sim.baseURL,
      apiKeyEnv: 'CANARYLAB_TEST_KEY',
    });

    // decide alone: exit 0 without --exit-code whatever the verdict.
    const d0 = await runCli(['decide', runDir]);
    expect(d0.code).toBe(0);
    expect(d0.stdout).toContain('verdict: HOLD');
    // With another policy (gates a small run can decide) the same comparisons promote.
    const policy = writeConfig(
      dir,
      'small-policy.yaml',
      SMALL_POLICY.replace(/^policy:\n/, '').replace(/^ {2}/gm, ''),
    );
    const d1 = await runCli(['decide', runDir, '--policy', policy, '--exit-code', '--json']);
    expect(d1.code).toBe(0);
    expect(JSON.parse(d1.stdout)).toMatchObject({ verdict: 'promote', nextStage: 'flag' });
    expect(JSON.parse(readFileSync(join(runDir, 'decision.json'), 'utf8')).verdict).toBe('promote');

    // analyze alone rewrites comparison.json from the records.
    writeFileSync(join(runDir, 'comparison.json'), '{}');
    const a = await runCli(['analyze', runDir]);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/success_rate\s+100\.00%\s+100\.00%/);
    expect(JSON.parse(readFileSync(join(runDir, 'comparison.json'), 'utf8')).runId).toBe('h1');

    // report alone: charts and report.html from the files.
    const rp = await runCli(['report', runDir]);
    expect(rp.code).toBe(0);
    expect(rp.stdout).toBe(`report: ${join(runDir, 'report.html')}\n`);
    expect(readFileSync(join(runDir, 'report.html'), 'utf8')).toContain('model-b');
  });
});

describe('canarylab analyze <logs.jsonl> and decide --canary-share', () => {
  it('imports routing logs, analyses them, and adds the sample-ratio check to the decision', async () => {
    // 34 users on the primary, 6 on the canary, against a configured 50% share: a clear mismatch
    // (χ² = (34−20)²/20 + (6−20)²/20 = 19.6 with 1 df, p ≈ 9.5e-6 < 0.001).
    const logs: string[] = [];
    const t0 = Date.parse('2025-06-01T12:00:00Z');
    for (let u = 0; u < 40; u++) {
      const canary = u >= 34;
      logs.push(
        JSON.stringify({
          userId: `u${u}`,
          model: canary ? 'gemini-2.5-flash' : 'gpt-4.1',
          latency: 400 + u,
          success: true,
          timestamp: new Date(t0 + u * 1000).toISOString(),
          routedTo: canary ? 'canary' : 'primary',
        }),
      );
    }
    logs.splice(5, 0, '{ not json');
    const file = join(dir, 'routing.jsonl');
    writeFileSync(file, `${logs.join('\n')}\n`);
    const out = join(dir, 'imported');
    const strict = await runCli(['analyze', file, '--out', out]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain(`${file}:6:`);
    const a = await runCli(['analyze', file, '--out', out, '--skip-invalid']);
    expect(a.stderr).not.toMatch(/canarylab: /);
    expect(a.code).toBe(0);
    expect(a.stderr).toContain('skipped 1 malformed line(s)');
    expect(a.stdout).toContain('success_rate');
    // The count reaches the analysis notes, which the report shows.
    const comparison = JSON.parse(readFileSync(join(out, 'routing', 'comparison.json'), 'utf8'));
    expect(comparison.notes).toContain(
      `1 malformed log line(s) of ${file} were skipped (--skip-invalid) and are not in this analysis.`,
    );
    const d = await runCli(['decide', join(out, 'routing'), '--canary-share', '0.5', '--json']);
    expect(d.code).toBe(0);
    const decision = JSON.parse(d.stdout);
    expect(decision.srm).toMatchObject({
      observed: { primary: 34, canary: 6 },
      mismatch: true,
      unit: 'users',
    });
    expect(decision.verdict).not.toBe('promote');
  });
});
