/**
 * Protocol fidelity: the official Gemini client (@google/genai, not ours) talks to the simulator's
 * generateContent API — JSON and streamed (alt=sse), usageMetadata, finish reasons, implicit caching,
 * thinking tokens — and reads its errors as it reads Google's (ApiError with the HTTP status).
 */
import { ApiError, FinishReason, GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/sim/server';
import { FEW_SHOT, promptTokens, QUESTION, solution, tokens } from './protocolFixtures';

const KEY = 'AIza-sim-test-key';
const SYSTEM = 'You are a careful math tutor.';
let sim: Simulator;
let ai: GoogleGenAI;

beforeAll(async () => {
  sim = await startSimulator({
    seed: 1,
    apiKey: KEY,
    models: {
      'gemini-2.5-flash': { latency: { p50Ms: 5, p95Ms: 10 } },
      limited: { latency: { p50Ms: 1, p95Ms: 2 }, faults: { rate_limit: 1 }, retryAfterS: 2 },
      overloaded: { latency: { p50Ms: 1, p95Ms: 2 }, faults: { unavailable: 1 } },
      tiny: { maxPromptTokens: 8 },
    },
  });
  ai = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: sim.url, retryOptions: { attempts: 1 } } });
});

afterAll(async () => {
  await sim.close();
});

// gemini-2.5-flash's built-in profile replays GPT-3 6B with verification (src/sim/config.ts).
const ANSWER = solution('6b_verification');
const PROMPT = promptTokens([
  { role: 'system', content: SYSTEM },
  { role: 'user', content: QUESTION },
]);
const request = {
  model: 'gemini-2.5-flash',
  contents: QUESTION,
  config: { systemInstruction: SYSTEM },
};

describe('the official Gemini client against the simulator', () => {
  it('generates content: text, finishReason and usageMetadata', async () => {
    const r = await ai.models.generateContent(request);
    expect(r.text).toBe(ANSWER);
    expect(r.candidates?.[0].finishReason).toBe(FinishReason.STOP);
    expect(r.candidates?.[0].content?.role).toBe('model');
    expect(r.modelVersion).toBe('gemini-2.5-flash');
    expect(r.responseId).toMatch(/^sim/);
    expect(r.usageMetadata?.promptTokenCount).toBe(PROMPT);
    expect(r.usageMetadata?.candidatesTokenCount).toBe(tokens(ANSWER));
    expect(r.usageMetadata?.totalTokenCount).toBe(PROMPT + tokens(ANSWER));
    expect(r.usageMetadata?.cachedContentTokenCount).toBeUndefined();
    expect(r.usageMetadata?.thoughtsTokenCount).toBeUndefined();
  });

  it('streams chunks (alt=sse) that add up to the same text, the last one with usage', async () => {
    const stream = await ai.models.generateContentStream(request);
    let text = '';
    let chunks = 0;
    let last: Awaited<ReturnType<typeof ai.models.generateContent>> | undefined;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.text ?? '';
      last = chunk;
    }
    expect(chunks).toBeGreaterThan(1);
    expect(text).toBe(ANSWER);
    expect(last?.candidates?.[0].finishReason).toBe(FinishReason.STOP);
    expect(last?.usageMetadata?.promptTokenCount).toBe(PROMPT);
    expect(last?.usageMetadata?.candidatesTokenCount).toBe(tokens(ANSWER));
  });

  it('stops at maxOutputTokens and at stop sequences', async () => {
    const short = await ai.models.generateContent({
      ...request,
      config: { ...request.config, maxOutputTokens: 5 },
    });
    expect(short.candidates?.[0].finishReason).toBe(FinishReason.MAX_TOKENS);
    expect(short.usageMetadata?.candidatesTokenCount).toBe(5);
    const stopped = await ai.models.generateContent({
      ...request,
      config: { ...request.config, stopSequences: ['\n'] },
    });
    expect(stopped.text).toBe(ANSWER.slice(0, ANSWER.indexOf('\n')));
    expect(stopped.candidates?.[0].finishReason).toBe(FinishReason.STOP);
  });

  it('reports a repeated prefix as cached content (implicit caching) and thinking as thoughts', async () => {
    const contents = [
      { role: 'user', parts: [{ text: FEW_SHOT }] },
      { role: 'model', parts: [{ text: 'Understood.' }] },
      { role: 'user', parts: [{ text: QUESTION }] },
    ];
    // The prefix is every turn before the last: 3 + (3 + tokens('user') + tokens(FEW_SHOT)) + (3 + tokens('assistant') + tokens('Understood.')).
    const prefix = promptTokens([
      { role: 'user', content: FEW_SHOT },
      { role: 'assistant', content: 'Understood.' },
    ]);
    expect(prefix).toBeGreaterThanOrEqual(1024);
    const first = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents });
    expect(first.usageMetadata?.cachedContentTokenCount).toBeUndefined();
    const second = await ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents,
      config: { thinkingConfig: { thinkingBudget: 64 } },
    });
    expect(second.usageMetadata?.cachedContentTokenCount).toBe(prefix);
    expect(second.usageMetadata?.promptTokenCount).toBe(first.usageMetadata?.promptTokenCount);
    // Thoughts: min(budget, 2 × answer tokens) by the simulator's rule; billed on top of the candidates.
    const answerTokens = second.usageMetadata?.candidatesTokenCount as number;
    expect(second.usageMetadata?.thoughtsTokenCount).toBe(Math.min(64, 2 * answerTokens));
    expect(second.usageMetadata?.totalTokenCount).toBe(
      (second.usageMetadata?.promptTokenCount as number) + answerTokens + Math.min(64, 2 * answerTokens),
    );
  });

  it('answers errors the SDK raises as ApiError with their status: 429, 503, 404, 400', async () => {
    const err = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: unknown) => e,
      );
    const limited = await err(ai.models.generateContent({ ...request, model: 'limited' }));
    expect(limited).toBeInstanceOf(ApiError);
    expect((limited as ApiError).status).toBe(429);
    const body = JSON.parse((limited as ApiError).message);
    expect(body.error.status).toBe('RESOURCE_EXHAUSTED');
    expect(body.error.details[0]).toEqual({
      '@type': 'type.googleapis.com/google.rpc.RetryInfo',
      retryDelay: '2s',
    });

    const overloaded = await err(ai.models.generateContent({ ...request, model: 'overloaded' }));
    expect((overloaded as ApiError).status).toBe(503);
    expect((overloaded as ApiError).message).toMatch(/UNAVAILABLE/);

    const missing = await err(ai.models.generateContent({ ...request, model: 'gemini-nope' }));
    expect((missing as ApiError).status).toBe(404);
    expect((missing as ApiError).message).toMatch(/models\/gemini-nope is not found/);

    const long = await err(ai.models.generateContent({ ...request, model: 'tiny' }));
    expect((long as ApiError).status).toBe(400);
    expect((long as ApiError).message).toMatch(
      /The input token count \(\d+\) exceeds the maximum number of tokens allowed \(8\)/,
    );

    const wrong = new GoogleGenAI({
      apiKey: 'AIza-wrong',
      httpOptions: { baseUrl: sim.url, retryOptions: { attempts: 1 } },
    });
    const unauth = await err(wrong.models.generateContent(request));
    expect((unauth as ApiError).status).toBe(400);
    expect((unauth as ApiError).message).toMatch(/API key not valid/);
  });
});
