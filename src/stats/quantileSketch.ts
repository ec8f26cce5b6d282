import { checkCount, checkOpenUnit, checkProbability, describe } from './validate';

/** Options of {@link createQuantileSketch}. */
export interface QuantileSketchOptions {
  /** α in (0, 1): every quantile is within relative error α of the true one. Default 0.01 (1%). */
  relativeAccuracy?: number;
  /**
   * Most buckets kept per sign (default 2048, at least 16). With α = 1% that spans values over a ratio of
   * about 10¹⁷, so it only binds on absurd ranges; then the lowest buckets are merged, which keeps the
   * upper quantiles (P50…P99.9) exact to α and makes the lowest ones coarser (see {@link QuantileSketch.collapsed}).
   */
  maxBuckets?: number;
}

/** Serialised sketch: plain JSON, safe to write from one shard and read in another process. */
export interface QuantileSketchJSON {
  format: 'canarylab.ddsketch';
  version: 1;
  relativeAccuracy: number;
  maxBuckets: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  zeroCount: number;
  collapsed: boolean;
  /** Buckets of positive values: counts[i] is the count of bucket key offset + i. */
  positive: { offset: number; counts: number[] };
  /** Buckets of negative values, keyed by |x|. */
  negative: { offset: number; counts: number[] };
}

