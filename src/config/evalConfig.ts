/**
 * The eval config (`canarylab run --config eval.yaml`): one zod schema that validates the file and produces
 * its error messages (file, line, field path, what was expected). YAML or JSON. Relative paths inside the
 * file (dataset, policy, JSON schemas, pricing, simulator traces) resolve against the file's directory.
 * API keys are never in the file: an arm names the environment variable that holds its key (`apiKeyEnv`),
 * read at run time only ({@link resolveSecrets}).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import type { RolloutPosition } from '../decision/decide';
import { DEFAULT_POLICY, loadPolicy, type Policy, PolicySchema } from '../decision/policy';
import { parsePricing } from '../gateway/pricing';
import { PROTOCOLS } from '../gateway/protocols/types';
import { describeJsonSyntax } from '../input/jsonValue';
import { ConfigError, issueLine, type Locate, zodIssueLines } from '../input/schemaErrors';
import { parseSettingsText } from '../input/yamlSource';
import { PACKAGE_ROOT } from '../packageRoot';
import { buildScorers } from './scorers';
import { type ResolvedSimConfig, resolveSimConfig, SimConfigError, SimConfigSchema } from './simulator';

export { issueLine, type Locate };

/** The project root (holds datasets/): defaults such as the GSM8K file and the price table live there. */
export const PROJECT_ROOT = PACKAGE_ROOT;
/** The bundled GSM8K file (questions, references and four recorded models' answers). */
export const GSM8K_FILE = join(PROJECT_ROOT, 'datasets', 'gsm8k', 'model_solutions.jsonl');
/** The bundled price table (the playbook's blended prices). */
export const PRICING_FILE = join(PROJECT_ROOT, 'datasets', 'pricing.json');

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const envName = z
  .string()
  .regex(ENV_NAME, 'expected the name of an environment variable, such as OPENAI_API_KEY (not the key)');
const posInt = z.number().int().positive();
const nonNeg = z.number().finite().nonnegative();
const positive = z.number().finite().positive();
const httpURL = z.string().refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), {
  message: 'expected an http(s) URL such as https://api.openai.com/v1',
});

/** A model's price in USD per 1M tokens: input and output separately, or one blended figure. */
export const PriceSchema = z.union(
  [z.strictObject({ inputPer1M: nonNeg, outputPer1M: nonNeg }), z.strictObject({ blendedPer1M: nonNeg })],
  { error: 'expected { inputPer1M, outputPer1M } or { blendedPer1M } (USD per 1M tokens)' },
);
export type PriceInput = z.output<typeof PriceSchema>;

const RateLimitSchema = z.strictObject({
  /** Requests per minute. */
  rpm: positive.optional(),
  /** Tokens per minute. */
  tpm: positive.optional(),
  /** Concurrency cap of the limiter. */
  maxConcurrency: posInt.optional(),
  /** AIMD concurrency: halve on a 429, grow back slowly. */
  adaptive: z.boolean().optional(),
});

const RetrySchema = z.strictObject({
  maxAttempts: posInt.optional(),
  baseDelayMs: nonNeg.optional(),
  maxDelayMs: nonNeg.optional(),
  maxTotalMs: nonNeg.optional(),
});

const NO_KEYS_IN_FILE =
  'API keys never go in the config file: set apiKeyEnv to the name of the environment variable that holds the key';

