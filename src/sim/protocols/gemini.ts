/**
 * The simulator's Gemini API dialect: `POST /v1beta/models/{model}:generateContent` and
 * `:streamGenerateContent?alt=sse` (also under /v1), key in `x-goog-api-key` or `?key=`; `contents` of
 * `parts` with roles user/model, `systemInstruction`, `generationConfig` (`maxOutputTokens`,
 * `stopSequences`, `thinkingConfig.thinkingBudget`). Answers are GenerateContentResponse objects with
 * `usageMetadata`; streams are `data:` chunks of the same shape, the last one with `finishReason`; errors
 * are `{ error: { code, message, status, details } }` (429 RESOURCE_EXHAUSTED with a google.rpc.RetryInfo,
 * 503 UNAVAILABLE, 404 NOT_FOUND, 400 INVALID_ARGUMENT).
 *
 * Implicit caching of Gemini 2.5 models: a repeated prefix (system instruction and every turn before the
 * last) of at least 1,024 tokens is reported as `cachedContentTokenCount` (part of promptTokenCount).
 * A request with a positive thinking budget reports `thoughtsTokenCount` = min(budget, 2 × answer tokens).
 */
import type { ServerResponse } from 'node:http';
import type { SimAnswer, SimDialect, SimError, SimMsg, SimRequest, SimUsage } from './types';
import { isObject, sendJson, stringItems } from './types';

const ERROR: Record<SimError['kind'], { code: number; status: string }> = {
  unauthorized: { code: 400, status: 'INVALID_ARGUMENT' },
  bad_json: { code: 400, status: 'INVALID_ARGUMENT' },
  bad_request: { code: 400, status: 'INVALID_ARGUMENT' },
  model_not_found: { code: 404, status: 'NOT_FOUND' },
  context_length: { code: 400, status: 'INVALID_ARGUMENT' },
  rate_limit: { code: 429, status: 'RESOURCE_EXHAUSTED' },
  server_error: { code: 500, status: 'INTERNAL' },
  overloaded: { code: 503, status: 'UNAVAILABLE' },
  route_not_found: { code: 404, status: 'NOT_FOUND' },
  too_large: { code: 400, status: 'INVALID_ARGUMENT' },
};

function errorMessage(e: SimError): string {
  switch (e.kind) {
    case 'unauthorized':
      return 'API key not valid. Please pass a valid API key.';
    case 'bad_json':
      return 'Invalid JSON payload received. Unexpected token.';
    case 'model_not_found':
      return `models/${e.model ?? ''} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`;
    case 'context_length':
      return `The input token count (${e.promptTokens ?? 0}) exceeds the maximum number of tokens allowed (${e.maxTokens ?? 0}).`;
    case 'rate_limit':
      return 'You exceeded your current quota, please check your plan and billing details.';
    case 'server_error':
      return 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting';
    case 'overloaded':
      return 'The model is overloaded. Please try again later.';
    default:
      return e.message;
  }
}

