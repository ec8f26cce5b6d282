/**
 * OpenTelemetry GenAI spans as a log source, on exports written by the real OpenTelemetry JS SDK: each call
 * to the simulator is instrumented as a GenAI client span (the attributes an instrumentation library sets,
 * names from @opentelemetry/semantic-conventions), the SDK's OTLP JSON serializer writes the export, and
 * the reader must give back exactly what the instrumentation observed — which the test records itself,
 * from the client's responses, independently of the reader.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanStatusCode } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
} from '@opentelemetry/semantic-conventions/incubating';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatClient } from '../../src/gateway/client';
import { GatewayError } from '../../src/gateway/errors';
import { parsePricing } from '../../src/gateway/pricing';
import {
  errorKindOf,
  isOtlpFile,
  newOtlpFacts,
  OtlpError,
  streamOtlpCalls,
  summarizeOtlp,
} from '../../src/logs/otlp';
import { type Simulator, startSimulator } from '../../src/sim/server';
import type { CallRecord } from '../../src/types';

const FLAG = 'feature_flag.result.variant';
let sim: Simulator;
let dir: string;
/** What the instrumentation saw, per call, in span order. */
const observed: {
  arm: 'primary' | 'canary';
  model: string;
  ok: boolean;
  input?: number;
  output?: number;
  user: string;
  status?: number;
}[] = [];
let exportFile: string;
let jsonLinesFile: string;

const pricing = parsePricing({
  models: {
    'gpt-4.1': { blendedPer1M: 8, inputPer1M: 2, outputPer1M: 8 },
    'gemini-2.5-flash': { blendedPer1M: 2.5, inputPer1M: 0.3, outputPer1M: 2.5 },
  },
});

