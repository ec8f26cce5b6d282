/**
 * The DuckDB engine against an independent oracle: the line-by-line JS import (importProductionLogs, JSON.parse
 * per line) fed to the offline summary builder (summarizeCalls). Same log → the same summary, every integer
 * field equal; cost sums equal to rounding. Then formats (JSONL.gz, CSV, Parquet, folder, glob, column
 * mapping), line-level validation and bad input.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { segmentsFromItems, summarizeCalls } from '../../src/analysis/summary/build';
import type { RunSummary } from '../../src/analysis/summary/types';
import { loadPricing } from '../../src/gateway/pricing';
import { summarizeLogs } from '../../src/logs/summarizeLogs';
import { importProductionLogs, ProductionLogError } from '../../src/routing/logs';

const ROOT = join(__dirname, '..', '..');
const LOGS = join(ROOT, 'datasets', 'logs');
const ROUTING = join(LOGS, 'routing.jsonl');
const SHADOW = join(LOGS, 'shadow.jsonl');
const MALFORMED = join(LOGS, 'malformed.jsonl');
const dir = mkdtempSync(join(tmpdir(), 'canarylab-engines-'));

/** Integer fields exactly; float cost sums to 1e-12 relative; origins left out (they name the source). */
function expectSameSummary(a: RunSummary, b: RunSummary): void {
  const costs = (s: RunSummary) =>
    [s.primary, s.canary, ...s.primary.segments, ...s.canary.segments].map((x) => x.cost);
  const strip = (s: RunSummary) =>
    JSON.parse(
      JSON.stringify({ ...s, origins: [] }, (k, v) =>
        ['sumCost', 'sumCost2', 'sumCostTokens'].includes(k) ? 0 : v,
      ),
    );
  expect(strip(a)).toEqual(strip(b));
  const ca = costs(a);
  const cb = costs(b);
  ca.forEach((c, i) => {
    for (const k of ['sumCost', 'sumCost2', 'sumCostTokens'] as const) {
      const x = c[k];
      const y = cb[i][k];
      expect(Math.abs(x - y)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(y)));
    }
  });
}

async function jsOracle(file: string, opts: { primaryModel?: string; pricing?: boolean } = {}) {
  const pricing = opts.pricing ? await loadPricing(join(ROOT, 'datasets', 'pricing.json')) : undefined;
  const run = await importProductionLogs(file, { skipInvalid: true, ...opts, pricing });
  return {
    run,
    summary: summarizeCalls(run.calls, { windowMs: 3_600_000, segmentsOf: segmentsFromItems(run.items) }),
  };
}

