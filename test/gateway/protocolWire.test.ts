/**
 * What canarylab's client puts on the wire for each protocol, seen by a small scripted server on 127.0.0.1
 * that records each request and answers with a canned provider response: paths, auth and version headers,
 * the mapping of OpenAI-shaped messages and params (system, max_tokens, stop, tools), and tool calls read
 * back into the OpenAI shape.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatClient } from '../../src/gateway/client';
import type { ChatMessage } from '../../src/gateway/types';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}
let server: Server;
let base: string;
const seen: Seen[] = [];
let reply: unknown = {};

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      const s = JSON.stringify(reply);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(s) });
      res.end(s);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'add',
      description: 'Adds two numbers',
      parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } },
    },
  },
];
const MESSAGES: ChatMessage[] = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'What is 2 + 3?' },
  {
    role: 'assistant',
    content: null,
    tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'add', arguments: '{"a":2,"b":3}' } }],
  },
  { role: 'tool', tool_call_id: 'call_1', name: 'add', content: '5' },
];

describe('the anthropic protocol on the wire', () => {
  it('POSTs {base}/messages with x-api-key and anthropic-version; system, max_tokens, stop_sequences, tools', async () => {
    reply = {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [
        { type: 'text', text: 'Let me add.' },
        { type: 'tool_use', id: 'toolu_1', name: 'add', input: { a: 5, b: 1 } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: {
        input_tokens: 40,
        output_tokens: 12,
        cache_read_input_tokens: null,
        cache_creation_input_tokens: null,
      },
    };
    const c = createChatClient({
      protocol: 'anthropic',
      baseURL: `${base}/v1`,
      apiKey: 'sk-ant-wire',
      model: 'claude-sonnet-4-5',
    });
    const r = await c.complete({
      messages: MESSAGES,
      params: {
        max_tokens: 300,
        temperature: 0,
        stop: '###',
        tools: TOOLS,
        tool_choice: 'auto',
        seed: 7,
        n: 1,
      },
    });
    await c.close();
    const s = seen.at(-1) as Seen;
    expect(s.method).toBe('POST');
    expect(s.url).toBe('/v1/messages');
    expect(s.headers['x-api-key']).toBe('sk-ant-wire');
    expect(s.headers.authorization).toBeUndefined();
    expect(s.headers['anthropic-version']).toBe('2023-06-01');
    expect(s.body).toEqual({
      model: 'claude-sonnet-4-5',
      system: 'Be brief.',
      messages: [
        { role: 'user', content: 'What is 2 + 3?' },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'call_1', name: 'add', input: { a: 2, b: 3 } }],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: '5' }] },
      ],
      max_tokens: 300,
      temperature: 0,
      stop_sequences: ['###'],
      tools: [{ name: 'add', description: 'Adds two numbers', input_schema: TOOLS[0].function.parameters }],
      tool_choice: { type: 'auto' },
    });
    expect(r.content).toBe('Let me add.');
    expect(r.finishReason).toBe('tool_calls');
    expect(r.toolCalls).toEqual([
      { id: 'toolu_1', type: 'function', function: { name: 'add', arguments: '{"a":5,"b":1}' } },
    ]);
    // null cache counts are zero: 40 input + 0 + 0.
    expect(r.usage).toEqual({ promptTokens: 40, completionTokens: 12, totalTokens: 52 });
  });
});

describe('the gemini protocol on the wire', () => {
  it('POSTs {base}/models/{model}:generateContent with x-goog-api-key; systemInstruction, contents, generationConfig, tools', async () => {
    reply = {
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              { text: 'thinking…', thought: true },
              { functionCall: { name: 'add', args: { a: 5, b: 1 } } },
            ],
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: {
        promptTokenCount: 30,
        candidatesTokenCount: 8,
        thoughtsTokenCount: 20,
        totalTokenCount: 58,
      },
      modelVersion: 'gemini-2.5-flash',
      responseId: 'resp-1',
    };
    const c = createChatClient({
      protocol: 'gemini',
      baseURL: `${base}/v1beta`,
      apiKey: 'AIza-wire',
      model: 'gemini-2.5-flash',
    });
    const r = await c.complete({
      messages: MESSAGES,
      params: {
        max_tokens: 300,
        temperature: 0.2,
        top_p: 0.9,
        stop: ['###'],
        seed: 7,
        response_format: { type: 'json_object' },
        tools: TOOLS,
        generationConfig: { thinkingConfig: { thinkingBudget: 64 } },
      },
    });
    await c.close();
    const s = seen.at(-1) as Seen;
    expect(s.url).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(s.headers['x-goog-api-key']).toBe('AIza-wire');
    expect(s.headers.authorization).toBeUndefined();
    expect(s.body).toEqual({
      contents: [
        { role: 'user', parts: [{ text: 'What is 2 + 3?' }] },
        { role: 'model', parts: [{ functionCall: { name: 'add', args: { a: 2, b: 3 } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'add', response: { content: '5' } } }] },
      ],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      generationConfig: {
        maxOutputTokens: 300,
        temperature: 0.2,
        topP: 0.9,
        stopSequences: ['###'],
        seed: 7,
        responseMimeType: 'application/json',
        thinkingConfig: { thinkingBudget: 64 },
      },
      tools: [
        {
          functionDeclarations: [
            {
              name: 'add',
              description: 'Adds two numbers',
              parametersJsonSchema: TOOLS[0].function.parameters,
            },
          ],
        },
      ],
    });
    // The thought part is not the answer; the function call comes back in the OpenAI shape.
    expect(r.content).toBeNull();
    expect(r.toolCalls).toEqual([
      { type: 'function', function: { name: 'add', arguments: '{"a":5,"b":1}' } },
    ]);
    expect(r.usage).toEqual({ promptTokens: 30, completionTokens: 28, totalTokens: 58, reasoningTokens: 20 });
    expect(r.model).toBe('gemini-2.5-flash');
    expect(r.id).toBe('resp-1');
  });

  it('streams from :streamGenerateContent?alt=sse', async () => {
    reply = { candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason: 'STOP' }] };
    const c = createChatClient({
      protocol: 'gemini',
      baseURL: `${base}/v1beta`,
      model: 'models/gemini-2.5-flash',
    });
    // The scripted server answers JSON instead of an event stream: the client reads it as a completion.
    const r = await c.complete({ messages: MESSAGES, params: { stream: true } });
    expect(r.content).toBe('x');
    await c.close();
    expect((seen.at(-1) as Seen).url).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
  });
});
