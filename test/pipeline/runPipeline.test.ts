import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEvalConfig } from '../../src/config/evalConfig';
import { runPipeline } from '../../src/index';
import { evaluationCost } from '../../src/pipeline/runPipeline';

const dir = mkdtempSync(join(tmpdir(), 'canarylab-pipeline-'));

describe('runPipeline with the simulator judge (single and pairwise)', () => {
  it('scores with the rubric and the judge, judges pairs, and counts the judge in the evaluation cost', async () => {
    const file = join(dir, 'eval.yaml');
    writeFileSync(
      file,
      `simulator:
  seed: 5
  models:
    prim: { latency: { p50Ms: 20, p95Ms: 40 }, answers: 175b_verification, timeScale: 0.5 }
    can: { latency: { p50Ms: 20, p95Ms: 40 }, answers: 6b_verification, timeScale: 0.5 }
    judge-model: { latency: { p50Ms: 2, p95Ms: 4 }, judge: { noise: 0 } }
arms:
  primary: { model: prim, price: { blendedPer1M: 8 } }
  canary: { model: can, price: { blendedPer1M: 2 } }
dataset: { gsm8k: { limit: 12 } }
scorers: [ { type: numeric } ]
judge: { model: judge-model, pairwise: true, price: { blendedPer1M: 10 }, concurrency: 8 }
`,
    );
    const logs: string[] = [];
    const r = await runPipeline({
      config: await loadEvalConfig(file),
      outDir: join(dir, 'runs'),
      runId: 'j1',
      log: (l) => logs.push(l),
    });
    const runDir = join(dir, 'runs', 'j1');
    const scores = readFileSync(join(runDir, 'scores.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(scores.filter((s) => s.scorer === 'numericAnswer')).toHaveLength(24);
    const judged = scores.filter((s) => s.scorer === 'judge');
    expect(judged).toHaveLength(24);
    // The simulator's judge grades from the reference with no noise: 9 when the numeric rubric passes, else 2.
    const numeric = new Map(
      scores.filter((s) => s.scorer === 'numericAnswer').map((s) => [`${s.itemId}|${s.arm}`, s.pass]),
    );
    for (const s of judged) expect(s.score).toBe(numeric.get(`${s.itemId}|${s.arm}`) ? 9 : 2);
    const pairs = readFileSync(join(runDir, 'pairwise.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(pairs).toHaveLength(12);
    // Cost: the arms' calls plus every judge call, each read back from the records.
    const calls = readFileSync(join(runDir, 'calls.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const callsUsd = calls.reduce((a, c) => a + c.costUsd, 0);
    const judgeUsd =
      judged.reduce((a, s) => a + (s.judge?.costUsd ?? 0), 0) +
      pairs.reduce((a, p) => a + (p.costUsd ?? 0), 0);
    expect(judgeUsd).toBeGreaterThan(0);
    expect(r.manifest.evaluationCostUsd).toBeCloseTo(callsUsd + judgeUsd, 12);
    expect(await evaluationCost(runDir)).toEqual({
      callsUsd: expect.closeTo(callsUsd, 12),
      judgeUsd: expect.closeTo(judgeUsd, 12),
      totalUsd: expect.closeTo(callsUsd + judgeUsd, 12),
    });
    expect(r.manifest.judge).toMatchObject({ model: 'judge-model', single: true, pairwise: true });
    // A compressed simulator clock is said in the analysis notes the report shows.
    expect(r.analysis.notes.some((n) => n.includes('timeScale 0.5'))).toBe(true);
    expect(r.analysis.comparisons.map((c) => c.metric)).toEqual(
      expect.arrayContaining(['quality', 'quality:judge', 'pairwise_win_rate:judge-pairwise']),
    );
    expect(logs.some((l) => l.startsWith('pairwise: 12 judged'))).toBe(true);
  });
});