describe('DuckDB engine = the JS import + summary builder on the same log', () => {
  it('routing log: counts, failures, latency histograms, windows, tier segments, models, split', async () => {
    // With prices: every line is priced (routing lines carry no tokens, so cost 0 on n calls).
    const pricing = await loadPricing(join(ROOT, 'datasets', 'pricing.json'));
    const got = await summarizeLogs(ROUTING, { pricing });
    const { run, summary } = await jsOracle(ROUTING, { pricing: true });
    expectSameSummary(got.summary, summary);
    expect(got.engine).toBe('duckdb');
    expect(got.summary.origins).toEqual([
      { source: ROUTING, engine: 'duckdb', rows: run.calls.length, invalidLines: 0 },
    ]);
    expect(got.facts.lines).toEqual(run.lines);
    expect(got.facts.models).toEqual(run.models);
    expect(got.facts.split).toEqual({ ...run.split, users: run.split.users, requests: run.split.requests });
    // The sample is a real one: 24 hourly windows, 4 tiers, failures in both arms.
    expect(got.summary.primary.windows).toHaveLength(24);
    expect(got.summary.canary.segments.map((s) => s.value)).toEqual([
      'beta_tester',
      'free',
      'premium',
      'pro',
    ]);
    expect(got.summary.primary.failures.unknown).toBeGreaterThan(0);
  });

  it('shadow log with prices: tokens, cost sums from per-model integer sums, invalid responses', async () => {
    const pricing = await loadPricing(join(ROOT, 'datasets', 'pricing.json'));
    const got = await summarizeLogs(SHADOW, { primaryModel: 'gpt-4.1', pricing });
    const { summary } = await jsOracle(SHADOW, { primaryModel: 'gpt-4.1', pricing: true });
    expectSameSummary(got.summary, summary);
    expect(got.summary.canary.failures).toEqual({
      invalid_response: summary.canary.calls - summary.canary.ok,
    });
    expect(got.summary.primary.cost.n).toBe(got.summary.primary.calls);
  });

  it('hand-derived: buckets floor(100·log2 x + 0.5), zeros, windows of the start time', async () => {
    // start = timestamp − latency. Latencies 1024 → bucket 1000 (2^10), 2048 → 1100, 0 → zeros,
    // 1000 → floor(996.578 + 0.5) = 997. Window 1 h: starts 01:00:00.000 − … fall in 00:00 and 01:00.
    const t = Date.UTC(2025, 5, 2, 1, 0, 0);
    const line = (latency: number, ts: number, success = true, arm = 'primary') =>
      JSON.stringify({ userId: `u${ts}`, model: `m-${arm}`, latency, success, timestamp: ts, routedTo: arm });
    const f = join(dir, 'hand.jsonl');
    writeFileSync(
      f,
      [
        line(1024, t + 1024), // starts 01:00:00.000 → window 01:00
        line(2048, t + 10), // starts 00:59:57.962 → window 00:00
        line(0, t + 5), // zeros
        line(1000, t + 2000, false), // a failure: counted in calls and window, not in the histogram
        line(1000, t + 3000, true, 'canary'),
      ].join('\n'),
    );
    const s = (await summarizeLogs(f)).summary;
    expect(s.primary.latencyMs).toEqual({
      count: 3,
      zeros: 1,
      min: 0,
      max: 2048,
      sum: 3072,
      buckets: [
        [1000, 1],
        [1100, 1],
      ],
    });
    expect(s.canary.latencyMs.buckets).toEqual([[997, 1]]);
    expect(s.primary.windows).toEqual([
      { start: t - 3_600_000, calls: 1, failures: 0 },
      { start: t, calls: 3, failures: 1 },
    ]);
    expect(s.primary.failures).toEqual({ unknown: 1 });
    expect(s.primary.firstStart).toBe(t - 2038);
    expect(s.primary.lastStart).toBe(t + 1000);
  });
});