/** Smallest magnitude with its own bucket (as DDSketch's LogarithmicMapping); smaller counts as zero. */
const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * Mergeable quantile sketch with a relative-error guarantee: DDSketch with the logarithmic mapping. A
 * positive value x goes to bucket k = ⌈log_γ x⌉, γ = (1 + α)/(1 − α), which holds the values in
 * (γ^{k−1}, γ^k]; a quantile is answered with 2γ^k/(γ + 1), at relative distance at most α from every
 * value of the bucket. Guarantee (Masson, Rim & Lee 2019, Prop. 4): for n values added and p ∈ [0, 1],
 * `quantile(p)` is within relative error α of x₍⌊p(n−1)⌋₎, the ⌊p(n − 1)⌋-th smallest value (0-based; the
 * lower of the two order statistics that numpy's type-7 quantile interpolates), as long as no buckets were
 * collapsed. Answers are clamped to the exact [min, max]. Memory is O(log(max/min)/α) buckets, independent
 * of n; `merge` adds bucket counts, so shards sketched separately combine into exactly the sketch of all
 * the data (same α required). Negative values and zeros are supported (mirror store and a zero count).
 *
 * @see Masson, C., Rim, J. E. & Lee, H. K. (2019). DDSketch: A fast and fully-mergeable quantile sketch
 *   with relative-error guarantees. PVLDB 12(12). https://arxiv.org/abs/1908.10693
 * @see https://github.com/DataDog/sketches-py (reference implementation)
 * @throws {RangeError} on a relativeAccuracy outside (0, 1), maxBuckets < 16, adding a non-finite value
 *   or a weight that is not a positive integer, merging sketches of different α, asking a quantile of an
 *   empty sketch or with p outside [0, 1], or reading malformed JSON
 * @example
 * const s = createQuantileSketch({ relativeAccuracy: 0.01 });
 * for (let i = 1; i <= 1000; i++) s.add(i);
 * s.quantile(0.95); // => 944.0492576839333, within 1% of the exact 950 (x₍⌊0.95·999⌋₎ = x₍949₎, 0-based)
 */
export class QuantileSketch {
  readonly relativeAccuracy: number;
  readonly maxBuckets: number;
  private readonly gamma: number;
  private readonly multiplier: number;
  private readonly minIndexable: number;
  private readonly positive: DenseStore;
  private readonly negative: DenseStore;
  private zeroCount = 0;
  /** Set when restored from JSON of a collapsed sketch, or merged with one. */
  private collapsedBefore = false;
  private n = 0;
  private total = 0;
  private lo = Number.POSITIVE_INFINITY;
  private hi = Number.NEGATIVE_INFINITY;

  constructor(opts: QuantileSketchOptions = {}) {
    const fn = 'QuantileSketch';
    if (opts === null || typeof opts !== 'object') {
      throw new TypeError(`${fn}: opts must be an object, got ${describe(opts)}`);
    }
    this.relativeAccuracy = checkOpenUnit(fn, 'relativeAccuracy', opts.relativeAccuracy ?? 0.01);
    this.maxBuckets = checkCount(fn, 'maxBuckets', opts.maxBuckets ?? 2048, 16);
    this.gamma = (1 + this.relativeAccuracy) / (1 - this.relativeAccuracy);
    this.multiplier = 1 / Math.log(this.gamma);
    this.minIndexable = MIN_NORMAL * this.gamma;
    this.positive = new DenseStore(this.maxBuckets);
    this.negative = new DenseStore(this.maxBuckets);
  }

  /** Number of values added (with their weights). */
  get count(): number {
    return this.n;
  }
  /** Exact sum of the values added. */
  get sum(): number {
    return this.total;
  }
  /** Exact smallest value added (NaN when empty). */
  get min(): number {
    return this.n === 0 ? Number.NaN : this.lo;
  }
  /** Exact largest value added (NaN when empty). */
  get max(): number {
    return this.n === 0 ? Number.NaN : this.hi;
  }
  /** True when buckets had to be merged (maxBuckets reached): the lowest quantiles lose the α guarantee. */
  get collapsed(): boolean {
    return this.collapsedBefore || this.positive.collapsed || this.negative.collapsed;
  }

  /**
   * Adds `value` (`weight` times; default once).
   * @throws {RangeError} when value is not finite or weight is not a positive integer
   */
  add(value: number, weight = 1): this {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new RangeError(`QuantileSketch.add: value must be a finite number, got ${describe(value)}`);
    }
    if (weight !== 1) checkCount('QuantileSketch.add', 'weight', weight, 1);
    if (value > this.minIndexable) {
      this.positive.add(Math.ceil(Math.log(value) * this.multiplier), weight);
    } else if (value < -this.minIndexable) {
      this.negative.add(Math.ceil(Math.log(-value) * this.multiplier), weight);
    } else {
      this.zeroCount += weight;
    }
    this.n += weight;
    this.total += value * weight;
    if (value < this.lo) this.lo = value;
    if (value > this.hi) this.hi = value;
    return this;
  }

  /**
   * Adds every value of `other` (a sketch built elsewhere, e.g. one per log shard). `other` is unchanged.
   * @throws {RangeError} when the sketches have different relativeAccuracy
   */
  merge(other: QuantileSketch): this {
    if (!(other instanceof QuantileSketch)) {
      throw new TypeError(`QuantileSketch.merge: other must be a QuantileSketch, got ${describe(other)}`);
    }
    if (other.relativeAccuracy !== this.relativeAccuracy) {
      throw new RangeError(
        `QuantileSketch.merge: other must have relativeAccuracy ${this.relativeAccuracy}, got ${other.relativeAccuracy}`,
      );
    }
    if (other.n === 0) return this;
    this.positive.mergeFrom(other.positive);
    this.negative.mergeFrom(other.negative);
    this.zeroCount += other.zeroCount;
    if (other.collapsedBefore) this.collapsedBefore = true;
    this.n += other.n;
    this.total += other.total;
    if (other.lo < this.lo) this.lo = other.lo;
    if (other.hi > this.hi) this.hi = other.hi;
    return this;
  }

  /**
   * Value within relative error α of the ⌊p(n − 1)⌋-th smallest value added.
   * @throws {RangeError} when the sketch is empty or p is outside [0, 1]
   */
  quantile(p: number): number {
    checkProbability('QuantileSketch.quantile', 'p', p);
    if (this.n === 0) throw new RangeError('QuantileSketch.quantile: the sketch is empty (add values first)');
    const rank = Math.floor(p * (this.n - 1));
    const negCount = this.negative.count;
    let v: number;
    if (rank < negCount) {
      v = -this.value(this.negative.keyAtRank(negCount - 1 - rank));
    } else if (rank < negCount + this.zeroCount) {
      v = 0;
    } else {
      v = this.value(this.positive.keyAtRank(rank - negCount - this.zeroCount));
    }
    return Math.min(this.hi, Math.max(this.lo, v));
  }

  /** {@link quantile} for several probabilities. */
  quantiles(ps: readonly number[]): number[] {
    if (!Array.isArray(ps))
      throw new TypeError(`QuantileSketch.quantiles: ps must be an array, got ${describe(ps)}`);
    return ps.map((p) => this.quantile(p));
  }

  /** Plain-JSON snapshot; {@link QuantileSketch.fromJSON} restores it exactly. */
  toJSON(): QuantileSketchJSON {
    return {
      format: 'canarylab.ddsketch',
      version: 1,
      relativeAccuracy: this.relativeAccuracy,
      maxBuckets: this.maxBuckets,
      count: this.n,
      sum: this.total,
      min: this.n === 0 ? 0 : this.lo,
      max: this.n === 0 ? 0 : this.hi,
      zeroCount: this.zeroCount,
      collapsed: this.collapsed,
      positive: this.positive.toJSON(),
      negative: this.negative.toJSON(),
    };
  }

  /**
   * Rebuilds a sketch from {@link QuantileSketch.toJSON} output (or its JSON.parse).
   * @throws {TypeError|RangeError} naming the offending field when `json` is not a valid sketch
   */
  static fromJSON(json: unknown): QuantileSketch {
    const fn = 'QuantileSketch.fromJSON';
    if (json === null || typeof json !== 'object')
      throw new TypeError(`${fn}: json must be an object, got ${describe(json)}`);
    const j = json as Partial<QuantileSketchJSON>;
    if (j.format !== 'canarylab.ddsketch' || j.version !== 1) {
      throw new RangeError(
        `${fn}: json.format must be 'canarylab.ddsketch' with version 1, got ${describe(j.format)} version ${describe(j.version)}`,
      );
    }
    const s = new QuantileSketch({ relativeAccuracy: j.relativeAccuracy, maxBuckets: j.maxBuckets });
    const count = checkCount(fn, 'json.count', j.count, 0);
    const zeroCount = checkCount(fn, 'json.zeroCount', j.zeroCount, 0);
    for (const key of ['sum', 'min', 'max'] as const) {
      if (typeof j[key] !== 'number' || !Number.isFinite(j[key])) {
        throw new RangeError(`${fn}: json.${key} must be a finite number, got ${describe(j[key])}`);
      }
    }
    s.positive.loadJSON(fn, 'json.positive', j.positive);
    s.negative.loadJSON(fn, 'json.negative', j.negative);
    if (s.positive.count + s.negative.count + zeroCount !== count) {
      throw new RangeError(`${fn}: json.count (${count}) must equal the bucket counts plus json.zeroCount`);
    }
    s.collapsedBefore = j.collapsed === true;
    s.zeroCount = zeroCount;
    s.n = count;
    s.total = j.sum as number;
    if (count > 0) {
      s.lo = j.min as number;
      s.hi = j.max as number;
    }
    return s;
  }

  private value(key: number): number {
    // 2γ^k/(γ + 1) = γ^k(1 − α): relative distance ≤ α from both ends of (γ^{k−1}, γ^k].
    return Math.exp(key / this.multiplier) * (1 - this.relativeAccuracy);
  }
}