async function collect(files: string[], opts: Parameters<typeof streamOtlpCalls>[1]) {
  const facts = newOtlpFacts();
  const calls: CallRecord[] = [];
  for await (const c of streamOtlpCalls(files, opts, facts)) calls.push(c);
  return { calls, facts };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canarylab-otlp-'));
  sim = await startSimulator({
    seed: 7,
    models: {
      'gpt-4.1': { latency: { p50Ms: 20, p95Ms: 40 } },
      // Every 4th canary call is a 503 (seeded plan), so failures are spans with an error status.
      'gemini-2.5-flash': {
        latency: { p50Ms: 5, p95Ms: 10 },
        faultPlan: ['none', 'none', 'none', 'unavailable', 'none', 'none', 'none', 'unavailable'],
      },
    },
  });
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('canarylab-test-instrumentation');
  const clients = {
    primary: createChatClient({ baseURL: sim.baseURL, model: 'gpt-4.1' }),
    canary: createChatClient({ baseURL: sim.baseURL, model: 'gemini-2.5-flash' }),
  };
  for (let i = 0; i < 16; i++) {
    const arm = i % 2 === 0 ? 'primary' : 'canary';
    const client = clients[arm];
    const user = `u${i % 5}`;
    const span = tracer.startSpan(`chat ${client.model}`, {
      attributes: {
        [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
        [ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
        [ATTR_GEN_AI_REQUEST_MODEL]: client.model,
        [FLAG]: arm === 'primary' ? 'control' : 'treatment',
        'user.id': user,
      },
    });
    try {
      const r = await client.complete({ messages: [{ role: 'user', content: `What is ${i} + ${i}?` }] });
      span.setAttributes({
        [ATTR_GEN_AI_RESPONSE_MODEL]: r.model,
        [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: r.usage?.promptTokens ?? 0,
        [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: r.usage?.completionTokens ?? 0,
      });
      observed.push({
        arm,
        model: client.model,
        ok: true,
        input: r.usage?.promptTokens ?? 0,
        output: r.usage?.completionTokens ?? 0,
        user,
      });
    } catch (e) {
      const status = e instanceof GatewayError ? e.httpStatus : undefined;
      span.setAttribute(ATTR_ERROR_TYPE, String(status ?? 'network'));
      span.setStatus({ code: SpanStatusCode.ERROR });
      observed.push({ arm, model: client.model, ok: false, user, status });
    } finally {
      span.end();
    }
  }
  await clients.primary.close();
  await clients.canary.close();
  const spans = exporter.getFinishedSpans();
  // One whole-file export document (SDK JSON serializer), and the same spans as JSON lines, split in two
  // documents as the Collector's file exporter writes them.
  const serialize = (s: typeof spans) =>
    // biome-ignore lint/suspicious/noExplicitAny: the serializer is typed against @opentelemetry/sdk-trace's ReadableSpan, the same objects
    new TextDecoder().decode(JsonTraceSerializer.serializeRequest(s as any) as Uint8Array);
  exportFile = join(dir, 'traces.json');
  await writeFile(exportFile, JSON.stringify(JSON.parse(serialize(spans)), null, 2));
  jsonLinesFile = join(dir, 'traces.jsonl');
  await writeFile(jsonLinesFile, `${serialize(spans.slice(0, 7))}\n${serialize(spans.slice(7))}\n`);
  await provider.shutdown();
});

afterAll(async () => {
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('OTLP JSON exports of GenAI spans (written by the OpenTelemetry JS SDK)', () => {
  it('gives one record per span with the arm, model, tokens, status and cost the instrumentation saw', async () => {
    const { calls, facts } = await collect([exportFile], { runId: 'prod', armAttribute: FLAG, pricing });
    expect(facts.genAiSpans).toBe(16);
    expect(facts.documents).toBe(1);
    expect(calls).toHaveLength(observed.length);
    // The in-memory exporter keeps spans in end order, which is call order here (calls are sequential).
    for (const [i, o] of observed.entries()) {
      const c = calls[i];
      expect(c.arm).toBe(o.arm);
      expect(c.model).toBe(o.model);
      expect(c.ok).toBe(o.ok);
      if (o.ok) {
        expect(c.usage).toEqual({ promptTokens: o.input, completionTokens: o.output });
        const p = o.model === 'gpt-4.1' ? { in: 2, out: 8 } : { in: 0.3, out: 2.5 };
        expect(c.costUsd).toBeCloseTo(((o.input ?? 0) * p.in + (o.output ?? 0) * p.out) / 1e6, 12);
      } else {
        expect(o.status).toBe(503);
        expect(c.errorKind).toBe('server');
      }
      expect(c.latencyMs).toBeGreaterThan(0);
    }
    expect(observed.filter((o) => !o.ok)).toHaveLength(2);
    // Item ids number each user's calls, as the routing log's `<userId>#<k>`.
    expect(calls.slice(0, 6).map((c) => c.itemId)).toEqual(['u0#0', 'u1#0', 'u2#0', 'u3#0', 'u4#0', 'u0#1']);
    expect(facts.models).toEqual({ primary: ['gpt-4.1'], canary: ['gemini-2.5-flash'] });
  });

  it('latency is the span duration: the primary (P50 20 ms) is slower than the canary (P50 5 ms)', async () => {
    const { calls } = await collect([exportFile], { runId: 'prod', armAttribute: FLAG });
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const p = median(calls.filter((c) => c.arm === 'primary').map((c) => c.latencyMs));
    const q = median(calls.filter((c) => c.arm === 'canary' && c.ok).map((c) => c.latencyMs));
    expect(p).toBeGreaterThan(15);
    expect(q).toBeLessThan(p);
  });

  it('reads JSON-lines exports (one document per line) to the same records', async () => {
    const a = await collect([exportFile], { runId: 'prod', armAttribute: FLAG });
    const b = await collect([jsonLinesFile], { runId: 'prod', armAttribute: FLAG });
    expect(b.facts.documents).toBe(2);
    expect(b.calls).toEqual(a.calls);
  });

  it('takes the arm from the model when no attribute says it', async () => {
    const { calls } = await collect([exportFile], { runId: 'prod', primaryModel: 'gpt-4.1' });
    expect(calls.filter((c) => c.arm === 'canary').every((c) => c.model === 'gemini-2.5-flash')).toBe(true);
    await expect(collect([exportFile], { runId: 'prod' })).rejects.toMatchObject({
      code: 'CANARYLAB_ERR_OTLP_ARM',
    });
  });

  it('locates bad documents and spans, and skips them with skipInvalid', async () => {
    const bad = join(dir, 'bad.jsonl');
    const good = (await import('node:fs/promises')).readFile(jsonLinesFile, 'utf8');
    const [first] = (await good).split('\n');
    const doc = JSON.parse(first);
    doc.resourceSpans[0].scopeSpans[0].spans[0].endTimeUnixNano = '1';
    const tokens = doc.resourceSpans[0].scopeSpans[0].spans[1].attributes.find(
      (a: { key: string }) => a.key === ATTR_GEN_AI_USAGE_INPUT_TOKENS,
    );
    tokens.value = { intValue: '-5' };
    await writeFile(bad, `${first}\nnot json sk-secret\n${JSON.stringify(doc)}\n{"foo":1}\n`);
    const err = await collect([bad], { runId: 'prod', armAttribute: FLAG }).catch((e) => e);
    expect(err).toBeInstanceOf(OtlpError);
    expect(err.message).toBe(`${bad}:2: (document): valid JSON`);
    expect(err.message).not.toContain('sk-secret');
    const { calls, facts } = await collect([bad], { runId: 'prod', armAttribute: FLAG, skipInvalid: true });
    expect(facts.invalid).toBe(4);
    expect(facts.invalidMessages[1]).toMatch(/:3: span [0-9a-f]+: startTimeUnixNano\/endTimeUnixNano: /);
    expect(facts.invalidMessages[3]).toBe(
      `${bad}:4: resourceSpans: an OTLP JSON trace export ({ "resourceSpans": [ … ] })`,
    );
    expect(calls).toHaveLength(7 + 7 - 2);
  });

  it('names a missing or empty file', async () => {
    await expect(collect([join(dir, 'nope.json')], { runId: 'x' })).rejects.toThrow(
      /nope\.json: cannot be read \(ENOENT\)/,
    );
    const empty = join(dir, 'empty.json');
    await writeFile(empty, '');
    await expect(collect([empty], { runId: 'x' })).rejects.toThrow(/empty\.json: is empty/);
  });
});

describe('summarizeOtlp', () => {
  it('summarises the spans: calls, failures by kind and token sums per arm as observed', async () => {
    expect(await isOtlpFile(exportFile)).toBe(true);
    expect(await isOtlpFile(jsonLinesFile)).toBe(true);
    const { summary, facts } = await summarizeOtlp([exportFile], {
      runId: 'prod',
      armAttribute: FLAG,
      pricing,
      windowMs: 3_600_000,
    });
    for (const arm of ['primary', 'canary'] as const) {
      const o = observed.filter((x) => x.arm === arm);
      const s = summary[arm];
      expect(s.calls).toBe(o.length);
      expect(s.ok).toBe(o.filter((x) => x.ok).length);
      expect(s.tokens).toEqual({
        prompt: o.reduce((a, x) => a + (x.input ?? 0), 0),
        completion: o.reduce((a, x) => a + (x.output ?? 0), 0),
      });
      expect(s.latencyMs.count).toBe(s.ok);
    }
    expect(summary.canary.failures).toEqual({ server: 2 });
    // Call i is user u(i mod 5), arm by i mod 2: over 16 calls each arm sees all five users.
    expect(facts.split.users).toEqual({ primary: 5, canary: 5 });
    expect(facts.split.usersInBothArms).toBe(5);
    expect(summary.origins[0]).toMatchObject({ engine: 'js', rows: 16, invalidLines: 0 });
  });
});

describe('attribute names', () => {
  it('the copies in src/logs/genAiAttributes.ts equal @opentelemetry/semantic-conventions', async () => {
    const ours = await import('../../src/logs/genAiAttributes');
    const incubating = await import('@opentelemetry/semantic-conventions/incubating');
    const stable = await import('@opentelemetry/semantic-conventions');
    for (const [name, value] of Object.entries(ours)) {
      expect(value, name).toBe(
        (incubating as Record<string, unknown>)[name] ?? (stable as Record<string, unknown>)[name],
      );
    }
    expect(Object.keys(ours)).toHaveLength(6);
  });
});

describe('error.type → error kind', () => {
  it.each([
    ['429', undefined, 'rate_limit'],
    ['RateLimitError', undefined, 'rate_limit'],
    ['APITimeoutError', undefined, 'timeout'],
    ['504', undefined, 'timeout'],
    ['503', undefined, 'server'],
    ['_OTHER', 500, 'server'],
    ['400', undefined, 'client'],
    ['NotFoundError', undefined, 'client'],
    ['APIConnectionError', undefined, 'network'],
    ['ContentFilterError', undefined, 'content_filter'],
  ] as const)('%s (status %s) → %s', (type, status, kind) => {
    expect(errorKindOf(type, status)).toBe(kind);
  });
});

describe('canarylab analyze on an OTLP export (the real CLI)', () => {
  it('summarises the spans with --arm-attribute and writes a complete run folder', async () => {
    const { runCli } = await import('../cli/cliHelpers');
    const out = join(dir, 'runs');
    const r = await runCli([
      'analyze',
      exportFile,
      '--out',
      out,
      '--run-id',
      'otel',
      '--arm-attribute',
      FLAG,
      '--arm-values',
      'control:treatment',
    ]);
    expect(r.stderr).toMatch(/summarised 16 lines .* with js/);
    expect(r.code).toBe(0);
    const { readFile } = await import('node:fs/promises');
    const comparison = JSON.parse(await readFile(join(out, 'otel', 'comparison.json'), 'utf8'));
    const success = comparison.comparisons.find((c: { metric: string }) => c.metric === 'success_rate');
    // 8 primary calls all ok; 8 canary calls of which the simulator's plan failed 2 (503).
    expect(success.primary).toMatchObject({ n: 8, estimate: 1 });
    expect(success.canary).toMatchObject({ n: 8, estimate: 6 / 8 });
    const bad = await runCli(['analyze', exportFile, '--out', out, '--run-id', 'x', '--arm-values', 'a:a']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/disjoint/);
  });
});