describe('sources: formats, folders, globs, column mapping', () => {
  it('JSONL.gz, CSV, Parquet, a folder and a glob of parts give the same summary as the JSONL file', async () => {
    const base = (await summarizeLogs(ROUTING)).summary;
    const gz = join(dir, 'routing.jsonl.gz');
    writeFileSync(gz, gzipSync(readFileSync(ROUTING)));
    expectSameSummary((await summarizeLogs(gz)).summary, base);
    // CSV written here from the parsed lines (header + one row per line).
    const rows = readFileSync(ROUTING, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const cols = ['userId', 'model', 'latency', 'success', 'timestamp', 'routedTo', 'tier'];
    const csv = join(dir, 'routing.csv');
    writeFileSync(
      csv,
      `${cols.join(',')}\n${rows.map((r) => cols.map((c) => String(r[c])).join(',')).join('\n')}\n`,
    );
    expectSameSummary((await summarizeLogs(csv)).summary, base);
    // Parquet written by DuckDB itself from the CSV (typed columns: BIGINT timestamp, BOOLEAN success).
    const pq = join(dir, 'routing.parquet');
    const inst = await DuckDBInstance.create(':memory:');
    const con = await inst.connect();
    await con.run(`COPY (SELECT * FROM read_csv('${csv}')) TO '${pq}' (FORMAT parquet)`);
    con.closeSync();
    inst.closeSync();
    expectSameSummary((await summarizeLogs(pq)).summary, base);
    // Three parts in a folder: the folder and a glob over it.
    const parts = join(dir, 'parts');
    mkdirSync(parts);
    const lines = readFileSync(ROUTING, 'utf8').trim().split('\n');
    const k = Math.ceil(lines.length / 3);
    for (let i = 0; i < 3; i++)
      writeFileSync(join(parts, `part-${i}.jsonl`), `${lines.slice(i * k, (i + 1) * k).join('\n')}\n`);
    const folder = await summarizeLogs(parts);
    expectSameSummary(folder.summary, base);
    expect(folder.facts.split).toEqual((await summarizeLogs(ROUTING)).facts.split);
    expectSameSummary((await summarizeLogs(join(parts, 'part-*.jsonl'))).summary, base);
  });

  it('a column mapping reads their names as the playbook fields', async () => {
    const renamed = join(dir, 'renamed.jsonl');
    writeFileSync(
      renamed,
      readFileSync(ROUTING, 'utf8')
        .replaceAll('"userId":', '"user_id":')
        .replaceAll('"latency":', '"duration_ms":')
        .replaceAll('"routedTo":', '"arm":'),
    );
    const got = await summarizeLogs(renamed, {
      mapping: { userId: 'user_id', latency: 'duration_ms', routedTo: 'arm' },
    });
    expectSameSummary(got.summary, (await summarizeLogs(ROUTING)).summary);
    // Without it the lines lack userId → read as shadow lines → the first one is located.
    const err = await summarizeLogs(renamed).catch((e) => e);
    expect(err).toBeInstanceOf(ProductionLogError);
    expect(err.message).toMatch(new RegExp(`^${renamed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1: `));
  });
});

describe('line-level validation', () => {
  it('the first bad line fails with the same message as the line-by-line import', async () => {
    const js = await importProductionLogs(MALFORMED).catch((e) => e);
    const err = await summarizeLogs(MALFORMED).catch((e) => e);
    expect(err).toBeInstanceOf(ProductionLogError);
    expect(err.message).toBe(js.message);
    expect(err).toMatchObject({ code: 'CANARYLAB_ERR_LOG_LINE', line: 3, field: 'latency' });
  });

  it('--skip-invalid: every bad line counted and located as the JS import does; the rest summarised', async () => {
    const models = { primaryModel: 'gpt-4.1', canaryModel: 'claude-sonnet-4-5' };
    const got = await summarizeLogs(MALFORMED, { skipInvalid: true, ...models });
    const js = await importProductionLogs(MALFORMED, { skipInvalid: true, ...models });
    expect(got.invalidLines).toBe(9);
    expect(got.invalid.map((i) => i.message)).toEqual(js.invalid.map((i) => i.message));
    expect(got.summary.origins[0].invalidLines).toBe(9);
    expect(got.summary.primary.calls + got.summary.canary.calls).toBe(js.calls.length);
  });

  it('a BOM, CRLF line ends and blank lines; 1e300 and 1e400 latencies and a bad time are located errors', async () => {
    const ok = (u: string, latency: number | string, ts: number | string = 1748826000000) =>
      `{"userId":"${u}","model":"gpt-4.1","latency":${latency},"success":true,"timestamp":${typeof ts === 'string' ? `"${ts}"` : ts},"routedTo":"primary"}`;
    const bom = join(dir, 'bom.jsonl');
    writeFileSync(bom, `\uFEFF${ok('a', 100)}\r\n\r\n${ok('b', 200)}\r\n`);
    const s = await summarizeLogs(bom);
    expect(s.summary.primary.calls).toBe(2);
    for (const [latency, expected] of [
      ['1e300', 'latency: expected a number of milliseconds between 0 and 86400000 (one day), got 1e+300'],
      [
        '1e400',
        'latency: expected a number of milliseconds between 0 and 86400000 (one day), got a number out of range (∞: too large for a 64-bit float)',
      ],
    ]) {
      const f = join(dir, `huge-${latency}.jsonl`);
      writeFileSync(f, `${ok('a', 100)}\n\n${ok('b', latency)}\n`);
      const err = await summarizeLogs(f).catch((e) => e);
      expect(err).toBeInstanceOf(ProductionLogError);
      expect(err.message).toBe(`${f}:3: ${expected}`);
      const skipped = await summarizeLogs(f, { skipInvalid: true });
      expect([skipped.invalidLines, skipped.summary.primary.calls]).toEqual([1, 1]);
    }
    const badTime = join(dir, 'time.jsonl');
    writeFileSync(badTime, `${ok('a', 100)}\n${ok('b', 100, '1970-01-01T00:00:00Z')}\n`);
    expect((await summarizeLogs(badTime).catch((e) => e)).message).toMatch(
      `${badTime}:2: timestamp: expected`,
    );
  });
});

describe('OpenTelemetry exports go to their own reader', () => {
  it('a .json file with resourceSpans is read by src/logs/otlp.ts (engine js), not SQL', async () => {
    const span = (model: string, ms: number, i: number) => ({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: `b7ad6b71692033${String(i).padStart(2, '0')}`,
      name: `chat ${model}`,
      kind: 3,
      startTimeUnixNano: String(1748826000000000000n + BigInt(i) * 1_000_000_000n),
      endTimeUnixNano: String(1748826000000000000n + BigInt(i) * 1_000_000_000n + BigInt(ms) * 1_000_000n),
      attributes: [
        { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
        { key: 'gen_ai.request.model', value: { stringValue: model } },
        { key: 'user.id', value: { stringValue: `u${i}` } },
      ],
      status: { code: 1 },
    });
    const f = join(dir, 'otlp.json');
    const spans = [
      span('gpt-4.1', 100, 1),
      span('gemini-2.5-flash', 200, 2),
      span('gemini-2.5-flash', 300, 3),
    ];
    writeFileSync(
      f,
      JSON.stringify({
        resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 't' }, spans }] }],
      }),
    );
    const s = await summarizeLogs(f, { primaryModel: 'gpt-4.1' });
    expect(s.engine).toBe('js');
    expect([s.summary.primary.calls, s.summary.canary.calls]).toEqual([1, 2]);
    // 200 ms → floor(100·log2 200 + 0.5) = floor(764.39 + 0.5) = 764; 300 ms → floor(822.88 + 0.5) = 823.
    expect(s.summary.canary.latencyMs.buckets).toEqual([
      [764, 1],
      [823, 1],
    ]);
  });
});

