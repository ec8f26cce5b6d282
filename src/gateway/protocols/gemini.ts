/**
 * The Gemini API's generateContent (`POST {baseURL}/models/{model}:generateContent`, streamed as
 * `:streamGenerateContent?alt=sse`; baseURL e.g. https://generativelanguage.googleapis.com/v1beta):
 * `x-goog-api-key` header; `contents` of `parts`, roles `user` / `model`; `systemInstruction`;
 * `generationConfig.maxOutputTokens` / `stopSequences` / …; usage in `usageMetadata` (`promptTokenCount`
 * includes `cachedContentTokenCount`; `thoughtsTokenCount` is billed as output on top of
 * `candidatesTokenCount`); `finishReason` per candidate. Errors are Google RPC statuses:
 * `{ error: { code, message, status: 'RESOURCE_EXHAUSTED' | 'UNAVAILABLE' | 'NOT_FOUND' | 'INVALID_ARGUMENT' …, details } }`,
 * a 429 may carry a `google.rpc.RetryInfo` detail with the wait.
 *
 * Shapes from the official SDK's types (@google/genai dist/genai.d.ts: GenerateContentResponse,
 * GenerateContentResponseUsageMetadata, FinishReason; its node client for the `x-goog-api-key` header,
 * `alt=sse` streaming and how it reads error bodies and error chunks).
 */
import { ContentFilterError, type GatewayError, InvalidResponseError } from '../errors';
import { msg, sanitizeServerText } from '../messages';
import type { ParsedCompletion } from '../parse';
import { parseRetryAfter } from '../retry';
import type { ChatMessage, Usage } from '../types';
import { isObject, parseErrorBody, providerError, rawErrorMessage } from './errorBody';
import { SseSplitter } from './sse';
import { StreamParserBase } from './streamParserBase';
import { readToolCalls } from './toolCalls';
import type { Protocol, ProtocolAnswer, ProtocolContext } from './types';
import { normalizeUsage, tokenCount, type UsageContext, usageFields } from './usage';

/** finishReason values that mean the answer was withheld by a safety or policy filter. */
const FILTERED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY']);
const FINISH: Record<string, string> = { STOP: 'stop', MAX_TOKENS: 'length' };

type Part = Record<string, unknown>;

function toParts(content: ChatMessage['content']): Part[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return content.length > 0 ? [{ text: content }] : [];
  return content.map((p) => (p.type === 'text' ? { text: p.text ?? '' } : { ...p }));
}

/** OpenAI-shaped messages → `{ systemInstruction, contents }` of generateContent. */
export function toGeminiContents(messages: readonly ChatMessage[]): {
  systemInstruction?: { parts: Part[] };
  contents: Array<{ role: 'user' | 'model'; parts: Part[] }>;
} {
  const system: Part[] = [];
  const contents: Array<{ role: 'user' | 'model'; parts: Part[] }> = [];
  for (const m of messages) {
    if (m.role === 'system' || m.role === 'developer') system.push(...toParts(m.content));
    else if (m.role === 'assistant') {
      const parts = toParts(m.content);
      for (const c of readToolCalls(m.tool_calls))
        parts.push({ functionCall: { name: c.name, args: c.args } });
      contents.push({ role: 'model', parts });
    } else if (m.role === 'tool') {
      const text =
        typeof m.content === 'string'
          ? m.content
          : toParts(m.content)
              .map((p) => p.text ?? '')
              .join('');
      contents.push({
        role: 'user',
        parts: [
          { functionResponse: { name: m.name ?? m.tool_call_id ?? 'tool', response: { content: text } } },
        ],
      });
    } else contents.push({ role: 'user', parts: toParts(m.content) });
  }
  const out: ReturnType<typeof toGeminiContents> = { contents };
  if (system.length > 0) out.systemInstruction = { parts: system };
  return out;
}

/**
 * usageMetadata → normalized usage: promptTokenCount (+ toolUsePromptTokenCount) is the input, cached
 * content included; candidatesTokenCount + thoughtsTokenCount the output (thinking is billed as output).
 * Null when absent; a malformed count is an invalid response naming its field.
 */
function geminiUsage(raw: unknown, ctx: UsageContext): Usage | null {
  const u = usageFields(raw, ctx, {
    name: 'usageMetadata',
    counts: ['promptTokenCount', 'candidatesTokenCount'],
  });
  if (u === null) return null;
  const prompt = tokenCount('promptTokenCount', u.promptTokenCount, ctx);
  // An answer without output (blocked, or empty) may leave candidatesTokenCount out.
  const candidates = tokenCount('candidatesTokenCount', u.candidatesTokenCount, ctx, true);
  const thoughts = tokenCount('thoughtsTokenCount', u.thoughtsTokenCount, ctx, true);
  const toolPrompt = tokenCount('toolUsePromptTokenCount', u.toolUsePromptTokenCount, ctx, true);
  const cached = tokenCount('cachedContentTokenCount', u.cachedContentTokenCount, ctx, true);
  return normalizeUsage(
    { prompt: prompt + toolPrompt, completion: candidates + thoughts, cached, reasoning: thoughts },
    ctx,
  );
}

