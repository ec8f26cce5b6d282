/**
 * Property-based fuzzing of every input parser (issue 16): datasets (JSONL, CSV), production logs, the eval
 * config, policies and run folders get arbitrary bytes, valid files mutated as text and valid documents
 * mutated as values. Each input must load or be refused with a located error (see ./located.ts for what
 * "located" means per parser); loaded values must be sane (no negative latency or cost, no policy whose
 * gate cannot pass). Fixed seed and bounded count here (FUZZ_RUNS, default 60 per property; the DuckDB
 * log engine, ~0.2 s per input, a tenth of that); `npm run fuzz` runs the same properties longer
 * (FUZZ_RUNS=2000; FUZZ_SEED to explore other inputs).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRun } from '../../src/analysis/loadRun';
import { loadEvalConfig } from '../../src/config/evalConfig';
import { DEFAULT_POLICY, loadPolicy, policyProblems } from '../../src/decision/policy';
import { summarizeOtlp } from '../../src/logs/otlp';
import { summarizeLogs } from '../../src/logs/summarizeLogs';
import { importProductionLogs } from '../../src/routing/logs';
import { loadCsvItems, loadJsonlItems } from '../../src/runner/dataset';
import {
  arbitraryBytes,
  FUZZ_RUNS,
  FUZZ_SEED,
  fuzzParams,
  mutatedDocument,
  mutatedText,
  toJsonText,
  toYamlText,
} from './arbitraries';
import { echoesSecret, loadsOrLocated, SECRET } from './located';

const dir = mkdtempSync(join(tmpdir(), 'canarylab-fuzz-'));
/** Process warnings emitted while parsing (the YAML library used to emit ones quoting the file). */
const warnings: string[] = [];
process.on('warning', (w) => warnings.push(w.message));
const tally: Record<string, { loaded: number; refused: number }> = {};
const count = (name: string, r: 'loaded' | 'refused') => {
  tally[name] ??= { loaded: 0, refused: 0 };
  tally[name][r]++;
};
afterAll(() => {
  const rows = Object.entries(tally).map(([k, v]) => `${k}: ${v.loaded} loaded, ${v.refused} refused`);
  const total = Object.values(tally).reduce((s, v) => s + v.loaded + v.refused, 0);
  console.log(
    `fuzz (seed ${FUZZ_SEED}, ${FUZZ_RUNS} runs per property): ${total} inputs\n  ${rows.join('\n  ')}`,
  );
});

// --- valid seeds ------------------------------------------------------------------------------------------

const DATASET_ROWS = [
  {
    id: 'q1',
    prompt: `What is 2+2? ${SECRET}`,
    reference: 4,
    meta: { userId: 'u1', tier: 'premium', tags: ['math'] },
  },
  {
    id: 2,
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Say hello.' },
    ],
    reference: 'hello',
  },
  { id: 'q3', prompt: 'Name a colour.', meta: { tags: ['open', 'easy'] } },
];
const DATASET_JSONL = `${DATASET_ROWS.map((r) => JSON.stringify(r)).join('\n')}\n`;
const DATASET_CSV = `id,prompt,reference,userId,tier,tags\nq1,"What is 2+2? ${SECRET}",4,u1,premium,math|easy\nq2,"Say ""hi""",hi,u2,free,\nq3,Name a colour.,,,,open\n`;

const LOG_LINES = [
  {
    userId: 'u-1',
    model: 'gpt-4.1',
    latency: 2651,
    success: true,
    timestamp: 1748822444477,
    routedTo: 'primary',
    tier: 'free',
  },
  {
    userId: 'u-2',
    model: 'claude-sonnet-4-5',
    latency: 1832,
    success: false,
    timestamp: 1748822451003,
    routedTo: 'canary',
  },
  {
    model: 'claude-sonnet-4-5',
    prompt: `Summarise ${SECRET}`,
    latency: 900,
    tokens: 120,
    timestamp: '2025-06-02T00:00:51.003Z',
    valid: true,
  },
  {
    model: 'gpt-4.1',
    prompt: `Summarise ${SECRET}`,
    latency: 1200,
    tokens: 0,
    timestamp: '2025-06-02T00:00:52.003Z',
    valid: false,
  },
];
const LOGS_JSONL = `${LOG_LINES.map((r) => JSON.stringify(r)).join('\n')}\n`;

