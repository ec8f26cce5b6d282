/**
 * Model prices (datasets/pricing.json): blended USD per 1M tokens, optionally split into input and output.
 * The runner turns usage into CallRecord.costUsd with `costUsd`.
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
    z.strictObject({ blendedPer1M: price, inputPer1M: price.optional(), outputPer1M: price.optional() }),
  ),
});

export interface ModelPrice {
  blendedPer1M: number;
  inputPer1M: number;
  outputPer1M: number;
}

export interface Pricing {
  currency: string;
  models: Record<string, ModelPrice>;
  /** Price of a model; throws a GatewayConfigError naming the model when it is not in the table. */
  price(model: string): ModelPrice;
  /** Cost in `currency` of one call's usage. */
  costUsd(options: { model: string; usage: { promptTokens: number; completionTokens: number } }): number;
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
    models[name] = {
      blendedPer1M: p.blendedPer1M,
      inputPer1M: p.inputPer1M ?? p.blendedPer1M,
      outputPer1M: p.outputPer1M ?? p.blendedPer1M,
    };
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
      const p = priceOf(model);
      return (usage.promptTokens * p.inputPer1M + usage.completionTokens * p.outputPer1M) / 1e6;
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
