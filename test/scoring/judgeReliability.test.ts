import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JudgedPairRecord, judgePairs, loadPairwise } from '../../src/scoring/judgePairs';
import { judgeReliability, rubricWinners } from '../../src/scoring/judgeReliability';
import { llmJudge, pairwiseJudge } from '../../src/scoring/llmJudge';
import { numericAnswer } from '../../src/scoring/numericAnswer';
import { loadScores, scoreRun } from '../../src/scoring/scoreRun';
import { type Simulator, startSimulator } from '../../src/sim/server';
import { wilsonInterval } from '../../src/stats/wilsonInterval';
import type { ScoreRecord } from '../../src/types';
import { gsm8kItems, replayCall, runDirWith, simGateway } from './judgeHelpers';

type W = 'primary' | 'canary' | 'tie';

describe('judgeReliability on hand-made records', () => {
  const r = (over: Partial<JudgedPairRecord>): JudgedPairRecord => ({
    itemId: 'x',
    judge: 'pw',
    winner: 'tie',
    orderConsistent: true,
    ...over,
  });
  const records: JudgedPairRecord[] = [
    // item a: consistent canary win, canary longer; judged twice, the second time a flip.
    r({
      itemId: 'a',
      winner: 'canary',
      verdicts: { primaryFirst: 'canary', canaryFirst: 'canary' },
      lengths: { primary: 10, canary: 20 },
      judgment: 0,
    }),
    r({
      itemId: 'a',
      winner: 'tie',
      orderConsistent: false,
      verdicts: { primaryFirst: 'primary', canaryFirst: 'canary' },
      judgment: 1,
    }),
    // item b: flipped (each order chose the answer shown first).
    r({
      itemId: 'b',
      winner: 'tie',
      orderConsistent: false,
      verdicts: { primaryFirst: 'primary', canaryFirst: 'canary' },
      lengths: { primary: 5, canary: 50 },
    }),
    // item c: consistent primary win, primary shorter.
    r({
      itemId: 'c',
      winner: 'primary',
      verdicts: { primaryFirst: 'primary', canaryFirst: 'primary' },
      lengths: { primary: 5, canary: 9 },
    }),
    // item d: consistent tie; item e: an error (not counted); item f: equal lengths.
    r({
      itemId: 'd',
      winner: 'tie',
      verdicts: { primaryFirst: 'tie', canaryFirst: 'tie' },
      lengths: { primary: 1, canary: 2 },
    }),
    r({ itemId: 'e', winner: 'tie', error: 'judge call failed', verdicts: { primaryFirst: 'canary' } }),
    r({
      itemId: 'f',
      winner: 'canary',
      verdicts: { primaryFirst: 'canary', canaryFirst: 'canary' },
      lengths: { primary: 7, canary: 7 },
    }),
  ];

  it('counts flips, first-position preference, self-consistency and length bias by hand', () => {
    const rel = judgeReliability({ pairwise: records });
    expect(rel).toMatchObject({ judge: 'pw', n: 5, errors: 1 });
    // Flips among the 5 first judgments judged in both orders: only b.
    const flip = wilsonInterval(1, 5);
    expect(rel.positionFlipRate).toEqual({ count: 1, n: 5, estimate: 0.2, ci: [flip.lower, flip.upper] });
    // Decisive per-order verdicts: a 2 (canary, canary: 1 shown first — canaryFirst chose canary), b 2 (both
    // chose the first shown), c 2 (primaryFirst chose primary: first; canaryFirst chose primary: second),
    // f 2 (as a). Shown-first choices: a 1 + b 2 + c 1 + f 1 = 5 of 8.
    expect(rel.firstPositionPreference).toMatchObject({ count: 5, n: 8 });
    // Self-consistency: item a only (canary vs tie): 0 of 1.
    expect(rel.selfConsistency).toMatchObject({ count: 0, n: 1, estimate: 0 });
    // Length bias: decisive with different lengths: a (canary longer, won) and c (primary shorter, won): 1 of 2.
    expect(rel.lengthBias).toMatchObject({ count: 1, n: 2, estimate: 0.5 });
    expect(rel.agreement).toEqual([]);
  });

  it('agreement with a rubric and with another judge', () => {
    const scores: ScoreRecord[] = [];
    const s = (itemId: string, arm: 'primary' | 'canary', score: number) =>
      scores.push({ runId: 'r', itemId, arm, repeat: 0, scorer: 'rubric', score, pass: score === 1 });
    // a: canary better; b: tie; c: primary better; d: tie; f: canary better.
    for (const [id, p, c] of [
      ['a', 0, 1],
      ['b', 1, 1],
      ['c', 1, 0],
      ['d', 0, 0],
      ['f', 0, 1],
    ] as const) {
      s(id, 'primary', p);
      s(id, 'canary', c);
    }
    expect(Object.fromEntries(rubricWinners(scores, 'rubric'))).toEqual({
      '["a",0]': 'canary',
      '["b",0]': 'tie',
      '["c",0]': 'primary',
      '["d",0]': 'tie',
      '["f",0]': 'canary',
    });
    const other = ['a', 'b', 'c', 'd', 'f'].map((itemId) => ({
      itemId,
      judge: 'other',
      winner: 'canary' as W,
      orderConsistent: true,
    }));
    const rel = judgeReliability({
      pairwise: [...records, ...other],
      judge: 'pw',
      scores,
      rubric: 'rubric',
      otherJudge: 'other',
    });
    // Judge vs rubric: canary/canary, tie/tie, primary/primary, tie/tie, canary/canary: perfect, kappa 1.
    const byRubric = rel.agreement.find((a) => a.between[1] === 'rubric');
    expect(byRubric).toMatchObject({ on: 'winner', n: 5, kappa: 1, observedAgreement: 1 });
    // Judge vs a judge that always says canary: p_o = 2/5; p_e = Σ marginals = (2/5)(5/5) = 0.4 → kappa 0.
    const byJudge = rel.agreement.find((a) => a.between[1] === 'other');
    expect(byJudge?.kappa).toBeCloseTo(0, 12);
    expect(() => judgeReliability({ pairwise: records, rubric: 'nope', scores })).toThrow(
      /no pair has pw's verdict and nope's scores/,
    );
    expect(() => judgeReliability({ pairwise: [...records, ...other] })).toThrow(
      /judge: name one of other, pw/,
    );
    expect(() => judgeReliability({ pairwise: records, judge: 'x' })).toThrow(/no records of "x"/);
  });
});