/** One side of the comparison: an OpenAI-compatible endpoint and a model. */
export const ArmSchema = z.strictObject({
  /** Display name (default: the model). */
  name: z.string().min(1).optional(),
  /**
   * Wire protocol: `openai` (chat completions, default), `anthropic` (Messages API, key in x-api-key) or
   * `gemini` (generateContent, key in x-goog-api-key). The simulator speaks all three. Optional, so that
   * configs without it keep their hash.
   */
  protocol: z.enum(PROTOCOLS).optional(),
  /** Base URL of an OpenAI-compatible API (…/v1). Optional with `simulator:` (then the simulator's). */
  baseURL: httpURL.optional(),
  /** Environment variable holding the base URL (read at run time; `baseURL` is the fallback). */
  baseURLEnv: envName.optional(),
  model: z.string().min(1),
  /** Environment variable holding the API key, e.g. OPENAI_API_KEY. */
  apiKeyEnv: envName.optional(),
  /** Request parameters sent as they are (temperature, max_tokens, stream, …). */
  params: z.record(z.string(), z.unknown()).optional(),
  /** Price; default: the model's entry in the price table (datasets/pricing.json). */
  price: PriceSchema.optional(),
  /** Calls of this arm in flight at once (default: the global concurrency). */
  concurrency: posInt.optional(),
  rateLimit: RateLimitSchema.optional(),
  /** Whole-request timeout. Default 60000. */
  timeoutMs: positive.optional(),
  retry: RetrySchema.optional(),
  /** Model to fall back to on model errors (counted as failures of `model`). */
  fallbackModel: z.string().min(1).optional(),
  apiKey: z.undefined({ error: NO_KEYS_IN_FILE }).optional(),
});
export type ArmConfig = z.output<typeof ArmSchema>;

/** Where the items come from. */
export const DatasetSchema = z
  .strictObject({
    /** A JSONL or CSV file ({ id, prompt | messages, reference?, meta? }). */
    path: z.string().min(1).optional(),
    /** The bundled GSM8K test set (1,319 problems): `gsm8k: true` or `gsm8k: { limit }`. */
    gsm8k: z.union([z.literal(true), z.strictObject({ limit: posInt.optional() })]).optional(),
    /** Default: from the extension (.jsonl/.ndjson, .csv). `gsm8k` reads a model_solutions.jsonl file. */
    format: z.enum(['jsonl', 'csv', 'gsm8k']).optional(),
    /** Keep at most this many items (after tags and sample). */
    limit: posInt.optional(),
    /** A seeded uniform sample of n items. */
    sample: z.strictObject({ n: posInt, seed: z.number().int() }).optional(),
    /** Keep the items whose meta.tags include any of these. */
    tags: z.array(z.string().min(1)).min(1).optional(),
  })
  .superRefine((d, ctx) => {
    const sources = (d.path !== undefined ? 1 : 0) + (d.gsm8k !== undefined ? 1 : 0);
    if (sources === 0 && d.format !== 'gsm8k') {
      ctx.addIssue({ code: 'custom', path: [], message: 'expected `path: <file>` or `gsm8k: true`' });
    }
    if (sources === 2) {
      ctx.addIssue({ code: 'custom', path: ['gsm8k'], message: 'give either `path` or `gsm8k`, not both' });
    }
    if (d.path && d.format === undefined && !/\.(jsonl|ndjson|csv)$/i.test(d.path)) {
      ctx.addIssue({
        code: 'custom',
        path: ['format'],
        message: `cannot tell the format of "${d.path}" from its extension: set format: jsonl, csv or gsm8k`,
      });
    }
  });
export type DatasetConfig = z.output<typeof DatasetSchema>;

const NormalizeSchema = z.strictObject({
  nfkc: z.boolean().optional(),
  ignoreCase: z.boolean().optional(),
  collapseWhitespace: z.boolean().optional(),
  stripPunctuation: z.boolean().optional(),
  trim: z.boolean().optional(),
});
const textList = z.union([z.string(), z.array(z.string()).min(1)], {
  error: 'expected a string or a non-empty list of strings',
});
const name = z.string().min(1).optional();

