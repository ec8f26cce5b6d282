/**
 * The `simulator:` section of an eval config, and the settings contract of the embedded simulator
 * (src/sim/): model profiles (latency, faults, answers, judge mode), the playbook's ready profiles, and the
 * validation that resolves them or rejects a bad configuration with messages naming the field. Data and
 * validation only; the server that serves these profiles is src/sim/server.ts.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

/** Messages of the simulator's configuration errors (the texts it serves are in src/sim/messages.ts). */
export const simConfigMsg = {
  configInvalid: (issues: string) => `invalid simulator configuration: ${issues}`,
  traceMissing: (path: string) => `trace file ${path} cannot be read`,
  traceInvalid: (path: string, why: string) => `trace file ${path} is not an llmperf trace: ${why}`,
  extendsUnknown: (name: string, known: string) =>
    `extends names no built-in profile: ${name} (known: ${known})`,
  p95BelowP50: (p50: number, p95: number) => `p95Ms (${p95}) must be ≥ p50Ms (${p50})`,
  zeroP50: 'p50Ms 0 needs p95Ms 0 (a constant zero latency)',
  ratesSum: (sum: number) => `fault rates add up to ${sum}, more than 1`,
} as const;

/** Fault names a profile can inject, each with a rate in [0, 1]. */
export const FAULT_NAMES = [
  'rate_limit',
  'server_error',
  'unavailable',
  'reset',
  'hang',
  'malformed',
  'missing_usage',
  'content_filter',
] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

/** Answer fields of datasets/gsm8k/model_solutions.jsonl (each line has `<field>.solution`). */
export const ANSWER_FIELDS = [
  '6b_finetuning',
  '6b_verification',
  '175b_finetuning',
  '175b_verification',
] as const;
export type AnswerField = (typeof ANSWER_FIELDS)[number];

const rate = z.number().min(0, 'must be in [0, 1]').max(1, 'must be in [0, 1]');
const nonNeg = z.number().finite().nonnegative();

const LognormalSchema = z.strictObject({
  /** Median end-to-end latency. */
  p50Ms: nonNeg,
  /** 95th percentile end-to-end latency (≥ p50Ms). */
  p95Ms: nonNeg,
  /** Share of the latency spent before the first token when streaming. Default 0.3. */
  ttftFraction: z.number().min(0).max(1).optional(),
});

const TraceSchema = z.strictObject({
  /** Path of an llmperf trace (JSON array), relative to the simulator's baseDir. */
  trace: z.string().min(1),
  /** `cycle`: records in order, round robin (exact quantiles over whole cycles); `random`: drawn with replacement. */
  order: z.enum(['cycle', 'random']).optional(),
});

const FaultsSchema = z.strictObject(
  Object.fromEntries(FAULT_NAMES.map((f) => [f, rate.optional()])) as Record<
    FaultName,
    z.ZodOptional<typeof rate>
  >,
);

export const ProfileSchema = z.strictObject({
  /** Start from a built-in profile (DEFAULT_PROFILES) and override. */
  extends: z.string().optional(),
  latency: z.union([LognormalSchema, TraceSchema]).optional(),
  /** Multiplies every simulated delay (0.01 replays a trace 100× faster). */
  timeScale: z.number().positive().finite().optional(),
  faults: FaultsSchema.optional(),
  /** Faults for the first requests to this model, in arrival order (`none` = serve normally), before the rates apply. */
  faultPlan: z.array(z.enum([...FAULT_NAMES, 'none'])).optional(),
  /** Retry-After of injected 429s (and 503s), whole seconds as RFC 9110 requires. Default 1. */
  retryAfterS: z.number().int().nonnegative().optional(),
  /** Prompts above this many tokens get `context_length_exceeded`. */
  maxPromptTokens: z.number().int().positive().optional(),
  /** Recorded answers to replay (gsm8k field), or `template` for a deterministic generated text. */
  answers: z.union([z.enum(ANSWER_FIELDS), z.literal('template')]).optional(),
  /** Minimum gap between streamed chunks, in real milliseconds (not scaled). Default 20. */
  streamIntervalMs: nonNeg.optional(),
  /**
   * Judge mode (src/sim/judge.ts): judge prompts (src/scoring/judgePrompt.ts) get a verdict graded from the
   * reference, with this position bias and noise; other prompts are answered as usual.
   */
  judge: z
    .strictObject({
      /** Probability that a pairwise verdict is "A" whatever the answers. Default 0. */
      positionBias: rate.optional(),
      /** Probability of a uniformly random verdict (pairwise) or score (single). Default 0. */
      noise: rate.optional(),
      /** Probability that a judge reply is not a usable verdict. Default 0. */
      malformed: rate.optional(),
      /** Malformed (or not) replies for the first judge requests to this model, in arrival order. */
      malformedPlan: z.array(z.enum(['malformed', 'ok'])).optional(),
    })
    .optional(),
});

export type SimModelProfileInput = z.input<typeof ProfileSchema>;

