import { describe, expect, it } from 'vitest';
import { customScorer, rubric } from '../../src/scoring/compose';
import { isValidJson } from '../../src/scoring/jsonRubrics';
import { contains, exactMatch } from '../../src/scoring/textRubrics';
import type { Scorer } from '../../src/scoring/types';
import { call, item } from './helpers';

const fixed = (name: string, score: number, pass?: boolean, kind: Scorer['kind'] = 'custom'): Scorer => ({
  name,
  kind,
  score: () => (pass === undefined ? { score } : { score, pass }),
});

describe('customScorer', () => {
  it('wraps a sync or async function', async () => {
    const s = customScorer('len', (_i, r) => ({ score: (r.content ?? '').length }));
    expect(s.kind).toBe('custom');
    expect(await s.score(item(), call('abc'))).toEqual({ score: 3 });
    const a = customScorer('async', async () => ({ score: 1, pass: true }));
    expect(await a.score(item(), call('x'))).toEqual({ score: 1, pass: true });
    expect(() => customScorer('', () => ({ score: 0 }))).toThrow(/name: expected a non-empty string/);
  });
});

describe('rubric', () => {
  it('is the weighted mean of its checks, passing at the threshold', async () => {
    const r = rubric({
      name: 'r',
      checks: [
        { scorer: fixed('a', 1), weight: 3 },
        { scorer: fixed('b', 0), weight: 1 },
      ],
      passThreshold: 0.75,
    });
    const out = await r.score(item(), call('x'));
    expect(out.score).toBe(0.75);
    expect(out.pass).toBe(true);
    expect(out.reason).toBe('a 1; b 0');
  });

  it('maps a check scale (a 1–10 judge) to 0–1 and rejects scores outside it', async () => {
    const judge: Scorer = {
      name: 'j',
      kind: 'judge',
      score: async () => ({ score: 8, judge: { model: 'm' } }),
    };
    const r = rubric({ name: 'r', checks: [{ scorer: judge, scale: [1, 10] }], passThreshold: 0.5 });
    expect(r.kind).toBe('judge');
    const out = await r.score(item(), call('x'));
    expect(out.score).toBeCloseTo(7 / 9, 12);
    expect(out.judge).toEqual({ model: 'm' });
    const bad = rubric({ name: 'r', checks: [{ scorer: fixed('a', 2) }], passThreshold: 0.5 });
    await expect(bad.score(item(), call('x'))).rejects.toThrow(/check a: score 2 outside its scale \[0, 1\]/);
  });

  it('a failed required check fails the rubric whatever its score', async () => {
    const r = rubric({
      name: 'jsonAnswer',
      checks: [
        { scorer: isValidJson(), weight: 1, required: true },
        { scorer: contains({ values: '42' }), weight: 9 },
      ],
      passThreshold: 0.5,
    });
    const out = await r.score(item(), call('42, not JSON'));
    expect(out.score).toBe(0.9);
    expect(out.pass).toBe(false);
    expect(out.reason).toContain('isValidJson 0 (required, failed)');
    expect((await r.score(item(), call('{"answer": 42}'))).pass).toBe(true);
  });

  it('a check that throws makes the rubric throw, naming the check (never a partial score)', async () => {
    const r = rubric({
      name: 'r',
      checks: [{ scorer: fixed('ok', 1) }, { scorer: exactMatch() }],
      passThreshold: 0.5,
    });
    await expect(r.score(item(undefined, 'q1'), call('x'))).rejects.toThrow(
      /rubric r: check exactMatch: exactMatch: item q1 has no reference/,
    );
  });

  it('validates its configuration', () => {
    expect(() => rubric({ name: 'r', checks: [], passThreshold: 0.5 })).toThrow(
      /checks: expected a non-empty array/,
    );
    expect(() =>
      rubric({ name: 'r', checks: [{ scorer: fixed('a', 1), weight: 0 }], passThreshold: 0.5 }),
    ).toThrow(/checks\[0\]\.weight: expected > 0/);
    expect(() => rubric({ name: 'r', checks: [{ scorer: fixed('a', 1) }], passThreshold: 2 })).toThrow(
      /passThreshold/,
    );
    expect(() =>
      rubric({ name: 'r', checks: [{ scorer: fixed('a', 1), scale: [1, 1] }], passThreshold: 0.5 }),
    ).toThrow(/scale/);
  });
});