/** A deterministic scorer and its options (each maps to a rubric factory of src/scoring). */
export const ScorerSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('numeric'),
    name,
    strict: z.boolean().optional(),
    tolerance: z.strictObject({ absolute: nonNeg.optional(), relative: nonNeg.optional() }).optional(),
    expected: z.number().finite().optional(),
  }),
  z.strictObject({
    type: z.literal('exact'),
    name,
    expected: textList.optional(),
    normalize: NormalizeSchema.optional(),
  }),
  z.strictObject({
    type: z.literal('contains'),
    name,
    values: textList,
    mode: z.enum(['all', 'any']).optional(),
    normalize: NormalizeSchema.optional(),
  }),
  z.strictObject({
    type: z.literal('notContains'),
    name,
    values: textList,
    mode: z.enum(['all', 'any']).optional(),
    normalize: NormalizeSchema.optional(),
  }),
  z.strictObject({
    type: z.literal('regex'),
    name,
    pattern: z.string().min(1),
    flags: z.string().optional(),
  }),
  z.strictObject({
    type: z.literal('startsWith'),
    name,
    prefix: textList,
    normalize: NormalizeSchema.optional(),
  }),
  z.strictObject({ type: z.literal('json'), name, extractFenced: z.boolean().optional() }),
  z.strictObject({
    type: z.literal('jsonSchema'),
    name,
    /** The JSON Schema inline, or the path of a .json file holding it. */
    schema: z.union([z.string().min(1), z.record(z.string(), z.unknown())], {
      error: 'expected a JSON Schema object or the path of a .json file',
    }),
    extractFenced: z.boolean().optional(),
  }),
  z.strictObject({
    type: z.literal('length'),
    name,
    minChars: z.number().int().nonnegative().optional(),
    maxChars: z.number().int().nonnegative().optional(),
    minTokens: z.number().int().nonnegative().optional(),
    maxTokens: z.number().int().nonnegative().optional(),
  }),
  z.strictObject({ type: z.literal('oneLine'), name }),
  z.strictObject({
    type: z.literal('language'),
    name,
    script: z.string().min(1),
    minShare: z.number().min(0).max(1).optional(),
  }),
  z.strictObject({
    type: z.literal('similarity'),
    name,
    metric: z.enum(['levenshtein', 'tokenF1', 'rougeL']),
    reference: textList.optional(),
    /** Pass when the similarity is at least this (0–1); without it the scorer gives scores only. */
    passAt: z.number().min(0).max(1).optional(),
  }),
]);
export type ScorerConfig = z.output<typeof ScorerSchema>;

/** An LLM judge: a model scoring each answer (1–10) and, with `pairwise`, comparing the two arms. */
export const JudgeSchema = z.strictObject({
  /** Written as ScoreRecord.scorer (single) and `<name>-pairwise` (pairwise). Default 'judge'. */
  name: z
    .string()
    .regex(/^[\w.:-]+$/, 'expected letters, digits, _ . : -')
    .default('judge'),
  model: z.string().min(1),
  /** Wire protocol of the judge (as for an arm): openai (default), anthropic or gemini. */
  protocol: z.enum(PROTOCOLS).optional(),
  /** OpenAI-compatible endpoint of the judge; default the simulator's when `simulator:` is set. */
  baseURL: httpURL.optional(),
  baseURLEnv: envName.optional(),
  apiKeyEnv: envName.optional(),
  /** What the judge grades on (one string, or a list of criteria). */
  criteria: textList.optional(),
  /** Score each answer on its own (default true). */
  single: z.boolean().default(true),
  /** Also compare both answers of each item, in both orders (default false). */
  pairwise: z.boolean().default(false),
  price: PriceSchema.optional(),
  /** Judge calls in flight at once. Default 8. */
  concurrency: posInt.optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  timeoutMs: positive.optional(),
  apiKey: z.undefined({ error: NO_KEYS_IN_FILE }).optional(),
});
export type JudgeConfig = z.output<typeof JudgeSchema>;

/** Where the rollout stands now (a step of the policy's plan). */
export const PositionSchema = z.strictObject({
  stage: z.enum(['shadow', 'flag', 'percentage', 'full']),
  trafficPercent: z.number().min(0).max(100),
  shadowPercent: z.number().min(0).max(100).optional(),
});

