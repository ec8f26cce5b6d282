/**
 * Chat client on undici for OpenAI chat completions, the Anthropic Messages API and Gemini generateContent
 * (src/gateway/protocols/): one keep-alive Pool per base URL, typed errors,
 * monotonic latency from send to last byte, and time to first token for streamed calls.
 * Its options are checked in clientConfig.ts, one call is complete.ts, the shared pools are pools.ts.
 */
import { clientConfig } from './clientConfig';
import type { ChatClient, ChatClientOptions } from './clientTypes';
import { completeRequest } from './complete';
import { acquirePool, releasePool } from './pools';

export type { ChatClient, ChatClientOptions, CompleteRequest } from './clientTypes';

/**
 * Creates a client for one model behind one OpenAI-compatible base URL.
 *
 * @example
 * const client = createChatClient({ baseURL: sim.baseURL, model: 'gpt-4.1', timeoutMs: 30_000 });
 * const r = await client.complete({ messages: [{ role: 'user', content: 'Hi' }], params: { max_tokens: 64 } });
 * r.content; r.usage; r.latencyMs;
 */
export function createChatClient(options: ChatClientOptions): ChatClient {
  const config = clientConfig(options);
  const { url } = config;
  const { key: poolKey, pool } = acquirePool(url.origin, config.maxConnections);
  let closed = false;
  const displayBase = `${url.origin}${url.pathname}`;
  return {
    model: config.model,
    get baseURL() {
      return displayBase;
    },
    complete: (request) => completeRequest(config, pool, request),
    async close() {
      if (closed) return;
      closed = true;
      await releasePool(poolKey);
    },
  };
}
