// The batches a sequential test takes (per-arm scores or counts, paired differences or counts): their
// shapes, validation, and merging into running per-arm (n, mean, M2, successes).
import { checkCount, describe } from './validate';

/** Paired pass/fail counts of one look: b = primary passed and canary failed, c = the reverse, n pairs. */
export interface PairedBatchCounts {
  b: number;
  c: number;
  n: number;
}

/** One look of a paired test: per-item differences canary − primary, or paired pass/fail counts. */
export type PairedBatch = readonly number[] | PairedBatchCounts;

/** A batch of pass/fail outcomes of one arm. */
export interface ArmBatchCounts {
  successes: number;
  n: number;
}

/** Running summary of one arm (or of the paired differences). */
export interface Arm {
  n: number;
  mean: number;
  /** Sum of squared deviations from the mean (means only). */
  m2: number;
  /** Number of successes (proportions only). */
  successes: number;
}

/** Chan et al.'s pairwise update of (n, mean, M2) with a batch of values. */
export function mergeValues(arm: Arm, values: readonly number[]): void {
  const nb = values.length;
  if (nb === 0) return;
  let sum = 0;
  for (const v of values) sum += v;
  const meanB = sum / nb;
  let m2B = 0;
  for (const v of values) m2B += (v - meanB) * (v - meanB);
  const n = arm.n + nb;
  const d = meanB - arm.mean;
  arm.mean += (d * nb) / n;
  arm.m2 += m2B + (d * d * arm.n * nb) / n;
  arm.n = n;
}

export function mergeCounts(arm: Arm, batch: ArmBatchCounts): void {
  if (batch.n === 0) return;
  arm.successes += batch.successes;
  arm.n += batch.n;
  arm.mean = arm.successes / arm.n;
}

export function readCounts(fn: string, name: string, batch: unknown): ArmBatchCounts {
  if (batch === null || typeof batch !== 'object') {
    throw new TypeError(`${fn}: ${name} must be { successes, n }, got ${describe(batch)}`);
  }
  const b = batch as Partial<ArmBatchCounts>;
  const n = checkCount(fn, `${name}.n`, b.n, 0);
  const successes = checkCount(fn, `${name}.successes`, b.successes, 0);
  if (successes > n)
    throw new RangeError(`${fn}: ${name}.successes must be <= ${name}.n (${n}), got ${successes}`);
  return { successes, n };
}

export function readPairedCounts(fn: string, batch: unknown): PairedBatchCounts {
  const x = batch as Partial<PairedBatchCounts>;
  const n = checkCount(fn, 'batch.n', x.n, 0);
  const b = checkCount(fn, 'batch.b', x.b, 0);
  const c = checkCount(fn, 'batch.c', x.c, 0);
  if (b + c > n) throw new RangeError(`${fn}: batch.b + batch.c must be <= batch.n (${n}), got ${b + c}`);
  return { b, c, n };
}
