import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadLlmperfTrace } from '../../src/datasets/llmperf';
import { callRows, llmperfErrorKind, llmperfToCalls } from '../../src/notebook/records';
import type { CallRecord } from '../../src/types';

describe('callRows', () => {
  it('flattens usage, marks successes errorKind none, keeps no model output', () => {
    const calls: CallRecord[] = [
      {
        runId: 'r',
        itemId: 'a',
        arm: 'primary',
        model: 'm',
        repeat: 0,
        ok: true,
        attempts: 1,
        latencyMs: 120,
        ttftMs: 30,
        usage: { promptTokens: 10, completionTokens: 5 },
        costUsd: 0.001,
        content: '<b>secret answer</b>',
        startedAt: '2024-01-01T00:00:00Z',
        cached: false,
        httpStatus: 200,
      },
      {
        runId: 'r',
        itemId: 'a',
        arm: 'canary',
        model: 'n',
        repeat: 0,
        ok: false,
        errorKind: 'rate_limit',
        httpStatus: 429,
        attempts: 2,
        latencyMs: 40,
        usage: { promptTokens: 0, completionTokens: 0 },
        costUsd: 0,
        startedAt: '2024-01-01T00:00:00Z',
        cached: false,
      },
    ];
    const rows = callRows(calls);
    expect(rows[0]).toEqual({
      itemId: 'a',
      arm: 'primary',
      model: 'm',
      repeat: 0,
      ok: true,
      errorKind: 'none',
      httpStatus: 200,
      attempts: 1,
      latencyMs: 120,
      ttftMs: 30,
      promptTokens: 10,
      completionTokens: 5,
      costUsd: 0.001,
      cached: false,
    });
    expect(rows[1]).toMatchObject({ errorKind: 'rate_limit', httpStatus: 429, ttftMs: null, attempts: 2 });
    expect(JSON.stringify(rows)).not.toContain('secret');
  });
});

describe('llmperfToCalls', () => {
  it('maps error codes to error kinds', () => {
    expect(llmperfErrorKind(429)).toBe('rate_limit');
    expect(llmperfErrorKind(400)).toBe('client');
    expect(llmperfErrorKind(503)).toBe('server');
    expect(llmperfErrorKind(-100)).toBe('invalid_response');
    expect(llmperfErrorKind(-1)).toBe('network');
  });

  it('turns the rate-limited lepton_70b trace into 20 ok calls and 130 rate-limited ones', async () => {
    // Counted in datasets/llmperf/lepton_70b.json: 150 requests, error_code 429 on 130, null on 20.
    const file = 'datasets/llmperf/lepton_70b.json';
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Array<Record<string, number | null>>;
    const calls = llmperfToCalls({
      trace: await loadLlmperfTrace(file),
      runId: 'trace',
      arm: 'canary',
      model: 'lepton',
      price: { inputPer1M: 1, outputPer1M: 2 },
      spacingMs: 500,
    });
    expect(calls).toHaveLength(150);
    expect(calls.filter((c) => c.ok)).toHaveLength(20);
    const limited = calls.filter((c) => !c.ok);
    expect(limited).toHaveLength(130);
    expect(
      limited.every((c) => c.errorKind === 'rate_limit' && c.httpStatus === 429 && c.costUsd === 0),
    ).toBe(true);
    const i = raw.findIndex((r) => r.error_code === null);
    const ok = calls[i];
    expect(ok).toMatchObject({
      ok: true,
      itemId: `llmperf-${i}`,
      arm: 'canary',
      model: 'lepton',
      runId: 'trace',
    });
    expect(ok.latencyMs).toBeCloseTo((raw[i].end_to_end_latency_s as number) * 1000, 9);
    expect(ok.ttftMs).toBeCloseTo((raw[i].ttft_s as number) * 1000, 9);
    const { number_input_tokens: pin, number_output_tokens: pout } = raw[i] as Record<string, number>;
    expect(ok.usage).toEqual({ promptTokens: pin, completionTokens: pout });
    expect(ok.costUsd).toBeCloseTo((pin * 1 + pout * 2) / 1e6, 15);
    expect(calls[2].startedAt).toBe('2024-01-01T00:00:01.000Z');
  });

  it('keeps the tokens of an answered request that llmperf flagged (-100: too few tokens)', async () => {
    const trace = await loadLlmperfTrace('datasets/llmperf/bedrock_70b.json');
    const calls = llmperfToCalls({ trace, runId: 't', arm: 'primary', model: 'bedrock' });
    // bedrock_70b.json: 49 requests with error_code -100, 101 without.
    const flagged = calls.filter((c) => !c.ok);
    expect(flagged).toHaveLength(49);
    expect(flagged.every((c) => c.errorKind === 'invalid_response' && c.httpStatus === undefined)).toBe(true);
    expect(flagged[0].usage.completionTokens).toBeGreaterThan(0);
    expect(flagged[0].errorMessage).toMatch(/Output too few tokens/);
  });

  it('rejects an empty trace and a bad spacing', () => {
    expect(() => llmperfToCalls({ trace: [], runId: 'r', arm: 'canary', model: 'm' })).toThrow(
      /canary trace has no requests/,
    );
    const one = [
      {
        errorCode: null,
        errorMessage: '',
        endToEndLatencyS: 1,
        ttftS: 0.1,
        interTokenLatencyS: 0,
        inputTokens: 1,
        outputTokens: 1,
      },
    ];
    expect(() =>
      llmperfToCalls({ trace: one, runId: 'r', arm: 'canary', model: 'm', spacingMs: -1 }),
    ).toThrow(/spacingMs/);
  });
});