/**
 * Creates an empty {@link QuantileSketch}.
 * @throws {RangeError} when relativeAccuracy is outside (0, 1) or maxBuckets < 16
 * @example
 * const shardA = createQuantileSketch();
 * const shardB = createQuantileSketch();
 * [0.8, 1.1, 0.9].forEach((v) => shardA.add(v));
 * [2.5, 1.0].forEach((v) => shardB.add(v));
 * QuantileSketch.fromJSON(JSON.parse(JSON.stringify(shardB))).merge(shardA).count; // => 5
 */
export function createQuantileSketch(opts: QuantileSketchOptions = {}): QuantileSketch {
  return new QuantileSketch(opts);
}

/** Dense bucket counts over a contiguous key range, merging the lowest keys when the range gets too wide. */
class DenseStore {
  collapsed = false;
  count = 0;
  private counts = new Float64Array(0);
  private offset = 0;
  private minKey = Number.POSITIVE_INFINITY;
  private maxKey = Number.NEGATIVE_INFINITY;

  constructor(private readonly maxBuckets: number) {}

  add(key: number, weight: number): void {
    if (this.count === 0) {
      this.reserve(key, key);
      this.minKey = key;
      this.maxKey = key;
    } else if (key < this.minKey) {
      if (this.maxKey - key + 1 > this.maxBuckets) {
        // Would be too wide: the value joins the lowest bucket we may keep.
        const newMin = this.maxKey - this.maxBuckets + 1;
        this.reserve(newMin, this.maxKey);
        this.minKey = newMin;
        key = newMin;
        this.collapsed = true;
      } else {
        this.reserve(key, this.maxKey);
        this.minKey = key;
      }
    } else if (key > this.maxKey) {
      if (key - this.minKey + 1 > this.maxBuckets) {
        const newMin = key - this.maxBuckets + 1;
        let moved = 0;
        const last = Math.min(newMin - 1, this.maxKey);
        for (let k = this.minKey; k <= last; k++) {
          moved += this.counts[k - this.offset];
          this.counts[k - this.offset] = 0;
        }
        // Non-empty keys are now within [newMin, maxKey] (none if newMin > maxKey).
        this.minKey = newMin;
        this.reserve(newMin, key);
        this.counts[newMin - this.offset] += moved;
        this.collapsed = true;
      } else {
        this.reserve(this.minKey, key);
      }
      this.maxKey = key;
    }
    this.counts[key - this.offset] += weight;
    this.count += weight;
  }