/*
 * The simulator judge's model (src/sim/judge.ts), per order: with probability b it says "A" (the answer shown
 * first); otherwise with probability e a uniformly random one of A, B, tie; otherwise the true verdict T (the
 * arm whose final answer matches the reference; tie when both or neither do). With q = 1 − b and r = e/3, the
 * verdict's distribution over positions is
 *   P(A) = b + q·r + q(1 − e)·[T is A],  P(B) = q·r + q(1 − e)·[T is B],  P(tie) = q·r + q(1 − e)·[T = tie],
 * and the two orders are independent draws (their prompts differ). Mapping positions to arms per order
 * (primary first: A = primary; canary first: A = canary) gives P1 and P2 over {primary, canary, tie}, and:
 *   flip probability (order-inconsistent)   f_T = 1 − Σ_L P1(L)·P2(L)
 *   final winner (MT-Bench rule)            P(W = L) = P1(L)·P2(L) for L ≠ tie,  P(W = tie) = P1(tie)·P2(tie) + f_T
 *   two independent judgments agree         Σ_L P(W = L)²
 * averaged over the items' true verdicts T (their shares s_T come from the numeric rubric). Cohen's kappa of
 * W against T: p_o = Σ_T s_T·P(W = T | T), p_e = Σ_L s_L·π_L with π_L = Σ_T s_T·P(W = L | T).
 * Example (b = 0.2, e = 0.1, so q·r = 0.02667 and q(1 − e) = 0.72): a decisive T (say primary) has
 * P1 = (primary 0.94667, canary 0.02667, tie 0.02667), P2 = (primary 0.74667, canary 0.22667, tie 0.02667), and
 * flips with probability 1 − 0.70684 − 0.00604 − 0.00071 = 0.2864; a tie T has P1 = (0.22667, 0.02667,
 * 0.74667), P2 = (0.02667, 0.22667, 0.74667) and flips with probability 1 − 2·0.00604 − 0.55751 = 0.4304.
 * (A direct Monte-Carlo of src/sim/judge.ts's simJudgeReply over 200,000 pairs gave 0.2878 and 0.4304.)
 */
