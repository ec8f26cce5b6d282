import { readFileSync } from 'node:fs';
import { encode } from 'gpt-tokenizer';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatClient } from '../../src/gateway/client';
import { countTextTokens } from '../../src/gateway/tokens';
import { DEFAULT_PROFILES, resolveSimConfig, SimConfigError } from '../../src/sim/config';
import { type Simulator, startSimulator } from '../../src/sim/server';
import { runConcurrent, user } from './helpers';

const rows = readFileSync('datasets/gsm8k/model_solutions.jsonl', 'utf8')
  .trim()
  .split('\n')
  .slice(0, 3)
  .map((l) => JSON.parse(l));

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({
    seed: 42,
    models: {
      a: { latency: { p50Ms: 2, p95Ms: 4 }, answers: '175b_finetuning' },
      b: { latency: { p50Ms: 2, p95Ms: 4 }, answers: '6b_verification' },
      t: { latency: { p50Ms: 2, p95Ms: 4 } },
      slow: { latency: { p50Ms: 60, p95Ms: 60 } },
    },
  });
});
afterAll(async () => {
  await sim.close();
});

async function post(body: unknown, path = '/v1/chat/completions') {
  const res = await request(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text };
}

describe('simulator HTTP surface', () => {
  it('binds 127.0.0.1 and serves /health and /v1/models', async () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.baseURL).toBe(`${sim.url}/v1`);
    const h = await request(`${sim.url}/health`);
    expect(await h.body.json()).toEqual({ status: 'ok' });
    const m = await request(`${sim.url}/v1/models`);
    const list = (await m.body.json()) as { object: string; data: Array<{ id: string; object: string }> };
    expect(list.object).toBe('list');
    expect(list.data.map((d) => d.id)).toEqual(['a', 'b', 't', 'slow']);
    expect(list.data[0].object).toBe('model');
  });

  it('answers bad requests with OpenAI error shapes', async () => {
    const badJson = await post('{ nope');
    expect(badJson.status).toBe(400);
    expect(JSON.parse(badJson.text)).toMatchObject({
      error: { type: 'invalid_request_error', param: null, code: null },
    });
    const noMessages = await post({ model: 'a' });
    expect(noMessages.status).toBe(400);
    expect(JSON.parse(noMessages.text).error).toMatchObject({
      param: 'messages',
      code: 'missing_required_parameter',
    });
    const unknown = await post({ model: 'zzz', messages: user('x') });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text).error).toEqual({
      message: 'The model `zzz` does not exist or you do not have access to it.',
      type: 'invalid_request_error',
      param: null,
      code: 'model_not_found',
    });
    const route = await post({}, '/v1/embeddings');
    expect(route.status).toBe(404);
  });

  it('serves a chat.completion with OpenAI’s fields', async () => {
    const r = await post({ model: 't', messages: user('hello there') });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    const body = JSON.parse(r.text);
    expect(Object.keys(body).sort()).toEqual(
      ['choices', 'created', 'id', 'model', 'object', 'service_tier', 'system_fingerprint', 'usage'].sort(),
    );
    expect(body.choices[0]).toMatchObject({
      index: 0,
      logprobs: null,
      finish_reason: 'stop',
      message: { role: 'assistant' },
    });
    expect(Number.isInteger(body.created)).toBe(true);
  });

  it('streams events: role first, content deltas, finish, usage chunk only when asked, then [DONE]', async () => {
    for (const includeUsage of [true, false]) {
      const body: Record<string, unknown> = { model: 't', messages: user('stream please'), stream: true };
      if (includeUsage) body.stream_options = { include_usage: true };
      const r = await post(body);
      expect(r.headers['content-type']).toMatch(/^text\/event-stream/);
      const events = r.text.split('\n\n').filter((e) => e.length > 0);
      expect(events.every((e) => e.startsWith('data: '))).toBe(true);
      expect(events.at(-1)).toBe('data: [DONE]');
      const json = events.slice(0, -1).map((e) => JSON.parse(e.slice(6)));
      expect(json[0].choices[0].delta).toEqual({ role: 'assistant', content: '', refusal: null });
      const usageChunks = json.filter((c) => c.usage);
      expect(usageChunks.length).toBe(includeUsage ? 1 : 0);
      if (includeUsage) {
        expect(usageChunks[0].choices).toEqual([]);
        expect(json.slice(0, -1).every((c) => c.usage === null)).toBe(true);
      } else {
        expect(json.every((c) => !('usage' in c))).toBe(true);
      }
      const finish = json.filter((c) => c.choices[0]?.finish_reason);
      expect(finish).toHaveLength(1);
      expect(finish[0].choices[0].finish_reason).toBe('stop');
    }
  });
});