const LOGS_CSV = `userId,model,latency,success,timestamp,routedTo,tier\nu-1,gpt-4.1,2651,true,1748822444477,primary,free\nu-2,claude-sonnet-4-5,1832,false,1748822451003,canary,pro\nu-3,gpt-4.1,900,true,1748822452003,primary,\n`;

/** An OTLP JSON trace export (the SDK's serializer's shape) with two GenAI client spans. */
const otlpSpan = (spanId: string, model: string, variant: string, user: string) => ({
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId,
  name: `chat ${model}`,
  kind: 3,
  startTimeUnixNano: '1748822444000000000',
  endTimeUnixNano: '1748822445250000000',
  attributes: [
    { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
    { key: 'gen_ai.request.model', value: { stringValue: model } },
    { key: 'gen_ai.usage.input_tokens', value: { intValue: '10' } },
    { key: 'gen_ai.usage.output_tokens', value: { intValue: 5 } },
    { key: 'feature_flag.result.variant', value: { stringValue: variant } },
    { key: 'user.id', value: { stringValue: user } },
  ],
  status: variant === 'canary' ? { code: 2, message: SECRET } : {},
});
const OTLP = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'router' } }] },
      scopeSpans: [
        {
          scope: { name: 'genai' },
          spans: [
            otlpSpan('b7ad6b7169203331', 'gpt-4.1', 'primary', 'u1'),
            otlpSpan('b7ad6b7169203332', 'gemini-2.5-flash', 'canary', 'u2'),
          ],
        },
      ],
    },
  ],
};

const CALL = {
  runId: 'r1',
  model: 'm',
  repeat: 0,
  ok: true,
  attempts: 1,
  latencyMs: 120,
  ttftMs: 40,
  usage: { promptTokens: 10, completionTokens: 5 },
  costUsd: 0.001,
  startedAt: '2026-01-01T00:00:00.000Z',
  cached: false,
};
const RUN_FILES = {
  'calls.jsonl': [
    { ...CALL, itemId: 'a', arm: 'primary', answer: `The key is ${SECRET}` },
    { ...CALL, itemId: 'a', arm: 'canary', latencyMs: 95 },
    { ...CALL, itemId: 'b', arm: 'primary', ok: false, errorKind: 'timeout' },
    { ...CALL, itemId: 'b', arm: 'canary' },
  ],
  'scores.jsonl': [
    { runId: 'r1', itemId: 'a', arm: 'primary', repeat: 0, scorer: 'numericAnswer', score: 1, pass: true },
    { runId: 'r1', itemId: 'a', arm: 'canary', repeat: 0, scorer: 'numericAnswer', score: null, pass: false },
  ],
  'pairwise.jsonl': [{ runId: 'r1', itemId: 'a', judge: 'judge', winner: 'tie', reason: SECRET }],
} as const;
type RunFile = keyof typeof RUN_FILES;

