/**
 * The Anthropic Messages API (`POST {baseURL}/messages`, e.g. https://api.anthropic.com/v1/messages):
 * `x-api-key` and `anthropic-version` headers; system prompt as the top-level `system` field; content
 * blocks; `max_tokens` required; usage in `input_tokens` / `output_tokens` / `cache_read_input_tokens` /
 * `cache_creation_input_tokens` (input_tokens excludes both cache counts: the total input is their sum);
 * `stop_reason`; streamed as `message_start`, `content_block_start`/`_delta`/`_stop`, `message_delta`,
 * `message_stop` (and `ping`, `error`) events. Errors are `{ type: 'error', error: { type, message } }`
 * with 529 `overloaded_error` besides the usual statuses.
 *
 * Shapes from the official SDK's types (@anthropic-ai/sdk, resources/messages/messages.d.ts: Message,
 * Usage, MessageDeltaUsage, RawMessageStreamEvent; core/error.js for the status → error class map) and
 * Anthropic's API reference (versioning: the `anthropic-version: 2023-06-01` header).
 */
import { ANTHROPIC_DEFAULT_MAX_TOKENS, anthropicBody, toAnthropicMessages } from './anthropicRequest';
import { anthropicError, parseAnthropicCompletion } from './anthropicResponse';
import { AnthropicStreamParser } from './anthropicStream';
import type { Protocol } from './types';

export { ANTHROPIC_DEFAULT_MAX_TOKENS, toAnthropicMessages };

/** The API version sent when the client is not told another one. */
export const ANTHROPIC_VERSION = '2023-06-01';

/**
 * Builds the Messages API protocol.
 *
 * @example
 * const client = createChatClient({ protocol: 'anthropic', baseURL: 'https://api.anthropic.com/v1', apiKey, model: 'claude-sonnet-4-5' });
 */
export function anthropicProtocol(options: { version?: string } = {}): Protocol {
  const fixedHeaders = Object.freeze({ 'anthropic-version': options.version ?? ANTHROPIC_VERSION });
  return {
    name: 'anthropic',
    path: () => '/messages',
    authHeaders: (apiKey) => ({ 'x-api-key': apiKey }),
    fixedHeaders,
    buildBody: anthropicBody,
    parseCompletion: parseAnthropicCompletion,
    createStreamParser: (ctx, now) => new AnthropicStreamParser(ctx, now),
    errorFromResponse: anthropicError,
  };
}