function geminiError(res: ServerResponse, e: SimError): void {
  const { code, status } = ERROR[e.kind];
  const error: Record<string, unknown> = { code, message: errorMessage(e), status };
  if (e.kind === 'rate_limit' && e.retryAfterS !== undefined) {
    error.details = [
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${e.retryAfterS}s` },
    ];
  }
  sendJson(res, code, { error });
}

const bad = (message: string): SimError => ({ kind: 'bad_request', message });

function partsText(parts: unknown): string {
  if (!Array.isArray(parts)) return '';
  return parts.map((p) => (isObject(p) && typeof p.text === 'string' ? p.text : '')).join('');
}

function usageMetadata(u: SimUsage): Record<string, unknown> {
  const m: Record<string, unknown> = {
    promptTokenCount: u.promptTokens,
    candidatesTokenCount: u.completionTokens,
    totalTokenCount: u.promptTokens + u.completionTokens + u.reasoningTokens,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: u.promptTokens }],
  };
  if (u.cachedTokens > 0) {
    m.cachedContentTokenCount = u.cachedTokens;
    m.cacheTokensDetails = [{ modality: 'TEXT', tokenCount: u.cachedTokens }];
  }
  if (u.reasoningTokens > 0) m.thoughtsTokenCount = u.reasoningTokens;
  return m;
}

const FINISH: Record<SimAnswer['finish'], string> = {
  stop: 'STOP',
  length: 'MAX_TOKENS',
  content_filter: 'SAFETY',
};

function response(a: SimAnswer, text: string | null, final: boolean): Record<string, unknown> {
  const cand: Record<string, unknown> = { index: 0 };
  if (text !== null && !(final && a.finish === 'content_filter')) {
    cand.content = { parts: [{ text }], role: 'model' };
  }
  if (final) cand.finishReason = FINISH[a.finish];
  if (final && a.finish === 'content_filter') {
    cand.safetyRatings = [
      { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true },
    ];
  }
  const r: Record<string, unknown> = { candidates: [cand] };
  if (a.usage) {
    r.usageMetadata = final
      ? usageMetadata(a.usage)
      : { promptTokenCount: a.usage.promptTokens, totalTokenCount: a.usage.promptTokens };
  }
  r.modelVersion = a.model;
  r.responseId = a.id;
  return r;
}

const chunk = (obj: unknown) => `data: ${JSON.stringify(obj)}\r\n\r\n`;

export const geminiDialect: SimDialect = {
  name: 'gemini',
  streamContentType: 'text/event-stream',
  cacheMinTokens: 1024,
  cacheGranularity: 1,
  preflight(headers, route, apiKey) {
    if (apiKey === undefined) return undefined;
    const given = (headers['x-goog-api-key'] as string | undefined) ?? route.query.get('key') ?? undefined;
    if (given !== apiKey)
      return { kind: 'unauthorized', message: 'API key not valid. Please pass a valid API key.' };
    return undefined;
  },
  parse(payload, route): SimRequest | SimError {
    const model = route.model;
    if (!model) return { kind: 'route_not_found', message: 'model missing from the URL' };
    if (route.stream && route.query.get('alt') !== 'sse') {
      return bad('the simulator streams only with alt=sse (as the official SDKs request it)');
    }
    const contents = payload.contents;
    if (!Array.isArray(contents) || contents.length === 0) {
      return bad('* GenerateContentRequest.contents: contents is not specified');
    }
    const out: SimMsg[] = [];
    const sys = payload.systemInstruction;
    if (sys !== undefined) {
      if (!isObject(sys)) return bad("Invalid value at 'system_instruction': expected a Content object");
      const text = partsText(sys.parts);
      if (text.length > 0) out.push({ role: 'system', content: text });
    }
    for (let i = 0; i < contents.length; i++) {
      const c = contents[i];
      if (!isObject(c) || !Array.isArray(c.parts) || c.parts.length === 0) {
        return bad(`* GenerateContentRequest.contents[${i}].parts: contents.parts must not be empty.`);
      }
      const role = c.role === 'model' ? 'assistant' : 'user';
      if (c.role !== undefined && c.role !== 'user' && c.role !== 'model') {
        return bad(`Please use a valid role: user, model.`);
      }
      out.push({ role, content: partsText(c.parts) });
    }
    const g = isObject(payload.generationConfig) ? payload.generationConfig : {};
    const stops = stringItems(g.stopSequences);
    const req: SimRequest = {
      model,
      messages: out,
      hashKey: JSON.stringify([sys ?? null, contents]),
      stops,
      stream: route.stream === true,
      includeUsage: true,
    };
    if (typeof g.maxOutputTokens === 'number') req.maxTokens = g.maxOutputTokens;
    const thinking = isObject(g.thinkingConfig) ? g.thinkingConfig.thinkingBudget : undefined;
    if (typeof thinking === 'number' && thinking > 0) req.thinkingBudget = thinking;
    if (out.length > 1) req.cachePrefix = { messages: out.slice(0, -1), explicit: false };
    return req;
  },
  sendError: geminiError,
  completion: (a) => JSON.stringify(response(a, a.text, true)),
  completionHeaders: () => ({}),
  framer(a) {
    return {
      open: () => '',
      delta: (text) => chunk(response(a, text, false)),
      malformed: (text) => `data: ${JSON.stringify(response(a, text, false)).slice(0, 40)}\r\n\r\n`,
      close: () => chunk(response(a, '', true)),
    };
  },
};
