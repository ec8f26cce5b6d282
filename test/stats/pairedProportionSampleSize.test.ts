import { describe, expect, it } from 'vitest';
import { pairedProportionNonInferiority } from '../../src/stats/pairedProportionNonInferiority';
import { pairedProportionSampleSize } from '../../src/stats/pairedProportionSampleSize';
import { createRng } from '../../src/stats/random';

/** Simulated paired items: returns (b, c) for n items with P(b cell) = p10, P(c cell) = p01. */
function draw(
  rng: ReturnType<typeof createRng>,
  n: number,
  p10: number,
  p01: number,
): { b: number; c: number } {
  let b = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const u = rng.next();
    if (u < p10) b++;
    else if (u < p10 + p01) c++;
  }
  return { b, c };
}

describe('pairedProportionSampleSize', () => {
  it("runs the JSDoc example: Connor's formula by hand", () => {
    // ψ = 0.3, Δ = 0.1, z₀.₉₇₅ = 1.959964, z₀.₈ = 0.841621:
    // (1.959964·0.547723 + 0.841621·0.538516)² / 0.01 = (1.073516 + 0.453228)²/0.01 = 233.09 → 234
    expect(pairedProportionSampleSize({ p10: 0.1, p01: 0.2, alpha: 0.05, power: 0.8 })).toBe(234);
    // symmetric in which side is better (two-sided test)
    expect(pairedProportionSampleSize({ p10: 0.2, p01: 0.1 })).toBe(234);
  });

  it('McNemar (uncorrected z on the discordant pairs) reaches the power at that n (seeded simulation)', () => {
    const n = pairedProportionSampleSize({ p10: 0.1, p01: 0.2 });
    const rng = createRng(41);
    const reps = 2000;
    let rejected = 0;
    for (let r = 0; r < reps; r++) {
      const { b, c } = draw(rng, n, 0.1, 0.2);
      if (b + c > 0 && Math.abs(c - b) / Math.sqrt(b + c) > 1.959963984540054) rejected++;
    }
    console.log(`Connor n = ${n}: simulated McNemar power ${rejected / reps} (target 0.8)`);
    expect(Math.abs(rejected / reps - 0.8)).toBeLessThan(3 * Math.sqrt((0.8 * 0.2) / reps) + 0.015);
  });

  it("non-inferiority: Tango's test reaches the power at that n (seeded simulation)", () => {
    // equal discordance (Δ = 0), margin 0.05, one-sided α = 0.05, power 0.8
    const opts = { p10: 0.08, p01: 0.08, margin: 0.05, alpha: 0.05, power: 0.8 };
    const n = pairedProportionSampleSize(opts);
    // Hand check: δ₀ = −0.05, B = −0.16 + 2·(−0.05) = −0.26, C = −0.08·(−0.05)(1.05) = 0.0042,
    // q̃ = (0.26 + √(0.0676 − 0.0336))/4 = (0.26 + 0.184391)/4 = 0.111098, σ̃² = 0.222195 − 0.0525 = 0.169695,
    // σ² = 0.16: n = (1.644854·0.411941 + 0.841621·0.4)²/0.0025 = (0.677583 + 0.336648)²/0.0025 = 411.4 → 412
    expect(n).toBe(412);
    const rng = createRng(43);
    const reps = 2000;
    let shown = 0;
    for (let r = 0; r < reps; r++) {
      const { b, c } = draw(rng, n, 0.08, 0.08);
      if (pairedProportionNonInferiority({ b, c, n }, { margin: 0.05, alpha: 0.05 }).nonInferior) shown++;
    }
    console.log(`Tango non-inferiority n = ${n}: simulated power ${shown / reps} (target 0.8)`);
    expect(Math.abs(shown / reps - 0.8)).toBeLessThan(3 * Math.sqrt((0.8 * 0.2) / reps) + 0.015);
  });

  it('never, when no sample can show it', () => {
    expect(pairedProportionSampleSize({ p10: 0.1, p01: 0.1 })).toBe(Number.POSITIVE_INFINITY);
    expect(pairedProportionSampleSize({ p10: 0.15, p01: 0.1, margin: 0.05 })).toBe(Number.POSITIVE_INFINITY);
  });

  it('rejects bad input naming the function and the argument', () => {
    const f = pairedProportionSampleSize;
    expect(() => f({ p10: -0.1, p01: 0.1 })).toThrow(
      'pairedProportionSampleSize: p10 must be in [0, 1), got -0.1',
    );
    expect(() => f({ p10: 0.6, p01: 0.6 })).toThrow('pairedProportionSampleSize: p10 + p01 must be <= 1');
    expect(() => f({ p10: 0, p01: 0 })).toThrow('pairedProportionSampleSize: p10 + p01 must be > 0');
    expect(() => f({ p10: 0.1, p01: 0.2, alpha: 0 })).toThrow(
      'pairedProportionSampleSize: alpha must be in (0, 1)',
    );
    expect(() => f({ p10: 0.1, p01: 0.2, power: 1 })).toThrow(
      'pairedProportionSampleSize: power must be in (0, 1)',
    );
    expect(() => f({ p10: 0.1, p01: 0.2, margin: 0 })).toThrow(
      'pairedProportionSampleSize: margin must be in (0, 1), got 0',
    );
  });
});
