import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { numericAnswer } from '../../src/scoring/numericAnswer';
import { loadScores, scoreRun } from '../../src/scoring/scoreRun';
import { wilsonInterval } from '../../src/stats/wilsonInterval';
import type { CallRecord, EvalItem } from '../../src/types';
import { expectClose, loadFixture } from '../helpers/fixtures';
import {
  GSM8K_MODELS,
  type Gsm8kModel,
  gsm8kData,
  gsm8kItems,
  gsm8kReference,
  replayCall,
} from './judgeHelpers';

const { tests, solutions } = gsm8kData();

/*
 * The independent grader: deliberately minimal and separate from src/scoring.
 * Reference: gsm8kReference (judgeHelpers.ts), the number after `####` on the last line of test.jsonl's
 * answer (thousands commas removed).
 * Model answer: the last line that starts with `A:`, and the plain number (optionally after `$`) at its
 * start. No `A:` line (a truncated generation) or no number there means wrong.
 */
function gradedAnswer(solution: string): number | null {
  const lines = solution.split('\n').filter((l) => l.startsWith('A:'));
  if (lines.length === 0) return null;
  const m = /^A:[ \t]*\$?(-?[\d,]*\.?\d+)/.exec(lines[lines.length - 1]);
  return m ? Number(m[1].replace(/,/g, '')) : null;
}
const independentCorrect = (model: Gsm8kModel, i: number) =>
  gradedAnswer(solutions[i][model].solution) === gsm8kReference(tests[i].answer);

const items: EvalItem[] = gsm8kItems(tests.length);

function replayCalls(model: Gsm8kModel, arm: 'primary' | 'canary'): CallRecord[] {
  return solutions.map((_, i) => replayCall(model, arm, i, { runId: 'gsm8k-replay' }));
}

