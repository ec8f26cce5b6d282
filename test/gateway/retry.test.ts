import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_RETRY, parseRetryAfter, retryDelay } from '../../src/gateway/retry';
import { createRng } from '../../src/stats/random';

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter({ 'retry-after': '2' })).toBe(2000);
    expect(parseRetryAfter({ 'retry-after': ' 0 ' })).toBe(0);
  });
  it('reads an HTTP date relative to now, never negative', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:27:58 GMT');
    expect(parseRetryAfter({ 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }, now)).toBe(2000);
    expect(parseRetryAfter({ 'retry-after': 'Wed, 21 Oct 2015 07:27:00 GMT' }, now)).toBe(0);
  });
  it('prefers retry-after-ms (OpenAI, Azure) and accepts fractions there', () => {
    expect(parseRetryAfter({ 'retry-after-ms': '250.4', 'retry-after': '3' })).toBe(251);
  });
  it('ignores garbage, negatives, fractional delta-seconds and absurd waits', () => {
    expect(parseRetryAfter({})).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': 'soon' })).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': '-1' })).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': '1.5' })).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': '999999999' })).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': ['4', '5'] })).toBe(4000);
  });
});

describe('backoff with full jitter', () => {
  it('stays in [0, min(max, base·2^(k−1))) and is reproducible from the seed', () => {
    const draw = (seed: number) => {
      const rng = createRng(seed);
      return [1, 2, 3, 4, 5, 6, 7, 8].map((retry) =>
        backoffDelay({ retry, baseDelayMs: 100, maxDelayMs: 1000, rng }),
      );
    };
    const a = draw(1);
    expect(draw(1)).toEqual(a);
    expect(draw(2)).not.toEqual(a);
    a.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(Math.min(1000, 100 * 2 ** i));
    });
  });
  it('spreads over the whole interval (mean ≈ cap/2)', () => {
    const rng = createRng(9);
    let sum = 0;
    for (let i = 0; i < 4000; i++)
      sum += backoffDelay({ retry: 4, baseDelayMs: 100, maxDelayMs: 10_000, rng });
    expect(sum / 4000).toBeGreaterThan(370);
    expect(sum / 4000).toBeLessThan(430);
  });
  it('never waits less than the server asked', () => {
    const rng = createRng(3);
    for (let i = 0; i < 100; i++) {
      expect(retryDelay({ retry: 1, policy: DEFAULT_RETRY, rng, retryAfterMs: 1000 })).toBeGreaterThanOrEqual(
        1000,
      );
    }
  });
});
