import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INIT_TEMPLATE } from '../../src/cli/initTemplate';
import { loadEvalConfig, PRICING_FILE, resolveSecrets } from '../../src/config/evalConfig';
import { DEFAULT_POLICY } from '../../src/decision/policy';
import { ConfigError } from '../../src/input/schemaErrors';

const dir = mkdtempSync(join(tmpdir(), 'canarylab-config-'));
let n = 0;
/** Writes a config file and returns its path. */
function file(text: string, ext = 'yaml'): string {
  const p = join(dir, `c${++n}.${ext}`);
  writeFileSync(p, text);
  return p;
}

/** The ConfigError lines of loading `text`. */
async function issuesOf(
  text: string,
  ext = 'yaml',
): Promise<{ path: string; message: string; issues: string[] }> {
  const p = file(text, ext);
  try {
    await loadEvalConfig(p);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return { path: p, message: (e as ConfigError).message, issues: (e as ConfigError).issues };
  }
  throw new Error('expected a ConfigError');
}

const SIM_OK = `
simulator:
  models:
    prim: { latency: { p50Ms: 5, p95Ms: 10 }, answers: 175b_finetuning }
    can: { latency: { p50Ms: 5, p95Ms: 10 }, answers: 6b_verification }
arms:
  primary: { model: prim, price: { blendedPer1M: 8 } }
  canary: { model: can, price: { inputPer1M: 1, outputPer1M: 4 } }
dataset: { gsm8k: { limit: 10 } }
scorers: [ { type: numeric } ]
`;

