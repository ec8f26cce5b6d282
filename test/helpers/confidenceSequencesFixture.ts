/**
 * The reference values of test/fixtures/confidence_sequences.json (written by
 * test/fixtures/generate_confidence_sequences.py, scipy brentq / minimize_scalar on the martingales), typed
 * once for the tests of the confidence sequences and of the always-valid intervals built on them.
 */
import type { RatioSums } from '../../src/stats/ratioConfidenceSequence';
import { loadFixture, type Ref } from './fixtures';

export interface ConfidenceSequencesFixture {
  logGamma: { x: number; lgamma: number }[];
  logBeta: { a: number; b: number; lbeta: number }[];
  boundaries: { v: number; rho: number; alpha: number; u: number }[];
  optimalRatios: { alpha: number; x: number }[];
  halfWidths: { variance: number; n: number; nExpected: number; alpha: number; half: number }[];
  proportion: {
    successes: number;
    n: number;
    nExpected: number;
    priorMean: number;
    alpha: number;
    lower: number;
    upper: number;
    a: number;
    b: number;
  }[];
  boundedMean: {
    cells: [number, number][];
    range: [number, number];
    nExpected: number;
    alpha: number;
    lower: number;
    upper: number;
  }[];
  quantile: {
    name: string;
    cells: [number, number, number][];
    p: number;
    nExpected: number;
    alpha: number;
    lower: Ref;
    upper: Ref;
    sLo: number;
    sHi: number;
  }[];
  ratio: {
    primary: RatioSums;
    canary: RatioSums;
    nExpected: number;
    alpha: number;
    estimate: number;
    lower: number;
    upper: number;
    standardError: number;
  }[];
}

/** Loads test/fixtures/confidence_sequences.json. */
export const loadConfidenceSequencesFixture = () =>
  loadFixture<ConfidenceSequencesFixture>('confidence_sequences.json');
