/**
 * Streaming mean and variance in O(1) memory (Welford's online algorithm), mergeable across shards with
 * Chan et al.'s parallel formula, so a log too big for memory, or split over machines, still gives the
 * exact sample variance.
 *
 * @see Welford, B. P. (1962). Technometrics 4(3). https://doi.org/10.1080/00401706.1962.10490022
 * @see Chan, Golub & LeVeque (1979). Updating formulae and a pairwise algorithm for computing sample variances.
 * @throws {RangeError} from push() when the value is not a finite number
 * @example
 * const s = new RunningStats();
 * for (const x of [1, 2, 3, 4]) s.push(x);
 * s.mean();     // => 2.5
 * s.variance(); // => 1.6666666666666667
 */
export class RunningStats {
  private n = 0;
  private m = 0;
  private m2 = 0;
  private lo = Number.POSITIVE_INFINITY;
  private hi = Number.NEGATIVE_INFINITY;

  /** Adds one observation. */
  push(x: number): this {
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new RangeError(`RunningStats.push: value must be a finite number, got ${String(x)}`);
    }
    this.n += 1;
    const d = x - this.m;
    this.m += d / this.n;
    this.m2 += d * (x - this.m);
    if (x < this.lo) this.lo = x;
    if (x > this.hi) this.hi = x;
    return this;
  }

  /** Folds another accumulator into this one (Chan et al.); the other is left unchanged. */
  merge(other: RunningStats): this {
    if (!(other instanceof RunningStats))
      throw new TypeError('RunningStats.merge: other must be a RunningStats');
    if (other.n === 0) return this;
    if (this.n === 0) {
      this.n = other.n;
      this.m = other.m;
      this.m2 = other.m2;
      this.lo = other.lo;
      this.hi = other.hi;
      return this;
    }
    const n = this.n + other.n;
    const d = other.m - this.m;
    this.m += (d * other.n) / n;
    this.m2 += other.m2 + (d * d * this.n * other.n) / n;
    this.n = n;
    this.lo = Math.min(this.lo, other.lo);
    this.hi = Math.max(this.hi, other.hi);
    return this;
  }

  count(): number {
    return this.n;
  }
  /** Mean of the observations so far (NaN when there are none). */
  mean(): number {
    return this.n === 0 ? Number.NaN : this.m;
  }
  /** Sample variance (n − 1 denominator); NaN with fewer than 2 observations. */
  variance(): number {
    return this.n < 2 ? Number.NaN : this.m2 / (this.n - 1);
  }
  standardDeviation(): number {
    return Math.sqrt(this.variance());
  }
  min(): number {
    return this.n === 0 ? Number.NaN : this.lo;
  }
  max(): number {
    return this.n === 0 ? Number.NaN : this.hi;
  }
}
