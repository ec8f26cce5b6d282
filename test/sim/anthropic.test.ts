/**
 * Protocol fidelity: the official Anthropic client (@anthropic-ai/sdk, not ours) talks to the simulator's
 * Messages API — JSON and streamed, usage, stop reasons, prompt caching — and reads its errors as the SDK
 * reads Anthropic's (status → error class, error type, retry-after).
 */
import Anthropic, { type APIError } from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/sim/server';
import { FEW_SHOT, promptTokens, QUESTION, solution, tokens } from './protocolFixtures';

const KEY = 'sk-ant-sim-test-key';
const SYSTEM = 'You are a careful math tutor.';
let sim: Simulator;
let anthropic: Anthropic;

beforeAll(async () => {
  sim = await startSimulator({
    seed: 1,
    apiKey: KEY,
    models: {
      'claude-sonnet-4-5': { latency: { p50Ms: 5, p95Ms: 10 } },
      limited: { latency: { p50Ms: 1, p95Ms: 2 }, faults: { rate_limit: 1 }, retryAfterS: 1 },
      overloaded: { latency: { p50Ms: 1, p95Ms: 2 }, faults: { unavailable: 1 } },
      tiny: { maxPromptTokens: 8 },
    },
  });
  anthropic = new Anthropic({ apiKey: KEY, baseURL: sim.url, maxRetries: 0, timeout: 10_000 });
});

afterAll(async () => {
  await sim.close();
});

const request = {
  model: 'claude-sonnet-4-5',
  max_tokens: 1024,
  system: SYSTEM,
  messages: [{ role: 'user' as const, content: QUESTION }],
};
// claude-sonnet-4-5's built-in profile replays GPT-3 175B fine-tuned (src/sim/config.ts DEFAULT_PROFILES).
const ANSWER = solution('175b_finetuning');
const PROMPT = promptTokens([
  { role: 'system', content: SYSTEM },
  { role: 'user', content: QUESTION },
]);