describe('answers', () => {
  it('replays the recorded gsm8k answer of the profile’s field, matched by the last user message', async () => {
    const a = createChatClient({ baseURL: sim.baseURL, model: 'a' });
    const b = createChatClient({ baseURL: sim.baseURL, model: 'b' });
    for (const row of rows) {
      expect((await a.complete({ messages: user(row.question) })).content).toBe(
        row['175b_finetuning'].solution,
      );
      expect((await b.complete({ messages: user(row.question) })).content).toBe(
        row['6b_verification'].solution,
      );
    }
    // A question wrapped in a prompt template, after a system message and an earlier turn, still matches.
    const wrapped = await a.complete({
      messages: [
        { role: 'system', content: 'You are a careful math tutor.' },
        { role: 'user', content: 'warm-up' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: `Solve step by step:\n${rows[1].question}\nEnd with "A: <number>".` },
      ],
    });
    expect(wrapped.content).toBe(rows[1]['175b_finetuning'].solution);
    await a.close();
    await b.close();
  });

  it('falls back to a deterministic template, the same for the same seed and prompt', async () => {
    const other = await startSimulator({ seed: 42, models: { t: { latency: { p50Ms: 1, p95Ms: 1 } } } });
    const c1 = createChatClient({ baseURL: sim.baseURL, model: 't' });
    const c2 = createChatClient({ baseURL: other.baseURL, model: 't' });
    const r1 = await c1.complete({ messages: user('Tell me about canaries') });
    const r2 = await c2.complete({ messages: user('Tell me about canaries') });
    expect(r1.content).toBe(r2.content);
    expect(r1.content).toMatch(/^Simulated answer from t/);
    expect((await c1.complete({ messages: user('Something else') })).content).not.toBe(r1.content);
    await c1.close();
    await c2.close();
    await other.close();
  });

  it('counts usage with the tokenizer, truncates at max_tokens and cuts at stop sequences', async () => {
    const c = createChatClient({ baseURL: sim.baseURL, model: 'a' });
    const full = await c.complete({ messages: user(rows[0].question) });
    expect(full.usage?.completionTokens).toBe(encode(rows[0]['175b_finetuning'].solution).length);
    // 3 priming + (3 framing + role "user" + the text) for one message
    expect(full.usage?.promptTokens).toBe(3 + 3 + encode('user').length + encode(rows[0].question).length);
    const cut = await c.complete({ messages: user(rows[0].question), params: { max_tokens: 12 } });
    expect(cut.finishReason).toBe('length');
    expect(cut.usage?.completionTokens).toBe(12);
    expect(full.content?.startsWith(cut.content ?? '-')).toBe(true);
    const stopped = await c.complete({ messages: user(rows[0].question), params: { stop: ['\n'] } });
    expect(stopped.content).toBe(rows[0]['175b_finetuning'].solution.split('\n')[0]);
    await c.close();
  });

  it('counts prompt and completion tokens exactly as gpt-tokenizer encodes them (cached per piece)', async () => {
    // The simulator sums cached per-piece counts; gpt-tokenizer's public encode is the reference. The texts
    // hit its pre-tokenizer's corners: contractions, digit groups, whitespace runs, newlines, non-Latin
    // scripts, emoji, special-token strings (plain text here), long pieces (13+ characters are not
    // cached), a 512-character text (the longest counted in one piece) and a longer one (countTextTokens'
    // chunks). Each is sent twice so the second count comes from the cache.
    const long = Array.from({ length: 40 }, (_, i) => `word${i} 12345 ${'x'.repeat(i % 17)}`).join(' ');
    const texts = [
      "I'm sure they'll say it's 1234567 dollars — isn't it?",
      '  leading and   inner   spaces\n\n\ttabs\r\nand CRLF  ',
      'Ünïcödé façade, 日本語のテキスト, русский текст, 😀🚀 emoji',
      'special <|endoftext|> and <|im_start|> strings are plain text',
      'supercalifragilisticexpialidocious antidisestablishmentarianism 3.14159265358979',
      'a'.repeat(512),
      long.slice(0, 512),
      `${long} ${long}`,
    ];
    const plain = { disallowedSpecial: new Set<string>() };
    for (const text of [...texts, ...texts]) {
      const r = await post({ model: 't', messages: [{ role: 'user', content: text }] });
      const body = JSON.parse(r.text) as {
        choices: Array<{ message: { content: string } }>;
        usage: { prompt_tokens: number; completion_tokens: number };
      };
      const textTokens = text.length <= 512 ? encode(text, plain).length : countTextTokens(text);
      expect(body.usage.prompt_tokens).toBe(3 + 3 + encode('user').length + textTokens);
      expect(body.usage.completion_tokens).toBe(encode(body.choices[0].message.content, plain).length);
    }
  });
});