  mergeFrom(other: DenseStore): void {
    if (other.count === 0) return;
    for (let k = other.minKey; k <= other.maxKey; k++) {
      const c = other.counts[k - other.offset];
      if (c > 0) this.add(k, c);
    }
    if (other.collapsed) this.collapsed = true;
  }

  /** Key of the bucket holding the value of 0-based order `rank` (0 ≤ rank < count). */
  keyAtRank(rank: number): number {
    let cum = 0;
    for (let k = this.minKey; k <= this.maxKey; k++) {
      cum += this.counts[k - this.offset];
      if (cum > rank) return k;
    }
    return this.maxKey;
  }

  toJSON(): { offset: number; counts: number[] } {
    if (this.count === 0) return { offset: 0, counts: [] };
    const a = this.minKey - this.offset;
    return {
      offset: this.minKey,
      counts: Array.from(this.counts.subarray(a, a + this.maxKey - this.minKey + 1)),
    };
  }

  loadJSON(fn: string, name: string, json: unknown): void {
    if (json === null || typeof json !== 'object') {
      throw new TypeError(`${fn}: ${name} must be { offset, counts }, got ${describe(json)}`);
    }
    const { offset, counts } = json as { offset?: unknown; counts?: unknown };
    if (typeof offset !== 'number' || !Number.isInteger(offset)) {
      throw new TypeError(`${fn}: ${name}.offset must be an integer, got ${describe(offset)}`);
    }
    if (!Array.isArray(counts))
      throw new TypeError(`${fn}: ${name}.counts must be an array, got ${describe(counts)}`);
    if (counts.length > this.maxBuckets) {
      throw new RangeError(
        `${fn}: ${name}.counts must have at most maxBuckets (${this.maxBuckets}) entries, got ${counts.length}`,
      );
    }
    counts.forEach((c, i) => {
      checkCount(fn, `${name}.counts[${i}]`, c, 0);
      if (c > 0) this.add(offset + i, c);
    });
  }

  /** Makes keys [lo, hi] addressable, keeping the counts of [minKey, maxKey] ∩ [lo, hi]. */
  private reserve(lo: number, hi: number): void {
    const len = this.counts.length;
    if (len > 0 && lo >= this.offset && hi < this.offset + len) return;
    const needed = hi - lo + 1;
    const size = Math.max(64, 2 * needed, Math.min(2 * len, 2 * this.maxBuckets));
    const offset = lo - Math.floor((size - needed) / 2);
    const next = new Float64Array(size);
    if (this.count > 0) {
      const from = Math.max(lo, this.minKey);
      const to = Math.min(hi, this.maxKey);
      for (let k = from; k <= to; k++) next[k - offset] = this.counts[k - this.offset];
    }
    this.counts = next;
    this.offset = offset;
  }
}
