import { describe, expect, it } from 'vitest';
import { mcnemarTest } from '../../src/stats/mcnemarTest';
import type { Alternative } from '../../src/stats/validate';
import { expectClose, loadFixture, type Ref } from '../helpers/fixtures';

const fx = loadFixture<{
  mcnemar: { b: number; c: number; alternative: Alternative; exact: boolean; statistic: Ref; pValue: Ref }[];
}>('stats.json');

describe('mcnemarTest matches statsmodels mcnemar / scipy binomtest', () => {
  it.each(fx.mcnemar.map((c) => [`b=${c.b} c=${c.c} exact=${c.exact} ${c.alternative}`, c] as const))(
    '%s',
    (_n, c) => {
      const r = mcnemarTest({ b: c.b, c: c.c }, { exact: c.exact, alternative: c.alternative });
      expectClose(r.statistic, c.statistic, 1e-9, 0, 'statistic');
      expectClose(r.pValue, c.pValue, 1e-7, 1e-300, 'pValue');
    },
  );

  it('runs the JSDoc example: exact two-sided p = 2·P(X ≤ 2), X ~ Bin(12, ½) = 2·(1 + 12 + 66)/4096', () => {
    expect(mcnemarTest({ b: 10, c: 2 }).pValue).toBeCloseTo((2 * 79) / 4096, 15);
  });

  it('no discordant pairs: no evidence, p = 1', () => {
    expect(mcnemarTest({ b: 0, c: 0 }).pValue).toBe(1);
    expect(mcnemarTest({ b: 0, c: 0 }, { exact: false }).pValue).toBe(1);
  });

  it('rejects bad input', () => {
    expect(() => mcnemarTest({ b: -1, c: 2 })).toThrow('mcnemarTest: b must be >= 0, got -1');
    expect(() => mcnemarTest({ b: 1, c: 2.5 })).toThrow('mcnemarTest: c must be an integer, got 2.5');
    expect(() => mcnemarTest({ b: 1, c: 2 }, { exact: false, alternative: 'less' })).toThrow(
      'two-sided only',
    );
  });
});
