import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeCost } from '../../src/scoring/judgeCost';
import { type JudgedPairRecord, judgePairs, loadPairwise } from '../../src/scoring/judgePairs';
import { pairwiseSummary, wilsonFractional } from '../../src/scoring/judgeReliability';
import { type PairwiseJudgeOptions, pairwiseJudge } from '../../src/scoring/llmJudge';
import { numericAnswer } from '../../src/scoring/numericAnswer';
import { type Simulator, startSimulator } from '../../src/sim/server';
import { wilsonInterval } from '../../src/stats/wilsonInterval';
import type { CallRecord, PairwiseRecord } from '../../src/types';
import { gsm8kItems, replayCall, runDirWith, simGateway } from './judgeHelpers';

let sim: Simulator;
const dirs: string[] = [];
beforeAll(async () => {
  sim = await startSimulator({
    seed: 3,
    models: { judge: { judge: {} }, broken: { judge: { malformed: 1 } } },
  });
});
afterAll(async () => {
  await sim.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const N = 30;
const items = gsm8kItems(N);
const CRITERIA = 'The final answer must equal the reference.';

function calls() {
  const out = [];
  for (let i = 0; i < N; i++) {
    if (i !== 4) out.push(replayCall('175b_verification', 'primary', i)); // item 4: no primary call
    out.push(
      replayCall(
        '6b_finetuning',
        'canary',
        i,
        i === 3 ? { ok: false, errorKind: 'timeout', content: undefined } : {},
      ),
    );
  }
  return out;
}

/** A run folder whose calls.jsonl holds these calls, removed after the tests. */
function tempRun(cs: readonly CallRecord[]): string {
  const dir = runDirWith(cs);
  dirs.push(dir);
  return dir;
}

/** The pairwise judge 'pw' on a simulator model. */
function simJudge(model: string, over: Partial<PairwiseJudgeOptions> = {}) {
  return pairwiseJudge({ name: 'pw', gateway: simGateway(sim.baseURL, model), criteria: CRITERIA, ...over });
}

describe('judgePairs', () => {
  it('judges every pair of successful calls in both orders, resumably, with costs', async () => {
    const dir = tempRun(calls());
    const judge = simJudge('judge', { price: { blendedPer1M: 8 } });
    const progress: number[] = [];
    const summary = await judgePairs({
      runDir: dir,
      items,
      judge,
      concurrency: 4,
      onProgress: (p) => progress.push(p.judged),
    });
    expect(summary).toMatchObject({ pairs: N - 1, judged: N - 2, errors: 0, skipped: 0, excludedPairs: 2 });
    expect(progress.at(-1)).toBe(N - 2);
    const records = await loadPairwise(dir);
    expect(records).toHaveLength(N - 2);
    const rubric = numericAnswer();
    for (const r of records) {
      const i = Number(r.itemId.slice(6));
      const p = (await rubric.score(items[i], replayCall('175b_verification', 'primary', i))).pass;
      const c = (await rubric.score(items[i], replayCall('6b_finetuning', 'canary', i))).pass;
      // The sim judge (no bias, no noise) prefers the right final answer; both right or both wrong tie.
      const want = p === c ? 'tie' : p ? 'primary' : 'canary';
      expect(r, r.itemId).toMatchObject({
        runId: 'judge-test',
        repeat: 0,
        judge: 'pw',
        winner: want,
        orderConsistent: true,
        verdicts: { primaryFirst: want, canaryFirst: want },
        lengths: {
          primary: [...(replayCall('175b_verification', 'primary', i).content as string)].length,
          canary: [...(replayCall('6b_finetuning', 'canary', i).content as string)].length,
        },
        judgeModel: 'judge',
        judgeCalls: 2,
      });
      expect(r.rawVerdict).toMatch(/^\[primaryFirst\] [\s\S]*\n\[canaryFirst\] /);
      expect(r.costUsd).toBeCloseTo(
        ((r.usage?.promptTokens ?? 0) + (r.usage?.completionTokens ?? 0)) * 8e-6,
        15,
      );
      expect(r.usage?.promptTokens).toBeGreaterThan(300);
    }
    expect(records.map((r) => r.itemId)).not.toContain('gsm8k-3');
    expect(records.map((r) => r.itemId)).not.toContain('gsm8k-4');
    const winners = new Set(records.map((r) => r.winner));
    expect(winners.size).toBeGreaterThan(1);
    // The judge's cost, by judge model: every call counted by the simulator, priced at 8 USD per 1M tokens.
    const stats = sim.stats().byModel.judge;
    const cost = judgeCost({ pairwise: records });
    expect(cost.byModel.judge).toEqual({
      calls: stats.requests,
      promptTokens: stats.promptTokens,
      completionTokens: stats.completionTokens,
      costUsd: expect.closeTo(((stats.promptTokens + stats.completionTokens) * 8) / 1e6, 12),
      unpriced: 0,
    });
    expect(cost.totalUsd).toBe(cost.byModel.judge.costUsd);

    // Resume: nothing new; a torn last line is cut off with a warning first.
    const again = await judgePairs({ runDir: dir, items, judge });
    expect(again).toMatchObject({ judged: 0, skipped: N - 2 });
    appendFileSync(join(dir, 'pairwise.jsonl'), '{"itemId": "gsm8k-1", "jud');
    const warnings: string[] = [];
    const third = await judgePairs({ runDir: dir, items, judge, onWarning: (w) => warnings.push(w) });
    expect(third).toMatchObject({ judged: 0, skipped: N - 2 });
    expect(warnings[0]).toMatch(/pairwise\.jsonl:29: dropped a torn last line/);
    expect(readFileSync(join(dir, 'pairwise.jsonl'), 'utf8').trim().split('\n')).toHaveLength(N - 2);
  });

  it('judge errors are recorded (never a verdict), kept out of the summary, and retried on request', async () => {
    const dir = tempRun(calls().slice(0, 6));
    const broken = simJudge('broken');
    const s1 = await judgePairs({ runDir: dir, items, judge: broken });
    expect(s1).toMatchObject({ judged: 0, errors: 3 });
    let records = await loadPairwise(dir);
    for (const r of records) {
      expect(r.error).toMatch(
        /^primaryFirst: pw: malformed verdict twice .* \| canaryFirst: pw: malformed verdict twice/,
      );
      expect(r).toMatchObject({ judgeModel: 'broken', judgeCalls: 4 });
      expect(r.verdicts).toBeUndefined();
    }
    expect(() => pairwiseSummary(records)).toThrow(/every judgment of pw failed/);
    // Retry the errors with a working judge under the same name: the verdicts win over the errors.
    const good = simJudge('judge');
    expect(await judgePairs({ runDir: dir, items, judge: good })).toMatchObject({ skipped: 3, judged: 0 });
    expect(await judgePairs({ runDir: dir, items, judge: good, retryErrors: true })).toMatchObject({
      judged: 3,
    });
    records = await loadPairwise(dir);
    expect(records).toHaveLength(3);
    expect(records.every((r) => r.error === undefined)).toBe(true);
  });

  it('repeated judgments of a pair are kept apart by `judgment`', async () => {
    const dir = tempRun(calls().slice(0, 4));
    const judge = simJudge('judge');
    expect(await judgePairs({ runDir: dir, items, judge, judgments: 3 })).toMatchObject({ judged: 6 });
    const records = await loadPairwise(dir);
    expect(records.map((r) => [r.itemId, r.judgment])).toEqual(
      expect.arrayContaining([
        ['gsm8k-0', 0],
        ['gsm8k-0', 1],
        ['gsm8k-0', 2],
        ['gsm8k-1', 2],
      ]),
    );
  });

  it('bothOrders: false judges one order per pair, chosen by item', async () => {
    const judge = simJudge('judge', { name: 'one', bothOrders: false });
    const orders = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const r = await judge.compare(items[i], {
        primary: replayCall('175b_verification', 'primary', i),
        canary: replayCall('6b_finetuning', 'canary', i),
      });
      expect(r.judge?.calls).toBe(1);
      orders.add(Object.keys(r.verdicts ?? {}).join());
    }
    expect(orders).toEqual(new Set(['primaryFirst', 'canaryFirst']));
  });

  it('bad input: clear errors naming the file, line and field', async () => {
    const dir = tempRun(calls().slice(0, 2));
    const judge = simJudge('judge');
    writeFileSync(
      join(dir, 'pairwise.jsonl'),
      '{"itemId": "gsm8k-0", "judge": "pw", "winner": "A", "orderConsistent": true}\n',
    );
    await expect(judgePairs({ runDir: dir, items, judge })).rejects.toThrow(
      /pairwise\.jsonl:1: winner: expected 'primary', 'canary' or 'tie', got "A"/,
    );
    await expect(loadPairwise(dir)).rejects.toThrow(/pairwise\.jsonl:1: winner/);
    rmSync(join(dir, 'pairwise.jsonl'));
    await expect(judgePairs({ runDir: dir, items: items.slice(1), judge })).rejects.toThrow(
      /calls\.jsonl:1: itemId: "gsm8k-0" is not among/,
    );
    await expect(judgePairs({ runDir: dir, items, judge, judgments: 0 })).rejects.toThrow(
      /judgments: expected an integer >= 1/,
    );
    await expect(judgePairs({ runDir: join(dir, 'nope'), items, judge })).rejects.toThrow(
      /calls\.jsonl: not found/,
    );
    expect(await loadPairwise(join(dir, 'nope'))).toEqual([]);
  });
});

function rec(winner: PairwiseRecord['winner'], over: Partial<JudgedPairRecord> = {}): JudgedPairRecord {
  return { itemId: `i${Math.random()}`, judge: 'pw', winner, orderConsistent: true, ...over };
}

describe('pairwiseSummary', () => {
  it('wins, ties as half, Wilson interval and Bradley–Terry, errors and repeated judgments left out', () => {
    const records = [
      ...Array.from({ length: 6 }, () => rec('canary')),
      rec('tie'),
      rec('tie', { orderConsistent: false }),
      rec('primary'),
      rec('primary'),
      rec('tie', { error: 'judge call failed' }),
      rec('canary', { judgment: 1 }),
      rec('primary', { judge: 'other' }),
    ];
    const s = pairwiseSummary(records, { judge: 'pw' });
    expect(s).toMatchObject({
      judge: 'pw',
      wins: 6,
      ties: 2,
      losses: 2,
      orderInconsistent: 1,
      n: 10,
      errors: 1,
    });
    // (6 + 2/2) / 10 = 0.7; with an integer count it is exactly statsmodels' Wilson interval.
    expect(s.winRate.estimate).toBe(0.7);
    const w = wilsonInterval(7, 10);
    expect(s.winRate.ci).toEqual([w.lower, w.upper]);
    const d = wilsonInterval(6, 8);
    expect(s.decisiveWinRate).toEqual({ n: 8, estimate: 0.75, ci: [d.lower, d.upper] });
    // Two players, ties as half: the MLE has P(canary beats primary) = 0.7, so the ratings are
    // 1000 ± 200·log10(0.7/0.3) = 1000 ± 73.59535705891889.
    const bt = s.bradleyTerry?.ratings ?? [];
    expect(bt.map((r) => r.player)).toEqual(['canary', 'primary']);
    expect(bt[0].rating).toBeCloseTo(1073.5953570589188, 6);
    expect(bt[1].rating).toBeCloseTo(926.4046429410811, 6);
    expect(() => pairwiseSummary(records)).toThrow(/judge: name one of other, pw/);
  });

  it('a fractional count (an odd number of ties): the Wilson formula at x = 5.5 of 10', () => {
    const records = [
      ...Array.from({ length: 5 }, () => rec('canary')),
      rec('tie'),
      ...Array.from({ length: 4 }, () => rec('primary')),
    ];
    const s = pairwiseSummary(records);
    expect(s.winRate.estimate).toBe(0.55);
    // z = 1.959963984540054, z² = 3.841458820694124; centre (5.5 + z²/2)/(10 + z²) = 0.5361233600…,
    // half-width z/(10 + z²)·√(5.5·4.5/10 + z²/4) = 0.2624536703…  (computed with Python's NormalDist)
    expect(s.winRate.ci[0]).toBeCloseTo(0.27366968961231836, 12);
    expect(s.winRate.ci[1]).toBeCloseTo(0.7985770304013928, 12);
    expect(wilsonFractional(0, 5)[0]).toBe(0);
    expect(wilsonFractional(5, 5)[1]).toBe(1);
    expect(() => wilsonFractional(6, 5)).toThrow(RangeError);
  });

  it('no Bradley–Terry ratings when one side never wins nor ties', () => {
    const s = pairwiseSummary([rec('canary'), rec('canary')]);
    expect(s.winRate.estimate).toBe(1);
    expect(s.bradleyTerry).toBeUndefined();
  });
});