function simJudgeExpectations(b: number, e: number, shares: Record<W, number>) {
  const q = 1 - b;
  const r = e / 3;
  const positions = (t: 'A' | 'B' | 'tie') => ({
    A: b + q * r + (t === 'A' ? q * (1 - e) : 0),
    B: q * r + (t === 'B' ? q * (1 - e) : 0),
    tie: q * r + (t === 'tie' ? q * (1 - e) : 0),
  });
  const per = (T: W) => {
    // Primary first: A = primary.  Canary first: A = canary.
    const p1 = positions(T === 'primary' ? 'A' : T === 'canary' ? 'B' : 'tie');
    const p2 = positions(T === 'canary' ? 'A' : T === 'primary' ? 'B' : 'tie');
    const P1 = { primary: p1.A, canary: p1.B, tie: p1.tie };
    const P2 = { primary: p2.B, canary: p2.A, tie: p2.tie };
    const flip = 1 - (P1.primary * P2.primary + P1.canary * P2.canary + P1.tie * P2.tie);
    const W = {
      primary: P1.primary * P2.primary,
      canary: P1.canary * P2.canary,
      tie: P1.tie * P2.tie + flip,
    };
    return { flip, W, agree: W.primary ** 2 + W.canary ** 2 + W.tie ** 2 };
  };
  const Ts: W[] = ['primary', 'canary', 'tie'];
  let flip = 0;
  let agree = 0;
  let po = 0;
  const pi: Record<W, number> = { primary: 0, canary: 0, tie: 0 };
  for (const T of Ts) {
    const x = per(T);
    flip += shares[T] * x.flip;
    agree += shares[T] * x.agree;
    po += shares[T] * x.W[T];
    for (const L of Ts) pi[L] += shares[T] * x.W[L];
  }
  const pe = Ts.reduce((s, L) => s + shares[L] * pi[L], 0);
  return { flip, selfConsistency: agree, kappa: (po - pe) / (1 - pe) };
}

