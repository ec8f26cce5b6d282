/**
 * The answer to a request, the same for every dialect: the seeded template text for prompts without a
 * recorded answer, the cut at a stop sequence or at the max-tokens limit, the content filter, and the usage
 * (prompt-cache reads and writes, reasoning tokens), as a dialect-neutral SimAnswer.
 */
import { hash32, type Rng } from '../stats/random';
import type { FaultName } from './config';
import type { SimAnswer, SimDialect, SimRequest } from './protocols/types';
import { exactTokenCount, promptTokenCount, truncateToTokens } from './tokens';

const TEMPLATE_WORDS = (
  'the canary answers after the primary with a measured latency and a careful step so each result ' +
  'is checked against the reference before a staged rollout moves traffic from one model to another'
).split(' ');

/** A deterministic stand-in answer for prompts without a recorded one. */
export function templateAnswer(model: string, prompt: string, rng: Rng): string {
  const n = 12 + rng.int(40);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(TEMPLATE_WORDS[rng.int(TEMPLATE_WORDS.length)]);
  const topic = prompt.replace(/\s+/g, ' ').trim().slice(0, 48);
  return `Simulated answer from ${model} to "${topic}": ${words.join(' ')}.\nA: ${rng.int(1000)}`;
}

/** Response ids in each provider's form: chatcmpl-…, msg_…, and Gemini's opaque responseId. */
export function answerId(protocol: SimDialect['name'], reqHash: number, occurrence: number): string {
  const tail = `${reqHash.toString(16)}${occurrence.toString(16)}`;
  if (protocol === 'anthropic') return `msg_sim${tail}`;
  if (protocol === 'gemini') return `sim${tail}`;
  return `chatcmpl-${tail}`;
}

/** Prompt prefixes the simulated provider cache holds before it starts over. */
const PREFIX_CACHE_MAX = 100_000;
const NOT_CACHED = Object.freeze({ cachedTokens: 0, cacheWriteTokens: 0 });

/**
 * The provider's prompt cache: a prefix seen before (for this protocol and model) is read from it; the first
 * time, explicit caching (Anthropic's cache_control) writes it. Prefixes under the dialect's minimum are not
 * cached.
 */
function promptCache(
  cache: Set<number>,
  dialect: SimDialect,
  request: SimRequest,
): { cachedTokens: number; cacheWriteTokens: number } {
  const prefix = request.cachePrefix;
  if (!prefix) return NOT_CACHED;
  const prefixTokens = promptTokenCount(prefix.messages);
  if (prefixTokens < dialect.cacheMinTokens) return NOT_CACHED;
  const key = hash32(JSON.stringify(prefix.messages), hash32(`${dialect.name}|${request.model}`));
  if (cache.has(key)) {
    return { cachedTokens: prefixTokens - (prefixTokens % dialect.cacheGranularity), cacheWriteTokens: 0 };
  }
  if (cache.size > PREFIX_CACHE_MAX) cache.clear();
  cache.add(key);
  return { cachedTokens: 0, cacheWriteTokens: prefix.explicit ? prefixTokens : 0 };
}

/** The text up to the stop sequences it contains (each cutting what the ones before it left). */
function cutAtStops(text: string, stops: string[]): { text: string; stopSequence?: string } {
  let out = text;
  let stopSequence: string | undefined;
  for (const s of stops) {
    const i = s.length > 0 ? out.indexOf(s) : -1;
    if (i !== -1) {
      out = out.slice(0, i);
      stopSequence = s;
    }
  }
  return stopSequence === undefined ? { text: out } : { text: out, stopSequence };
}

/** The text as served: cut at a stop sequence, then at max tokens, or emptied by the content filter. */
function servedText(
  text: string,
  request: SimRequest,
  fault: FaultName | undefined,
): { text: string; tokens: number; finish: SimAnswer['finish']; stopSequence?: string } {
  if (fault === 'content_filter') return { text: '', tokens: 0, finish: 'content_filter' };
  const stopped = cutAtStops(text, request.stops);
  const tokens = exactTokenCount(stopped.text);
  const max = request.maxTokens;
  if (max !== undefined && max >= 0 && tokens > max) {
    return { ...truncateToTokens(stopped.text, max), finish: 'length' };
  }
  return { text: stopped.text, tokens, finish: 'stop', stopSequence: stopped.stopSequence };
}

/**
 * The answer to serve and its completion tokens (kept for the counters when the `missing_usage` fault
 * drops the usage from the answer).
 */
export function composeAnswer(args: {
  text: string;
  request: SimRequest;
  fault: FaultName | undefined;
  dialect: SimDialect;
  promptTokens: number;
  prefixCache: Set<number>;
  id: string;
}): { answer: SimAnswer; completionTokens: number } {
  const { request, fault } = args;
  const served = servedText(args.text, request, fault);
  const { cachedTokens, cacheWriteTokens } = promptCache(args.prefixCache, args.dialect, request);
  const reasoningTokens =
    request.thinkingBudget !== undefined && served.finish !== 'content_filter'
      ? Math.min(request.thinkingBudget, 2 * served.tokens)
      : 0;
  const answer: SimAnswer = {
    id: args.id,
    model: request.model,
    created: Math.floor(Date.now() / 1000),
    text: served.text,
    finish: served.finish,
    includeUsage: request.includeUsage,
    reasoningTokens,
  };
  if (served.stopSequence !== undefined) answer.stopSequence = served.stopSequence;
  if (fault !== 'missing_usage') {
    answer.usage = {
      promptTokens: args.promptTokens,
      completionTokens: served.tokens,
      cachedTokens,
      cacheWriteTokens,
      reasoningTokens,
    };
  }
  return { answer, completionTokens: served.tokens };
}
