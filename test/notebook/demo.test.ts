import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ensureDemoRun } from '../../src/index';
import { DEMO } from '../../src/notebook/demo';

const dir = mkdtempSync(join(tmpdir(), 'canarylab-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The notebooks' demo config, cut to 12 items so the test stays fast.
const config = parse(readFileSync(DEMO.configFile, 'utf8'));
config.dataset = { path: resolve('notebooks/data/demo-items.jsonl'), limit: 12 };
const configFile = join(dir, 'demo.eval.yaml');
writeFileSync(configFile, stringify(config));

describe('the demo items', () => {
  it('are 200 GSM8K problems with a tier and the gsm8k tag, both tiers present', () => {
    const items = readFileSync('notebooks/data/demo-items.jsonl', 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(items).toHaveLength(200);
    expect(new Set(items.map((i) => i.meta.tier))).toEqual(new Set(['enterprise', 'free']));
    expect(items.every((i) => typeof i.reference === 'number' && i.meta.tags[0] === 'gsm8k')).toBe(true);
  });
});

describe('ensureDemoRun', () => {
  it('leaves a folder that has the calls alone', async () => {
    const runDir = join(dir, 'runs', 'made-by-01');
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, 'calls.jsonl'), '');
    writeFileSync(join(runDir, 'items.jsonl'), '');
    const r = await ensureDemoRun({
      outDir: join(dir, 'runs'),
      runId: 'made-by-01',
      need: 'calls',
      configFile,
    });
    expect(r).toEqual({ runDir, created: false });
    expect(existsSync(join(runDir, 'scores.jsonl'))).toBe(false);
  });

  it('runs the demo config through the pipeline when the run is missing, then finds it complete', async () => {
    const outDir = join(dir, 'runs');
    const first = await ensureDemoRun({ outDir, runId: 'fresh', need: 'scores', configFile });
    expect(first.created).toBe(true);
    const lines = (f: string) =>
      readFileSync(join(outDir, 'fresh', f), 'utf8')
        .trim()
        .split('\n');
    expect(lines('calls.jsonl')).toHaveLength(24); // 12 items × 2 arms
    expect(lines('items.jsonl')).toHaveLength(12);
    expect(lines('scores.jsonl').length).toBeGreaterThan(0);
    expect(existsSync(join(outDir, 'fresh', 'decision.json'))).toBe(true);
    const again = await ensureDemoRun({ outDir, runId: 'fresh', need: 'scores', configFile });
    expect(again.created).toBe(false);
  });
});
