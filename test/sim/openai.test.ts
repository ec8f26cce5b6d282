/**
 * Protocol fidelity: the official `openai` client (not ours) talks to the simulator, streaming and not, and
 * reads its errors as it reads OpenAI's.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/sim/server';

const QUESTION =
  "Janet’s ducks lay 16 eggs per day. She eats three for breakfast every morning and bakes muffins for her friends every day with four. She sells the remainder at the farmers' market daily for $2 per fresh duck egg. How much in dollars does she make every day at the farmers' market?";

let sim: Simulator;
let openai: OpenAI;

beforeAll(async () => {
  sim = await startSimulator({
    seed: 1,
    apiKey: 'sk-sim-test',
    models: {
      'gpt-4.1': { latency: { p50Ms: 5, p95Ms: 10 } },
      limited: { latency: { p50Ms: 1, p95Ms: 2 }, faults: { rate_limit: 1 }, retryAfterS: 1 },
      tiny: { maxPromptTokens: 8 },
    },
  });
  openai = new OpenAI({ apiKey: 'sk-sim-test', baseURL: sim.baseURL, maxRetries: 0, timeout: 10_000 });
});

afterAll(async () => {
  await sim.close();
});

describe('the official openai client against the simulator', () => {
  it('completes a non-streaming call with a recorded gsm8k answer', async () => {
    const r = await openai.chat.completions.create({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: QUESTION }],
    });
    expect(r.object).toBe('chat.completion');
    expect(r.id).toMatch(/^chatcmpl-/);
    expect(r.model).toBe('gpt-4.1');
    expect(r.choices).toHaveLength(1);
    expect(r.choices[0].message.role).toBe('assistant');
    expect(r.choices[0].message.content).toMatch(/A: 18$/);
    expect(r.choices[0].finish_reason).toBe('stop');
    expect(r.usage?.total_tokens).toBe((r.usage?.prompt_tokens ?? 0) + (r.usage?.completion_tokens ?? 0));
  });

  it('streams chunks the client reassembles, with a final usage chunk when asked', async () => {
    const stream = await openai.chat.completions.create({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: QUESTION }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      expect(chunk.object).toBe('chat.completion.chunk');
      if (chunk.choices[0]?.delta?.content) text += chunk.choices[0].delta.content;
      if (chunk.choices[0]?.finish_reason) finish = chunk.choices[0].finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    const plain = await openai.chat.completions.create({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: QUESTION }],
    });
    expect(chunks).toBeGreaterThan(2);
    expect(text).toBe(plain.choices[0].message.content);
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBe(plain.usage?.completion_tokens);
  });

  it('truncates at max_tokens with finish_reason length', async () => {
    const r = await openai.chat.completions.create({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: QUESTION }],
      max_tokens: 7,
    });
    expect(r.choices[0].finish_reason).toBe('length');
    expect(r.usage?.completion_tokens).toBe(7);
  });

  it('lists models', async () => {
    const ids: string[] = [];
    for await (const m of openai.models.list()) ids.push(m.id);
    expect(ids.sort()).toEqual(['gpt-4.1', 'limited', 'tiny']);
  });

  it('produces the errors OpenAI produces', async () => {
    const notFound = await openai.chat.completions
      .create({ model: 'gpt-7', messages: [{ role: 'user', content: 'x' }] })
      .catch((e) => e);
    expect(notFound).toBeInstanceOf(OpenAI.NotFoundError);
    expect(notFound.code).toBe('model_not_found');

    const ctx = await openai.chat.completions
      .create({
        model: 'tiny',
        messages: [{ role: 'user', content: 'far more than eight tokens in this prompt' }],
      })
      .catch((e) => e);
    expect(ctx).toBeInstanceOf(OpenAI.BadRequestError);
    expect(ctx.code).toBe('context_length_exceeded');

    const limited = await openai.chat.completions
      .create({ model: 'limited', messages: [{ role: 'user', content: 'x' }] })
      .catch((e) => e);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(limited.headers.get('retry-after')).toBe('1');

    const wrongKey = new OpenAI({ apiKey: 'sk-nope', baseURL: sim.baseURL, maxRetries: 0 });
    const auth = await wrongKey.chat.completions
      .create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'x' }] })
      .catch((e) => e);
    expect(auth).toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
