import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEvalConfig } from '../../src/config/evalConfig';
import { type Simulator, startSimulator } from '../../src/sim/server';
import { runCli, tempDir, writeConfig } from './cliHelpers';

const dir = tempDir('usage');

describe('usage errors exit 2', () => {
  it.each([
    [['bogus'], "error: unknown command 'bogus'"],
    [[], 'Usage: canarylab'],
    [['run', '--config', 'x.yaml', '--limit', '0'], '--limit must be an integer >= 1'],
  ])('canarylab %j', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });
});

describe('config errors exit 1 before any call', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 1, models: { a: { latency: { p50Ms: 1, p95Ms: 2 } }, b: {} } });
  });
  afterAll(() => sim.close());

  it('an invalid config names the file, the line and the field; no run folder is created', async () => {
    const cfg = writeConfig(
      dir,
      'bad.yaml',
      `arms:
  primary: { model: a, baseURL: ${sim.baseURL}, price: { blendedPer1M: 1 } }
  canary: { model: b, baseURL: ${sim.baseURL}, price: { blendedPer1M: -1 } }
dataset: { gsm8k: { limit: 5 } }
repeats: 0
`,
    );
    const out = join(dir, 'bad-runs');
    const r = await runCli(['run', '--config', cfg, '--out', out, '--exit-code']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`canarylab: ${cfg}: invalid configuration`);
    expect(r.stderr).toContain('arms.canary.price.blendedPer1M (line 3): expected a number >= 0');
    expect(r.stderr).toContain('repeats (line 5): expected a number > 0');
    expect(existsSync(out)).toBe(false);
    expect(sim.stats().requests).toBe(0);
  });

  it('a missing API key variable names the field and the variable; no call reaches the endpoint', async () => {
    const cfg = writeConfig(
      dir,
      'nokey.yaml',
      `arms:
  primary: { model: a, baseURL: ${sim.baseURL}, apiKeyEnv: CANARYLAB_TEST_PRIMARY_KEY, price: { blendedPer1M: 1 } }
  canary: { model: b, baseURL: ${sim.baseURL}, apiKeyEnv: CANARYLAB_TEST_CANARY_KEY, price: { blendedPer1M: 1 } }
dataset: { gsm8k: { limit: 5 } }
`,
    );
    const out = join(dir, 'nokey-runs');
    const r = await runCli(['run', '--config', cfg, '--out', out], {
      env: { CANARYLAB_TEST_PRIMARY_KEY: 'sk-primary-0123456789', CANARYLAB_TEST_CANARY_KEY: undefined },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'arms.canary.apiKeyEnv: environment variable CANARYLAB_TEST_CANARY_KEY is not set (it is read at run time and never stored)',
    );
    expect(r.stderr).not.toContain('sk-primary-0123456789');
    expect(existsSync(out)).toBe(false);
    expect(sim.stats().requests).toBe(0);
  });
});

describe('canarylab init', () => {
  it('writes a config that loadEvalConfig accepts, and refuses to overwrite it', async () => {
    const file = join(dir, 'init', 'eval.yaml');
    const r = await runCli(['init', '--out', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`wrote ${file}`);
    const loaded = await loadEvalConfig(file);
    expect(loaded.config.arms.primary.apiKeyEnv).toBe('OPENAI_API_KEY');
    expect(loaded.config.arms.canary.baseURLEnv).toBe('OPENAI_BASE_URL');
    const before = readFileSync(file, 'utf8');
    const again = await runCli(['init', '--out', file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`${file} already exists: not overwritten`);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});