describe('judge reliability over 1,000 GSM8K items with a known position bias and noise', () => {
  const N = 1000;
  const BIAS = 0.2;
  const NOISE = 0.1;
  const SINGLE_NOISE = 0.2;
  let sim: Simulator;
  let dir: string;
  beforeAll(async () => {
    sim = await startSimulator({
      seed: 2024,
      models: {
        pjudge: { judge: { positionBias: BIAS, noise: NOISE } },
        sjudge: { judge: { noise: SINGLE_NOISE } },
      },
    });
    const calls = [];
    for (let i = 0; i < N; i++) {
      calls.push(replayCall('175b_verification', 'primary', i), replayCall('6b_finetuning', 'canary', i));
    }
    dir = runDirWith(calls);
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('flip rate, self-consistency and kappa come back within tolerance of the configuration', async () => {
    const items = gsm8kItems(N);
    const criteria = 'The final answer must equal the reference.';
    const t0 = performance.now();
    const [pairs, scored] = await Promise.all([
      judgePairs({
        runDir: dir,
        items,
        judge: pairwiseJudge({ name: 'pw', gateway: simGateway(sim.baseURL, 'pjudge'), criteria }),
        judgments: 2,
        concurrency: 32,
      }),
      scoreRun({
        runDir: dir,
        items,
        scorers: [
          numericAnswer({ name: 'numeric' }),
          llmJudge({
            name: 'single',
            gateway: simGateway(sim.baseURL, 'sjudge'),
            criteria,
            passThreshold: 7,
          }),
        ],
        concurrency: 32,
      }),
    ]);
    const seconds = (performance.now() - t0) / 1000;
    expect(pairs).toMatchObject({ pairs: N, judged: 2 * N, errors: 0 });
    expect(scored).toMatchObject({ scored: 4 * N, errors: 0 });
    const pairwise = await loadPairwise(dir);
    const scores = await loadScores(dir);

    // True verdicts from the numeric rubric, and their shares.
    const truth = rubricWinners(scores, 'numeric');
    const shares: Record<W, number> = { primary: 0, canary: 0, tie: 0 };
    for (const t of truth.values()) shares[t] += 1 / N;
    const want = simJudgeExpectations(BIAS, NOISE, shares);

    const rel = judgeReliability({
      pairwise,
      judge: 'pw',
      scores,
      rubric: 'numeric',
      scorers: [['single', 'numeric']],
    });
    const kappaRubric = rel.agreement.find((a) => a.between[1] === 'numeric' && a.on === 'winner');
    const kappaSingle = rel.agreement.find((a) => a.between[0] === 'single');

    // Single judge vs rubric on pass (threshold 7): right → 9, wrong → 2, except with probability e a uniform
    // score in 1…10, which passes with probability 4/10. With p the rubric pass rate:
    // P(judge pass | right) = 1 − 0.6e, P(judge pass | wrong) = 0.4e; p_o = p(1 − 0.6e) + (1 − p)(1 − 0.4e);
    // π = p(1 − 0.6e) + (1 − p)·0.4e; p_e = pπ + (1 − p)(1 − π).
    const numericScores = scores.filter((s) => s.scorer === 'numeric');
    const p = numericScores.filter((s) => s.pass).length / numericScores.length;
    const es = SINGLE_NOISE;
    const po = p * (1 - 0.6 * es) + (1 - p) * (1 - 0.4 * es);
    const pi = p * (1 - 0.6 * es) + (1 - p) * 0.4 * es;
    const pe = p * pi + (1 - p) * (1 - pi);
    const wantSingleKappa = (po - pe) / (1 - pe);

    console.log(
      `judge reliability (b=${BIAS}, e=${NOISE}, ${N} pairs, ${seconds.toFixed(1)} s): shares ${JSON.stringify(shares)}; ` +
        `flip ${rel.positionFlipRate?.estimate} vs ${want.flip.toFixed(4)}; ` +
        `self-consistency ${rel.selfConsistency?.estimate} vs ${want.selfConsistency.toFixed(4)}; ` +
        `kappa(judge, rubric) ${kappaRubric?.kappa.toFixed(4)} vs ${want.kappa.toFixed(4)}; ` +
        `single-judge kappa ${kappaSingle?.kappa.toFixed(4)} vs ${wantSingleKappa.toFixed(4)} (p=${p}); ` +
        `first-position preference ${rel.firstPositionPreference?.estimate.toFixed(4)}; length bias ${rel.lengthBias?.estimate.toFixed(4)} (n=${rel.lengthBias?.n})`,
    );
    // Tolerances: about 3 standard errors at n = 1,000 (flip rate SE √(0.3·0.7/1000) ≈ 0.015; kappa SE ≈ 0.02).
    expect(rel.n).toBe(N);
    expect(Math.abs((rel.positionFlipRate?.estimate ?? -1) - want.flip)).toBeLessThan(0.045);
    expect(Math.abs((rel.selfConsistency?.estimate ?? -1) - want.selfConsistency)).toBeLessThan(0.045);
    expect(Math.abs((kappaRubric?.kappa ?? -1) - want.kappa)).toBeLessThan(0.06);
    expect(Math.abs((kappaSingle?.kappa ?? -1) - wantSingleKappa)).toBeLessThan(0.06);
    // The measured flip rate's own interval covers the configured one.
    const ci = rel.positionFlipRate?.ci ?? [0, 0];
    expect(want.flip).toBeGreaterThan(ci[0] - 0.01);
    expect(want.flip).toBeLessThan(ci[1] + 0.01);
    // A judge biased towards position A prefers the answer shown first.
    expect(rel.firstPositionPreference?.ci[0]).toBeGreaterThan(0.5);
    // Length bias matches a direct count of the records.
    let longer = 0;
    let decisive = 0;
    for (const r of pairwise) {
      if (r.judgment !== 0 || r.winner === 'tie' || !r.lengths || r.lengths.primary === r.lengths.canary)
        continue;
      decisive++;
      if (r.lengths.primary > r.lengths.canary === (r.winner === 'primary')) longer++;
    }
    expect(rel.lengthBias).toMatchObject({ count: longer, n: decisive });
  }, 60_000);
});