const AnalysisSchema = z.strictObject({
  confidence: z.number().gt(0).lt(1).optional(),
  seed: z.number().int().optional(),
  resamples: posInt.optional(),
  qualityScorer: z.string().min(1).optional(),
  nonInferiorityMargin: positive.optional(),
  windowSize: posInt.optional(),
  /** Error-rate window width in ms (time windows of call start); `windowSize` is the older call-count form. */
  windowMs: posInt.optional(),
  segments: z.boolean().optional(),
});

/** The whole eval config file. */
export const EvalConfigSchema = z
  .strictObject({
    /** A name for the runs of this config (shown in the report). */
    name: z.string().min(1).optional(),
    arms: z.strictObject({ primary: ArmSchema, canary: ArmSchema }),
    /** Start the embedded simulator in-process and point every arm without a baseURL at it. */
    simulator: SimConfigSchema.optional(),
    dataset: DatasetSchema,
    scorers: z.array(ScorerSchema).default([]),
    judge: JudgeSchema.optional(),
    /** Calls in flight at once, both arms together. Default 16. */
    concurrency: posInt.default(16),
    /** Independent samples per item. Default 1. */
    repeats: posInt.default(1),
    /** Response cache in <out>/.cache (errors never cached). Default true. */
    cache: z.boolean().default(true),
    /** Stop sending new calls once this much has been spent (USD). */
    maxCostUsd: positive.optional(),
    /** Share of items also sent to the canary (shadow stage), by a stable hash of the user or item id. */
    shadowRatio: z.number().gt(0).max(1).optional(),
    /** The promotion policy: inline, or the path of a YAML/JSON policy file. Default: the playbook's. */
    policy: z
      .union([z.string().min(1), z.record(z.string(), z.unknown())], {
        error: 'expected a policy object or the path of a policy file',
      })
      .optional(),
    /** Where the rollout stands now. Default: the first step of the policy's plan. */
    stage: PositionSchema.optional(),
    /** Production volume, for the projected monthly spend. */
    traffic: z.strictObject({ monthlyRequests: posInt }).optional(),
    analysis: AnalysisSchema.optional(),
    /** Price table for arms without `price`. Default: the bundled datasets/pricing.json. */
    pricing: z.string().min(1).optional(),
    /** Folder of run folders (relative to this file). Default: `runs` in the working directory. */
    out: z.string().min(1).optional(),
  })
  .superRefine((c, ctx) => {
    for (const arm of ['primary', 'canary'] as const) {
      const a = c.arms[arm];
      if (!a.baseURL && !a.baseURLEnv && !c.simulator) {
        ctx.addIssue({
          code: 'custom',
          path: ['arms', arm, 'baseURL'],
          message: 'required (expected the base URL of an OpenAI-compatible API, or a `simulator:` section)',
        });
      }
    }
    if (c.judge && !c.judge.baseURL && !c.judge.baseURLEnv && !c.simulator) {
      ctx.addIssue({
        code: 'custom',
        path: ['judge', 'baseURL'],
        message: 'required (expected the base URL of the judge, or a `simulator:` section)',
      });
    }
    if (c.judge && !c.judge.single && !c.judge.pairwise) {
      ctx.addIssue({ code: 'custom', path: ['judge'], message: 'set single: true, pairwise: true, or both' });
    }
    const names = new Set<string>();
    c.scorers.forEach((s, i) => {
      const n = s.name ?? DEFAULT_SCORER_NAMES[s.type];
      if (names.has(n)) {
        ctx.addIssue({
          code: 'custom',
          path: ['scorers', i, 'name'],
          message: `scorer name "${n}" is used twice: give each scorer a distinct name`,
        });
      }
      names.add(n);
    });
  });
export type EvalConfigInput = z.input<typeof EvalConfigSchema>;
export type EvalConfig = z.output<typeof EvalConfigSchema>;

