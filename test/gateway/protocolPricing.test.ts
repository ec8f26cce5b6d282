/** Prices by kind of token: the cost formula by hand, and the list-price table against its sources. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPricing, parsePricing, usageCostUsd } from '../../src/gateway/pricing';

describe('usageCostUsd', () => {
  it('prices fresh input, cached input, cache writes and output each at its own price', () => {
    // claude-sonnet-4-5 list prices ($3 / $0.30 cached / $3.75 write / $15). A call with 2,000 prompt tokens,
    // 1,500 of them read from the cache and 300 written to it, and 100 output tokens:
    // (200 · 3 + 1500 · 0.30 + 300 · 3.75 + 100 · 15) / 1e6 = (600 + 450 + 1125 + 1500) / 1e6 = 0.003675.
    const price = { inputPer1M: 3, outputPer1M: 15, cachedInputPer1M: 0.3, cacheWritePer1M: 3.75 };
    expect(
      usageCostUsd(
        { promptTokens: 2000, completionTokens: 100, cachedTokens: 1500, cacheWriteTokens: 300 },
        price,
      ),
    ).toBeCloseTo(0.003675, 15);
    // Without breakdowns it is the input/output formula: (2000 · 3 + 100 · 15) / 1e6 = 0.0075.
    expect(usageCostUsd({ promptTokens: 2000, completionTokens: 100 }, price)).toBeCloseTo(0.0075, 15);
    // A price without cached prices bills cached tokens at the input price (nothing is lost or invented).
    expect(
      usageCostUsd(
        { promptTokens: 2000, completionTokens: 100, cachedTokens: 1500 },
        { inputPer1M: 3, outputPer1M: 15 },
      ),
    ).toBeCloseTo(0.0075, 15);
  });
});

describe('datasets/pricing-list.json', () => {
  it('holds the sourced list prices of the playbook table, cached input included', async () => {
    const p = await loadPricing(join(__dirname, '..', '..', 'datasets', 'pricing-list.json'));
    expect(p.price('gpt-4.1')).toMatchObject({ inputPer1M: 2, cachedInputPer1M: 0.5, outputPer1M: 8 });
    expect(p.price('claude-sonnet-4-5')).toMatchObject({
      inputPer1M: 3,
      cachedInputPer1M: 0.3,
      cacheWritePer1M: 3.75,
      outputPer1M: 15,
    });
    expect(p.price('gemini-2.5-flash')).toMatchObject({
      inputPer1M: 0.3,
      cachedInputPer1M: 0.075,
      outputPer1M: 2.5,
    });
    // gpt-4.1, 10,000 prompt tokens of which 8,192 cached, 500 output: (1808 · 2 + 8192 · 0.5 + 500 · 8) / 1e6.
    expect(
      p.costUsd({
        model: 'gpt-4.1',
        usage: { promptTokens: 10_000, completionTokens: 500, cachedTokens: 8192 },
      }),
    ).toBeCloseTo((1808 * 2 + 8192 * 0.5 + 500 * 8) / 1e6, 15);
  });

  it('rejects a negative cached price, naming the field', () => {
    expect(() => parsePricing({ models: { m: { blendedPer1M: 1, cachedInputPer1M: -1 } } })).toThrow(
      /models\.m\.cachedInputPer1M/,
    );
  });
});
