import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

const FIXTURES = join(__dirname, '..', 'fixtures');

/** Reads a JSON fixture written by a generator script in test/fixtures/. */
export function loadFixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;
}

/** A reference number from a fixture: finite, or "inf" / "-inf". */
export type Ref = number | 'inf' | '-inf';

export function ref(v: Ref): number {
  if (v === 'inf') return Number.POSITIVE_INFINITY;
  if (v === '-inf') return Number.NEGATIVE_INFINITY;
  return v;
}

/**
 * Asserts |actual − expected| ≤ rtol·|expected| (+ atol, for expected values at or near zero).
 * Infinite expectations must match exactly.
 */
export function expectClose(actual: number, expected: Ref, rtol: number, atol = 0, label = ''): void {
  const e = ref(expected);
  if (!Number.isFinite(e)) {
    expect(actual, label).toBe(e);
    return;
  }
  const tol = rtol * Math.abs(e) + atol;
  if (!(Math.abs(actual - e) <= tol)) {
    expect.fail(`${label} expected ${actual} to be within ${tol} of ${e} (diff ${Math.abs(actual - e)})`);
  }
}

/** Deep-freezes an array of numbers so a test proves the function under test does not mutate input. */
export function frozen<T>(values: T[]): readonly T[] {
  return Object.freeze(values.slice());
}
