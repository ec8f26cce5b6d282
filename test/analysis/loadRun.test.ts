import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeRun, type RunData } from '../../src/analysis/analyzeRun';
import { loadRun, RunFolderError, writeAnalysis } from '../../src/analysis/loadRun';
import { loadFixture } from '../helpers/fixtures';

const fx = loadFixture<{ run: RunData }>('analysis.json');
const jsonl = (rows: unknown[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'canarylab-loadrun-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('loadRun / writeAnalysis', () => {
  it('reads the run folder; absent scores, pairwise and items are empty; runId from run.json', async () => {
    const dir = folder({
      'calls.jsonl': jsonl(fx.run.calls),
      'scores.jsonl': jsonl(fx.run.scores),
      'run.json': JSON.stringify({ runId: 'from-manifest' }),
    });
    const run = await loadRun(dir);
    expect(run.runId).toBe('from-manifest');
    expect(run.calls).toEqual(fx.run.calls);
    expect(run.scores).toEqual(fx.run.scores);
    expect(run.pairwise).toEqual([]);
    expect(run.items).toEqual([]);
  });

  it('takes the run id from the calls when there is no manifest, and round-trips comparison.json', async () => {
    const dir = folder({
      'calls.jsonl': jsonl(fx.run.calls),
      'pairwise.jsonl': jsonl(fx.run.pairwise),
      'items.jsonl': jsonl(fx.run.items ?? []),
    });
    const run = await loadRun(dir);
    expect(run.runId).toBe('golden');
    expect(run.items).toHaveLength(80);
    const a = analyzeRun(run, { seed: 3, resamples: 200 });
    const file = await writeAnalysis(dir, a);
    expect(file).toBe(join(dir, 'comparison.json'));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(JSON.parse(JSON.stringify(a)));
  });

  it('fails naming the missing calls.jsonl', async () => {
    const dir = folder({});
    await expect(loadRun(dir)).rejects.toThrow(`${join(dir, 'calls.jsonl')}: not found`);
    await expect(loadRun(dir)).rejects.toBeInstanceOf(RunFolderError);
  });

  it('fails naming file:line and the field of a bad record', async () => {
    const calls = fx.run.calls.slice(0, 3).map((c) => ({ ...c }));
    (calls[2] as Record<string, unknown>).latencyMs = 'fast';
    const dir = folder({ 'calls.jsonl': jsonl(calls) });
    await expect(loadRun(dir)).rejects.toThrow(
      `${join(dir, 'calls.jsonl')}:3: latencyMs: expected a number of milliseconds >= 0, got "fast"`,
    );
    const dir2 = folder({ 'calls.jsonl': jsonl(fx.run.calls.slice(0, 2)), 'scores.jsonl': '{"itemId":\n' });
    await expect(loadRun(dir2)).rejects.toThrow(`${join(dir2, 'scores.jsonl')}:1: not valid JSON`);
    const dir3 = folder({
      'calls.jsonl': jsonl(fx.run.calls.slice(0, 2)),
      'pairwise.jsonl': jsonl([{ itemId: 'a', judge: 'j', winner: 'both' }]),
    });
    await expect(loadRun(dir3)).rejects.toThrow(
      `${join(dir3, 'pairwise.jsonl')}:1: winner: expected 'primary', 'canary' or 'tie', got "both"`,
    );
  });
});
