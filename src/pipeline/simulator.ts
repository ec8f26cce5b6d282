/**
 * The embedded simulator in a run: started (through the injected starter) when an arm or the judge has no
 * base URL, warmed up before the first recorded call, and described in run.json's notes.
 */
import { simulatorOptions } from '../config/resolveSimulator';
import type { ResolvedEndpoints } from '../config/types';
import type { ChatClient } from '../gateway/client';
import { loadTokenizer } from '../gateway/tokens';
import { SimulatorStarterMissingError } from './errors';
import type { RunContext, StartedSimulator } from './types';

/** An endpoint without a base URL is served by the simulator. */
export const simulated = (e: { baseURL?: string }): boolean => e.baseURL === undefined;

/** True when the config has a `simulator:` section and an arm or the judge has no base URL of its own. */
export function needsSimulator(ctx: Pick<RunContext, 'cfg'>, endpoints: ResolvedEndpoints): boolean {
  const needSim =
    simulated(endpoints.primary) ||
    simulated(endpoints.canary) ||
    (endpoints.judge && simulated(endpoints.judge));
  return Boolean(needSim && ctx.cfg.simulator);
}

/**
 * Starts the simulator of the config's `simulator:` section (loopback, ephemeral port) with the starter
 * given to the pipeline.
 * @throws {SimulatorStarterMissingError} when runPipeline was given no `startSimulator`
 */
export async function startRunSimulator(ctx: RunContext): Promise<StartedSimulator> {
  const { cfg, loaded, opts } = ctx;
  const start = opts.startSimulator;
  if (!start) throw new SimulatorStarterMissingError();
  const sim = await start(
    simulatorOptions(cfg.simulator as NonNullable<typeof cfg.simulator>, loaded.baseDir),
  );
  // The simulator counts tokens on every request: load the tokenizer (~0.3 s of blocking work) now, not
  // while the first calls are in flight, where it would add to their recorded latency.
  loadTokenizer();
  ctx.log(`simulator: in-process on ${sim.baseURL} (no network, no key)`);
  return sim;
}

/**
 * One unrecorded request per simulated model: the first requests pay for one-time work (tokenizer tables,
 * compiling the request paths, the answer file) that would otherwise be added to the recorded latency of
 * the first batch of calls.
 */
export async function warmUpSimulator(sim: StartedSimulator, clients: readonly ChatClient[]): Promise<void> {
  await Promise.all(
    clients
      .filter((c) => c.baseURL === sim.baseURL)
      .map((c) =>
        c
          .complete({
            messages: [{ role: 'user', content: 'canarylab warm-up' }],
            params: { max_tokens: 1 },
          })
          .catch(() => undefined),
      ),
  );
}

/** run.json's note on a simulated run: whether the simulator's clock was compressed, and how to read it. */
export function simulatedRunNote(ctx: Pick<RunContext, 'cfg' | 'loaded'>): string {
  const { cfg, loaded } = ctx;
  const scales = [...(loaded.simulator?.models.values() ?? [])]
    .filter((p) => p.name === cfg.arms.primary.model || p.name === cfg.arms.canary.model)
    .map((p) => p.timeScale);
  const scaled = scales.some((s) => s !== 1);
  return scaled
    ? `Simulated run: the simulator's clock was compressed (timeScale ${[...new Set(scales)].join(', ')}), so recorded latencies are that fraction of the profiles' real latencies; divide by the timeScale to read them in real milliseconds.`
    : 'Simulated run: answers replayed from recorded GSM8K solutions; latencies drawn from the model profiles in real time (not compressed).';
}
