/**
 * The config's `simulator:` section: the embedded simulator's options (loopback, ephemeral port, paths
 * against the config's directory), resolved at load time so that a bad profile or a model the simulator
 * does not have fails before any call.
 */
import { resolve } from 'node:path';
import type { z } from 'zod';
import { GSM8K_FILE } from './defaults';
import type { EvalConfig } from './schema';
import { type ResolvedSimConfig, resolveSimConfig, SimConfigError, type SimConfigSchema } from './simulator';
import type { ConfigIssues } from './types';

/**
 * The simulator options of a config's `simulator:` section: loopback, an ephemeral port, relative paths
 * against the config's directory, and the bundled GSM8K answers unless another file is named.
 */
export function simulatorOptions(
  sim: NonNullable<EvalConfig['simulator']>,
  baseDir: string,
): z.input<typeof SimConfigSchema> {
  const dir = sim.baseDir ? resolve(baseDir, sim.baseDir) : baseDir;
  return {
    ...sim,
    port: sim.port ?? 0,
    host: sim.host ?? '127.0.0.1',
    baseDir: dir,
    answersFile: sim.answersFile ? resolve(dir, sim.answersFile) : GSM8K_FILE,
  };
}

/** The simulator's own issues (`models.can.latency.p95Ms: …`), located under `simulator` in the config. */
function addSimulatorIssues(e: SimConfigError, issues: ConfigIssues): void {
  for (const i of e.issues) {
    const sep = i.indexOf(': ');
    const path = sep > 0 ? i.slice(0, sep) : '';
    const keys =
      path && path !== '(root)' ? path.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k)) : [];
    const line = issues.locate?.(['simulator', ...keys]);
    issues.lines.push(
      `simulator.${sep > 0 ? path : i}${line !== undefined ? ` (line ${line})` : ''}${sep > 0 ? i.slice(sep) : ''}`,
    );
  }
}

/** Each arm and the judge served by the simulator must name one of its models. */
function checkSimulatedModels(config: EvalConfig, simulator: ResolvedSimConfig, issues: ConfigIssues): void {
  const models = [...simulator.models.keys()];
  for (const arm of ['primary', 'canary'] as const) {
    const a = config.arms[arm];
    if (!a.baseURL && !a.baseURLEnv && !simulator.models.has(a.model)) {
      issues.at(
        ['arms', arm, 'model'],
        `"${a.model}" is not a model of the simulator (it has: ${models.join(', ')})`,
      );
    }
  }
  const j = config.judge;
  if (j && !j.baseURL && !j.baseURLEnv && !simulator.models.has(j.model)) {
    issues.at(
      ['judge', 'model'],
      `"${j.model}" is not a model of the simulator (it has: ${models.join(', ')})`,
    );
  }
}

/**
 * Validates and resolves the `simulator:` section now (traces loaded): undefined when there is none or it
 * has issues (recorded, located under `simulator`).
 */
export function resolveSimulatorSection(
  config: EvalConfig,
  baseDir: string,
  issues: ConfigIssues,
): ResolvedSimConfig | undefined {
  if (!config.simulator) return undefined;
  let simulator: ResolvedSimConfig;
  try {
    simulator = resolveSimConfig(simulatorOptions(config.simulator, baseDir));
  } catch (e) {
    if (!(e instanceof SimConfigError)) throw e;
    addSimulatorIssues(e, issues);
    return undefined;
  }
  checkSimulatedModels(config, simulator, issues);
  return simulator;
}