const EVAL_CONFIG = {
  name: 'fuzz',
  arms: {
    primary: {
      model: 'gpt-4.1',
      baseURL: 'https://api.example.test/v1',
      apiKeyEnv: 'OPENAI_API_KEY',
      params: { temperature: 0, max_tokens: 256 },
      price: { inputPer1M: 2, outputPer1M: 8 },
      retry: { maxAttempts: 3 },
    },
    canary: {
      model: 'gpt-4.1-mini',
      baseURL: 'https://api.example.test/v1',
      apiKeyEnv: 'OPENAI_API_KEY',
      price: { blendedPer1M: 1 },
      rateLimit: { rpm: 500 },
    },
  },
  dataset: { path: 'items.jsonl', limit: 10 },
  scorers: [
    { type: 'numeric' },
    { type: 'contains', values: ['hello'], mode: 'any' },
    { type: 'regex', pattern: '\\d+' },
  ],
  judge: {
    model: 'gpt-4.1',
    baseURL: 'https://api.example.test/v1',
    price: { blendedPer1M: 5 },
    pairwise: true,
  },
  concurrency: 8,
  maxCostUsd: 5,
  stage: { stage: 'shadow', trafficPercent: 0, shadowPercent: 5 },
  traffic: { monthlyRequests: 3000000 },
  analysis: { confidence: 0.95, seed: 1 },
  policy: {
    gates: [
      {
        name: 'success rate',
        metric: 'success_rate',
        kind: 'absolute',
        direction: 'above',
        threshold: 0.995,
        severity: 'required',
      },
      {
        name: 'P95',
        metric: 'latency_p95_ms',
        kind: 'absolute',
        direction: 'below',
        threshold: 3000,
        severity: 'required',
      },
    ],
    plan: [
      { stage: 'shadow', trafficPercent: 0, shadowPercent: 5 },
      { stage: 'percentage', trafficPercent: 50 },
    ],
  },
};
/** A config with the embedded simulator (its own schema and resolution, a real llmperf trace file). */
const SIM_CONFIG = {
  simulator: {
    baseDir: join(__dirname, '..', '..', 'datasets'),
    models: {
      prim: { latency: { p50Ms: 5, p95Ms: 10 }, answers: '175b_finetuning', faults: { rate_limit: 0.01 } },
      can: { latency: { trace: 'llmperf/anyscale_13b.json', order: 'cycle' }, answers: '6b_verification' },
    },
  },
  arms: {
    primary: { model: 'prim', price: { blendedPer1M: 8 } },
    canary: { model: 'can', price: { blendedPer1M: 4 } },
  },
  dataset: { gsm8k: { limit: 10 } },
  scorers: [{ type: 'numeric' }],
};
const POLICY = JSON.parse(JSON.stringify(DEFAULT_POLICY)) as Record<string, unknown>;

writeFileSync(join(dir, 'items.jsonl'), DATASET_JSONL);

// --- helpers ----------------------------------------------------------------------------------------------

let fileNo = 0;
/** Writes one input to a fresh file (so an error naming the wrong file would be noticed). */
function put(name: string, content: string | Buffer): string {
  const p = join(dir, `${++fileNo}-${name}`);
  writeFileSync(p, content);
  return p;
}

async function datasetJsonl(input: string | Buffer) {
  const f = put('d.jsonl', input);
  const r = await loadsOrLocated({
    run: () => loadJsonlItems(f),
    kind: 'dataset',
    files: [f],
    check: (items) => {
      for (const i of items) {
        expect(typeof i.id === 'string' && i.id.length > 0).toBe(true);
        expect(i.messages.length).toBeGreaterThan(0);
      }
    },
  });
  count('dataset jsonl', r);
}

async function datasetCsv(input: string | Buffer) {
  const f = put('d.csv', input);
  count('dataset csv', await loadsOrLocated({ run: () => loadCsvItems(f), kind: 'dataset', files: [f] }));
}

async function logs(input: string | Buffer) {
  const f = put('logs.jsonl', input);
  const r = await loadsOrLocated({
    run: () => importProductionLogs(f, { skipInvalid: false }),
    kind: 'logs',
    files: [f],
    check: (run) => {
      for (const c of run.calls) {
        expect(Number.isFinite(c.latencyMs) && c.latencyMs >= 0, `latency ${c.latencyMs}`).toBe(true);
        expect(Number.isFinite(Date.parse(c.startedAt)), c.startedAt).toBe(true);
      }
    },
  });
  count('production logs', r);
}