/** The ScoreRecord.scorer name of each scorer type when `name` is not given. */
export const DEFAULT_SCORER_NAMES: Record<ScorerConfig['type'], string> = {
  numeric: 'numericAnswer',
  exact: 'exactMatch',
  contains: 'contains',
  notContains: 'notContains',
  regex: 'regexMatch',
  startsWith: 'startsWith',
  json: 'isValidJson',
  jsonSchema: 'matchesJsonSchema',
  length: 'lengthBounds',
  oneLine: 'oneLine',
  language: 'languageIs',
  similarity: 'similarity',
};

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

/** Resolves a path of the config against its directory. */
export function resolveConfigPath(loaded: Pick<LoadedEvalConfig, 'baseDir'>, p: string): string {
  return isAbsolute(p) ? p : resolve(loaded.baseDir, p);
}

/** JSON with object keys sorted at every level (the canonical form that is hashed). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.keys(v as object)
          .sort()
          .map((k) => [k, (v as Record<string, unknown>)[k]]),
      );
    }
    return v;
  });
}

/**
 * Validates a parsed config object (defaults filled) and resolves what can be checked without calling
 * anything: the policy (inline or file), the rollout position against the plan, the simulator section and
 * its models, scorer options (by building the scorers), file paths of the dataset and schemas.
 * Environment variables are not read here (see {@link resolveSecrets}).
 *
 * @throws {ConfigError} naming `source`, each field path (with its line when `locate` is given) and what
 *   was expected
 * @example
 * const loaded = await parseEvalConfig(yamlObject, { source: 'eval.yaml', baseDir: '.' });
 */