describe('the official Anthropic client against the simulator', () => {
  it('creates a message: content blocks, stop_reason and usage', async () => {
    const r = await anthropic.messages.create(request);
    expect(r.type).toBe('message');
    expect(r.role).toBe('assistant');
    expect(r.id).toMatch(/^msg_/);
    expect(r.model).toBe('claude-sonnet-4-5');
    expect(r.content).toEqual([{ type: 'text', text: ANSWER }]);
    expect(r.stop_reason).toBe('end_turn');
    expect(r.stop_sequence).toBeNull();
    expect(r.usage.input_tokens).toBe(PROMPT);
    expect(r.usage.output_tokens).toBe(tokens(ANSWER));
    expect(r.usage.cache_read_input_tokens).toBe(0);
    expect(r.usage.cache_creation_input_tokens).toBe(0);
  });

  it('streams the events the SDK reassembles into the same message', async () => {
    const raw = await anthropic.messages.create({ ...request, stream: true });
    const types: string[] = [];
    let text = '';
    for await (const e of raw) {
      types.push(e.type);
      if (e.type === 'content_block_delta' && e.delta.type === 'text_delta') text += e.delta.text;
    }
    expect(types[0]).toBe('message_start');
    expect(types[1]).toBe('content_block_start');
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(types.filter((t) => t === 'content_block_delta').length).toBeGreaterThan(0);
    expect(text).toBe(ANSWER);

    const stream = anthropic.messages.stream(request);
    let deltas = '';
    stream.on('text', (t) => {
      deltas += t;
    });
    const final = await stream.finalMessage();
    expect(deltas).toBe(ANSWER);
    expect(final.content).toHaveLength(1);
    expect(final.content[0]).toMatchObject({ type: 'text', text: ANSWER });
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.input_tokens).toBe(PROMPT);
    expect(final.usage.output_tokens).toBe(tokens(ANSWER));
  });

  it('stops at max_tokens and at a stop sequence, saying which', async () => {
    const short = await anthropic.messages.create({ ...request, max_tokens: 5 });
    expect(short.stop_reason).toBe('max_tokens');
    expect(short.usage.output_tokens).toBe(5);
    const stopped = await anthropic.messages.create({ ...request, stop_sequences: ['\n'] });
    expect(stopped.stop_reason).toBe('stop_sequence');
    expect(stopped.stop_sequence).toBe('\n');
    expect(stopped.content[0]).toEqual({ type: 'text', text: ANSWER.slice(0, ANSWER.indexOf('\n')) });
  });

  it('writes a cache_control prefix on first use and reads it after', async () => {
    const cached = {
      ...request,
      system: [{ type: 'text' as const, text: FEW_SHOT, cache_control: { type: 'ephemeral' as const } }],
    };
    // The prefix is the system prompt: 3 priming + 3 framing + tokens('system') + tokens(FEW_SHOT).
    const prefix = promptTokens([{ role: 'system', content: FEW_SHOT }]);
    const total = promptTokens([
      { role: 'system', content: FEW_SHOT },
      { role: 'user', content: QUESTION },
    ]);
    expect(prefix).toBeGreaterThanOrEqual(1024);
    const first = await anthropic.messages.create(cached);
    expect(first.usage.cache_creation_input_tokens).toBe(prefix);
    expect(first.usage.cache_read_input_tokens).toBe(0);
    expect(first.usage.input_tokens).toBe(total - prefix);
    const second = await anthropic.messages.create(cached);
    expect(second.usage.cache_creation_input_tokens).toBe(0);
    expect(second.usage.cache_read_input_tokens).toBe(prefix);
    expect(second.usage.input_tokens).toBe(total - prefix);
  });

  it('extended thinking: a thinking block first, its tokens inside output_tokens', async () => {
    const thinking = {
      ...request,
      max_tokens: 2048,
      thinking: { type: 'enabled' as const, budget_tokens: 1024 },
    };
    // The simulator's rule: min(budget, 2 × answer tokens) thinking tokens.
    const spent = Math.min(1024, 2 * tokens(ANSWER));
    const r = await anthropic.messages.create(thinking);
    expect(r.content.map((b) => b.type)).toEqual(['thinking', 'text']);
    expect(r.content[1]).toEqual({ type: 'text', text: ANSWER });
    expect(r.usage.output_tokens).toBe(tokens(ANSWER) + spent);
    expect(r.usage.output_tokens_details?.thinking_tokens).toBe(spent);
    const final = await anthropic.messages.stream(thinking).finalMessage();
    expect(final.content.map((b) => b.type)).toEqual(['thinking', 'text']);
    expect(final.content[0]).toMatchObject({ type: 'thinking', signature: expect.any(String) });
    expect(final.content[1]).toMatchObject({ type: 'text', text: ANSWER });
    expect(final.usage.output_tokens).toBe(tokens(ANSWER) + spent);
  });

  it('answers errors the SDK maps to its classes: 429, 529, 404, 400, 401', async () => {
    const err = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: unknown) => e,
      );
    const limited = await err(anthropic.messages.create({ ...request, model: 'limited' }));
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect((limited as APIError).status).toBe(429);
    expect((limited as APIError).type).toBe('rate_limit_error');
    expect((limited as APIError).headers?.get('retry-after')).toBe('1');
    expect((limited as APIError).requestID).toMatch(/^req_/);

    const overloaded = await err(anthropic.messages.create({ ...request, model: 'overloaded' }));
    expect(overloaded).toBeInstanceOf(Anthropic.OverloadedError);
    expect((overloaded as APIError).status).toBe(529);
    expect((overloaded as APIError).type).toBe('overloaded_error');

    const missing = await err(anthropic.messages.create({ ...request, model: 'claude-nope' }));
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
    expect((missing as APIError).type).toBe('not_found_error');

    const long = await err(anthropic.messages.create({ ...request, model: 'tiny' }));
    expect(long).toBeInstanceOf(Anthropic.BadRequestError);
    expect((long as Error).message).toMatch(/prompt is too long: \d+ tokens > 8 maximum/);

    const noMax = await err(
      anthropic.messages.create({ ...request, max_tokens: undefined as unknown as number }),
    );
    expect(noMax).toBeInstanceOf(Anthropic.BadRequestError);
    expect((noMax as Error).message).toMatch(/max_tokens: Field required/);

    const wrongKey = new Anthropic({ apiKey: 'sk-ant-wrong', baseURL: sim.url, maxRetries: 0 });
    const unauth = await err(wrongKey.messages.create(request));
    expect(unauth).toBeInstanceOf(Anthropic.AuthenticationError);
  });
});