async function logEngine(input: string | Buffer, ext: 'jsonl' | 'csv') {
  const f = put(`logs.${ext}`, input);
  count(
    `log engine (DuckDB, ${ext})`,
    await loadsOrLocated({ run: () => summarizeLogs(f), kind: 'logs', files: [f] }),
  );
}

async function otlp(input: string | Buffer) {
  const f = put('traces.json', input);
  const r = await loadsOrLocated({
    run: () => summarizeOtlp([f], { runId: 'fuzz', armAttribute: 'feature_flag.result.variant' }),
    kind: 'otlp',
    files: [f],
    check: (o) => {
      for (const arm of ['primary', 'canary'] as const)
        expect(o.summary[arm].calls).toBeGreaterThanOrEqual(0);
    },
  });
  count('OTLP export', r);
}

async function evalConfig(input: string | Buffer, ext = 'yaml') {
  const f = put(`eval.${ext}`, input);
  count(
    `eval config (${ext})`,
    await loadsOrLocated({ run: () => loadEvalConfig(f), kind: 'settings', files: [f], noEcho: true }),
  );
}

async function policy(input: string | Buffer, ext = 'yaml') {
  const f = put(`policy.${ext}`, input);
  const r = await loadsOrLocated({
    run: () => loadPolicy(f),
    kind: 'settings',
    files: [f],
    noEcho: true,
    check: (p) => {
      expect(policyProblems(p)).toEqual([]);
      for (const g of p.gates) if (g.threshold !== undefined) expect(Number.isFinite(g.threshold)).toBe(true);
    },
  });
  count(`policy (${ext})`, r);
}

async function runFolder(which: RunFile, input: string | Buffer) {
  const d = join(dir, `run-${++fileNo}`);
  mkdirSync(d);
  const files = Object.keys(RUN_FILES).map((n) => join(d, n));
  for (const [name, rows] of Object.entries(RUN_FILES)) {
    writeFileSync(
      join(d, name),
      name === which ? input : `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`,
    );
  }
  const r = await loadsOrLocated({
    run: () => loadRun(d),
    kind: 'runFolder',
    files,
    noEcho: true,
    check: (run) => {
      for (const c of run.calls) {
        expect(Number.isFinite(c.latencyMs) && c.latencyMs >= 0).toBe(true);
        expect(Number.isFinite(c.costUsd) && c.costUsd >= 0).toBe(true);
      }
    },
  });
  count(`run folder (${which})`, r);
}

const jsonLines = (rows: readonly unknown[]) => `${rows.map((r) => toJsonText(r)).join('\n')}\n`;
const whichFile = fc.constantFrom<RunFile>('calls.jsonl', 'scores.jsonl', 'pairwise.jsonl');

// --- properties -------------------------------------------------------------------------------------------

/** Long runs (`npm run fuzz`) need more than the default 60 s per property group. */
const TIMEOUT = Math.max(60_000, FUZZ_RUNS * 400);

