/**
 * canarylab's own client speaking each protocol (openai, anthropic, gemini) to the simulator: answers,
 * streams with time to first token, usage with its cached / cache-write / reasoning breakdowns, and every
 * provider's error shapes mapped onto the typed errors the retry policy reads (429 and 5xx incl. 529
 * retried, model errors answered by a fallback, the rest final). Expected answers and token counts come
 * from the bundled GSM8K file and gpt-tokenizer (test/sim/protocolFixtures.ts), not from the simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatClient, createChatClient } from '../../src/gateway/client';
import {
  ClientError,
  ContentFilterError,
  ContextLengthExceededError,
  GatewayError,
  InvalidResponseError,
  ModelNotFoundError,
  NetworkError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from '../../src/gateway/errors';
import { createGateway } from '../../src/gateway/gateway';
import type { ProtocolName } from '../../src/gateway/protocols/index';
import type { ChatMessage } from '../../src/gateway/types';
import { type Simulator, startSimulator } from '../../src/sim/server';
import { FEW_SHOT, promptTokens, QUESTION, solution, tokens } from '../sim/protocolFixtures';

const KEY = 'sk-canarylab-secret-0123456789';
let sim: Simulator;
const clients: ChatClient[] = [];

const fast = { latency: { p50Ms: 5, p95Ms: 10 } };
beforeAll(async () => {
  sim = await startSimulator({
    seed: 3,
    apiKey: KEY,
    models: {
      'gpt-4.1': fast,
      'claude-sonnet-4-5': fast,
      'gemini-2.5-flash': fast,
      limited: { ...fast, faults: { rate_limit: 1 }, retryAfterS: 1 },
      overloaded: { ...fast, faults: { unavailable: 1 } },
      broken: { ...fast, faults: { server_error: 1 } },
      resetting: { ...fast, faults: { reset: 1 } },
      garbled: { ...fast, faults: { malformed: 1 } },
      nousage: { ...fast, answers: '6b_finetuning', faults: { missing_usage: 1 } },
      filtered: { ...fast, faults: { content_filter: 1 } },
      hanging: { ...fast, faults: { hang: 1 } },
      tiny: { ...fast, maxPromptTokens: 8 },
      // A fault plan is per model: one flaky model per protocol.
      ...Object.fromEntries(
        ['openai', 'anthropic', 'gemini'].map((p) => [
          `flaky-${p}`,
          {
            ...fast,
            answers: '6b_finetuning' as const,
            faultPlan: ['rate_limit' as const, 'unavailable' as const],
            retryAfterS: 0,
          },
        ]),
      ),
    },
  });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await sim.close();
});

const SYSTEM = 'You are a careful math tutor.';
const MESSAGES: ChatMessage[] = [
  { role: 'system', content: SYSTEM },
  { role: 'user', content: QUESTION },
];
const PROMPT = promptTokens([
  { role: 'system', content: SYSTEM },
  { role: 'user', content: QUESTION },
]);

const client = (
  protocol: ProtocolName,
  model: string,
  extra: Partial<Parameters<typeof createChatClient>[0]> = {},
) => {
  const c = createChatClient({
    protocol,
    baseURL: sim.baseURL,
    apiKey: KEY,
    model,
    timeoutMs: 10_000,
    ...extra,
  });
  clients.push(c);
  return c;
};

async function failure(p: Promise<unknown>): Promise<GatewayError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    const e = err as GatewayError;
    // The key is never in what an error says or serializes to.
    expect(e.message).not.toContain(KEY);
    expect(JSON.stringify(e)).not.toContain(KEY);
    return e;
  }
  throw new Error('expected a rejection');
}

const cases: Array<{ protocol: ProtocolName; model: string; field: string; overloadStatus: number }> = [
  { protocol: 'openai', model: 'gpt-4.1', field: '175b_verification', overloadStatus: 503 },
  { protocol: 'anthropic', model: 'claude-sonnet-4-5', field: '175b_finetuning', overloadStatus: 529 },
  { protocol: 'gemini', model: 'gemini-2.5-flash', field: '6b_verification', overloadStatus: 503 },
];

describe.each(cases)(
  'createChatClient with protocol $protocol',
  ({ protocol, model, field, overloadStatus }) => {
    const answer = solution(field);

    it('completes: content, finish reason, usage counted as the provider counts it', async () => {
      const r = await client(protocol, model).complete({ messages: MESSAGES, params: { max_tokens: 1024 } });
      expect(r.content).toBe(answer);
      expect(r.finishReason).toBe('stop');
      expect(r.usage).toEqual({
        promptTokens: PROMPT,
        completionTokens: tokens(answer),
        totalTokens: PROMPT + tokens(answer),
      });
      expect(r.httpStatus).toBe(200);
      expect(r.model).toBe(model);
      expect(r.latencyMs).toBeGreaterThan(0);
      expect(r.ttftMs).toBeUndefined();
    });

    it('streams: the same answer and usage, with time to first token', async () => {
      const r = await client(protocol, model).complete({
        messages: MESSAGES,
        params: { max_tokens: 1024, stream: true },
      });
      expect(r.content).toBe(answer);
      expect(r.finishReason).toBe('stop');
      expect(r.usage?.promptTokens).toBe(PROMPT);
      expect(r.usage?.completionTokens).toBe(tokens(answer));
      expect(r.ttftMs).toBeGreaterThan(0);
      expect(r.ttftMs).toBeLessThanOrEqual(r.latencyMs);
    });

    it('max_tokens cuts the answer: finish reason length in every protocol', async () => {
      for (const stream of [false, true]) {
        const r = await client(protocol, model).complete({
          messages: MESSAGES,
          params: { max_tokens: 5, stream },
        });
        expect(r.finishReason).toBe('length');
        expect(r.usage?.completionTokens).toBe(5);
      }
    });

    it('prices a repeated prefix as the provider caches it', async () => {
      const cacheable: ChatMessage[] = [
        // cache_control is Anthropic's explicit breakpoint; the other protocols cache the prefix by themselves.
        { role: 'system', content: [{ type: 'text', text: FEW_SHOT, cache_control: { type: 'ephemeral' } }] },
        { role: 'user', content: QUESTION },
      ];
      // Prefix = the system message: 3 + 3 + tokens('system') + tokens(FEW_SHOT); OpenAI reports it in 128s.
      const prefix = promptTokens([{ role: 'system', content: FEW_SHOT }]);
      const c = client(protocol, model);
      const first = await c.complete({ messages: cacheable, params: { max_tokens: 1024 } });
      const second = await c.complete({ messages: cacheable, params: { max_tokens: 1024, stream: true } });
      expect(first.usage?.cachedTokens).toBeUndefined();
      expect(first.usage?.cacheWriteTokens).toBe(protocol === 'anthropic' ? prefix : undefined);
      expect(second.usage?.cachedTokens).toBe(protocol === 'openai' ? prefix - (prefix % 128) : prefix);
      expect(second.usage?.promptTokens).toBe(first.usage?.promptTokens);
      expect(second.usage?.cacheWriteTokens).toBeUndefined();
    });

    it('maps 429 with its wait, overload and 500 to retryable errors', async () => {
      const limited = await failure(client(protocol, 'limited').complete({ messages: MESSAGES }));
      expect(limited).toBeInstanceOf(RateLimitError);
      expect(limited.retryable).toBe(true);
      expect(limited.retryAfterMs).toBe(1000);
      const overloaded = await failure(client(protocol, 'overloaded').complete({ messages: MESSAGES }));
      expect(overloaded).toBeInstanceOf(ServerError);
      expect(overloaded.httpStatus).toBe(overloadStatus);
      expect(overloaded.retryable).toBe(true);
      const broken = await failure(client(protocol, 'broken').complete({ messages: MESSAGES }));
      expect(broken).toBeInstanceOf(ServerError);
      expect(broken.httpStatus).toBe(500);
      expect(broken.retryable).toBe(true);
    });

    it('maps model errors (not found, context length) to fallback-eligible errors, a bad key to a final one', async () => {
      const missing = await failure(client(protocol, 'no-such-model').complete({ messages: MESSAGES }));
      expect(missing).toBeInstanceOf(ModelNotFoundError);
      expect(missing.isModelError).toBe(true);
      expect(missing.retryable).toBe(false);
      const long = await failure(client(protocol, 'tiny').complete({ messages: MESSAGES }));
      expect(long).toBeInstanceOf(ContextLengthExceededError);
      expect(long.isModelError).toBe(true);
      const wrongKey = await failure(
        client(protocol, model, { apiKey: 'sk-wrong-key-000000' }).complete({ messages: MESSAGES }),
      );
      expect(wrongKey).toBeInstanceOf(ClientError);
      expect(wrongKey.retryable).toBe(false);
      expect(wrongKey.isModelError).toBe(false);
    });

    it('resets, malformed bodies, content filters, hangs and missing usage, JSON and streamed', async () => {
      for (const stream of [false, true]) {
        const params = { max_tokens: 1024, stream };
        expect(
          await failure(client(protocol, 'resetting').complete({ messages: MESSAGES, params })),
        ).toBeInstanceOf(NetworkError);
        expect(
          await failure(client(protocol, 'garbled').complete({ messages: MESSAGES, params })),
        ).toBeInstanceOf(InvalidResponseError);
        expect(
          await failure(client(protocol, 'filtered').complete({ messages: MESSAGES, params })),
        ).toBeInstanceOf(ContentFilterError);
        const hung = await failure(
          client(protocol, 'hanging', { timeoutMs: 200 }).complete({ messages: MESSAGES, params }),
        );
        expect(hung).toBeInstanceOf(TimeoutError);
        expect(hung.retryable).toBe(true);
        const noUsage = await client(protocol, 'nousage').complete({ messages: MESSAGES, params });
        expect(noUsage.content).toBe(solution('6b_finetuning'));
        expect(noUsage.usage).toBeNull();
      }
    });

    it('the gateway retries 429 then overload and succeeds; falls back on a model error', async () => {
      const gw = createGateway({
        client: client(protocol, `flaky-${protocol}`),
        retry: { baseDelayMs: 1, maxDelayMs: 5 },
      });
      const out = await gw.call({ messages: MESSAGES, params: { max_tokens: 1024 } });
      expect(out.ok ? 'ok' : out.error.message).toBe('ok');
      expect(out.attempts).toBe(3);
      expect(out.attemptLog.map((a) => a.httpStatus)).toEqual([429, overloadStatus, 200]);

      const fb = createGateway({ client: client(protocol, 'no-such-model'), fallbackModel: model });
      const fell = await fb.call({ messages: MESSAGES, params: { max_tokens: 1024 } });
      expect(fell.ok).toBe(true);
      expect(fell.fallbackUsed?.error).toBeInstanceOf(ModelNotFoundError);
      expect(fell.answeredBy).toBe(model);
    });
  },
);

describe('reasoning tokens', () => {
  it('are read from Anthropic thinking_tokens and Gemini thoughtsTokenCount, billed as output', async () => {
    const answerTokens = tokens(solution('175b_finetuning'));
    // The simulator spends min(budget, 2 × answer tokens) thinking tokens (src/sim/protocols/*.ts).
    const spent = Math.min(512, 2 * answerTokens);
    for (const stream of [false, true]) {
      const a = await client('anthropic', 'claude-sonnet-4-5').complete({
        messages: MESSAGES,
        params: { max_tokens: 2048, stream, thinking: { type: 'enabled', budget_tokens: 512 } },
      });
      expect(a.content).toBe(solution('175b_finetuning'));
      expect(a.usage?.reasoningTokens).toBe(spent);
      expect(a.usage?.completionTokens).toBe(answerTokens + spent);
    }
    const gAnswer = tokens(solution('6b_verification'));
    for (const stream of [false, true]) {
      const g = await client('gemini', 'gemini-2.5-flash').complete({
        messages: MESSAGES,
        params: { stream, generationConfig: { thinkingConfig: { thinkingBudget: 100 } } },
      });
      expect(g.content).toBe(solution('6b_verification'));
      expect(g.usage?.reasoningTokens).toBe(Math.min(100, 2 * gAnswer));
      expect(g.usage?.completionTokens).toBe(gAnswer + Math.min(100, 2 * gAnswer));
    }
  });
});