describe('loadEvalConfig: a valid config', () => {
  it("fills the defaults, resolves the default policy and the plan's first step, and hashes the canonical config", async () => {
    const a = await loadEvalConfig(file(SIM_OK));
    expect(a.config.concurrency).toBe(16);
    expect(a.config.repeats).toBe(1);
    expect(a.config.cache).toBe(true);
    expect(a.policy).toEqual(DEFAULT_POLICY);
    expect(a.position).toEqual({ stage: 'shadow', trafficPercent: 0, shadowPercent: 5 });
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    // The same settings with keys in another order and as JSON: the same hash (keys sorted, defaults filled).
    const json = {
      scorers: [{ type: 'numeric' }],
      dataset: { gsm8k: { limit: 10 } },
      arms: {
        canary: { price: { outputPer1M: 4, inputPer1M: 1 }, model: 'can' },
        primary: { model: 'prim', price: { blendedPer1M: 8 } },
      },
      simulator: {
        models: {
          can: { answers: '6b_verification', latency: { p95Ms: 10, p50Ms: 5 } },
          prim: { latency: { p50Ms: 5, p95Ms: 10 }, answers: '175b_finetuning' },
        },
      },
      concurrency: 16,
    };
    const b = await loadEvalConfig(file(JSON.stringify(json), 'json'));
    expect(b.hash).toBe(a.hash);
    const c = await loadEvalConfig(file(`${SIM_OK}\nrepeats: 2\n`));
    expect(c.hash).not.toBe(a.hash);
  });

  it('accepts the config `canarylab init` writes (a real endpoint through environment variables)', async () => {
    const loaded = await loadEvalConfig(file(INIT_TEMPLATE));
    expect(loaded.config.arms.primary).toMatchObject({
      model: 'gpt-4.1',
      apiKeyEnv: 'OPENAI_API_KEY',
      baseURLEnv: 'OPENAI_BASE_URL',
    });
    expect(loaded.config.arms.canary.model).toBe('gpt-4.1-mini');
    expect(loaded.config.judge).toMatchObject({ model: 'gpt-4.1', pairwise: true, single: true });
    const env = { OPENAI_API_KEY: 'sk-test-abcdefgh12345678', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' };
    const ep = resolveSecrets(loaded, env);
    expect(ep.primary).toEqual({ baseURL: 'http://127.0.0.1:9/v1', apiKey: env.OPENAI_API_KEY });
    // Without OPENAI_BASE_URL the file's baseURL is the fallback.
    expect(resolveSecrets(loaded, { OPENAI_API_KEY: 'k' }).canary.baseURL).toBe('https://api.openai.com/v1');
  });
});

describe('loadEvalConfig: errors name the file, the line, the field and what was expected', () => {
  it('reports every schema problem at once', async () => {
    const { path, message, issues } = await issuesOf(`arms:
  primary:
    model: gpt-4.1
    baseURL: https://api.openai.com/v1
  canary:
    baseURL: not a url
    apiKey: sk-123
dataset: { gsm8k: true }
scorers:
  - type: numerc
concurency: 4
`);
    expect(message.startsWith(`${path}: invalid configuration`)).toBe(true);
    expect(issues).toEqual([
      'arms.canary.baseURL (line 6): expected an http(s) URL such as https://api.openai.com/v1',
      'arms.canary.model (line 6): required (expected a string)',
      'arms.canary.apiKey (line 7): API keys never go in the config file: set apiKeyEnv to the name of the environment variable that holds the key',
      'scorers[0].type (line 10): expected one of "numeric", "exact", "contains", "notContains", "regex", "startsWith", "json", "jsonSchema", "length", "oneLine", "language", "similarity", got "numerc"',
      '(root) (line 11): unknown field "concurency" (did you mean "concurrency"?)',
    ]);
    // The key's value never appears in the message.
    expect(message).not.toContain('sk-123');
  });

  it('says which source is missing for an arm without baseURL and no simulator', async () => {
    const { issues } = await issuesOf(`arms:
  primary: { model: a, price: { blendedPer1M: 1 } }
  canary: { model: b, baseURL: http://127.0.0.1:1/v1, price: { blendedPer1M: 1 } }
dataset: { gsm8k: true }
`);
    expect(issues).toEqual([
      'arms.primary.baseURL (line 2): required (expected the base URL of an OpenAI-compatible API, or a `simulator:` section)',
    ]);
  });

  it('rejects a model without price that the price table does not have (never priced at $0)', async () => {
    const { issues } = await issuesOf(`arms:
  primary: { model: gpt-4.1, baseURL: https://api.openai.com/v1 }
  canary: { model: my-finetune, baseURL: https://api.openai.com/v1 }
dataset: { gsm8k: true }
`);
    expect(issues).toEqual([
      `arms.canary.price (line 3): required: model "my-finetune" is not in the price table ${PRICING_FILE}; set price: { inputPer1M, outputPer1M } or { blendedPer1M } (USD per 1M tokens)`,
    ]);
  });

  it("checks the arms' models against the simulator, the stage against the plan, and an inline policy", async () => {
    const { issues } = await issuesOf(`${SIM_OK.replace('model: can,', 'model: canary-x,')}
stage: { stage: flag, trafficPercent: 7 }
`);
    expect(issues).toEqual([
      "stage (line 12): not a step of the policy's plan; expected one of: shadow 0% (shadow 5%), shadow 0% (shadow 10%), shadow 0% (shadow 15%), shadow 0% (shadow 20%), flag 5%, flag 25%, percentage 25%, percentage 50%, percentage 100%, full 100%",
      'arms.canary.model (line 8): "canary-x" is not a model of the simulator (it has: prim, can)',
    ]);
    const policy = await issuesOf(`${SIM_OK}
policy:
  gates:
    - { name: p95, metric: latency_p95_ms, kind: absolute, severity: required }
  plan: [ { stage: shadow, trafficPercent: 0 } ]
`);
    expect(policy.issues).toEqual([
      'policy.gates[0].threshold (line 14): required for an absolute gate',
      "policy.gates[0].direction (line 14): required for an absolute gate ('above' or 'below')",
    ]);
  });

  it("reports the simulator's own validation under `simulator.`", async () => {
    const { issues } = await issuesOf(SIM_OK.replace('p95Ms: 10 }, answers: 6b', 'p95Ms: 1 }, answers: 6b'));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^simulator\.models\.can\.latency\.p95Ms \(line 5\): /);
  });

  it('builds the scorers to check their options', async () => {
    const { issues } = await issuesOf(`${SIM_OK.replace('scorers: [ { type: numeric } ]', '')}
scorers:
  - type: numeric
  - type: regex
    pattern: "(unclosed"
  - { type: numeric }
`);
    expect(issues[0]).toBe(
      'scorers[2].name (line 16): scorer name "numericAnswer" is used twice: give each scorer a distinct name',
    );
    const bad = await issuesOf(`${SIM_OK.replace('scorers: [ { type: numeric } ]', '')}
scorers:
  - type: regex
    pattern: "(unclosed"
`);
    expect(bad.issues).toHaveLength(1);
    expect(bad.issues[0]).toMatch(
      /^scorers\[0\] \(line 13\): regexMatch: pattern: expected a valid regular expression/,
    );
  });

  it('names the line and column of a YAML syntax error, and a file that cannot be read', async () => {
    const { issues } = await issuesOf('arms:\n  primary: [1\n');
    expect(issues[0]).toMatch(/^line 3, column 1: not valid YAML: /);
    await expect(loadEvalConfig(join(dir, 'missing.yaml'))).rejects.toThrow(
      `${join(dir, 'missing.yaml')}: invalid configuration\n  - cannot read the file (ENOENT)`,
    );
    const empty = await issuesOf('');
    expect(empty.issues).toEqual(['(root): expected a mapping of settings (arms, dataset, scorers, …)']);
  });
});