describe('fuzz: every parser loads or gives a located error', { timeout: TIMEOUT }, () => {
  it('the seeds themselves load', async () => {
    await expect(loadJsonlItems(put('d.jsonl', DATASET_JSONL))).resolves.toHaveLength(3);
    await expect(loadCsvItems(put('d.csv', DATASET_CSV))).resolves.toHaveLength(3);
    await expect(importProductionLogs(put('l.jsonl', LOGS_JSONL))).resolves.toMatchObject({
      invalidLines: 0,
    });
    await expect(summarizeLogs(put('l.jsonl', LOGS_JSONL))).resolves.toMatchObject({ invalidLines: 0 });
    await expect(summarizeLogs(put('l.csv', LOGS_CSV))).resolves.toMatchObject({ invalidLines: 0 });
    const o = await summarizeOtlp([put('t.json', JSON.stringify(OTLP))], {
      runId: 'x',
      armAttribute: 'feature_flag.result.variant',
    });
    expect([o.summary.primary.calls, o.summary.canary.calls]).toEqual([1, 1]);
    await expect(loadEvalConfig(put('eval.yaml', toYamlText(EVAL_CONFIG)))).resolves.toBeTruthy();
    await expect(loadEvalConfig(put('eval.yaml', toYamlText(SIM_CONFIG)))).resolves.toBeTruthy();
    await expect(loadPolicy(put('policy.yaml', toYamlText(POLICY)))).resolves.toEqual(DEFAULT_POLICY);
  });

  it('dataset JSONL', async () => {
    const firstLine = `${JSON.stringify(DATASET_ROWS[0])}\n`;
    await fc.assert(fc.asyncProperty(arbitraryBytes(firstLine), datasetJsonl), fuzzParams());
    await fc.assert(fc.asyncProperty(mutatedText(DATASET_JSONL), datasetJsonl), fuzzParams());
    await fc.assert(
      fc.asyncProperty(mutatedDocument(DATASET_ROWS), (rows) => datasetJsonl(jsonLines(rows as unknown[]))),
      fuzzParams(),
    );
  });

  it('dataset CSV', async () => {
    await fc.assert(fc.asyncProperty(arbitraryBytes('id,prompt\n'), datasetCsv), fuzzParams());
    await fc.assert(fc.asyncProperty(mutatedText(DATASET_CSV), datasetCsv), fuzzParams());
  });

  it('production logs (src/routing/logs.ts)', async () => {
    await fc.assert(
      fc.asyncProperty(arbitraryBytes(`${JSON.stringify(LOG_LINES[0])}\n`), logs),
      fuzzParams(),
    );
    await fc.assert(fc.asyncProperty(mutatedText(LOGS_JSONL), logs), fuzzParams());
    await fc.assert(
      fc.asyncProperty(mutatedDocument(LOG_LINES), (rows) => logs(jsonLines(rows as unknown[]))),
      fuzzParams(),
    );
  });

  it('log engine: DuckDB over JSONL and CSV files (src/logs/summarizeLogs.ts)', async () => {
    const runs = Math.max(4, Math.round(FUZZ_RUNS / 10));
    await fc.assert(
      fc.asyncProperty(mutatedText(LOGS_JSONL), (t) => logEngine(t, 'jsonl')),
      fuzzParams(runs),
    );
    await fc.assert(
      fc.asyncProperty(mutatedText(LOGS_CSV), (t) => logEngine(t, 'csv')),
      fuzzParams(runs),
    );
    await fc.assert(
      fc.asyncProperty(arbitraryBytes(`${JSON.stringify(LOG_LINES[0])}\n`), (b) => logEngine(b, 'jsonl')),
      fuzzParams(runs),
    );
  });

  it('OTLP JSON trace exports (src/logs/otlp.ts)', async () => {
    await fc.assert(fc.asyncProperty(arbitraryBytes('{"resourceSpans":'), otlp), fuzzParams());
    await fc.assert(fc.asyncProperty(mutatedText(JSON.stringify(OTLP, null, 1)), otlp), fuzzParams());
    await fc.assert(
      fc.asyncProperty(mutatedDocument(OTLP), (doc) => otlp(toJsonText(doc))),
      fuzzParams(),
    );
  });

  it('eval config (YAML and JSON)', async () => {
    const yaml = toYamlText(EVAL_CONFIG);
    await fc.assert(
      fc.asyncProperty(arbitraryBytes('name: x\n'), (b) => evalConfig(b)),
      fuzzParams(),
    );
    await fc.assert(
      fc.asyncProperty(mutatedText(yaml), (t) => evalConfig(t)),
      fuzzParams(),
    );
    await fc.assert(
      fc.asyncProperty(mutatedDocument(EVAL_CONFIG), (doc) => evalConfig(toYamlText(doc))),
      fuzzParams(),
    );
    await fc.assert(
      fc.asyncProperty(mutatedText(JSON.stringify(EVAL_CONFIG, null, 2)), (t) => evalConfig(t, 'json')),
      fuzzParams(),
    );
    await fc.assert(
      fc.asyncProperty(mutatedDocument(SIM_CONFIG), (doc) => evalConfig(toYamlText(doc))),
      fuzzParams(),
    );
  });

  it('policy (YAML and JSON)', async () => {
    const yaml = toYamlText(POLICY);
    await fc.assert(
      fc.asyncProperty(arbitraryBytes('gates:\n'), (b) => policy(b)),
      fuzzParams(),
    );
    await fc.assert(
      fc.asyncProperty(mutatedText(yaml), (t) => policy(t)),
      fuzzParams(),
    );
    await fc.assert(
      fc.asyncProperty(mutatedDocument(POLICY), (doc) => policy(toYamlText(doc))),
      fuzzParams(),
    );
    await fc.assert(
      fc.asyncProperty(mutatedDocument(POLICY), (doc) => policy(toJsonText(doc), 'json')),
      fuzzParams(),
    );
  });

  it('run folders (calls.jsonl, scores.jsonl, pairwise.jsonl)', async () => {
    await fc.assert(
      fc.asyncProperty(whichFile, arbitraryBytes(), (w, b) => runFolder(w, b)),
      fuzzParams(),
    );
    await fc.assert(
      fc.asyncProperty(
        whichFile.chain((w) => fc.tuple(fc.constant(w), mutatedText(jsonLines(RUN_FILES[w])))),
        ([w, t]) => runFolder(w, t),
      ),
      fuzzParams(),
    );
    await fc.assert(
      fc.asyncProperty(
        whichFile.chain((w) => fc.tuple(fc.constant(w), mutatedDocument(RUN_FILES[w]))),
        ([w, rows]) => runFolder(w, jsonLines(rows as unknown[])),
      ),
      fuzzParams(),
    );
  });

  it('no process warning repeated a planted secret', () => {
    expect(warnings.filter((w) => echoesSecret(w))).toEqual([]);
  });

  it('every parser both loaded and refused some inputs (the mutations reach past the syntax check)', () => {
    for (const [name, v] of Object.entries(tally)) {
      expect(v.loaded, `${name}: nothing loaded`).toBeGreaterThan(0);
      expect(v.refused, `${name}: nothing refused`).toBeGreaterThan(0);
    }
  });
});

