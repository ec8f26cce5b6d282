import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GatewayConfigError } from '../../src/gateway/errors';
import { loadPricing, parsePricing } from '../../src/gateway/pricing';

describe('pricing', () => {
  it('ships the playbook prices per 1M tokens', async () => {
    const p = await loadPricing();
    expect(p.currency).toBe('USD');
    expect(p.price('gpt-4.1').blendedPer1M).toBe(8);
    expect(p.price('claude-sonnet-4-5').blendedPer1M).toBe(15);
    expect(p.price('gemini-2.5-flash').blendedPer1M).toBe(2.5);
    expect(p.price('deepseek-v3.2').blendedPer1M).toBe(0.42);
  });

  it('computes cost from usage; per 1K tokens it is the blended price / 1000', async () => {
    const p = await loadPricing();
    const cost = p.costUsd({ model: 'gpt-4.1', usage: { promptTokens: 600, completionTokens: 400 } });
    expect(cost).toBeCloseTo(0.008, 12);
    const split = parsePricing({ models: { m: { blendedPer1M: 2, inputPer1M: 1, outputPer1M: 4 } } });
    expect(split.costUsd({ model: 'm', usage: { promptTokens: 1e6, completionTokens: 1e6 } })).toBe(5);
  });

  it('names the model or field that is wrong', async () => {
    const p = await loadPricing();
    expect(() => p.price('gpt-9')).toThrow(/gpt-9/);
    expect(() => parsePricing({ models: { m: { blendedPer1M: -1 } } })).toThrow(/models\.m\.blendedPer1M/);
    expect(() => parsePricing({ models: { m: { blended: 1 } } })).toThrow(GatewayConfigError);
    const dir = mkdtempSync(join(tmpdir(), 'canarylab-pricing-'));
    writeFileSync(join(dir, 'bad.json'), '{ nope');
    await expect(loadPricing(join(dir, 'bad.json'))).rejects.toThrow(/not valid JSON/);
    await expect(loadPricing(join(dir, 'missing.json'))).rejects.toThrow(/ENOENT/);
  });
});
