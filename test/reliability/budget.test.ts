/**
 * The spend-cap ledger and the worst-case bound on their own (hand-derived values); the CLI tests in
 * spendCap.test.ts check the cap end to end.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_OUTPUT_TOKENS, SpendBudget, worstCaseTokens } from '../../src/gateway/budget';
import { countChatTokens } from '../../src/gateway/tokens';

describe('worstCaseTokens', () => {
  it('bounds the prompt by its UTF-8 bytes plus the template allowance, and the output by max_tokens × n', () => {
    // 64 (request) + 16 (message) + 2 ('Hi') + 4 ('user') = 86.
    expect(
      worstCaseTokens({ messages: [{ role: 'user', content: 'Hi' }], params: { max_tokens: 10 } }),
    ).toEqual({
      prompt: 86,
      output: 10,
    });
    // 'é' is 2 bytes, '日本' 6: 64 + 16 + 8 + 4 = 92; max_completion_tokens wins over max_tokens; n = 3.
    expect(
      worstCaseTokens({
        messages: [{ role: 'user', content: 'é日本' }],
        params: { max_tokens: 10, max_completion_tokens: 7, n: 3 },
      }),
    ).toEqual({ prompt: 92, output: 21 });
    expect(worstCaseTokens({ messages: [] }).output).toBe(DEFAULT_MAX_OUTPUT_TOKENS);
  });

  it('is never below the o200k count of a chat (GSM8K-like, code, CJK, emoji)', () => {
    for (const text of [
      'Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May.',
      'function f(x) { return x.map((y) => y * 2).filter(Boolean); } // 🚀🚀🚀',
      '日本語のテキストとemojiの混在 🙂🙃 — ¿qué tal?',
    ]) {
      const messages = [
        { role: 'system' as const, content: 'You are a careful assistant.' },
        { role: 'user' as const, content: text },
      ];
      expect(worstCaseTokens({ messages }).prompt).toBeGreaterThanOrEqual(countChatTokens(messages));
    }
  });
});

describe('SpendBudget', () => {
  it('reserves, waits for settling calls, and refuses once the next worst case cannot fit', async () => {
    const b = new SpendBudget({ capUsd: 1 });
    const r1 = await b.reserve(0.6);
    expect(r1).not.toBeNull();
    let second: unknown = 'pending';
    const p2 = b.reserve(0.6).then((r) => {
      second = r;
      return r;
    });
    await new Promise((r) => setImmediate(r));
    expect(second).toBe('pending'); // 0.6 + 0.6 > 1: waits for the first call to settle
    b.settle(r1 as NonNullable<typeof r1>, 0.1); // spent 0.1: 0.1 + 0.6 ≤ 1, so the second goes
    const r2 = await p2;
    expect(r2).not.toBeNull();
    b.settle(r2 as NonNullable<typeof r2>, 0.5); // spent 0.6
    expect(await b.reserve(0.5)).toBeNull(); // 0.6 + 0.5 > 1 with nothing in flight: exhausted
    expect(b.exhausted).toBe(true);
    expect(await b.reserve(0)).toBeNull();
    expect(b.spentUsd).toBeCloseTo(0.6, 12);
  });

  it('starts from the spend carried from the records', async () => {
    const b = new SpendBudget({ capUsd: 1, spentUsd: 0.95 });
    expect(await b.reserve(0.04)).not.toBeNull();
    const full = new SpendBudget({ capUsd: 1, spentUsd: 1 });
    expect(full.exhausted).toBe(true);
    expect(() => new SpendBudget({ capUsd: -1 })).toThrow('capUsd');
  });
});
