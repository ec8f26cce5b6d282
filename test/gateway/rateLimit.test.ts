import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatClient } from '../../src/gateway/client';
import { createGateway } from '../../src/gateway/gateway';
import { createRateLimiter } from '../../src/gateway/rateLimit';
import { type Simulator, startSimulator } from '../../src/sim/server';
import { runConcurrent, user } from '../sim/helpers';

describe('createRateLimiter', () => {
  it('paces requests per minute after the burst', async () => {
    const limiter = createRateLimiter({ rpm: 6000, burstSeconds: 0.1 }); // 100/s, burst 10
    const t0 = performance.now();
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 40 }, async () => {
        const p = await limiter.acquire({ tokens: 0 });
        times.push(performance.now() - t0);
        p.release();
      }),
    );
    times.sort((a, b) => a - b);
    expect(times[9]).toBeLessThan(50); // the burst goes at once
    expect(times[39]).toBeGreaterThanOrEqual(290); // 30 more at 100/s
    expect(times[39]).toBeLessThan(800);
  });

  it('paces tokens per minute, and a request bigger than the bucket waits for a full one', async () => {
    const limiter = createRateLimiter({ tpm: 60_000, burstSeconds: 0.1 }); // 1000 tokens/s, bucket 100
    const t0 = performance.now();
    for (let i = 0; i < 4; i++) (await limiter.acquire({ tokens: 100 })).release();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
    const t1 = performance.now();
    (await limiter.acquire({ tokens: 500 })).release();
    expect(performance.now() - t1).toBeGreaterThanOrEqual(90);
  });

  it('charges the real usage against the estimate', async () => {
    const limiter = createRateLimiter({ tpm: 60_000, burstSeconds: 0.1 });
    const p = await limiter.acquire({ tokens: 10 });
    p.release({ actualTokens: 100 }); // used 90 more than estimated: the bucket is empty now
    const t0 = performance.now();
    (await limiter.acquire({ tokens: 50 })).release();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(40);
  });

  it('caps concurrency and serves waiters first come, first served', async () => {
    const limiter = createRateLimiter({ maxConcurrency: 2 });
    const order: number[] = [];
    const a = await limiter.acquire({ tokens: 0 });
    const b = await limiter.acquire({ tokens: 0 });
    const waiting = [1, 2, 3].map((i) =>
      limiter.acquire({ tokens: 0 }).then((p) => {
        order.push(i);
        return p;
      }),
    );
    expect(limiter.stats()).toMatchObject({ inFlight: 2, queued: 3 });
    a.release();
    b.release();
    const ps = await Promise.all(waiting.slice(0, 2));
    expect(order).toEqual([1, 2]);
    for (const p of ps) p.release();
    (await waiting[2]).release();
    expect(limiter.stats()).toMatchObject({ inFlight: 0, maxInFlight: 2, queued: 0, granted: 5 });
  });

  it('AIMD: halves on a 429 once per round, grows back by one per window of successes', async () => {
    const limiter = createRateLimiter({ adaptive: { initial: 16, min: 2, max: 16 } });
    const permits = await Promise.all(Array.from({ length: 16 }, () => limiter.acquire({ tokens: 0 })));
    permits[0].release({ rateLimited: true });
    expect(limiter.stats().concurrencyLimit).toBe(8);
    permits[1].release({ rateLimited: true }); // started before the cut: same congestion event
    expect(limiter.stats().concurrencyLimit).toBe(8);
    for (const p of permits.slice(2)) p.release();
    // 14 successes at limit 8 → +1 after 8 successes, +1/9 each after
    expect(limiter.stats().concurrencyLimit).toBe(9);
    const later = await limiter.acquire({ tokens: 0 });
    later.release({ rateLimited: true });
    expect(limiter.stats().concurrencyLimit).toBe(4);
    expect(limiter.stats().decreases).toBe(2);
  });

  it('pauses everyone for the Retry-After of a 429', async () => {
    const limiter = createRateLimiter({ rpm: 60_000 });
    (await limiter.acquire({ tokens: 0 })).release({ rateLimited: true, retryAfterMs: 150 });
    const t0 = performance.now();
    (await limiter.acquire({ tokens: 0 })).release();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(145);
  });

  it('drops an aborted waiter', async () => {
    const limiter = createRateLimiter({ maxConcurrency: 1 });
    const held = await limiter.acquire({ tokens: 0 });
    const ac = new AbortController();
    const waiting = limiter.acquire({ tokens: 0, signal: ac.signal });
    ac.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    expect(limiter.stats().queued).toBe(0);
    held.release();
  });
});

describe('rate limiting through the gateway, measured at the simulator', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({
      seed: 5,
      models: {
        m: { latency: { p50Ms: 10, p95Ms: 20 } },
        busy: { latency: { p50Ms: 10, p95Ms: 20 }, faults: { rate_limit: 0.3 }, retryAfterS: 0 },
      },
    });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('never has more requests in flight than the cap', async () => {
    const client = createChatClient({ baseURL: sim.baseURL, model: 'm' });
    const gw = createGateway({ client, rateLimit: { maxConcurrency: 4 } });
    const outs = await runConcurrent(40, 40, (i) => gw.call({ messages: user(`q${i}`) }));
    expect(outs.every((o) => o.ok)).toBe(true);
    expect(sim.stats().byModel.m.maxInFlight).toBeLessThanOrEqual(4);
    expect(sim.stats().byModel.m.requests).toBe(40);
    await client.close();
  });

  it('cuts concurrency when the server answers 429 (adaptive)', async () => {
    const client = createChatClient({ baseURL: sim.baseURL, model: 'busy' });
    const gw = createGateway({
      client,
      seed: 1,
      retry: { maxAttempts: 6, baseDelayMs: 2, maxDelayMs: 10 },
      rateLimit: { adaptive: { initial: 32, max: 32 } },
    });
    const outs = await runConcurrent(60, 60, (i) => gw.call({ messages: user(`b${i}`), key: String(i) }));
    const limiter = gw.limiter('busy');
    expect(limiter?.stats().decreases).toBeGreaterThan(0);
    expect(limiter?.stats().concurrencyLimit).toBeLessThan(32);
    const attempts = outs.reduce((s, o) => s + o.attempts, 0);
    expect(sim.stats().byModel.busy.requests).toBe(attempts);
    await client.close();
  });
});
