/**
 * One normalized usage for every provider: `promptTokens` is every input token (cached ones included),
 * `completionTokens` every output token billed at the output price (reasoning included), and the optional
 * breakdowns are subsets of those: `cachedTokens` read from a prompt cache, `cacheWriteTokens` written to
 * one (Anthropic bills them above the input price), `reasoningTokens` spent thinking.
 *
 * Validation is the gateway's own (src/gateway/parse.ts `parseUsage`, the function the OpenAI path uses):
 * each provider field must be an integer from 0 to MAX_USAGE_TOKENS, or the call fails as
 * `invalid_response` with a message naming the field; a usage that is absent (or has neither main count)
 * is null, and the runner estimates it and marks the record.
 */
import { InvalidResponseError } from '../errors';
import { MAX_USAGE_TOKENS, msg } from '../messages';
import { parseUsage } from '../parse';
import type { Usage } from '../types';
import { isObject } from './errorBody';

export interface UsageContext {
  model: string;
  httpStatus?: number;
}

/**
 * A provider's usage object before its counts are read: null when absent (undefined or null) or when it has
 * neither of its two main counts (`counts`); not an object is an invalid response naming `name`.
 */
export function usageFields(
  u: unknown,
  ctx: UsageContext,
  shape: { name: string; counts: readonly [string, string] },
): Record<string, unknown> | null {
  if (u === undefined || u === null) return null;
  if (!isObject(u))
    throw new InvalidResponseError(msg.invalidShape(ctx.model, `${shape.name} is not an object`), ctx);
  if (u[shape.counts[0]] === undefined && u[shape.counts[1]] === undefined) return null;
  return u;
}

/** A provider's count, validated like parseUsage validates OpenAI's: absent optional counts are 0. */
export function tokenCount(field: string, v: unknown, ctx: UsageContext, optional = false): number {
  if (optional && (v === undefined || v === null)) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_USAGE_TOKENS) {
    throw new InvalidResponseError(msg.invalidUsage(ctx.model, field, v), {
      model: ctx.model,
      ...(ctx.httpStatus !== undefined ? { httpStatus: ctx.httpStatus } : {}),
    });
  }
  return v;
}

/**
 * Builds the normalized usage from validated counts; the totals go through parseUsage (same bounds as the
 * OpenAI path). Breakdowns larger than what they are part of are an invalid response.
 *
 * @example
 * // Anthropic: input_tokens 20 + cache_creation 0 + cache_read 1800, output_tokens 90
 * normalizeUsage({ prompt: 1820, completion: 90, cached: 1800 }, { model: 'claude-sonnet-4-5' });
 * // => { promptTokens: 1820, completionTokens: 90, totalTokens: 1910, cachedTokens: 1800 }
 */
export function normalizeUsage(
  parts: { prompt: number; completion: number; cached?: number; cacheWrite?: number; reasoning?: number },
  ctx: UsageContext,
): Usage {
  const base = parseUsage(
    { prompt_tokens: parts.prompt, completion_tokens: parts.completion },
    ctx.model,
    ctx.httpStatus,
  ) as Usage;
  const bad = (what: string) =>
    new InvalidResponseError(msg.invalidShape(ctx.model, what), {
      model: ctx.model,
      ...(ctx.httpStatus !== undefined ? { httpStatus: ctx.httpStatus } : {}),
    });
  const cached = parts.cached ?? 0;
  const write = parts.cacheWrite ?? 0;
  const reasoning = parts.reasoning ?? 0;
  if (cached + write > base.promptTokens) throw bad('usage: cached tokens exceed the prompt tokens');
  if (reasoning > base.completionTokens) throw bad('usage: reasoning tokens exceed the output tokens');
  const out: Usage = {
    promptTokens: base.promptTokens,
    completionTokens: base.completionTokens,
    totalTokens: base.promptTokens + base.completionTokens,
  };
  if (cached > 0) out.cachedTokens = cached;
  if (write > 0) out.cacheWriteTokens = write;
  if (reasoning > 0) out.reasoningTokens = reasoning;
  return out;
}

/**
 * Adds the cached and reasoning breakdowns of an OpenAI `usage` object (`prompt_tokens_details.cached_tokens`,
 * `completion_tokens_details.reasoning_tokens`) to a usage parsed from its main counts.
 */
export function withOpenAIDetails(usage: Usage | null, raw: unknown, ctx: UsageContext): Usage | null {
  if (!usage || typeof raw !== 'object' || raw === null) return usage;
  const r = raw as {
    prompt_tokens_details?: { cached_tokens?: unknown } | null;
    completion_tokens_details?: { reasoning_tokens?: unknown } | null;
  };
  const cached = tokenCount(
    'prompt_tokens_details.cached_tokens',
    r.prompt_tokens_details?.cached_tokens,
    ctx,
    true,
  );
  const reasoning = tokenCount(
    'completion_tokens_details.reasoning_tokens',
    r.completion_tokens_details?.reasoning_tokens,
    ctx,
    true,
  );
  if (cached === 0 && reasoning === 0) return usage;
  return normalizeUsage(
    { prompt: usage.promptTokens, completion: usage.completionTokens, cached, reasoning },
    ctx,
  );
}
