/**
 * The pipeline does not import the simulator: it starts it through the `startSimulator` option (the
 * package's runPipeline in src/index.ts passes the real one). Without the option a config that needs the
 * simulator fails before anything is written; with it, the given starter is the one used, once, and the
 * simulator it started is closed at the end.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEvalConfig } from '../../src/config/evalConfig';
import {
  runPipeline,
  type SimulatorStarter,
  SimulatorStarterMissingError,
} from '../../src/pipeline/runPipeline';
import { startSimulator } from '../../src/sim/server';

const dir = mkdtempSync(join(tmpdir(), 'canarylab-starter-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = join(dir, 'eval.yaml');
writeFileSync(
  file,
  `simulator:
  seed: 11
  models:
    prim: { latency: { p50Ms: 2, p95Ms: 4 }, answers: 175b_verification }
    can: { latency: { p50Ms: 2, p95Ms: 4 }, answers: 6b_verification }
arms:
  primary: { model: prim, price: { blendedPer1M: 1 } }
  canary: { model: can, price: { blendedPer1M: 1 } }
dataset: { gsm8k: { limit: 4 } }
scorers: [ { type: numeric } ]
`,
);

describe('runPipeline and the simulator starter', () => {
  it('without startSimulator, refuses a config that needs the simulator, naming the option, before writing', async () => {
    const outDir = join(dir, 'runs-none');
    const run = runPipeline({ config: await loadEvalConfig(file), outDir, runId: 'r' });
    await expect(run).rejects.toBeInstanceOf(SimulatorStarterMissingError);
    await expect(run).rejects.toMatchObject({ code: 'CANARYLAB_ERR_INVALID_ARG' });
    await expect(run).rejects.toThrow(/`startSimulator`/);
    expect(existsSync(outDir)).toBe(false);
  });

  it('starts the simulator with the given starter, once, with the section settings, and closes it', async () => {
    const seen: Array<Parameters<SimulatorStarter>[0]> = [];
    let closed = 0;
    const starter: SimulatorStarter = async (settings) => {
      seen.push(settings);
      const sim = await startSimulator(settings);
      return {
        baseURL: sim.baseURL,
        close: async () => {
          closed++;
          await sim.close();
        },
      };
    };
    const r = await runPipeline({
      config: await loadEvalConfig(file),
      outDir: join(dir, 'runs'),
      runId: 's',
      startSimulator: starter,
    });
    expect(seen).toHaveLength(1);
    // The config's seed and models, on loopback with an ephemeral port (simulatorOptions' documented defaults).
    expect(seen[0]).toMatchObject({ seed: 11, host: '127.0.0.1', port: 0 });
    expect(Object.keys(seen[0].models ?? {})).toEqual(['prim', 'can']);
    expect(closed).toBe(1);
    // 4 items × 2 arms, all answered by the injected simulator.
    const calls = readFileSync(join(r.runDir, 'calls.jsonl'), 'utf8').trim().split('\n');
    expect(calls).toHaveLength(8);
    expect(r.manifest.arms.primary.simulated).toBe(true);
    expect(r.manifest.arms.canary.simulated).toBe(true);
  });
});
