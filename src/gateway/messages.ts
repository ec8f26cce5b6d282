/**
 * Every message the gateway puts in an error, in one place. Messages never contain the API key or any
 * request header; text that came from a server passes through `sanitizeServerText` first.
 */

import { formatSpend } from '../format';
import { redactUrl } from './redact';

const MAX_SERVER_TEXT = 300;

/**
 * Largest token count believed in a server's `usage` (10 million: above every context window offered
 * today). A count above it, negative, fractional or not a number makes the call an `invalid_response`.
 */
export const MAX_USAGE_TOKENS = 10_000_000;

/**
 * Makes server-provided text safe to put in a message or a log line: removes control characters (no log
 * injection), cuts it to a bounded length and replaces every occurrence of the given secrets.
 */
export function sanitizeServerText(text: unknown, secrets: readonly string[] = []): string {
  if (typeof text !== 'string') return '';
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  out = out.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  if (out.length > MAX_SERVER_TEXT) out = `${out.slice(0, MAX_SERVER_TEXT)}…`;
  return out;
}

const withDetail = (base: string, detail: string): string => (detail ? `${base}: ${detail}` : base);

export const msg = {
  timeout: (model: string, ms: number) => `request to model ${model} timed out after ${ms} ms`,
  network: (model: string, cause: string) => `network error calling model ${model} (${cause})`,
  rateLimit: (model: string, retryAfterMs: number | undefined, detail: string) =>
    withDetail(
      `rate limited (HTTP 429) by model ${model}${retryAfterMs === undefined ? '' : `, retry after ${retryAfterMs} ms`}`,
      detail,
    ),
  quotaExceeded: (model: string, detail: string) =>
    withDetail(`quota exhausted (HTTP 429, insufficient_quota) for model ${model}`, detail),
  server: (model: string, status: number, detail: string) =>
    withDetail(`server error (HTTP ${status}) from model ${model}`, detail),
  client: (model: string, status: number, detail: string) =>
    withDetail(`request rejected (HTTP ${status}) by model ${model}`, detail),
  modelNotFound: (model: string, detail: string) => withDetail(`model ${model} not found`, detail),
  contextLength: (model: string, detail: string) =>
    withDetail(`prompt exceeds the context length of model ${model}`, detail),
  contentFilter: (model: string, detail: string) =>
    withDetail(`response of model ${model} was blocked by a content filter`, detail),
  invalidJson: (model: string) => `model ${model} returned a body that is not valid JSON`,
  invalidContentType: (model: string, contentType: string) =>
    `model ${model} returned content type ${JSON.stringify(contentType.slice(0, 80))} where JSON or an event stream was expected`,
  noChoices: (model: string) => `model ${model} returned a completion without choices`,
  invalidShape: (model: string, what: string) => `model ${model} returned an invalid completion: ${what}`,
  invalidUsage: (model: string, field: string, got: unknown) =>
    `model ${model} returned an invalid completion: usage.${field}: expected an integer from 0 to ${MAX_USAGE_TOKENS.toLocaleString('en-US')}, got ${typeof got === 'number' ? String(got) : typeof got}`,
  streamEnded: (model: string) => `stream from model ${model} ended before [DONE] or a finish reason`,
  bodyTooLarge: (model: string, limit: number) => `response of model ${model} exceeded ${limit} bytes`,
  budgetReached: (spentUsd: number, capUsd: number) =>
    `budget reached: ${formatSpend(spentUsd)} of the $${capUsd} cap (maxCostUsd) spent; the next call's worst case does not fit, so it was not sent`,
  // configuration (thrown at creation, before any request)
  budgetAmount: (what: string, got: number) => `${what} must be a finite number >= 0, got ${got}`,
  reserveAmount: (got: number) => `SpendBudget.reserve: expected a finite amount >= 0, got ${got}`,
  budgetPrice: (key: string) =>
    `budgetedGateway: price.${key} must be a finite number >= 0 (a spend cap needs a price)`,
  badOption: (fn: string, name: string, expected: string, got: unknown) =>
    `${fn}: ${name} must be ${expected}, got ${describe(got)}`,
  // Never describe the value: it is a secret.
  badApiKey: (fn: string) => `${fn}: apiKey must be a string without line breaks`,
  badBaseURL: (fn: string, got: string) =>
    `${fn}: baseURL must be an http(s) URL, got ${JSON.stringify(redactUrl(got))}`,
  pricingInvalid: (path: string, issues: string) => `invalid pricing file ${path}: ${issues}`,
  pricingUnknownModel: (model: string) => `no price for model ${model} in the pricing table`,
} as const;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === undefined) return String(v);
  return Array.isArray(v) ? 'an array' : `a ${typeof v}`;
}
