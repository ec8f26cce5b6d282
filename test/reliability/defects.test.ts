/**
 * Issue 16, defects 2 (absurd usage), 4 (credentials in URLs), 5 (run ids), 8 (latency of retried calls)
 * and 9 (an answer echoing the Authorization header): each against a scripted server on 127.0.0.1, the
 * CLI in its own process where the defect is the CLI's.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createChatClient } from '../../src/gateway/client';
import { createGateway } from '../../src/gateway/gateway';
import { parseUsage } from '../../src/gateway/parse';
import { redactUrl } from '../../src/gateway/redact';
import { type BatchArm, runBatch } from '../../src/runner/runBatch';
import { validateRunId } from '../../src/runner/runFolder';
import type { CallRecord } from '../../src/types';
import {
  calls,
  filesContaining,
  readJson,
  recordedSpend,
  relConfig,
  runCli,
  tempDir,
  unitCounts,
  writeItems,
} from './helpers';
import { startScriptedServer } from './scriptedServer';

const KEY = 'sk-rel-defects-5up3r53cr3t-0123456789';

describe('defect 2: negative or absurd usage is an invalid_response, not a cost', () => {
  it('a canary reporting prompt_tokens -100000000 fails as invalid_response (recorded, not retried); the run finishes', async () => {
    const server = await startScriptedServer({
      decide: ({ model }) => (model === 'can' ? 'negative_usage' : 'ok'),
    });
    try {
      const dir = tempDir('usage');
      const cfg = join(dir, 'eval.yaml');
      writeFileSync(cfg, relConfig({ items: writeItems(dir, 20), concurrency: 8 }));
      const out = join(dir, 'runs');
      const r = await runCli(['run', '--config', cfg, '--out', out, '--run-id', 'u'], {
        BASE_URL: server.baseURL,
        REL_KEY: KEY,
      });
      expect(r.code, r.stderr).toBe(0);
      const runDir = join(out, 'u');
      const canary = calls(runDir).filter((c) => c.arm === 'canary');
      expect(canary).toHaveLength(20);
      for (const c of canary) {
        expect(c).toMatchObject({ ok: false, errorKind: 'invalid_response', attempts: 1, costUsd: 0 });
        expect(String(c.errorMessage)).toContain('usage.prompt_tokens');
      }
      // Not retried: the server saw each canary prompt once.
      for (const [k, n] of server.perPrompt()) if (k.startsWith('can\u0000')) expect(n).toBe(1);
      // 20 primary calls at $0.048 each (40 + 8 tokens at $1000 per 1M); the canary's cost nothing.
      const manifest = readJson(join(runDir, 'run.json'));
      expect(manifest.status).toBe('finished');
      expect(manifest.evaluationCostUsd as number).toBeCloseTo(20 * 0.048, 9);
      expect(recordedSpend(runDir).total).toBeCloseTo(20 * 0.048, 9);
    } finally {
      await server.close();
    }
  }, 240_000);

  it('parseUsage accepts integer counts 0…10,000,000 and refuses the rest, naming the field', () => {
    expect(parseUsage({ prompt_tokens: 12, completion_tokens: 0 }, 'm')).toEqual({
      promptTokens: 12,
      completionTokens: 0,
      totalTokens: 12,
    });
    expect(parseUsage(undefined, 'm')).toBeNull();
    expect(parseUsage(null, 'm')).toBeNull();
    expect(parseUsage({}, 'm')).toBeNull();
    for (const [u, field] of [
      [{ prompt_tokens: -1, completion_tokens: 3 }, 'usage.prompt_tokens'],
      [{ prompt_tokens: 1.5, completion_tokens: 3 }, 'usage.prompt_tokens'],
      [{ prompt_tokens: 1, completion_tokens: 1e12 }, 'usage.completion_tokens'],
      [{ prompt_tokens: 1, completion_tokens: '3' }, 'usage.completion_tokens'],
      [{ prompt_tokens: 1, completion_tokens: 3, total_tokens: -4 }, 'usage.total_tokens'],
    ] as const) {
      expect(() => parseUsage(u, 'm')).toThrow(field);
    }
  });
});

describe('defect 4 and 9: no credential from a URL, and no key echoed by a model, in any file a run writes', () => {
  it('redacts userinfo and secret query parameters in run.json, and the echoed key in calls and the cache', async () => {
    const server = await startScriptedServer({ echoAuth: true });
    try {
      const dir = tempDir('secrets');
      const cfg = join(dir, 'eval.yaml');
      writeFileSync(cfg, relConfig({ items: writeItems(dir, 12), concurrency: 8, judge: true }));
      const out = join(dir, 'runs');
      const u = new URL(server.baseURL);
      const base = `http://alice:URLPASSWORD7731@${u.host}/v1?api-key=URLQUERYSECRET9&x=1`;
      const r = await runCli(['run', '--config', cfg, '--out', out, '--run-id', 's'], {
        BASE_URL: base,
        REL_KEY: KEY,
      });
      expect(r.code, r.stderr).toBe(0);
      const secrets = [KEY, 'URLPASSWORD7731', 'URLQUERYSECRET9'];
      expect(filesContaining(dir, secrets)).toEqual([]);
      for (const s of secrets) {
        expect(r.stdout).not.toContain(s);
        expect(r.stderr).not.toContain(s);
      }
      const runDir = join(out, 's');
      const manifest = readJson(join(runDir, 'run.json')) as {
        arms: { primary: { baseURL: string } };
        judge: { baseURL: string };
      };
      expect(manifest.arms.primary.baseURL).toBe(`http://redacted@${u.host}/v1?api-key=redacted&x=1`);
      expect(manifest.judge.baseURL).toBe(`http://redacted@${u.host}/v1?api-key=redacted&x=1`);
      // The model echoed "Bearer <key>": stored with the key redacted.
      const c = calls(runDir)[0] as unknown as CallRecord;
      expect(c.content).toBe('The answer is 4. You sent: Bearer [redacted]');
      expect(existsSync(join(out, '.cache'))).toBe(true);
      expect(readdirSync(join(out, '.cache')).length).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  }, 240_000);

  it('redactUrl: hand-checked cases', () => {
    expect(redactUrl('http://user:pw@h:1/v1?api-key=abc&x=1')).toBe(
      'http://redacted@h:1/v1?api-key=redacted&x=1',
    );
    expect(redactUrl('https://h/v1?key=1&token=2&sig=3&model=m')).toBe(
      'https://h/v1?key=redacted&token=redacted&sig=redacted&model=m',
    );
    expect(redactUrl('https://tok@h/v1')).toBe('https://redacted@h/v1');
    expect(redactUrl('https://api.openai.com/v1')).toBe('https://api.openai.com/v1');
    expect(redactUrl('not a url http://u:p@x/y')).toBe('not a url http://redacted@x/y');
  });
});

describe('defect 5: one run-id validation for every command; an existing run is refused unless --force', () => {
  it('refuses ., .., absolute and multi-segment ids, writing nothing outside --out', async () => {
    const dir = tempDir('runid');
    const cfg = join(dir, 'eval.yaml');
    writeFileSync(cfg, relConfig({ items: writeItems(dir, 4), concurrency: 4 }));
    const out = join(dir, 'out', 'runs');
    const env = { BASE_URL: 'http://127.0.0.1:9/v1', REL_KEY: KEY };
    const ids = ['..', '.', join(dir, 'abs'), 'a/b', '../escaped'];
    const results = await Promise.all(
      ids.map((id) => runCli(['run', '--config', cfg, '--out', out, '--run-id', id], env)),
    );
    results.forEach((r, i) => {
      expect(r.code, `${ids[i]}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(/--run-id .*(not '\.' or '\.\.'|single folder name)/);
    });
    // Nothing was written: not in --out's parent (where '..' pointed), nor at the absolute path.
    expect(existsSync(join(dir, 'out', 'calls.jsonl'))).toBe(false);
    expect(existsSync(join(dir, 'out', 'run.json'))).toBe(false);
    expect(existsSync(join(dir, 'abs'))).toBe(false);
    expect(existsSync(join(dir, 'escaped'))).toBe(false);
    expect(() => validateRunId('ok-1.2_x')).not.toThrow();
    expect(() => validateRunId('a\u0000b')).toThrow('control characters');
  }, 240_000);

  it('refuses a second run into an existing run folder; --force replaces it (one record per unit)', async () => {
    const server = await startScriptedServer({});
    try {
      const dir = tempDir('force');
      const cfg = join(dir, 'eval.yaml');
      writeFileSync(cfg, relConfig({ items: writeItems(dir, 10), concurrency: 4 }));
      const out = join(dir, 'runs');
      const env = { BASE_URL: server.baseURL, REL_KEY: KEY };
      const args = ['run', '--config', cfg, '--out', out, '--run-id', 'f'];
      expect((await runCli(args, env)).code).toBe(0);
      const again = await runCli(args, env);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('already holds a run');
      const forced = await runCli([...args, '--force'], env);
      expect(forced.code, forced.stderr).toBe(0);
      expect(calls(join(out, 'f'))).toHaveLength(20);
      expect([...unitCounts(join(out, 'f')).values()].every((n) => n === 1)).toBe(true);
    } finally {
      await server.close();
    }
  }, 240_000);
});

describe('defect 8: a retried call records what the user waited', () => {
  it('a 429 with Retry-After: 1 then a success is recorded at ≥ 1 s, with both attempts and the wait', async () => {
    // The canary's first attempt at every prompt is rate limited (Retry-After: 1 s), the second succeeds.
    const server = await startScriptedServer({
      decide: ({ model, attempt }) => (model === 'can' && attempt === 1 ? 'rate_limit' : 'ok'),
      retryAfterSeconds: 1,
    });
    try {
      const out = tempDir('latency');
      const arms: BatchArm[] = (['primary', 'canary'] as const).map((name) => ({
        name,
        baseURL: server.baseURL,
        gateway: createGateway({
          client: createChatClient({
            baseURL: server.baseURL,
            apiKey: KEY,
            model: name === 'primary' ? 'prim' : 'can',
          }),
          retry: { maxAttempts: 3, baseDelayMs: 10 },
          seed: 1,
        }),
        price: { inputPer1M: 1, outputPer1M: 1 },
      }));
      const items = Array.from({ length: 4 }, (_, i) => ({
        id: `i${i}`,
        messages: [{ role: 'user' as const, content: `q${i}` }],
      }));
      await runBatch({ items, arms, concurrency: 8, outDir: out, runId: 'l', cache: false });
      const recs = readFileSync(join(out, 'l', 'calls.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as CallRecord);
      const canary = recs.filter((r) => r.arm === 'canary');
      expect(canary).toHaveLength(4);
      for (const r of canary) {
        expect(r.ok).toBe(true);
        expect(r.attempts).toBe(2);
        expect(r.latencyMs).toBeGreaterThanOrEqual(1000);
        expect(r.attemptLog).toHaveLength(2);
        expect(r.attemptLog?.[0]).toMatchObject({
          ok: false,
          httpStatus: 429,
          errorKind: 'rate_limit',
          waitMs: 0,
        });
        expect(r.attemptLog?.[1].ok).toBe(true);
        expect(r.attemptLog?.[1].waitMs).toBeGreaterThanOrEqual(1000);
        // The total is the two attempts and the wait between them.
        const parts = (r.attemptLog ?? []).reduce((s, a) => s + a.latencyMs + a.waitMs, 0);
        expect(r.latencyMs).toBeGreaterThanOrEqual(parts - 1);
      }
      for (const r of recs.filter((x) => x.arm === 'primary')) {
        expect(r.attempts).toBe(1);
        expect(r.attemptLog).toBeUndefined();
        expect(r.latencyMs).toBeLessThan(1000);
      }
    } finally {
      await server.close();
    }
  }, 30_000);
});

describe('defect 9: two models in one arm are not merged silently', () => {
  it('analyze warns, naming both models and their call counts', async () => {
    const dir = tempDir('mixed');
    const runDir = join(dir, 'm');
    mkdirSync(runDir);
    const rec = (i: number, arm: 'primary' | 'canary', model: string) => ({
      runId: 'm',
      itemId: `i${i}`,
      arm,
      model,
      repeat: 0,
      ok: true,
      attempts: 1,
      latencyMs: 100 + i,
      usage: { promptTokens: 40, completionTokens: 8 },
      costUsd: 0.001,
      startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
      cached: false,
    });
    const lines: unknown[] = [];
    for (let i = 0; i < 20; i++)
      lines.push(rec(i, 'primary', 'gpt-4.1'), rec(i, 'canary', i < 12 ? 'model-a' : 'model-b'));
    writeFileSync(join(runDir, 'calls.jsonl'), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const r = await runCli(['analyze', runDir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const notes = (JSON.parse(r.stdout) as { notes: string[] }).notes;
    expect(notes).toContain(
      'Warning: the canary arm mixes 2 models (model-a: 12 calls, model-b: 8 calls): their calls are analysed as one arm.',
    );
    expect(notes.some((n) => n.includes('primary arm mixes'))).toBe(false);
  }, 240_000);
});