const fixture = loadFixture<{
  gsm8k: Record<Gsm8kModel, { n: number; correct: number; wilson95: [number, number] }>;
}>('scoring.json');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('GSM8K: the numeric rubric as the reference grader of the four recorded models', () => {
  it('the data lines up: same questions in the same order, 1,319 problems', () => {
    expect(tests).toHaveLength(1319);
    expect(solutions.every((s, i) => s.question === tests[i].question)).toBe(true);
  });

  // Two replayed runs (runId 'gsm8k-replay'): 6B finetuning (primary) vs 6B verification (canary), and the
  // same for 175B, through the real scoreRun path.
  it.each([
    ['6b_finetuning', '6b_verification', 286, 515],
    ['175b_finetuning', '175b_verification', 458, 742],
  ] as const)('%s vs %s through scoreRun', async (primary, canary, wantPrimary, wantCanary) => {
    const dir = mkdtempSync(join(tmpdir(), 'canarylab-gsm8k-'));
    dirs.push(dir);
    const calls = [...replayCalls(primary, 'primary'), ...replayCalls(canary, 'canary')];
    writeFileSync(join(dir, 'calls.jsonl'), calls.map((c) => `${JSON.stringify(c)}\n`).join(''));
    const summary = await scoreRun({ runDir: dir, items, scorers: [numericAnswer()] });
    expect(summary).toMatchObject({
      calls: 2638,
      scored: 2638,
      errors: 0,
      skipped: 0,
      excludedFailedCalls: 0,
    });
    const scores = await loadScores(dir);
    for (const [model, arm, want] of [
      [primary, 'primary', wantPrimary],
      [canary, 'canary', wantCanary],
    ] as const) {
      const passed = new Map(scores.filter((s) => s.arm === arm).map((s) => [s.itemId, s.pass]));
      expect(passed.size).toBe(1319);
      // Item by item, the rubric agrees with the independent grader.
      const disagreements = items.filter((it, i) => passed.get(it.id) !== independentCorrect(model, i));
      expect(disagreements.map((d) => d.id)).toEqual([]);
      const correct = [...passed.values()].filter(Boolean).length;
      expect(correct).toBe(want);
      expect(correct).toBe(fixture.gsm8k[model].correct); // the Python grader of generate_scoring.py
      const ci = wilsonInterval(correct, 1319);
      expectClose(ci.lower, fixture.gsm8k[model].wilson95[0], 1e-12, 0, `${model} lower`);
      expectClose(ci.upper, fixture.gsm8k[model].wilson95[1], 1e-12, 0, `${model} upper`);
    }
  });

  it('all four models graded directly (no run folder) agree with the independent grader item by item', async () => {
    const scorer = numericAnswer();
    for (const model of GSM8K_MODELS) {
      let correct = 0;
      for (const [i, c] of replayCalls(model, 'primary').entries()) {
        const r = await scorer.score(items[i], c);
        expect(r.pass, `${model} gsm8k-${i}`).toBe(independentCorrect(model, i));
        if (r.pass) correct++;
      }
      expect(correct).toBe(fixture.gsm8k[model].correct);
    }
  });

  /** Hand-read cases: what the solution says, and why it is right or wrong. */
  it.each([
    // 0 (Janet's ducks, reference 18): 175b_verification uses 3 + 4 = 7 eggs, sells 16 − 7 = 9 at $2 = 18,
    // ends "A: 18": right.
    [0, '175b_verification', true, 'answer: "18" → 18, expected 18'],
    // 0: 6b_finetuning subtracts only breakfast (16 − 3 = 13) and sells 13 at $2: "A: 26": wrong.
    [0, '6b_finetuning', false, 'answer: "26" → 26, expected 18'],
    // 1 (robe, 2 bolts + half as much = 3): 6b_verification writes "3.0 bolts" in the text and "A: 3": right.
    [1, '6b_verification', true, 'answer: "3" → 3, expected 3'],
    // 1: 175b_finetuning invents bolt lengths in meters and answers "A: 250": wrong.
    [1, '175b_finetuning', false, 'answer: "250" → 250, expected 3'],
    // 2 (house flip, profit 70,000): 6b_finetuning answers "A: 90,000" — the thousands comma is read as
    // 90000, which is wrong (it took 80,000 × .5 as the old value).
    [2, '6b_finetuning', false, 'answer: "90,000" → 90000, expected 70000'],
    // 2: 175b_finetuning computes a 5 % commission nobody asked for and answers a negative "-129025": wrong.
    [2, '175b_finetuning', false, 'answer: "-129025" → -129025, expected 70000'],
    // 489 (average of −48, 21, −3 = −10): 175b_finetuning sums to −30, divides by 3: "A: -10": right
    // (a negative reference).
    [489, '175b_finetuning', true, 'answer: "-10" → -10, expected -10'],
    // 610 (reference written "#### 65,960"): 6b_finetuning answers "A: 65960" without the comma: right.
    [610, '6b_finetuning', true, 'answer: "65960" → 65960, expected 65960'],
    // 819 (reference "#### 6,250"): 175b_finetuning answers "A: 6,250" with the comma: right.
    [819, '175b_finetuning', true, 'answer: "6,250" → 6250, expected 6250'],
    // 1009 (female students, 1,875): 175b_finetuning halves a wrong total and answers "A: 1312.5": wrong.
    [1009, '175b_finetuning', false, 'answer: "1312.5" → 1312.5, expected 1875'],
    // 931 (Peter's age, 50): 175b_finetuning never solves for John's age and answers "A: 10+John's age";
    // the grader reads the leading 10: wrong.
    [931, '175b_finetuning', false, 'answer: "10" → 10, expected 50'],
    // 150: 6b_finetuning's generation is truncated inside "0.0068181818…" with no "A:" line: wrong in
    // strict grading (no marker), never credited for the last digits.
    [150, '6b_finetuning', false, 'no final answer marker (####, A:, \\boxed, "the answer is")'],
    // 852 (baskets, 123): 175b_verification's whole solution is the bare "25": no marker, wrong.
    [852, '175b_verification', false, 'no final answer marker (####, A:, \\boxed, "the answer is")'],
  ] as const)('gsm8k-%i %s: pass %s', async (i, model, pass, reason) => {
    const r = await numericAnswer().score(items[i], replayCalls(model, 'primary')[i]);
    expect(r.pass).toBe(pass);
    expect(r.reason).toBe(reason);
    expect(independentCorrect(model, i)).toBe(pass);
  });
});
