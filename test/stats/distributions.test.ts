import { describe, it } from 'vitest';
import {
  betaCdf,
  betaQuantile,
  binomialCdf,
  binomialSfInclusive,
  chiSquareCdf,
  chiSquareQuantile,
  chiSquareSf,
  fCdf,
  fSf,
  normalCdf,
  normalQuantile,
  normalSf,
  tCdf,
  tQuantile,
  tSf,
} from '../../src/stats/distributions';
import { expectClose, loadFixture, type Ref } from '../helpers/fixtures';

const dist = {
  betaCdf,
  betaQuantile,
  binomialCdf,
  binomialSfInclusive,
  chiSquareCdf,
  chiSquareQuantile,
  chiSquareSf,
  fCdf,
  fSf,
  normalCdf,
  normalQuantile,
  normalSf,
  tCdf,
  tQuantile,
  tSf,
};

interface Case {
  fn: keyof typeof dist;
  args: number[];
  expected: Ref;
}
const { distributions } = loadFixture<{ distributions: Case[] }>('stats.json');

describe('distribution functions match scipy.stats to 1e-9 relative', () => {
  it.each(distributions.map((c) => [`${c.fn}(${c.args.join(', ')})`, c] as const))('%s', (_name, c) => {
    const f = dist[c.fn] as (...a: number[]) => number;
    // 1e-300 absolute floor: values below ~1e-300 underflow identically in both.
    // Absolute floor: 1e-300 for probabilities (both underflow alike); 1e-14 for quantiles, where scipy
    // returns round-off such as 7e-17 for the exact 0 of a symmetric median.
    expectClose(f(...c.args), c.expected, 1e-9, c.fn.endsWith('Quantile') ? 1e-14 : 1e-300, c.fn);
  });
});
