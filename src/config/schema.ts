/**
 * The eval config's zod schema: arms, dataset, scorers, judge, rollout stage, analysis options and the
 * whole file, with the types it produces. It validates the file and words its error messages (field path,
 * what was expected); what needs the file system or the policy is resolved in parse.ts.
 */
import { z } from 'zod';
import { PROTOCOLS } from '../gateway/protocols/types';
import { SimConfigSchema } from './simulator';

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
