// Shared by the judge measures: picking one judge's records, a record's judgment index and pair key, and the
// Wilson interval of a count that may hold half-counted ties.
import { normalQuantile } from '../stats/distributions';
import type { PairwiseRecord } from '../types';
import type { JudgedPairRecord } from './judgePairs';

/**
 * Wilson score interval of x successes in n, where x may be fractional (a tie counting half). For an integer
 * x this is exactly `wilsonInterval` (statsmodels' 'wilson'); with half-counted ties it is conservative,
 * since a tie-as-half outcome varies less than a 0/1 one of the same mean.
 * @throws {RangeError} when n < 1 or x is outside [0, n]
 */
export function wilsonFractional(x: number, n: number, confidence = 0.95): [number, number] {
  if (!(Number.isInteger(n) && n >= 1))
    throw new RangeError(`wilsonFractional: n must be an integer >= 1, got ${n}`);
  if (!(x >= 0 && x <= n)) throw new RangeError(`wilsonFractional: x must be in [0, ${n}], got ${x}`);
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const z2 = z * z;
  const denom = n + z2;
  const centre = (x + z2 / 2) / denom;
  const half = (z / denom) * Math.sqrt((x * (n - x)) / n + z2 / 4);
  return [x === 0 ? 0 : Math.max(0, centre - half), x === n ? 1 : Math.min(1, centre + half)];
}

export function pairId(r: { itemId: string; repeat?: number }): string {
  return JSON.stringify([r.itemId, r.repeat ?? 0]);
}

export function judgmentOf(r: PairwiseRecord): number {
  return (r as JudgedPairRecord).judgment ?? 0;
}

/** The judge to measure: `judge` when it has records, else the only judge in the records. */
export function pickJudge(fn: string, records: readonly PairwiseRecord[], judge: string | undefined): string {
  const names = [...new Set(records.map((r) => r.judge))].sort();
  if (judge !== undefined) {
    if (!names.includes(judge))
      throw new RangeError(`${fn}: judge: no records of "${judge}" (judges: ${names.join(', ') || 'none'})`);
    return judge;
  }
  if (names.length !== 1) {
    throw new RangeError(
      names.length === 0 ? `${fn}: no pairwise records` : `${fn}: judge: name one of ${names.join(', ')}`,
    );
  }
  return names[0];
}