/** The wait of a `google.rpc.RetryInfo` detail (`retryDelay: "13s"` / `"1.5s"`), in ms. */
function retryInfoMs(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const d of details) {
    if (isObject(d) && typeof d.retryDelay === 'string') {
      const m = /^(\d+(?:\.\d+)?)s$/.exec(d.retryDelay.trim());
      if (m) return Math.ceil(Number(m[1]) * 1000);
    }
  }
  return undefined;
}

function geminiError(options: ProtocolAnswer): GatewayError {
  const { headers, ctx } = options;
  let parsed = parseErrorBody(options.body);
  // Some proxies wrap the error in an array: [{ error: … }].
  if (Array.isArray(parsed) && parsed.length > 0) parsed = parsed[0];
  const e = isObject(parsed) && isObject(parsed.error) ? parsed.error : undefined;
  const rpc = typeof e?.status === 'string' ? e.status : undefined;
  const code = typeof e?.code === 'number' ? e.code : undefined;
  const status = options.status >= 400 ? options.status : code !== undefined && code >= 400 ? code : 500;
  const rawMessage = rawErrorMessage(e, options.body);
  const detail = sanitizeServerText(rawMessage, ctx.secrets);
  const providerCode = rpc === undefined ? undefined : sanitizeServerText(rpc, ctx.secrets).slice(0, 80);
  return providerError({
    model: ctx.model,
    status,
    detail,
    base: { model: ctx.model, httpStatus: status, providerCode, providerType: providerCode },
    notFound: rpc === 'NOT_FOUND',
    contextLength:
      /input token count.*exceeds|exceeds the maximum number of tokens|context window|context length/,
    retryAfterMs: parseRetryAfter(headers) ?? retryInfoMs(e?.details),
  });
}

interface CandidateRead {
  text: string;
  sawText: boolean;
  calls: unknown[];
  finish?: string;
}

/** Reads the first candidate of a response (or a stream chunk); throws for blocked prompts and answers. */
function readCandidate(
  body: Record<string, unknown>,
  ctx: ProtocolContext,
  status: number,
  requireCandidate: boolean,
): CandidateRead {
  const filtered = () =>
    new ContentFilterError(msg.contentFilter(ctx.model, ''), { model: ctx.model, httpStatus: status });
  const cands = body.candidates;
  const feedback = isObject(body.promptFeedback) ? body.promptFeedback : undefined;
  if (!Array.isArray(cands) || cands.length === 0) {
    if (feedback && typeof feedback.blockReason === 'string') throw filtered();
    if (requireCandidate) {
      throw new InvalidResponseError(msg.noChoices(ctx.model), { model: ctx.model, httpStatus: status });
    }
    return { text: '', sawText: false, calls: [] };
  }
  const c = cands[0];
  if (!isObject(c)) {
    throw new InvalidResponseError(msg.invalidShape(ctx.model, 'candidates[0] is not an object'), {
      model: ctx.model,
      httpStatus: status,
    });
  }
  const out: CandidateRead = { text: '', sawText: false, calls: [] };
  const parts = isObject(c.content) && Array.isArray(c.content.parts) ? c.content.parts : [];
  for (const p of parts) {
    if (!isObject(p) || p.thought === true) continue; // thought summaries are not the answer
    if (typeof p.text === 'string') {
      out.text += p.text;
      out.sawText = true;
    } else if (isObject(p.functionCall)) {
      out.calls.push({
        id: typeof p.functionCall.id === 'string' ? p.functionCall.id : undefined,
        type: 'function',
        function: { name: p.functionCall.name, arguments: JSON.stringify(p.functionCall.args ?? {}) },
      });
    }
  }
  if (typeof c.finishReason === 'string') {
    if (FILTERED.has(c.finishReason)) throw filtered();
    out.finish = FINISH[c.finishReason] ?? c.finishReason.toLowerCase();
  }
  return out;
}

class GeminiStreamParser extends StreamParserBase {
  private rawUsage: unknown;
  protected readonly sse = new SseSplitter((e) => this.onData(e.data));

  /** A Gemini stream has no end marker: it is complete when a chunk gave the finish reason. */
  get complete(): boolean {
    return this.finishReason !== null;
  }

  end(): void {
    this.sse.end();
    this.usage = geminiUsage(this.rawUsage, { model: this.ctx.model, httpStatus: this.ctx.status });
  }