describe('seeded faults', () => {
  it('gives the same requests the same faults whatever the arrival order', async () => {
    const prompts = Array.from({ length: 60 }, (_, i) => `question number ${i}`);
    const outcome = async (order: string[]) => {
      const s = await startSimulator({
        seed: 9,
        models: { m: { latency: { p50Ms: 1, p95Ms: 3 }, faults: { server_error: 0.3 } } },
      });
      const c = createChatClient({ baseURL: s.baseURL, model: 'm' });
      const result = new Map<string, number>();
      await runConcurrent(order.length, 16, async (i) => {
        const status = await c.complete({ messages: user(order[i]) }).then(
          (r) => r.httpStatus,
          (e) => e.httpStatus as number,
        );
        result.set(order[i], status);
      });
      const faults = s.stats().faults.server_error;
      await c.close();
      await s.close();
      return { result, faults };
    };
    const x = await outcome(prompts);
    const y = await outcome([...prompts].reverse());
    expect(x.faults).toBe(y.faults);
    expect(x.faults).toBeGreaterThan(5);
    expect(x.faults).toBeLessThan(35);
    for (const p of prompts) expect(y.result.get(p)).toBe(x.result.get(p));
  });

  it('reports requests, in-flight maximum and faults in stats()', async () => {
    const c = createChatClient({ baseURL: sim.baseURL, model: 'slow' });
    const before = sim.stats();
    await Promise.all(Array.from({ length: 12 }, (_, i) => c.complete({ messages: user(`s${i}`) })));
    const after = sim.stats();
    expect(after.byModel.slow.requests - before.byModel.slow.requests).toBe(12);
    expect(after.byModel.slow.maxInFlight).toBe(12);
    expect(after.byModel.slow.ok).toBe(after.byModel.slow.requests);
    expect(after.byModel.slow.statuses['200']).toBe(12);
    expect(after.inFlight).toBe(0);
    await c.close();
  });
});

describe('configuration', () => {
  const reject = (cfg: unknown) => {
    try {
      resolveSimConfig(cfg);
    } catch (e) {
      expect(e).toBeInstanceOf(SimConfigError);
      return (e as Error).message;
    }
    throw new Error('expected a SimConfigError');
  };

  it('ships the playbook profiles', () => {
    const cfg = resolveSimConfig({});
    expect([...cfg.models.keys()]).toEqual([
      'gpt-4.1',
      'claude-sonnet-4-5',
      'gemini-2.5-flash',
      'deepseek-v3.2',
    ]);
    expect(DEFAULT_PROFILES['gpt-4.1'].latency).toEqual({ p50Ms: 1200, p95Ms: 2800 });
    expect(DEFAULT_PROFILES['claude-sonnet-4-5'].latency).toEqual({ p50Ms: 1500, p95Ms: 3200 });
    expect(DEFAULT_PROFILES['gemini-2.5-flash'].latency).toEqual({ p50Ms: 400, p95Ms: 800 });
    expect(DEFAULT_PROFILES['deepseek-v3.2'].latency).toEqual({ p50Ms: 800, p95Ms: 1500 });
    const canary = resolveSimConfig({
      models: { canary: { extends: 'gpt-4.1', faults: { reset: 0.01 } } },
    }).models.get('canary');
    expect(canary?.latency).toMatchObject({ type: 'lognormal', p50Ms: 1200, p95Ms: 2800 });
    expect(canary?.answers).toBe('175b_verification');
  });

  it('rejects bad configuration, naming the field', () => {
    expect(reject({ models: { m: { faults: { explode: 0.1 } } } })).toMatch(/models\.m\.faults.*explode/);
    expect(reject({ models: { m: { latency: { p50Ms: 500, p95Ms: 100 } } } })).toMatch(
      /models\.m\.latency\.p95Ms: .*≥ p50Ms/,
    );
    expect(reject({ models: { m: { latency: { trace: 'datasets/llmperf/nope.json' } } } })).toMatch(
      /models\.m\.latency\.trace: trace file .*nope\.json cannot be read/,
    );
    expect(reject({ models: { m: { faults: { hang: 1.5 } } } })).toMatch(
      /models\.m\.faults\.hang: must be in \[0, 1\]/,
    );
    expect(reject({ models: { m: { faults: { hang: -0.1 } } } })).toMatch(/models\.m\.faults\.hang/);
    expect(reject({ models: { m: { faults: { hang: 0.6, reset: 0.6 } } } })).toMatch(
      /models\.m\.faults: .*more than 1/,
    );
    expect(reject({ models: { m: { extends: 'gpt-9' } } })).toMatch(/models\.m\.extends/);
    expect(reject({ models: { m: { faultPlan: ['ok'] } } })).toMatch(/models\.m\.faultPlan\.0/);
    expect(reject({ port: 70000 })).toMatch(/^invalid simulator configuration: port/);
    expect(reject({ prot: 1 })).toMatch(/prot/);
  });

  it('rejects at start: startSimulator fails before listening', async () => {
    await expect(startSimulator({ models: { m: { latency: { p50Ms: 2, p95Ms: 1 } } } })).rejects.toThrow(
      SimConfigError,
    );
    await expect(
      startSimulator({ answersFile: 'nope.jsonl', models: { m: { answers: '6b_finetuning' } } }),
    ).rejects.toThrow(/answersFile/);
  });
});
