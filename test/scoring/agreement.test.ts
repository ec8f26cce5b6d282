import { describe, expect, it } from 'vitest';
import { cohenKappa, type Label, scorerAgreement } from '../../src/scoring/agreement';
import type { ScoreRecord } from '../../src/types';
import { expectClose, loadFixture } from '../helpers/fixtures';

interface KappaCase {
  name: string;
  a: Label[];
  b: Label[];
  categories: Label[];
  weights: 'linear' | 'quadratic' | null;
  kappa: number;
  se: number;
  ci: [number, number];
}
const fixture = loadFixture<{ cohenKappa: KappaCase[] }>('scoring.json');

describe('cohenKappa', () => {
  it('hand-derived 2×2 (Wikipedia): both yes 20, only A yes 5, only B yes 10, both no 15', () => {
    const a = [...Array(25).fill('yes'), ...Array(25).fill('no')];
    const b = [
      ...Array(20).fill('yes'),
      ...Array(5).fill('no'),
      ...Array(10).fill('yes'),
      ...Array(15).fill('no'),
    ];
    const r = cohenKappa(a, b);
    // p_o = (20 + 15) / 50 = 0.7; A says yes 25/50 = 0.5, B 30/50 = 0.6;
    // p_e = 0.5·0.6 + 0.5·0.4 = 0.5; kappa = (0.7 − 0.5) / (1 − 0.5) = 0.4.
    expect(r.observedAgreement).toBeCloseTo(0.7, 14);
    expect(r.expectedAgreement).toBeCloseTo(0.5, 14);
    expect(r.kappa).toBeCloseTo(0.4, 14);
    expect(r.n).toBe(50);
    expect(r.categories).toEqual(['no', 'yes']);
  });

  it('perfect agreement is 1, chance-level is 0, constant raters give NaN (undefined, not a fake number)', () => {
    expect(cohenKappa([1, 2, 3], [1, 2, 3]).kappa).toBe(1);
    // Each rater half/half and agreeing on exactly half of the cases: p_o = p_e = 0.5.
    expect(cohenKappa([1, 1, 0, 0], [1, 0, 1, 0]).kappa).toBe(0);
    expect(cohenKappa([true, true], [true, true]).kappa).toBeNaN();
  });

  it.each(fixture.cohenKappa.map((c) => [c.name, c] as const))('matches statsmodels: %s', (_name, c) => {
    const r = cohenKappa(c.a, c.b, { categories: c.categories, weights: c.weights ?? undefined });
    expectClose(r.kappa, c.kappa, 1e-12, 1e-14, 'kappa');
    expectClose(r.se, c.se, 1e-10, 1e-14, 'se');
    expectClose(r.ci[0], c.ci[0], 1e-9, 1e-12, 'ci lo');
    expectClose(r.ci[1], c.ci[1], 1e-9, 1e-12, 'ci hi');
  });

  it('rejects mismatched or missing ratings and unknown categories', () => {
    expect(() => cohenKappa([1], [1, 2])).toThrow(/same length/);
    expect(() => cohenKappa([], [])).toThrow(/at least one/);
    expect(() => cohenKappa([1, null as unknown as Label], [1, 2])).toThrow(/a\[1\]/);
    expect(() => cohenKappa([1, 3], [1, 2], { categories: [1, 2] })).toThrow(/label 3 is not in categories/);
  });
});

describe('scorerAgreement', () => {
  const rec = (
    itemId: string,
    scorer: string,
    pass: boolean | undefined,
    score: number | null = 1,
  ): ScoreRecord => ({
    runId: 'r',
    itemId,
    arm: 'primary',
    repeat: 0,
    scorer,
    score,
    ...(pass === undefined ? {} : { pass }),
    ...(score === null ? { error: 'boom' } : {}),
  });

  it('pairs two scorers by call, skipping errors and unpaired calls', () => {
    const scores = [
      rec('1', 'a', true),
      rec('1', 'b', true),
      rec('2', 'a', false),
      rec('2', 'b', true),
      rec('3', 'a', false),
      rec('3', 'b', false),
      rec('4', 'a', true),
      rec('4', 'b', true),
      rec('5', 'a', true), // no b
      rec('6', 'a', true),
      rec('6', 'b', undefined, null), // b errored
      rec('1', 'other', false),
    ];
    const r = scorerAgreement({ scores, a: 'a', b: 'b' });
    expect(r.n).toBe(4);
    expect(r.unpaired).toBe(2);
    // Table (a rows, b cols) over [false, true]: [[1, 1], [0, 2]]: p_o = 3/4; a true 2/4, b true 3/4;
    // p_e = 0.5·0.25 + 0.5·0.75 = 0.5; kappa = 0.25 / 0.5 = 0.5.
    expect(r.kappa).toBeCloseTo(0.5, 14);
    expect(() => scorerAgreement({ scores, a: 'a', b: 'zzz' })).toThrow(
      /no call has a pass from both a and zzz/,
    );
  });
});