export const SimConfigSchema = z.strictObject({
  port: z.number().int().min(0).max(65535).optional(),
  /** Interface to bind. Default 127.0.0.1 (loopback only). */
  host: z.string().min(1).optional(),
  seed: z.number().finite().optional(),
  /** Profiles by model name. Names of built-in profiles inherit them. Default: the built-in profiles. */
  models: z.record(z.string().min(1), ProfileSchema).optional(),
  /** Global multiplier of every model's timeScale. */
  timeScale: z.number().positive().finite().optional(),
  /** gsm8k answers file. Default datasets/gsm8k/model_solutions.jsonl under baseDir's project (cwd). */
  answersFile: z.string().min(1).optional(),
  /** If set, requests must carry `Authorization: Bearer <apiKey>`. */
  apiKey: z.string().optional(),
  /** Directory that relative trace and answer paths are resolved against. Default: the working directory. */
  baseDir: z.string().optional(),
});

export type SimConfigInput = z.input<typeof SimConfigSchema>;

/** One row of an llmperf trace, the fields the simulator replays. */
export interface TraceRecord {
  errorCode: number | null;
  e2eMs: number;
  ttftMs: number;
  outputTokens: number;
}

export type ResolvedLatency =
  | { type: 'lognormal'; p50Ms: number; p95Ms: number; mu: number; sigma: number; ttftFraction: number }
  | { type: 'trace'; path: string; order: 'cycle' | 'random'; records: TraceRecord[] };

/** A resolved judge profile (judge mode, src/sim/judge.ts). */
export interface SimJudgeProfile {
  positionBias: number;
  noise: number;
  malformed: number;
  malformedPlan: Array<'malformed' | 'ok'>;
}

export interface ResolvedProfile {
  name: string;
  latency: ResolvedLatency;
  timeScale: number;
  faults: Partial<Record<FaultName, number>>;
  faultPlan: Array<FaultName | 'none'>;
  retryAfterS: number;
  maxPromptTokens: number;
  answers: AnswerField | 'template';
  streamIntervalMs: number;
  /** Set when the profile has judge mode. */
  judge?: SimJudgeProfile;
}

export interface ResolvedSimConfig {
  port: number;
  host: string;
  seed: number;
  timeScale: number;
  models: Map<string, ResolvedProfile>;
  answersFile: string;
  apiKey?: string;
}

/**
 * The rollout playbook's model table as ready profiles (latency P50/P95 from the playbook; context windows
 * as published; the gsm8k answer field each replays is an arbitrary but fixed pick so that arms differ).
 * Prices are in datasets/pricing.json.
 */
export const DEFAULT_PROFILES: Readonly<Record<string, SimModelProfileInput>> = Object.freeze({
  'gpt-4.1': {
    latency: { p50Ms: 1200, p95Ms: 2800 },
    maxPromptTokens: 1_047_576,
    answers: '175b_verification',
  },
  'claude-sonnet-4-5': {
    latency: { p50Ms: 1500, p95Ms: 3200 },
    maxPromptTokens: 200_000,
    answers: '175b_finetuning',
  },
  'gemini-2.5-flash': {
    latency: { p50Ms: 400, p95Ms: 800 },
    maxPromptTokens: 1_048_576,
    answers: '6b_verification',
  },
  'deepseek-v3.2': {
    latency: { p50Ms: 800, p95Ms: 1500 },
    maxPromptTokens: 128_000,
    answers: '6b_finetuning',
  },
});

/** z(0.95) of the standard normal: ln(p95/p50) / Z95 is the lognormal's σ. */
const Z95 = 1.6448536269514722;

/** Configuration errors, with every issue named by its field path. */
export class SimConfigError extends Error {
  readonly code = 'CANARYLAB_ERR_SIM_CONFIG';
  readonly issues: string[];
  constructor(issues: string[]) {
    super(simConfigMsg.configInvalid(issues.join('; ')));
    this.name = 'SimConfigError';
    this.issues = issues;
  }
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p) => String(p)).join('.') || '(root)';
}

function loadTrace(path: string, field: string): TraceRecord[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new SimConfigError([`${field}: ${simConfigMsg.traceMissing(path)}`]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new SimConfigError([`${field}: ${simConfigMsg.traceInvalid(path, 'not valid JSON')}`]);
  }
  if (!Array.isArray(data) || data.length === 0) {
    throw new SimConfigError([
      `${field}: ${simConfigMsg.traceInvalid(path, 'expected a non-empty JSON array')}`,
    ]);
  }
  return data.map((row, i) => {
    const r = row as Record<string, unknown>;
    const e2e = r?.end_to_end_latency_s;
    const ttft = r?.ttft_s;
    if (typeof e2e !== 'number' || !Number.isFinite(e2e) || e2e < 0) {
      throw new SimConfigError([
        `${field}: ${simConfigMsg.traceInvalid(path, `row ${i} has no end_to_end_latency_s`)}`,
      ]);
    }
    const code = r.error_code;
    return {
      errorCode: typeof code === 'number' ? code : null,
      e2eMs: e2e * 1000,
      ttftMs: typeof ttft === 'number' && Number.isFinite(ttft) && ttft >= 0 ? Math.min(ttft, e2e) * 1000 : 0,
      outputTokens: typeof r.number_output_tokens === 'number' ? r.number_output_tokens : 0,
    };
  });
}