  private onData(data: string): void {
    const { ctx } = this;
    const obj = this.parseData(data);
    if (!isObject(obj)) throw this.bad('stream chunk is not an object');
    if (isObject(obj.error)) throw geminiError({ status: ctx.status, headers: ctx.headers, body: obj, ctx });
    if (typeof obj.modelVersion === 'string') this.model ??= obj.modelVersion;
    if (typeof obj.responseId === 'string') this.id ??= obj.responseId;
    if (obj.usageMetadata !== undefined) this.rawUsage = obj.usageMetadata;
    const c = readCandidate(obj, ctx, ctx.status, false);
    this.addText(c.text);
    if (c.calls.length > 0) {
      this.firstTokenAt ??= this.now();
      this.tools.push(...c.calls);
    }
    if (c.finish !== undefined) this.finishReason = c.finish;
  }
}

/** Request params the gateway speaks (OpenAI's names) → generationConfig fields. */
function generationConfig(params: Record<string, unknown>): Record<string, unknown> {
  const g: Record<string, unknown> = {};
  const max = params.max_tokens ?? params.max_completion_tokens;
  if (typeof max === 'number') g.maxOutputTokens = max;
  if (params.temperature !== undefined) g.temperature = params.temperature;
  if (params.top_p !== undefined) g.topP = params.top_p;
  if (params.top_k !== undefined) g.topK = params.top_k;
  if (params.stop !== undefined) g.stopSequences = Array.isArray(params.stop) ? params.stop : [params.stop];
  if (params.seed !== undefined) g.seed = params.seed;
  if (params.n !== undefined) g.candidateCount = params.n;
  if (params.presence_penalty !== undefined) g.presencePenalty = params.presence_penalty;
  if (params.frequency_penalty !== undefined) g.frequencyPenalty = params.frequency_penalty;
  const rf = params.response_format;
  if (isObject(rf) && (rf.type === 'json_object' || rf.type === 'json_schema')) {
    g.responseMimeType = 'application/json';
    if (rf.type === 'json_schema' && isObject(rf.json_schema) && rf.json_schema.schema !== undefined) {
      g.responseJsonSchema = rf.json_schema.schema;
    }
  }
  // Gemini-native settings given as they are win (e.g. generationConfig: { thinkingConfig: { thinkingBudget: 0 } }).
  if (isObject(params.generationConfig)) Object.assign(g, params.generationConfig);
  return g;
}

/**
 * Builds the generateContent protocol.
 *
 * @example
 * const client = createChatClient({ protocol: 'gemini', baseURL: 'https://generativelanguage.googleapis.com/v1beta', apiKey, model: 'gemini-2.5-flash' });
 */
export function geminiProtocol(): Protocol {
  return {
    name: 'gemini',
    path: (model, stream) =>
      `/models/${encodeURIComponent(model.replace(/^models\//, ''))}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
    authHeaders: (apiKey) => ({ 'x-goog-api-key': apiKey }),
    fixedHeaders: Object.freeze({}),
    buildBody({ messages, params }) {
      const { systemInstruction, contents } = toGeminiContents(messages);
      const body: Record<string, unknown> = { contents };
      if (systemInstruction) body.systemInstruction = systemInstruction;
      const g = generationConfig(params);
      if (Object.keys(g).length > 0) body.generationConfig = g;
      for (const k of ['safetySettings', 'toolConfig', 'cachedContent', 'labels'] as const) {
        if (params[k] !== undefined) body[k] = params[k];
      }
      if (Array.isArray(params.tools)) {
        const decls = params.tools
          .filter((t) => isObject(t) && t.type === 'function' && isObject(t.function))
          .map((t) => {
            const f = (t as { function: Record<string, unknown> }).function;
            return { name: f.name, description: f.description, parametersJsonSchema: f.parameters };
          });
        const native = params.tools.filter((t) => !(isObject(t) && t.type === 'function'));
        body.tools = [...(decls.length ? [{ functionDeclarations: decls }] : []), ...native];
      }
      return body;
    },
    parseCompletion({ body, status, headers, ctx }): ParsedCompletion {
      if (Array.isArray(body) || !isObject(body)) {
        throw new InvalidResponseError(msg.invalidShape(ctx.model, 'body is not a JSON object'), {
          model: ctx.model,
          httpStatus: status,
        });
      }
      if (isObject(body.error)) throw geminiError({ status, headers, body, ctx });
      const c = readCandidate(body, ctx, status, true);
      const out: ParsedCompletion = {
        content: c.sawText || c.calls.length === 0 ? c.text : null,
        finishReason: c.finish ?? null,
        usage: geminiUsage(body.usageMetadata, { model: ctx.model, httpStatus: status }),
      };
      if (typeof body.modelVersion === 'string') out.model = body.modelVersion;
      if (typeof body.responseId === 'string') out.id = body.responseId;
      if (c.calls.length > 0) out.toolCalls = c.calls;
      return out;
    },
    createStreamParser: (ctx, now) => new GeminiStreamParser(ctx, now),
    errorFromResponse: geminiError,
  };
}
