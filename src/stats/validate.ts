/**
 * Argument checks shared by every statistic. Each error names the calling function and the argument, so a
 * user reading `welchTTest: x needs at least 2 values` knows what to fix without reading our source.
 * Inputs are only read, never mutated (tests pass frozen arrays).
 */

export type Alternative = 'two-sided' | 'less' | 'greater';

/** Options of every hypothesis test: scipy's meaning of `alternative`, and the CI's confidence level. */
export interface TestOptions {
  alternative?: Alternative;
  confidence?: number;
}

/** Throws unless `values` is an array of at least `min` finite numbers; returns it typed. */
export function checkSample(fn: string, name: string, values: unknown, min = 1): readonly number[] {
  if (!Array.isArray(values) && !ArrayBuffer.isView(values)) {
    throw new TypeError(`${fn}: ${name} must be an array of numbers, got ${describe(values)}`);
  }
  const arr = values as ArrayLike<unknown>;
  if (arr.length < min) {
    throw new RangeError(
      `${fn}: ${name} needs at least ${min} value${min === 1 ? '' : 's'}, got ${arr.length}`,
    );
  }
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (typeof v !== 'number')
      throw new TypeError(`${fn}: ${name}[${i}] must be a number, got ${describe(v)}`);
    if (!Number.isFinite(v)) throw new RangeError(`${fn}: ${name}[${i}] must be finite, got ${v}`);
  }
  return arr as readonly number[];
}

/** Throws a TypeError unless `x` is a number other than NaN (±∞ pass: the caller checks the range). */
export function checkNumber(fn: string, name: string, x: unknown): asserts x is number {
  if (typeof x !== 'number' || Number.isNaN(x))
    throw new TypeError(`${fn}: ${name} must be a number, got ${describe(x)}`);
}

/** Throws unless `p` is a number in [0, 1]. */
export function checkProbability(fn: string, name: string, p: unknown): number {
  checkNumber(fn, name, p);
  if (p < 0 || p > 1) throw new RangeError(`${fn}: ${name} must be in [0, 1], got ${p}`);
  return p;
}

/** Throws unless `x` is a number strictly inside (0, 1); used for confidence levels and alphas. */
export function checkOpenUnit(fn: string, name: string, x: unknown): number {
  checkNumber(fn, name, x);
  if (!(x > 0 && x < 1)) throw new RangeError(`${fn}: ${name} must be in (0, 1), got ${x}`);
  return x;
}

/** Throws unless `x` is an integer ≥ `min`. */
export function checkCount(fn: string, name: string, x: unknown, min = 0): number {
  if (typeof x !== 'number' || !Number.isInteger(x)) {
    throw new TypeError(`${fn}: ${name} must be an integer, got ${describe(x)}`);
  }
  if (x < min) throw new RangeError(`${fn}: ${name} must be >= ${min}, got ${x}`);
  return x;
}

/** Throws unless `x` is a finite number > 0; returns it typed. */
export function checkPositive(fn: string, name: string, x: unknown): number {
  if (typeof x !== 'number' || !(x > 0) || !Number.isFinite(x))
    throw new RangeError(`${fn}: ${name} must be a finite number > 0, got ${describe(x)}`);
  return x;
}

/** Throws unless `opts` is an object; `shape` shows the expected fields, e.g. `{ looks, alpha, spending }`. */
export function checkOptions(fn: string, opts: unknown, shape: string): asserts opts is object {
  if (opts === null || typeof opts !== 'object') {
    throw new TypeError(`${fn}: options must be an object ${shape}, got ${describe(opts)}`);
  }
}

/** Reads `{ alternative, confidence }` with defaults ('two-sided', 0.95), validating both. */
export function readTestOptions(fn: string, opts: TestOptions | undefined): Required<TestOptions> {
  const alternative = opts?.alternative ?? 'two-sided';
  if (alternative !== 'two-sided' && alternative !== 'less' && alternative !== 'greater') {
    throw new RangeError(
      `${fn}: alternative must be 'two-sided', 'less' or 'greater', got ${describe(alternative)}`,
    );
  }
  const confidence = checkOpenUnit(fn, 'confidence', opts?.confidence ?? 0.95);
  return { alternative, confidence };
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `array(${v.length})`;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number') return String(v);
  return typeof v;
}

/** Ascending sorted copy as a Float64Array (typed-array sort is numeric and fast). */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(values as ArrayLike<number>);
  out.sort();
  return out;
}
