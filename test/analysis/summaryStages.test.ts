import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarizeCalls } from '../../src/analysis/summary/build';
import type { RunData } from '../../src/analysis/types';
import { analyzeStage, decideStage, reportStage } from '../../src/pipeline/stages';
import { loadFixture } from '../helpers/fixtures';

describe('a run folder that holds only a summary (a log import: no calls.jsonl)', () => {
  it('is analysed, decided and reported from the summary alone', async () => {
    const run = loadFixture<{ run: RunData }>('analysis.json').run;
    const summary = summarizeCalls(run.calls, { windowMs: 20_000 });
    const dir = mkdtempSync(join(tmpdir(), 'canarylab-summary-'));
    const { analysis } = await analyzeStage(dir, { summary, runId: 'logs-1' });
    expect(analysis.runId).toBe('logs-1');
    expect(existsSync(join(dir, 'calls.jsonl'))).toBe(false);
    const written = JSON.parse(readFileSync(join(dir, 'comparison.json'), 'utf8'));
    expect(written.summary).toEqual(JSON.parse(JSON.stringify(summary)));
    const { decision } = await decideStage(dir, { historyFile: false });
    // 80 calls with 6 canary failures: the success-rate gate fails (Wilson upper bound 96.5% < 99.5%).
    expect(decision.verdict).toBe('rollback');
    const report = await reportStage(dir, { items: [] });
    const html = readFileSync(report.reportFile, 'utf8');
    expect(html).toContain('logs-1');
    expect(html).toContain('Latency of successful calls');
  }, 60_000);
});
