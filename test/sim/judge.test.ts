import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatClient } from '../../src/gateway/client';
import {
  buildPairwiseJudgePrompt,
  buildSingleJudgePrompt,
  fenceToken,
  parsePairwiseVerdict,
  parseSingleVerdict,
} from '../../src/scoring/judgePrompt';
import { resolveSimConfig, SimConfigError } from '../../src/sim/config';
import { type Simulator, startSimulator } from '../../src/sim/server';

// Janet's ducks (GSM8K test item 0): reference 18.
const QUESTION =
  'Janet’s ducks lay 16 eggs per day. ... How much in dollars does she make every day at the farmers’ market?';
const RIGHT = '16 - 3 - 4 = 9 eggs, 9 * 2 = 18 dollars.\nA: 18';
const WRONG = '16 - 3 = 13 eggs, 13 * 2 = 26.\nA: 26';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({
    seed: 7,
    models: {
      fair: { judge: {} },
      biased: { judge: { positionBias: 1 } },
      noisy: { judge: { noise: 1 } },
      broken: { judge: { malformedPlan: ['malformed', 'ok', 'malformed'] } },
      plain: {},
    },
  });
});
afterAll(async () => {
  await sim.close();
});

async function ask(
  model: string,
  messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }>,
) {
  const client = createChatClient({ baseURL: sim.baseURL, model });
  try {
    return (await client.complete({ messages })).content ?? '';
  } finally {
    await client.close();
  }
}

const single = (answer: string, reference: string | null = '18', scale: '1-10' | 'pass-fail' = '1-10') =>
  buildSingleJudgePrompt(
    {
      criteria: 'Correct final answer.',
      scale,
      question: QUESTION,
      reference: reference ?? undefined,
      answer,
    },
    fenceToken([answer]),
  );
const pair = (answerA: string, answerB: string) =>
  buildPairwiseJudgePrompt(
    { criteria: 'Correct final answer.', question: QUESTION, reference: '18', answerA, answerB },
    fenceToken([answerA, answerB]),
  );

describe('simulator judge mode', () => {
  it('grades a single answer from the reference: 9 right, 2 wrong; 1/0 on pass-fail; 5 without a reference', async () => {
    const score = async (
      answer: string,
      reference: string | null = '18',
      scale: '1-10' | 'pass-fail' = '1-10',
    ) => {
      const v = parseSingleVerdict(await ask('fair', single(answer, reference, scale)), scale);
      if (!v.ok) throw new Error(v.problem);
      return v.value.score;
    };
    expect(await score(RIGHT)).toBe(9);
    expect(await score(WRONG)).toBe(2);
    expect(await score('The answer is $18.')).toBe(9);
    expect(await score('18')).toBe(2); // no final-answer marker: strict grading
    expect(await score(RIGHT, '18', 'pass-fail')).toBe(1);
    expect(await score(WRONG, '18', 'pass-fail')).toBe(0);
    expect(await score(RIGHT, null)).toBe(5);
  });

  it('pairwise: the right answer wins in either position; both wrong is a tie', async () => {
    const winner = async (a: string, b: string, model = 'fair') => {
      const v = parsePairwiseVerdict(await ask(model, pair(a, b)));
      if (!v.ok) throw new Error(v.problem);
      return v.value.winner;
    };
    expect(await winner(RIGHT, WRONG)).toBe('A');
    expect(await winner(WRONG, RIGHT)).toBe('B');
    expect(await winner(WRONG, 'A: 27')).toBe('tie');
    expect(await winner(RIGHT, 'Eighteen dollars.\nA: 18')).toBe('tie');
    // positionBias 1: always the answer shown first.
    expect(await winner(WRONG, RIGHT, 'biased')).toBe('A');
    expect(await winner(RIGHT, WRONG, 'biased')).toBe('A');
  });

  it('noise 1 gives random verdicts, reproducibly: same seed, same draws whatever the fence token', async () => {
    const draws = async (s: Simulator) => {
      const out: string[] = [];
      const client = createChatClient({ baseURL: s.baseURL, model: 'noisy' });
      for (let i = 0; i < 30; i++) {
        const r = await client.complete({ messages: single(`${RIGHT} (${i})`) });
        const v = parseSingleVerdict(r.content ?? '', '1-10');
        out.push(v.ok ? String(v.value.score) : 'bad');
      }
      await client.close();
      return out;
    };
    const first = await draws(sim);
    const other = await startSimulator({ seed: 7, models: { noisy: { judge: { noise: 1 } } } });
    const again = await draws(other);
    await other.close();
    expect(again).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(4); // spread over the scale, not always 9
    expect(first).not.toContain('bad');
  });

  it('a repeated judgment of the same prompt gets a fresh draw', async () => {
    const client = createChatClient({ baseURL: sim.baseURL, model: 'noisy' });
    const seen = new Set<string>();
    for (let i = 0; i < 10; i++)
      seen.add((await client.complete({ messages: single('A: 3') })).content ?? '');
    await client.close();
    expect(seen.size).toBeGreaterThan(1);
  });

  it('malformedPlan: the planned judge replies are unusable, the others are verdicts', async () => {
    const replies = [];
    for (let i = 0; i < 4; i++) replies.push(await ask('broken', single(RIGHT)));
    const ok = replies.map((r) => parseSingleVerdict(r, '1-10').ok);
    expect(ok).toEqual([false, true, false, true]);
  });

  it('a prompt that is not a judge prompt gets an ordinary answer; a model without judge mode never judges', async () => {
    expect(await ask('fair', [{ role: 'user', content: 'Hello' }])).toMatch(/^Simulated answer from fair/);
    const reply = await ask('plain', single(RIGHT));
    expect(reply).toMatch(/^Simulated answer from plain/);
    expect(parseSingleVerdict(reply, '1-10').ok).toBe(false);
  });

  it('rejects a bad judge configuration, naming the field', () => {
    const bad = (judge: unknown) => () => resolveSimConfig({ models: { j: { judge } } });
    expect(bad({ positionBias: 1.5 })).toThrow(SimConfigError);
    expect(bad({ positionBias: 1.5 })).toThrow(/models\.j\.judge\.positionBias: must be in \[0, 1\]/);
    expect(bad({ noise: -0.1 })).toThrow(/models\.j\.judge\.noise/);
    expect(bad({ bias: 0.1 })).toThrow(/models\.j\.judge/);
    expect(bad({ malformedPlan: ['later'] })).toThrow(/models\.j\.judge\.malformedPlan\.0/);
    expect(resolveSimConfig({ models: { j: { judge: { noise: 0.2 } } } }).models.get('j')?.judge).toEqual({
      positionBias: 0,
      noise: 0.2,
      malformed: 0,
      malformedPlan: [],
    });
    expect(resolveSimConfig({ models: { j: {} } }).models.get('j')?.judge).toBeUndefined();
  });
});
