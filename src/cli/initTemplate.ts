/**
 * The config `canarylab init` writes: a complete, commented example for a real OpenAI-compatible endpoint,
 * with the endpoint and key read from environment variables (OPENAI_BASE_URL, OPENAI_API_KEY).
 */
export const INIT_TEMPLATE = `# canarylab eval config: compare the model in production (primary) with a candidate (canary),
# score both, and decide promote / hold / rollback.  Run it with:
#
#   export OPENAI_API_KEY=sk-...                       # never put keys in this file
#   export OPENAI_BASE_URL=https://api.openai.com/v1   # or any OpenAI-compatible gateway, vLLM, Ollama
#   canarylab run --config eval.yaml --exit-code
#
# Relative paths below are relative to this file. Every field is checked before any call is made.

name: gpt-4.1-mini-vs-gpt-4.1

arms:
  primary:                        # the model serving production today
    model: gpt-4.1
    baseURLEnv: OPENAI_BASE_URL   # environment variable with the base URL (read at run time) ...
    baseURL: https://api.openai.com/v1   # ... and the fallback when it is not set
    apiKeyEnv: OPENAI_API_KEY     # the NAME of the variable holding the key; run.json records only this name
    params:                       # sent as they are (OpenAI's snake_case names)
      temperature: 0
      max_tokens: 512
    price: { inputPer1M: 2.0, outputPer1M: 8.0 }   # USD per 1M tokens; or { blendedPer1M: 8.0 };
                                                   # omitted: looked up in datasets/pricing.json
    # protocol: openai            # or anthropic (Messages API, e.g. baseURL https://api.anthropic.com/v1,
                                  # key ANTHROPIC_API_KEY) or gemini (generateContent, baseURL
                                  # https://generativelanguage.googleapis.com/v1beta, key GEMINI_API_KEY)
    # concurrency: 8              # calls of this arm in flight at once (default: the global concurrency)
    # rateLimit: { rpm: 500, tpm: 200000 }   # client-side pacing, per model
    # timeoutMs: 60000
    # retry: { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 20000, maxTotalMs: 120000 }
  canary:                         # the candidate
    model: gpt-4.1-mini
    baseURLEnv: OPENAI_BASE_URL
    baseURL: https://api.openai.com/v1
    apiKeyEnv: OPENAI_API_KEY
    params:
      temperature: 0
      max_tokens: 512
    price: { inputPer1M: 0.4, outputPer1M: 1.6 }

dataset:
  gsm8k: { limit: 200 }           # the bundled GSM8K test set (1,319 grade-school maths problems) ...
  # path: prompts.jsonl           # ... or your own file: JSONL lines { id, prompt | messages, reference?,
  #                               #     meta?: { userId?, tier?, tags? } }, or CSV (id,prompt,reference,userId,tier,tags)
  # format: jsonl                 # jsonl | csv | gsm8k (default: from the extension)
  # limit: 500                    # at most this many items
  # sample: { n: 300, seed: 1 }   # a seeded random sample
  # tags: [billing, refunds]      # only items whose meta.tags include one of these

scorers:                          # deterministic checks of each answer (pass/fail or a score)
  - type: numeric                 # final number vs the reference (GSM8K's grader: "#### 18", "A: 18", boxed)
  # - type: exact                 # output equals the reference (normalize: { ignoreCase: true, ... })
  # - type: contains              # values: [refund, "14 days"], mode: all | any
  # - type: regex                 # pattern: "^Order #\\\\d+"
  # - type: json                  # output parses as JSON
  # - type: jsonSchema            # schema: schema.json (or an inline JSON Schema)
  # - type: length                # maxTokens: 300
  # - type: similarity            # metric: tokenF1 | rougeL | levenshtein, passAt: 0.6
  # The first pass/fail scorer is the "quality" metric the policy's quality gate reads.

judge:                            # an LLM judge (optional; remove this section to skip it)
  model: gpt-4.1
  baseURLEnv: OPENAI_BASE_URL
  baseURL: https://api.openai.com/v1
  apiKeyEnv: OPENAI_API_KEY
  criteria: Correct final answer with clear, complete reasoning.
  single: true                    # score each answer 1-10 (pass at 7)
  pairwise: true                  # also compare the two answers of each item, in both orders
  price: { inputPer1M: 2.0, outputPer1M: 8.0 }

concurrency: 16                   # calls in flight at once, both arms together
repeats: 1                        # independent samples per item
cache: true                       # response cache in <out>/.cache (errors are never cached)
maxCostUsd: 5                     # hard cap, USD, judge included: each call's worst case (prompt bytes +
                                  # max_tokens; 32768 output tokens without max_tokens) is reserved before it
                                  # is sent; the run stops with exit status 3 when the next one does not fit

stage:                            # where the rollout stands now (a step of the policy's plan)
  stage: shadow
  trafficPercent: 0
  shadowPercent: 5

traffic:
  monthlyRequests: 3000000        # production volume, for the projected monthly spend

# policy: policy.yaml             # promotion gates and rollout plan (default: the playbook's —
#                                 # success rate > 99.5%, P95 latency < 3 s, cost per 1K tokens +20% at most,
#                                 # quality not worse by more than 2 points, error-rate variance < 0.1%)
# analysis: { confidence: 0.95, seed: 0, resamples: 2000, nonInferiorityMargin: 0.02 }
# out: runs                       # folder of run folders (default: runs/ in the working directory)
`;
