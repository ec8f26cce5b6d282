/**
 * The simulator's OpenAI chat-completions dialect (`POST /v1/chat/completions`): Bearer key, `messages`,
 * `max_tokens` / `max_completion_tokens`, `stop`, `stream` with `stream_options.include_usage`; errors as
 * `{ error: { message, type, param, code } }`. Automatic prompt caching as OpenAI documents it: prompts of
 * 1,024 tokens or more, cached prefix reported in `prompt_tokens_details.cached_tokens` in 128-token steps.
 */
import type { ServerResponse } from 'node:http';
import { simMsg } from '../messages';
import {
  type SimAnswer,
  type SimDialect,
  type SimError,
  type SimMsg,
  type SimRequest,
  type SimUsage,
  sendJson,
  stringItems,
} from './types';

const FINGERPRINT = 'fp_canarylab_sim';

function usageObject(u: SimUsage) {
  return {
    prompt_tokens: u.promptTokens,
    completion_tokens: u.completionTokens + u.reasoningTokens,
    total_tokens: u.promptTokens + u.completionTokens + u.reasoningTokens,
    prompt_tokens_details: { cached_tokens: u.cachedTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: u.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** OpenAI's error shape: `{ error: { message, type, param, code } }`. */
export function openaiError(res: ServerResponse, e: Omit<SimError, 'kind'> & { status: number }): void {
  sendJson(
    res,
    e.status,
    {
      error: {
        message: e.message,
        type: e.type ?? 'invalid_request_error',
        param: e.param ?? null,
        code: e.code ?? null,
      },
    },
    e.headers,
  );
}

const STATUS: Record<SimError['kind'], number> = {
  unauthorized: 401,
  bad_json: 400,
  bad_request: 400,
  model_not_found: 404,
  context_length: 400,
  rate_limit: 429,
  server_error: 500,
  overloaded: 503,
  route_not_found: 404,
  too_large: 413,
};

export const openaiDialect: SimDialect = {
  name: 'openai',
  streamContentType: 'text/event-stream; charset=utf-8',
  cacheMinTokens: 1024,
  cacheGranularity: 128,
  preflight(headers, _route, apiKey) {
    if (apiKey !== undefined && headers.authorization !== `Bearer ${apiKey}`) {
      return { kind: 'unauthorized', message: simMsg.unauthorized, code: 'invalid_api_key' };
    }
    return undefined;
  },
  parse(payload): SimRequest | SimError {
    const model = payload.model;
    if (typeof model !== 'string' || model === '') {
      return { kind: 'bad_request', message: simMsg.missingModel, param: 'model' };
    }
    const messages = payload.messages;
    if (messages === undefined) {
      return {
        kind: 'bad_request',
        message: simMsg.missingMessages,
        param: 'messages',
        code: 'missing_required_parameter',
      };
    }
    if (
      !Array.isArray(messages) ||
      messages.length === 0 ||
      messages.some((m) => typeof m !== 'object' || m === null)
    ) {
      return { kind: 'bad_request', message: simMsg.badMessages, param: 'messages', code: 'invalid_type' };
    }
    const stop = payload.stop;
    const stops = typeof stop === 'string' ? [stop] : stringItems(stop);
    const maxTokens =
      typeof payload.max_completion_tokens === 'number'
        ? payload.max_completion_tokens
        : typeof payload.max_tokens === 'number'
          ? payload.max_tokens
          : undefined;
    const opts = payload.stream_options as { include_usage?: unknown } | undefined;
    const msgs = messages as SimMsg[];
    const out: SimRequest = {
      model,
      messages: msgs,
      hashKey: JSON.stringify(messages),
      stops,
      stream: payload.stream === true,
      includeUsage: opts?.include_usage === true,
    };
    if (maxTokens !== undefined) out.maxTokens = maxTokens;
    // Automatic caching: everything before the last message is the prefix a repeated prompt shares.
    if (msgs.length > 1) out.cachePrefix = { messages: msgs.slice(0, -1), explicit: false };
    return out;
  },
  sendError(res, e) {
    openaiError(res, { ...e, status: STATUS[e.kind] });
  },
  completion(a: SimAnswer): string {
    const completion: Record<string, unknown> = {
      id: a.id,
      object: 'chat.completion',
      created: a.created,
      model: a.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: a.text, refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: a.finish,
        },
      ],
      service_tier: 'default',
      system_fingerprint: FINGERPRINT,
    };
    if (a.usage) completion.usage = usageObject(a.usage);
    return JSON.stringify(completion);
  },
  completionHeaders: (totalMs) => ({ 'openai-processing-ms': String(Math.round(totalMs)) }),
  framer(a: SimAnswer) {
    const head = {
      id: a.id,
      object: 'chat.completion.chunk',
      created: a.created,
      model: a.model,
      system_fingerprint: FINGERPRINT,
    };
    const includeUsage = a.includeUsage;
    const usageNull = includeUsage ? { usage: null } : {};
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      `data: ${JSON.stringify({ ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...usageNull })}\n\n`;
    return {
      open: () => chunk({ role: 'assistant', content: '', refusal: null }, null),
      delta: (text) => chunk({ content: text }, null),
      malformed: (text) => {
        const bad = JSON.stringify({ ...head, choices: [{ index: 0, delta: { content: text } }] });
        return `data: ${bad.slice(0, 40)}\n\n`;
      },
      close: () => {
        let out = chunk({}, a.finish);
        if (includeUsage && a.usage)
          out += `data: ${JSON.stringify({ ...head, choices: [], usage: usageObject(a.usage) })}\n\n`;
        return `${out}data: [DONE]\n\n`;
      },
    };
  },
};
