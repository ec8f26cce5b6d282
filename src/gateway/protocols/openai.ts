/**
 * OpenAI chat completions (`POST {baseURL}/chat/completions`, Bearer key): the protocol the gateway always
 * spoke. Parsing and error mapping are those of src/gateway/parse.ts; this adds the cached and reasoning
 * breakdowns of `usage` (`prompt_tokens_details.cached_tokens`, `completion_tokens_details.reasoning_tokens`).
 */
import { ChatStreamParser, errorFromResponse, parseCompletion } from '../parse';
import type { Usage } from '../types';
import type { Protocol } from './types';
import { type UsageContext, withOpenAIDetails } from './usage';

/** `include_usage` streams put the usage in the last chunk; its details are read from that chunk's text. */
function detailsFromStreamText(usage: Usage | null, tail: string, ctx: UsageContext): Usage | null {
  if (!usage || !tail.includes('_tokens_details')) return usage;
  const i = tail.lastIndexOf('"usage":');
  if (i === -1) return usage;
  // The usage object of the last chunk: balanced braces from its start.
  const start = tail.indexOf('{', i);
  let depth = 0;
  for (let j = start; j < tail.length; j++) {
    const ch = tail[j];
    if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) {
      try {
        const raw: unknown = JSON.parse(tail.slice(start, j + 1));
        return withOpenAIDetails(usage, raw, ctx);
      } catch (err) {
        if (err instanceof SyntaxError) return usage;
        throw err;
      }
    }
  }
  return usage;
}

export const openaiProtocol: Protocol = {
  name: 'openai',
  path: () => '/chat/completions',
  authHeaders: (apiKey) => ({ authorization: `Bearer ${apiKey}` }),
  fixedHeaders: Object.freeze({}),
  buildBody({ model, messages, params }) {
    return { ...params, model, messages };
  },
  parseCompletion(options) {
    const c = parseCompletion(options);
    const raw = (options.body as { usage?: unknown }).usage;
    c.usage = withOpenAIDetails(c.usage, raw, { model: options.ctx.model, httpStatus: options.status });
    return c;
  },
  createStreamParser(ctx, now) {
    const parser = new ChatStreamParser(ctx, now);
    // Keep the last few KB of the stream: the usage chunk (with its details) is at the end.
    let tail = '';
    const push = parser.push.bind(parser);
    const end = parser.end.bind(parser);
    let finalUsage: Usage | null | undefined;
    Object.defineProperty(parser, 'usage', {
      configurable: true,
      get: () => finalUsage ?? null,
      set: (v: Usage | null) => {
        finalUsage = v;
      },
    });
    parser.push = (text: string) => {
      tail = (tail + text).slice(-4096);
      push(text);
    };
    parser.end = () => {
      end();
      finalUsage = detailsFromStreamText(finalUsage ?? null, tail, {
        model: ctx.model,
        httpStatus: ctx.status,
      });
    };
    return parser;
  },
  errorFromResponse,
};
