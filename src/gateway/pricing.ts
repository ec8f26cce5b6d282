/**
 * Model prices (datasets/pricing.json): blended USD per 1M tokens, optionally split into input and output,
 * and, where a provider prices them apart, cached input tokens (read from a prompt cache) and cache writes
 * (Anthropic). The runner turns usage into CallRecord.costUsd with `usageCostUsd`.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { GatewayConfigError } from './errors';
import { msg } from './messages';

const price = z.number().finite().nonnegative();

const PricingSchema = z.object({
  currency: z.string().default('USD'),
  unit: z.string().optional(),
  source: z.string().optional(),
  fields: z.record(z.string(), z.string()).optional(),
  models: z.record(
    z.string(),
    z.strictObject({
      blendedPer1M: price,
      inputPer1M: price.optional(),
      outputPer1M: price.optional(),
      /** Input tokens read from the provider's prompt cache. Default: inputPer1M. */
      cachedInputPer1M: price.optional(),
      /** Input tokens written to the prompt cache (Anthropic's 5-minute cache write). Default: inputPer1M. */
      cacheWritePer1M: price.optional(),
      /** Where these prices come from. */
      source: z.string().optional(),
    }),
  ),
});

export interface ModelPrice {
  blendedPer1M: number;
  inputPer1M: number;
  outputPer1M: number;
  cachedInputPer1M?: number;
  cacheWritePer1M?: number;
}

/** A price per 1M tokens by kind of token (what CallRecord costs are computed from). */
export interface TokenPrice {
  inputPer1M: number;
  outputPer1M: number;
  /** Cached input tokens; default inputPer1M. */
  cachedInputPer1M?: number;
  /** Cache-write input tokens; default inputPer1M. */
  cacheWritePer1M?: number;
}

/** Usage with the optional breakdowns of src/gateway/types.ts Usage. */
export interface PricedUsage {
  promptTokens: number;
  completionTokens: number;
  cachedTokens?: number;
  cacheWriteTokens?: number;
}

/**
 * Cost in USD of one call, each kind of token at its price: prompt tokens that were neither read from nor
 * written to the cache at inputPer1M, cached ones at cachedInputPer1M, cache writes at cacheWritePer1M,
 * output (reasoning included) at outputPer1M.
 *
 * @example
 * // claude-sonnet-4-5 list prices: 1,820 input of which 1,800 cache reads, 90 output
 * usageCostUsd({ promptTokens: 1820, completionTokens: 90, cachedTokens: 1800 },
 *   { inputPer1M: 3, outputPer1M: 15, cachedInputPer1M: 0.3, cacheWritePer1M: 3.75 });
 * // => (20·3 + 1800·0.3 + 90·15) / 1e6 = 0.00195
 */
export function usageCostUsd(usage: PricedUsage, price: TokenPrice): number {
  const cached = usage.cachedTokens ?? 0;
  const written = usage.cacheWriteTokens ?? 0;
  const fresh = usage.promptTokens - cached - written;
  return (
    (fresh * price.inputPer1M +
      cached * (price.cachedInputPer1M ?? price.inputPer1M) +
      written * (price.cacheWritePer1M ?? price.inputPer1M) +
      usage.completionTokens * price.outputPer1M) /
    1e6
  );
}

export interface Pricing {
  currency: string;
  models: Record<string, ModelPrice>;
  /** Price of a model; throws a GatewayConfigError naming the model when it is not in the table. */
  price(model: string): ModelPrice;
  /** Cost in `currency` of one call's usage (cached and cache-write tokens at their prices when given). */
  costUsd(options: { model: string; usage: PricedUsage }): number;
}

/** Default location, relative to the working directory (the project root). */
export const DEFAULT_PRICING_PATH = 'datasets/pricing.json';

/**
 * Validates a parsed pricing document.
 * @throws {GatewayConfigError} naming the offending field
 */
export function parsePricing(data: unknown, source = 'pricing'): Pricing {
  const r = PricingSchema.safeParse(data);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new GatewayConfigError(msg.pricingInvalid(source, issues));
  }
  const models: Record<string, ModelPrice> = {};
  for (const [name, p] of Object.entries(r.data.models)) {
    const m: ModelPrice = {
      blendedPer1M: p.blendedPer1M,
      inputPer1M: p.inputPer1M ?? p.blendedPer1M,
      outputPer1M: p.outputPer1M ?? p.blendedPer1M,
    };
    if (p.cachedInputPer1M !== undefined) m.cachedInputPer1M = p.cachedInputPer1M;
    if (p.cacheWritePer1M !== undefined) m.cacheWritePer1M = p.cacheWritePer1M;
    models[name] = m;
  }
  const priceOf = (model: string): ModelPrice => {
    const p = Object.hasOwn(models, model) ? models[model] : undefined;
    if (!p) throw new GatewayConfigError(msg.pricingUnknownModel(model));
    return p;
  };
  return {
    currency: r.data.currency,
    models,
    price: priceOf,
    costUsd({ model, usage }) {
      return usageCostUsd(usage, priceOf(model));
    },
  };
}

/**
 * Reads and validates a pricing file.
 *
 * @example
 * const pricing = await loadPricing();
 * pricing.costUsd({ model: 'gpt-4.1', usage: { promptTokens: 1000, completionTokens: 500 } }); // => 0.012
 */
export async function loadPricing(path: string = DEFAULT_PRICING_PATH): Promise<Pricing> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new GatewayConfigError(
      msg.pricingInvalid(path, (err as NodeJS.ErrnoException).code ?? 'cannot read'),
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new GatewayConfigError(msg.pricingInvalid(path, 'not valid JSON'));
  }
  return parsePricing(data, path);
}
