/** The shapes shared by the config's loading, resolving and scorer building: a loaded config, a run's endpoints. */
import type { RolloutPosition } from '../decision/decide';
import type { Policy } from '../decision/policy';
import type { Locate } from '../input/schemaErrors';
import type { EvalConfig } from './schema';
import type { ResolvedSimConfig } from './simulator';

/** A validated config with what was resolved from it. */
export interface LoadedEvalConfig {
  /** The config file (as given), or a label such as '<inline>'. */
  file: string;
  /** Directory relative paths in the config resolve against. */
  baseDir: string;
  config: EvalConfig;
  /** The policy: inline, from its file, or DEFAULT_POLICY. */
  policy: Policy;
  /** The policy file, when `policy` names one (absolute). */
  policyFile?: string;
  /** Where the rollout stands (config `stage`, or the plan's first step). */
  position: RolloutPosition;
  /** The simulator's resolved configuration, when `simulator:` is set. */
  simulator?: ResolvedSimConfig;
  /** sha256 (hex) of the canonical config (keys sorted, defaults filled, the policy file's content inlined). */
  hash: string;
}

/** The secrets and endpoints of a run, read from the environment at run time. Never written anywhere. */
export interface ResolvedEndpoints {
  primary: { baseURL?: string; apiKey?: string };
  canary: { baseURL?: string; apiKey?: string };
  judge?: { baseURL?: string; apiKey?: string };
}

/** Collects the issues of a config, each located (`field (line n): what was expected`) when it can be. */
export interface ConfigIssues {
  /** The issue lines so far, in the order found. */
  lines: string[];
  /** Adds an issue at a field path. */
  at(path: PropertyKey[], message: string): void;
  /** The line of a field path in the file, when known. */
  locate?: Locate;
}
