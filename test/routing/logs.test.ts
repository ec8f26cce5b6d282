import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePricing } from '../../src/gateway/pricing';
import { importProductionLogs, ProductionLogError, parseLine } from '../../src/routing/logs';
import { srmCheck } from '../../src/routing/srm';

const LOGS = join(__dirname, '..', '..', 'datasets', 'logs');
const ROUTING = join(LOGS, 'routing.jsonl');
const SHADOW = join(LOGS, 'shadow.jsonl');
const MALFORMED = join(LOGS, 'malformed.jsonl');
const models = { primaryModel: 'gpt-4.1', canaryModel: 'claude-sonnet-4-5' };

// The oracle for the routing split: the playbook's own cyrb53, copied verbatim.
const { cyrb53: playbook } = createRequire(__filename)('../fixtures/playbook-cyrb53.js') as {
  cyrb53: (s: string, seed?: number) => number;
};

/** The file's lines parsed with plain JSON.parse (an independent count). */
const rawLines = (f: string) =>
  readFileSync(f, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('importProductionLogs: routing metrics', () => {
  it('maps every line to a CallRecord, arm from routedTo, and reports the split per user and request', async () => {
    const run = await importProductionLogs(ROUTING);
    const raw = rawLines(ROUTING);
    expect(run.runId).toBe('routing');
    expect(run.calls).toHaveLength(raw.length);
    expect(run.invalidLines).toBe(0);
    expect(run.lines).toEqual({ shadow: 0, routing: raw.length });
    expect(run.models).toEqual({ primary: ['gpt-4.1'], canary: ['claude-sonnet-4-5'] });
    const reqCanary = raw.filter((r) => r.routedTo === 'canary').length;
    expect(run.split.requests).toEqual({ primary: raw.length - reqCanary, canary: reqCanary });
    // Users: the router's rule, recomputed with the playbook's cyrb53: bucket < 25 → canary.
    const ids = [...new Set(raw.map((r) => r.userId as string))];
    const canaryUsers = ids.filter((u) => playbook(u) % 100 < 25).length;
    expect(run.split.users).toEqual({ primary: ids.length - canaryUsers, canary: canaryUsers });
    expect(run.split.usersInBothArms).toBe(0);
    // First line, field by field: startedAt = timestamp − latency (the router logs after the call).
    const first = raw[0];
    expect(run.calls[0]).toEqual({
      runId: 'routing',
      itemId: `${first.userId}#1`,
      arm: first.routedTo,
      model: first.model,
      repeat: 0,
      ok: first.success,
      attempts: 1,
      latencyMs: first.latency,
      usage: { promptTokens: 0, completionTokens: 0 },
      costUsd: 0,
      startedAt: new Date((first.timestamp as number) - (first.latency as number)).toISOString(),
      cached: false,
    });
    expect(run.items[0]).toEqual({
      id: `${first.userId}#1`,
      meta: { userId: first.userId, tier: first.tier },
    });
    const failures = raw.filter((r) => r.success === false).length;
    expect(run.calls.filter((c) => !c.ok)).toHaveLength(failures);
    expect(failures).toBeGreaterThan(0);
  });

  it('the sample split passes the SRM check at the configured 25%, and a skewed one is flagged', async () => {
    const run = await importProductionLogs(ROUTING);
    const ok = srmCheck({ observed: run.split.users, expectedCanaryShare: 0.25, unit: 'users' });
    expect(ok.mismatch).toBe(false);
    // The same users judged against a router configured at 10%: clearly not what it produced.
    const bad = srmCheck({ observed: run.split.users, expectedCanaryShare: 0.1, unit: 'users' });
    expect(bad.mismatch).toBe(true);
    expect(bad.pValue).toBeLessThan(1e-20);
  });
});

describe('importProductionLogs: shadow results', () => {
  it('pairs the primary and its shadow copy by prompt, and prices tokens when given a pricing table', async () => {
    const pricing = parsePricing(JSON.parse(readFileSync(join(LOGS, '..', 'pricing.json'), 'utf8')));
    const run = await importProductionLogs(SHADOW, { ...models, pricing, runId: 'shadow-2025-06-01' });
    const raw = rawLines(SHADOW);
    expect(run.calls).toHaveLength(raw.length);
    expect(run.lines).toEqual({ shadow: raw.length, routing: 0 });
    // Every item has the same number of primary and canary calls (the generator logs both per request).
    const per = new Map<string, { primary: number; canary: number }>();
    for (const c of run.calls) {
      const e = per.get(c.itemId) ?? { primary: 0, canary: 0 };
      e[c.arm]++;
      per.set(c.itemId, e);
    }
    for (const e of per.values()) expect(e.primary).toBe(e.canary);
    expect(run.items).toHaveLength(per.size);
    // Cost = tokens × blended price / 1e6 (gpt-4.1 $8, claude-sonnet-4-5 $15 per 1M).
    raw.forEach((r, i) => {
      const price = r.model === 'gpt-4.1' ? 8 : 15;
      expect(run.calls[i].costUsd).toBeCloseTo(((r.tokens as number) * price) / 1e6, 15);
      expect(run.calls[i].ok).toBe(r.valid);
      expect(run.calls[i].startedAt).toBe(
        new Date(Date.parse(r.timestamp as string) - (r.latency as number)).toISOString(),
      );
    });
    const invalid = run.calls.filter((c) => !c.ok);
    expect(invalid.length).toBe(raw.filter((r) => r.valid === false).length);
    expect(invalid.every((c) => c.errorKind === 'invalid_response')).toBe(true);
  });

  it('without routedTo or model names the arm is unknown: a clear error, never skipped', async () => {
    const err = await importProductionLogs(SHADOW, { skipInvalid: true }).catch((e) => e);
    expect(err).toBeInstanceOf(ProductionLogError);
    expect(err.code).toBe('CANARYLAB_ERR_LOG_ARM');
    expect(err.message).toBe(
      `${SHADOW}:1: model: cannot tell which arm 'gpt-4.1' is: pass { primaryModel, canaryModel } or log routedTo`,
    );
  });

  it('with only the primary named, every other model is the canary', async () => {
    const run = await importProductionLogs(SHADOW, { primaryModel: 'gpt-4.1' });
    expect(run.models).toEqual({ primary: ['gpt-4.1'], canary: ['claude-sonnet-4-5'] });
  });
});

describe('importProductionLogs: malformed lines', () => {
  it('fails on the first malformed line with file:line: field: what was expected', async () => {
    const err = await importProductionLogs(MALFORMED).catch((e) => e);
    expect(err).toBeInstanceOf(ProductionLogError);
    expect(err).toMatchObject({ code: 'CANARYLAB_ERR_LOG_LINE', line: 3, field: 'latency' });
    expect(err.message).toBe(
      `${MALFORMED}:3: latency: expected a number of milliseconds between 0 and 86400000 (one day), got "fast"`,
    );
  });

  it('skips and counts them with skipInvalid, each located and explained', async () => {
    const run = await importProductionLogs(MALFORMED, { skipInvalid: true });
    expect(run.invalidLines).toBe(9);
    expect(run.invalid.map((i) => [i.line, i.field])).toEqual([
      [3, 'latency'],
      [4, '(line)'],
      [7, 'model'],
      [8, 'success'],
      [9, 'timestamp'],
      [10, 'tokens'],
      [11, '(line)'],
      [12, 'routedTo'],
      [13, '(record)'],
    ]);
    const msg = (line: number) => run.invalid.find((i) => i.line === line)?.message;
    expect(msg(4)).toMatch(
      new RegExp(`^${escapeRegExp(MALFORMED)}:4: \\(line\\): expected one JSON object, got invalid JSON`),
    );
    expect(msg(7)).toBe(`${MALFORMED}:7: model: expected a non-empty string, got nothing (missing)`);
    expect(msg(8)).toBe(`${MALFORMED}:8: success: expected true or false, got "yes"`);
    expect(msg(9)).toBe(
      `${MALFORMED}:9: timestamp: expected an ISO-8601 time or epoch milliseconds, got "yesterday"`,
    );
    expect(msg(10)).toBe(`${MALFORMED}:10: tokens: expected an integer >= 0 (total tokens), got 212.5`);
    expect(msg(11)).toBe(`${MALFORMED}:11: (line): expected a JSON object, got an array`);
    expect(msg(12)).toBe(`${MALFORMED}:12: routedTo: expected 'primary' or 'canary', got "both"`);
    expect(msg(13)).toMatch(
      /13: \(record\): expected a shadow result \{ model, prompt, latency, tokens, timestamp, valid \} or a routing metric/,
    );
    // Lines 1, 2, 5, 14 (routing) and 15 (shadow; its arm learned from line 2's routedTo) are kept.
    expect(run.calls.map((c) => [c.itemId, c.arm, c.ok])).toEqual([
      ['u-1#1', 'primary', true],
      ['u-2#1', 'canary', true],
      ['u-5#1', 'primary', true],
      ['u-9#1', 'canary', true],
      [expect.stringMatching(/^shadow:/), 'canary', false],
    ]);
  });

  it('names a missing file', async () => {
    const err = await importProductionLogs(join(LOGS, 'none.jsonl')).catch((e) => e);
    expect(err).toMatchObject({ code: 'CANARYLAB_ERR_LOG_FILE' });
    expect(err.message).toBe(`${join(LOGS, 'none.jsonl')}: cannot read the file (ENOENT)`);
  });

  it('streams: a 40,000-line file is read line by line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'canarylab-logs-'));
    const f = join(dir, 'big.jsonl');
    const line = (i: number) =>
      `{"userId":"u${i % 5000}","model":"m","latency":${100 + (i % 900)},"success":${i % 97 !== 0},"timestamp":${1748822400000 + i},"routedTo":"${i % 4 === 0 ? 'canary' : 'primary'}"}`;
    writeFileSync(f, `${Array.from({ length: 40_000 }, (_, i) => line(i)).join('\n')}\n`);
    const run = await importProductionLogs(f);
    expect(run.calls).toHaveLength(40_000);
    expect(run.split.requests).toEqual({ primary: 30_000, canary: 10_000 });
    // u0..u4999 each appear 8 times; i % 4 depends on i only, and 5000 % 4 = 0, so a user keeps one arm.
    expect(run.split.users).toEqual({ primary: 3750, canary: 1250 });
    expect(run.calls.filter((c) => !c.ok)).toHaveLength(Math.floor(39_999 / 97) + 1);
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('parseLine never repeats a line’s content in its message (issue 16, defect 9)', () => {
  const SECRET = 'sk-live-0123456789abcdefghijklmnopqrstuv';
  it('a long string value is described by its length', () => {
    const p = parseLine(
      JSON.stringify({ userId: 'u1', model: 'm', latency: SECRET, success: true, timestamp: 1.7e12 }),
    );
    // SECRET is 40 characters: longer than the 32 a message may quote.
    expect(p).toMatchObject({ field: 'latency' });
    expect('expected' in p && p.expected).toMatch(/got a string of 40 characters$/);
  });
  it('invalid JSON is located by column, not quoted', () => {
    const p = parseLine(`{"userId":"u1","model": ${SECRET}}`);
    // The value starts at column 25 (1-based): 24 characters of `{"userId":"u1","model": ` precede it.
    expect(p).toMatchObject({ field: '(line)' });
    const msg = 'expected' in p ? p.expected : '';
    expect(msg).toMatch(/^expected one JSON object, got invalid JSON \(column 25: /);
    expect(msg).not.toContain('sk-live');
  });
});
