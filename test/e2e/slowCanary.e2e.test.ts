import { describe, expect, it } from 'vitest';
import { gate, PRICE, run, scale, useSimulator } from './helpers';

/*
 * Issue 7, "What must be true", end to end on the simulator: runBatch → scoreRun (numeric rubric on the
 * recorded GSM8K answers) → loadRun → analyzeRun → decide(DEFAULT_POLICY). Set-up in ./helpers.ts.
 */
useSimulator();

describe('end to end on the simulator: a pricier, slower canary', () => {
  it('a canary 20% more expensive and slower than 3 s at P95 is rolled back, and the cost gate does not pass', async () => {
    const { analysis, decision } = await run({
      runId: 'pricier-slower',
      n: 100,
      primary: { model: 'base', price: PRICE },
      canary: { model: 'slow', price: scale(PRICE, 1.2) },
      concurrency: 200,
    });
    const p95 = gate(decision, 'latency_p95_ms');
    expect(p95.status).toBe('fail');
    expect(p95.ci[0]).toBeGreaterThan(3000);
    expect(decision.verdict).toBe('rollback');
    expect(decision.reasons[0]).toMatch(/^Required gate failed: P95 latency: canary [\d,]+ ms \(95% CI/);
    // Same answers, prices × 1.2: cost per 1K tokens is up exactly 20%, which is not "< 20%".
    const cost = gate(decision, 'cost_per_1k_tokens_usd');
    expect(cost.observed).toBeCloseTo(0.2, 9);
    expect(cost.status).not.toBe('pass');
    expect(analysis.cost.canary.per1kTokensUsd / analysis.cost.primary.per1kTokensUsd).toBeCloseTo(1.2, 9);
  });
});
