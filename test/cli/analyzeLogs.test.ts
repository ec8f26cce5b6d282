/**
 * `canarylab analyze <file|folder|glob>` as a real process: the run folder keeps the summary, never the log;
 * it appears complete or not at all; an existing run id is refused without --force; per-window sequential
 * looks; the imported folder re-analyses from its summary.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from './cliHelpers';

const ROUTING = join(ROOT, 'datasets', 'logs', 'routing.jsonl');

describe('canarylab analyze on log files (DuckDB)', () => {
  it('a glob of parts → summary.json, import.json, comparison.json (no copy of the log); re-analysable', async () => {
    const dir = tempDir('alogs');
    const parts = join(dir, 'logs');
    mkdirSync(parts);
    const lines = readFileSync(ROUTING, 'utf8').trim().split('\n');
    writeFileSync(join(parts, 'a.jsonl'), `${lines.slice(0, 1000).join('\n')}\n`);
    writeFileSync(join(parts, 'b.jsonl'), `${lines.slice(1000).join('\n')}\n`);
    const out = join(dir, 'runs');
    const r = await runCli(['analyze', join(parts, '*.jsonl'), '--out', out, '--run-id', 'day1']);
    expect(r.stderr).not.toMatch(/canarylab: /);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`summarised ${lines.length} lines (0 shadow, ${lines.length} routing)`);
    const runDir = join(out, 'day1');
    expect(readdirSync(runDir).sort()).toEqual(['comparison.json', 'import.json', 'summary.json']);
    const info = JSON.parse(readFileSync(join(runDir, 'import.json'), 'utf8'));
    expect(info).toMatchObject({
      source: [join(parts, '*.jsonl')],
      engine: 'duckdb',
      windowMs: 3_600_000,
      invalidLines: 0,
    });
    expect(info.lines).toEqual({ shadow: 0, routing: lines.length });
    // The summary, not the rows: comparison.json is far smaller than the log would be as records.
    expect(statSync(join(runDir, 'comparison.json')).size).toBeLessThan(2_000_000);
    const before = JSON.parse(readFileSync(join(runDir, 'comparison.json'), 'utf8')).comparisons;
    // analyze <runDir> re-analyses from summary.json.
    writeFileSync(join(runDir, 'comparison.json'), '{}');
    const again = await runCli(['analyze', runDir]);
    expect(again.code).toBe(0);
    expect(JSON.parse(readFileSync(join(runDir, 'comparison.json'), 'utf8')).comparisons).toEqual(before);
  });

  it('an existing run id is refused without --force and replaced with it', async () => {
    const out = tempDir('alogs-force');
    expect((await runCli(['analyze', ROUTING, '--out', out])).code).toBe(0);
    const runDir = join(out, 'routing');
    const first = readFileSync(join(runDir, 'import.json'), 'utf8');
    const refused = await runCli(['analyze', ROUTING, '--out', out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `${runDir} already holds a run: choose another --run-id, or pass --force to replace it`,
    );
    expect(readFileSync(join(runDir, 'import.json'), 'utf8')).toBe(first);
    const forced = await runCli(['analyze', ROUTING, '--out', out, '--force']);
    expect(forced.code).toBe(0);
    expect(readFileSync(join(runDir, 'import.json'), 'utf8')).not.toBe(first); // a new importedAt
    expect(readdirSync(out)).toEqual(['routing']);
  });

  it('bad input: one line naming what and where, exit 1, and no run folder', async () => {
    const dir = tempDir('alogs-bad');
    const out = join(dir, 'runs');
    const huge = join(dir, 'huge.jsonl');
    writeFileSync(
      huge,
      `{"userId":"a","model":"m","latency":1e300,"success":true,"timestamp":1748826000000,"routedTo":"primary"}\n`,
    );
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, '');
    const cases: Array<[string, string]> = [
      [join(dir, 'missing.jsonl'), `${join(dir, 'missing.jsonl')}: no such file or folder`],
      [join(dir, 'nothing-*.jsonl'), `${join(dir, 'nothing-*.jsonl')}: the glob matches no file`],
      [
        huge,
        `${huge}:1: latency: expected a number of milliseconds between 0 and 86400000 (one day), got 1e+300`,
      ],
      [empty, `${empty}: the file is empty (no log line)`],
    ];
    for (const [source, message] of cases) {
      const r = await runCli(['analyze', source, '--out', out, '--run-id', 'x']);
      expect(r.code, source).toBe(1);
      expect(r.stderr).toBe(`canarylab: ${message}\n`);
      expect(existsSync(join(out, 'x'))).toBe(false);
    }
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it('--history with --window 6h: one sequential look per window, idempotent on re-import', async () => {
    const dir = tempDir('alogs-hist');
    const out = join(dir, 'runs');
    const history = join(dir, 'history.json');
    const args = ['analyze', ROUTING, '--out', out, '--run-id', 'd1', '--window', '6h', '--history', history];
    const r = await runCli(args);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('sequential: 4 looks taken');
    const h = JSON.parse(readFileSync(history, 'utf8'));
    // The sample spans 2025-06-02 (starts from 23:59 the day before): windows of 6 h by start time.
    const raw = readFileSync(ROUTING, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const windows = new Set(raw.map((o) => Math.floor((o.timestamp - o.latency) / 21_600_000) * 21_600_000));
    expect(h.entries.map((e: { runId: string }) => e.runId)).toEqual(
      [...windows].sort((a, b) => a - b).map((w) => `d1@${new Date(w).toISOString()}`),
    );
    const n = (arm: string) => raw.filter((o) => o.routedTo === arm).length;
    const sum = (arm: 'primary' | 'canary') =>
      h.entries.reduce((s: number, e: { counts: Record<string, { n: number }> }) => s + e.counts[arm].n, 0);
    expect([sum('primary'), sum('canary')]).toEqual([n('primary'), n('canary')]);
    const again = await runCli([...args, '--force']);
    expect(again.code).toBe(0);
    expect(JSON.parse(readFileSync(history, 'utf8')).entries).toHaveLength(h.entries.length);
  });
});