export async function parseEvalConfig(
  value: unknown,
  opts: { source: string; baseDir: string; locate?: Locate },
): Promise<LoadedEvalConfig> {
  const { source, baseDir, locate } = opts;
  const input = value ?? {};
  const r = EvalConfigSchema.safeParse(input, { reportInput: true });
  if (!r.success) {
    throw new ConfigError(source, zodIssueLines(r.error.issues, { schema: EvalConfigSchema, input, locate }));
  }
  const config = r.data;
  const issues: string[] = [];
  const at = (path: PropertyKey[], message: string) => issues.push(issueLine(path, message, locate));

  // Policy: inline (validated here, errors under `policy.`) or a file (errors name that file).
  let policy: Policy;
  let policyFile: string | undefined;
  let policyRead = true;
  if (typeof config.policy === 'string') {
    policyFile = isAbsolute(config.policy) ? config.policy : resolve(baseDir, config.policy);
    try {
      policy = await loadPolicy(policyFile);
    } catch (e) {
      // A policy file that cannot be read is a problem of this config's `policy` field (located here);
      // an invalid one is reported in its own file, with its own lines.
      const unreadable = e instanceof ConfigError && /^cannot read the file \(/.test(e.issues[0] ?? '');
      if (!unreadable) throw e;
      at(['policy'], `cannot read the policy file ${policyFile} ${(e as ConfigError).issues[0].slice(21)}`);
      policy = DEFAULT_POLICY;
      policyRead = false;
    }
  } else if (config.policy) {
    const pr = PolicySchema.safeParse(config.policy, { reportInput: true });
    if (!pr.success) {
      throw new ConfigError(
        source,
        zodIssueLines(pr.error.issues, {
          schema: PolicySchema,
          input: config.policy,
          locate,
          prefix: ['policy'],
        }),
      );
    }
    policy = pr.data;
  } else {
    policy = DEFAULT_POLICY;
  }

  // Rollout position: must be a step of the plan.
  const first = policy.plan[0];
  const position: RolloutPosition = config.stage ?? {
    stage: first.stage,
    trafficPercent: first.trafficPercent,
    ...(first.shadowPercent !== undefined ? { shadowPercent: first.shadowPercent } : {}),
  };
  const inPlan = policy.plan.some(
    (s) =>
      s.stage === position.stage &&
      s.trafficPercent === position.trafficPercent &&
      (position.shadowPercent === undefined || s.shadowPercent === position.shadowPercent),
  );
  if (!inPlan && policyRead) {
    const steps = policy.plan
      .map(
        (s) =>
          `${s.stage} ${s.trafficPercent}%${s.shadowPercent !== undefined ? ` (shadow ${s.shadowPercent}%)` : ''}`,
      )
      .join(', ');
    at(['stage'], `not a step of the policy's plan; expected one of: ${steps}`);
  }

  // Simulator: validated and resolved now (traces loaded), so a bad profile fails before any call.
  let simulator: ResolvedSimConfig | undefined;
  if (config.simulator) {
    try {
      simulator = resolveSimConfig(simulatorOptions(config.simulator, baseDir));
    } catch (e) {
      if (!(e instanceof SimConfigError)) throw e;
      // The simulator's issues read `models.can.latency.p95Ms: …`: located under `simulator`.
      for (const i of e.issues) {
        const sep = i.indexOf(': ');
        const path = sep > 0 ? i.slice(0, sep) : '';
        const keys =
          path && path !== '(root)' ? path.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k)) : [];
        const line = locate?.(['simulator', ...keys]);
        issues.push(
          `simulator.${sep > 0 ? path : i}${line !== undefined ? ` (line ${line})` : ''}${sep > 0 ? i.slice(sep) : ''}`,
        );
      }
    }
    if (simulator) {
      const models = [...simulator.models.keys()];
      for (const arm of ['primary', 'canary'] as const) {
        const a = config.arms[arm];
        if (!a.baseURL && !a.baseURLEnv && !simulator.models.has(a.model)) {
          at(
            ['arms', arm, 'model'],
            `"${a.model}" is not a model of the simulator (it has: ${models.join(', ')})`,
          );
        }
      }
      const j = config.judge;
      if (j && !j.baseURL && !j.baseURLEnv && !simulator.models.has(j.model)) {
        at(['judge', 'model'], `"${j.model}" is not a model of the simulator (it has: ${models.join(', ')})`);
      }
    }
  }

  // Files the run will read.
  const d = config.dataset;
  if (d.path !== undefined) {
    const p = isAbsolute(d.path) ? d.path : resolve(baseDir, d.path);
    if (!existsSync(p)) at(['dataset', 'path'], `file not found: ${p}`);
  }
  // Prices: an arm (or judge) without `price` must be in the price table, never priced at $0.
  const tableFile = config.pricing
    ? isAbsolute(config.pricing)
      ? config.pricing
      : resolve(baseDir, config.pricing)
    : PRICING_FILE;
  const priced: Array<{ path: PropertyKey[]; model: string }> = [];
  for (const arm of ['primary', 'canary'] as const) {
    if (!config.arms[arm].price) priced.push({ path: ['arms', arm, 'price'], model: config.arms[arm].model });
  }
  if (config.judge && !config.judge.price)
    priced.push({ path: ['judge', 'price'], model: config.judge.model });
  if (priced.length > 0) {
    let models: Record<string, unknown> | undefined;
    let tableText = '';
    try {
      tableText = readFileSync(tableFile, 'utf8');
      models = parsePricing(JSON.parse(tableText), tableFile).models;
    } catch (e) {
      // JSON.parse's message quotes the text: say where it stops being JSON instead.
      const why =
        e instanceof SyntaxError
          ? `not valid JSON: ${describeJsonSyntax(tableText)}`
          : ((e as NodeJS.ErrnoException).code ?? (e as Error).message.split('\n')[0]);
      at(['pricing'], `cannot read the price table ${tableFile} (${why})`);
    }
    if (models) {
      for (const { path, model } of priced) {
        if (!Object.hasOwn(models, model)) {
          at(
            path,
            `required: model "${model}" is not in the price table ${tableFile}; set price: { inputPer1M, outputPer1M } or { blendedPer1M } (USD per 1M tokens)`,
          );
        }
      }
    }
  }
  config.scorers.forEach((s, i) => {
    if (s.type === 'jsonSchema' && typeof s.schema === 'string') {
      const p = isAbsolute(s.schema) ? s.schema : resolve(baseDir, s.schema);
      if (!existsSync(p)) at(['scorers', i, 'schema'], `file not found: ${p}`);
    }
  });
  if (issues.length > 0) throw new ConfigError(source, issues);

  const hash = createHash('sha256')
    .update(canonicalJson({ ...config, policy: policyFile ? policy : config.policy }))
    .digest('hex');
  const loaded: LoadedEvalConfig = { file: source, baseDir, config, policy, position, hash };
  if (policyFile) loaded.policyFile = policyFile;
  if (simulator) loaded.simulator = simulator;
  // Scorer options are checked by building the scorers (a regex that does not compile, bad bounds…).
  buildScorers(loaded, locate);
  return loaded;
}

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

