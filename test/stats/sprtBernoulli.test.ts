import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/stats/random';
import { sprtBernoulli } from '../../src/stats/sprtBernoulli';

// Hand-derived design used below: p0 = 0.25, p1 = 0.75, α = β = 0.1.
// A success multiplies the likelihood ratio by p1/p0 = 3, a failure by (1 − p1)/(1 − p0) = 1/3, so
// llr = (successes − failures)·ln 3. The boundaries are ln(β/(1 − α)) = ln(1/9) = −2·ln 3 and
// ln((1 − β)/α) = ln 9 = 2·ln 3: the test accepts H1 as soon as successes − failures reaches 2 and H0 as
// soon as it reaches −2 (checked between batches).
const design = { p0: 0.25, p1: 0.75, alpha: 0.1, beta: 0.1 };

describe('sprtBernoulli', () => {
  it('runs the JSDoc example: continue at llr = ln 3, accept H1 on the boundary 2·ln 3', () => {
    const sprt = sprtBernoulli(design);
    const s1 = sprt.update(2, 1);
    expect(s1.decision).toBe('continue');
    expect(s1.llr).toBeCloseTo(Math.log(3), 14);
    const s2 = sprt.update(1, 0);
    expect(s2.decision).toBe('accept_h1');
    expect(s2.llr).toBeCloseTo(2 * Math.log(3), 14);
    expect(s2).toMatchObject({ n: 4, successes: 3, failures: 1, decidedAt: 4 });
    expect(s2.upperBoundary).toBeCloseTo(Math.log(9), 14);
    expect(s2.lowerBoundary).toBeCloseTo(-Math.log(9), 14);
  });

  it('hand-derived path to H0, one observation at a time', () => {
    // S F F F: successes − failures = 1, 0, −1, −2 → accept H0 at the 4th observation.
    const sprt = sprtBernoulli(design);
    const decisions = [
      [1, 0],
      [0, 1],
      [0, 1],
      [0, 1],
    ].map(([s, f]) => sprt.update(s, f).decision);
    expect(decisions).toEqual(['continue', 'continue', 'continue', 'accept_h0']);
    expect(sprt.state().llr).toBeCloseTo(-2 * Math.log(3), 14);
  });

  it('the decision sticks once a boundary is crossed, while the counts keep accumulating', () => {
    const sprt = sprtBernoulli(design);
    expect(sprt.update(5, 0).decision).toBe('accept_h1');
    const later = sprt.update(0, 20);
    expect(later.decision).toBe('accept_h1');
    expect(later.llr).toBeCloseTo(-15 * Math.log(3), 12);
    expect(later).toMatchObject({ n: 25, decidedAt: 5 });
  });

  it('checks boundaries only between batches', () => {
    // 3 successes then 3 failures would cross at the 2nd success one at a time; as one batch llr = 0.
    const sprt = sprtBernoulli(design);
    expect(sprt.update(3, 3).decision).toBe('continue');
    expect(sprt.state().llr).toBeCloseTo(0, 14);
  });

  it("keeps Wald's error bounds in simulation (seeded; α' ≤ α/(1 − β), β' ≤ β/(1 − α))", () => {
    const opts = { p0: 0.5, p1: 0.7, alpha: 0.05, beta: 0.1 };
    const rng = createRng(2024);
    const reps = 2000;
    const run = (p: number) => {
      let wrong = 0;
      let total = 0;
      for (let r = 0; r < reps; r++) {
        const sprt = sprtBernoulli(opts);
        let s = sprt.state();
        while (s.decision === 'continue') s = rng.next() < p ? sprt.update(1, 0) : sprt.update(0, 1);
        if (s.decision === (p === opts.p0 ? 'accept_h1' : 'accept_h0')) wrong++;
        total += s.n;
      }
      return { rate: wrong / reps, asn: total / reps };
    };
    const h0 = run(opts.p0);
    const h1 = run(opts.p1);
    console.log(
      `SPRT p0=0.5 vs p1=0.7, α=0.05, β=0.1: type I ${h0.rate} (ASN ${h0.asn.toFixed(1)}), ` +
        `type II ${h1.rate} (ASN ${h1.asn.toFixed(1)})`,
    );
    const mc = (p: number) => 3 * Math.sqrt((p * (1 - p)) / reps);
    expect(h0.rate).toBeLessThanOrEqual(0.05 / 0.9 + mc(0.05));
    expect(h1.rate).toBeLessThanOrEqual(0.1 / 0.95 + mc(0.1));
    // and it does decide errs sometimes: not a degenerate test that never rejects
    expect(h0.rate).toBeGreaterThan(0.01);
    expect(h1.rate).toBeGreaterThan(0.03);
    // Wald's average sample numbers (no overshoot, so a little low): with a = ln(0.1/0.95) = −2.2513,
    // b = ln(0.9/0.05) = 2.8904 and per-observation drifts E0 = ½ln(0.7/0.5) + ½ln(0.3/0.5) = −0.08718,
    // E1 = 0.7·ln 1.4 + 0.3·ln 0.6 = 0.08228: E0[N] ≈ (0.95a + 0.05b)/E0 = 22.9, E1[N] ≈ (0.1a + 0.9b)/E1 = 28.9.
    expect(h0.asn).toBeGreaterThan(22.9);
    expect(h0.asn).toBeLessThan(22.9 * 1.3);
    expect(h1.asn).toBeGreaterThan(28.9);
    expect(h1.asn).toBeLessThan(28.9 * 1.3);
  });

  it('rejects bad input naming the function and the argument', () => {
    expect(() => sprtBernoulli({ ...design, p0: 0 })).toThrow('sprtBernoulli: p0 must be in (0, 1), got 0');
    expect(() => sprtBernoulli({ ...design, p1: 0.25 })).toThrow('sprtBernoulli: p1 must differ from p0');
    expect(() => sprtBernoulli({ ...design, alpha: 1 })).toThrow(
      'sprtBernoulli: alpha must be in (0, 1), got 1',
    );
    expect(() => sprtBernoulli({ ...design, beta: Number.NaN })).toThrow(
      'sprtBernoulli: beta must be a number',
    );
    expect(() => sprtBernoulli({ ...design, alpha: 0.6, beta: 0.5 })).toThrow(
      'sprtBernoulli: alpha + beta must be < 1',
    );
    const sprt = sprtBernoulli(design);
    expect(() => sprt.update(-1, 0)).toThrow('sprtBernoulli.update: successes must be >= 0, got -1');
    expect(() => sprt.update(1, 0.5)).toThrow('sprtBernoulli.update: failures must be an integer');
  });
});