describe('bad input: one clear error naming what and where', () => {
  it('missing file, glob matching nothing, empty file, CSV without the columns', async () => {
    await expect(summarizeLogs(join(dir, 'nope.jsonl'))).rejects.toMatchObject({
      code: 'CANARYLAB_ERR_LOG_FILE',
      message: `${join(dir, 'nope.jsonl')}: no such file or folder`,
    });
    await expect(summarizeLogs(join(dir, 'none-*.jsonl'))).rejects.toMatchObject({
      code: 'CANARYLAB_ERR_LOG_NO_MATCH',
      message: `${join(dir, 'none-*.jsonl')}: the glob matches no file`,
    });
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, '');
    await expect(summarizeLogs(empty)).rejects.toMatchObject({
      code: 'CANARYLAB_ERR_LOG_EMPTY',
      message: `${empty}: the file is empty (no log line)`,
    });
    const blank = join(dir, 'blank.jsonl');
    writeFileSync(blank, '\n\n  \n');
    await expect(summarizeLogs(blank)).rejects.toMatchObject({ code: 'CANARYLAB_ERR_LOG_EMPTY' });
    const csv = join(dir, 'cols.csv');
    writeFileSync(csv, 'user,model,latency\nu1,gpt-4.1,100\n');
    const err = await summarizeLogs(csv).catch((e) => e);
    expect(err.code).toBe('CANARYLAB_ERR_LOG_COLUMNS');
    expect(err.message).toMatch(
      `${csv}: missing column(s) timestamp, userId+success (routing) or prompt+tokens+valid (shadow); found user, model, latency`,
    );
    const other = join(dir, 'notes.txt');
    copyFileSync(ROUTING, other);
    await expect(summarizeLogs(other)).rejects.toMatchObject({ code: 'CANARYLAB_ERR_LOG_SOURCE' });
  });
});