describe('fuzz: resource-heavy inputs are refused or loaded, never a crash', () => {
  const deepFlow = `a: ${'['.repeat(3000)}${']'.repeat(3000)}\n`;
  const deepBlock = Array.from({ length: 1500 }, (_, i) => `${' '.repeat(i)}- `).join('\n');
  const aliases = `a: &a [x, y]\n${Array.from({ length: 300 }, (_, i) => `k${i}: *a`).join('\n')}\n`;
  const hugeLine = `name: ${'x'.repeat(2_000_000)}\n`;
  it.each([
    ['nesting 3,000 flow levels deep', deepFlow],
    ['a block sequence 1,500 levels deep', deepBlock],
    ['300 aliases of one anchor', aliases],
    ['a 2 MB line', hugeLine],
  ])('settings file: %s', async (_name, t) => {
    await evalConfig(t);
    await policy(t);
    await policy(t.replace(/^name: /, '{"name": "').replace(/\n$/, '"}'), 'json');
  });

  it.each([
    ['arrays nested 200,000 deep', `${'['.repeat(200_000)}${']'.repeat(200_000)}`],
    ['objects nested 100,000 deep', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`],
    ['an unclosed 100,000-deep array', '['.repeat(100_000)],
    ['a 5 MB prompt', JSON.stringify({ id: 'a', prompt: 'x'.repeat(5_000_000) })],
  ])('JSONL line: %s', async (_name, line) => {
    await datasetJsonl(`${line}\n`);
    await logs(`${line}\n`);
    await runFolder('calls.jsonl', `${line}\n`);
  });
});