/**
 * Reads and validates an eval config file (YAML, or JSON — `.json`). Errors name the file, the line, the
 * field and what was expected; nothing is called and no environment variable is read.
 *
 * @throws {ConfigError} when the file cannot be read or parsed, or the config is invalid
 * @example
 * const loaded = await loadEvalConfig('eval.yaml');
 * loaded.config.arms.canary.model; // 'gpt-4.1-mini'
 */
export async function loadEvalConfig(file: string): Promise<LoadedEvalConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, [`cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  const { value, locate } = parseSettingsText(text, file);
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(file, ['(root): expected a mapping of settings (arms, dataset, scorers, …)']);
  }
  return parseEvalConfig(value, {
    source: file,
    baseDir: dirname(resolve(file)),
    locate,
  });
}

/** The secrets and endpoints of a run, read from the environment at run time. Never written anywhere. */
export interface ResolvedEndpoints {
  primary: { baseURL?: string; apiKey?: string };
  canary: { baseURL?: string; apiKey?: string };
  judge?: { baseURL?: string; apiKey?: string };
}

/**
 * Reads the API keys (and base URLs given as `baseURLEnv`) from the environment. A variable that is named
 * but not set (or empty) is a config error naming the field and the variable; values are never put in
 * messages. An endpoint left undefined means "the in-process simulator".
 *
 * @throws {ConfigError} naming e.g. `arms.canary.apiKeyEnv` and the missing variable
 */
export function resolveSecrets(
  loaded: LoadedEvalConfig,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedEndpoints {
  const issues: string[] = [];
  const read = (path: string, v: string | undefined): string | undefined => {
    if (v === undefined) return undefined;
    const value = env[v];
    if (value === undefined || value === '') {
      issues.push(`${path}: environment variable ${v} is not set (it is read at run time and never stored)`);
      return undefined;
    }
    return value;
  };
  const endpoint = (
    path: string,
    c: { baseURL?: string; baseURLEnv?: string; apiKeyEnv?: string },
  ): { baseURL?: string; apiKey?: string } => {
    const out: { baseURL?: string; apiKey?: string } = {};
    const fromEnv = c.baseURLEnv !== undefined ? env[c.baseURLEnv] : undefined;
    if (c.baseURLEnv !== undefined && (fromEnv === undefined || fromEnv === '') && !c.baseURL) {
      issues.push(
        `${path}.baseURLEnv: environment variable ${c.baseURLEnv} is not set (and no baseURL fallback)`,
      );
    } else if (fromEnv) {
      if (!URL.canParse(fromEnv) || !/^https?:$/.test(new URL(fromEnv).protocol)) {
        issues.push(`${path}.baseURLEnv: ${c.baseURLEnv} is not an http(s) URL`);
      } else out.baseURL = fromEnv;
    } else if (c.baseURL) out.baseURL = c.baseURL;
    const key = read(`${path}.apiKeyEnv`, c.apiKeyEnv);
    if (key !== undefined) out.apiKey = key;
    return out;
  };
  const cfg = loaded.config;
  const res: ResolvedEndpoints = {
    primary: endpoint('arms.primary', cfg.arms.primary),
    canary: endpoint('arms.canary', cfg.arms.canary),
  };
  if (cfg.judge) res.judge = endpoint('judge', cfg.judge);
  if (issues.length > 0) throw new ConfigError(loaded.file, issues);
  return res;
}