describe('resolveSecrets', () => {
  it('names the field and the variable of a missing key, never a value', async () => {
    const loaded = await loadEvalConfig(file(INIT_TEMPLATE));
    let err: ConfigError | undefined;
    try {
      resolveSecrets(loaded, { OPENAI_BASE_URL: 'https://example.test/v1' });
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(err?.issues).toEqual([
      'arms.primary.apiKeyEnv: environment variable OPENAI_API_KEY is not set (it is read at run time and never stored)',
      'arms.canary.apiKeyEnv: environment variable OPENAI_API_KEY is not set (it is read at run time and never stored)',
      'judge.apiKeyEnv: environment variable OPENAI_API_KEY is not set (it is read at run time and never stored)',
    ]);
    expect(() => resolveSecrets(loaded, { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'ftp://x' })).toThrow(
      'arms.primary.baseURLEnv: OPENAI_BASE_URL is not an http(s) URL',
    );
  });
});

describe('loadEvalConfig: hostile files (issue 16 defect 9)', () => {
  it('an alias bomb is refused naming the file and the line of the first alias (before: a bare ReferenceError)', async () => {
    const { path, message, issues } = await issuesOf(`a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
`);
    expect(message.startsWith(`${path}: invalid configuration`)).toBe(true);
    expect(issues).toEqual([
      'line 2: not valid YAML: the aliases (*name) expand to more than 100 copies (an alias bomb?): write the values out or use fewer aliases',
    ]);
  });

  it("a syntax error names line and column without repeating the file's text", async () => {
    const secret = 'sk-proj-Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0';
    const { message, issues } = await issuesOf(`arms:\n  primary: { model: "${secret}\n`);
    // The parser notices the missing quote where the file ends (line 3), and the flow map's indentation.
    expect(issues).toEqual([
      'line 3, column 1: not valid YAML: a closing quote, bracket or brace is missing',
      'line 3, column 1: not valid YAML: the indentation is wrong here',
    ]);
    expect(message).not.toContain('sk-proj');
    const json = await issuesOf(`{"arms": {"primary": ${secret}}`, 'json');
    expect(json.message).not.toContain('sk-proj');
    expect(json.issues[0]).toMatch(/^line 1, column \d+: not valid JSON: /);
  });

  it('analysis.windowMs (error-rate window width) is accepted as a positive integer', async () => {
    const ok = await loadEvalConfig(file(`${SIM_OK}analysis: { windowMs: 3600000 }\n`));
    expect(ok.config.analysis?.windowMs).toBe(3_600_000);
    const { issues } = await issuesOf(`${SIM_OK}analysis: { windowMs: 0, windowMS: 5 }\n`);
    expect(issues).toEqual([
      'analysis.windowMs (line 11): expected a number > 0',
      'analysis (line 11): unknown field "windowMS" (did you mean "windowMs"?)',
    ]);
  });

  it("a policy file that cannot be read is located at the config's `policy` line (found by the fuzzer)", async () => {
    const { issues } = await issuesOf(`${SIM_OK}policy: no-such-policy.yaml\n`);
    expect(issues).toEqual([
      `policy (line 11): cannot read the policy file ${join(dir, 'no-such-policy.yaml')} (ENOENT)`,
    ]);
  });

  it('a price table that is not JSON is located by column without repeating its text', async () => {
    const table = join(dir, 'prices.json');
    writeFileSync(table, '{"models": {"gpt-4.1": sk-proj-Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0}}');
    const noPrice = SIM_OK.replace('price: { blendedPer1M: 8 } }', '}');
    const { issues } = await issuesOf(`${noPrice}pricing: ${table}\n`);
    expect(issues).toEqual([
      `pricing (line 11): cannot read the price table ${table} (not valid JSON: column 24: expected a value (a string in double quotes, a number, {…}, […], true, false or null))`,
    ]);
  });

  it('a key longer than 32 characters is described, not repeated (it may be a pasted secret)', async () => {
    const { issues } = await issuesOf(`${SIM_OK}sk-proj-Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0: 1\n`);
    expect(issues).toEqual(['(root) (line 11): unknown field [a 38-character name]']);
  });

  it('1e400 reads as a number out of range, not "got null"; a UTF-8 byte-order mark is ignored', async () => {
    const { issues } = await issuesOf(`\uFEFF${SIM_OK}concurrency: 1e400\n`);
    expect(issues).toEqual([
      'concurrency (line 11): expected a number, got a number out of range (∞: too large for a 64-bit float)',
    ]);
  });
});

describe('loadEvalConfig: no process warning repeats the text', () => {
  it('a mapping used as a key is read without a warning quoting it (the YAML library emitted one)', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      const { issues } = await issuesOf(`${SIM_OK}? { sk-proj-Zx9Qw8Er7Ty6Ui5: 1 }\n: 2\n`);
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatch(/^\(root\) \(line \d+\): unknown field /);
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.includes('sk-proj'))).toEqual([]);
  });
});