/** A profile's latency: a trace loaded from disk, or lognormal parameters from P50/P95; else its issues. */
function resolveLatency(
  lat: NonNullable<SimModelProfileInput['latency']>,
  at: string,
  baseDir: string,
): ResolvedLatency | string[] {
  if ('trace' in lat) {
    const path = resolve(baseDir, lat.trace);
    try {
      return {
        type: 'trace',
        path,
        order: lat.order ?? 'cycle',
        records: loadTrace(path, `${at}.latency.trace`),
      };
    } catch (err) {
      if (err instanceof SimConfigError) return err.issues;
      throw err;
    }
  }
  if (lat.p95Ms < lat.p50Ms)
    return [`${at}.latency.p95Ms: ${simConfigMsg.p95BelowP50(lat.p50Ms, lat.p95Ms)}`];
  if (lat.p50Ms === 0 && lat.p95Ms !== 0) return [`${at}.latency.p50Ms: ${simConfigMsg.zeroP50}`];
  const mu = lat.p50Ms > 0 ? Math.log(lat.p50Ms) : Number.NEGATIVE_INFINITY;
  const sigma = lat.p50Ms > 0 ? Math.log(lat.p95Ms / lat.p50Ms) / Z95 : 0;
  return {
    type: 'lognormal',
    p50Ms: lat.p50Ms,
    p95Ms: lat.p95Ms,
    mu,
    sigma,
    ttftFraction: lat.ttftFraction ?? 0.3,
  };
}

/** A judge profile with its defaults filled. */
function resolveJudge(j: NonNullable<SimModelProfileInput['judge']>): SimJudgeProfile {
  return {
    positionBias: j.positionBias ?? 0,
    noise: j.noise ?? 0,
    malformed: j.malformed ?? 0,
    malformedPlan: j.malformedPlan ?? [],
  };
}

/**
 * One model's profile: merged over the built-in profile it extends (or has the name of), defaults filled;
 * its issues instead when it is bad.
 */
function resolveProfile(
  name: string,
  given: SimModelProfileInput,
  ctx: { baseDir: string; timeScale: number },
): ResolvedProfile | string[] {
  const at = `models.${name}`;
  const baseName = given.extends ?? (Object.hasOwn(DEFAULT_PROFILES, name) ? name : undefined);
  if (given.extends !== undefined && !Object.hasOwn(DEFAULT_PROFILES, given.extends)) {
    return [
      `${at}.extends: ${simConfigMsg.extendsUnknown(given.extends, Object.keys(DEFAULT_PROFILES).join(', '))}`,
    ];
  }
  const p: SimModelProfileInput = { ...(baseName ? DEFAULT_PROFILES[baseName] : {}), ...given };
  const latency = resolveLatency(p.latency ?? { p50Ms: 0, p95Ms: 0 }, at, ctx.baseDir);
  if (Array.isArray(latency)) return latency;
  const faults = p.faults ?? {};
  const sum = Object.values(faults).reduce<number>((s, v) => s + (v ?? 0), 0);
  if (sum > 1 + 1e-12) return [`${at}.faults: ${simConfigMsg.ratesSum(sum)}`];
  return {
    name,
    latency,
    timeScale: (p.timeScale ?? 1) * ctx.timeScale,
    faults,
    faultPlan: p.faultPlan ?? [],
    retryAfterS: p.retryAfterS ?? 1,
    maxPromptTokens: p.maxPromptTokens ?? 128_000,
    answers: p.answers ?? 'template',
    streamIntervalMs: p.streamIntervalMs ?? 20,
    ...(p.judge ? { judge: resolveJudge(p.judge) } : {}),
  };
}

/**
 * Validates a configuration and resolves it: defaults filled, built-in profiles merged, traces loaded.
 * @throws {SimConfigError} listing each bad field (unknown fault name, p95 < p50, missing trace file, rate
 * outside [0, 1], …)
 */
export function resolveSimConfig(input: unknown): ResolvedSimConfig {
  const parsed = SimConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    throw new SimConfigError(parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`));
  }
  const cfg = parsed.data;
  const baseDir = cfg.baseDir ?? process.cwd();
  const issues: string[] = [];
  const models = new Map<string, ResolvedProfile>();
  for (const [name, given] of Object.entries(cfg.models ?? DEFAULT_PROFILES)) {
    const profile = resolveProfile(name, given, { baseDir, timeScale: cfg.timeScale ?? 1 });
    if (Array.isArray(profile)) issues.push(...profile);
    else models.set(name, profile);
  }
  if (issues.length > 0) throw new SimConfigError(issues);
  const out: ResolvedSimConfig = {
    port: cfg.port ?? 0,
    host: cfg.host ?? '127.0.0.1',
    seed: cfg.seed ?? 0,
    timeScale: cfg.timeScale ?? 1,
    models,
    answersFile: resolve(baseDir, cfg.answersFile ?? 'datasets/gsm8k/model_solutions.jsonl'),
  };
  if (cfg.apiKey !== undefined) out.apiKey = cfg.apiKey;
  return out;
}
