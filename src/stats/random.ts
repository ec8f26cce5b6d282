/**
 * Seeded pseudo-random numbers for everything random in canarylab (bootstrap, simulators, tests), so the
 * same seed always gives the same interval, the same simulated latency, the same sample.
 *
 * Generator: xoshiro128** (Blackman & Vigna), state seeded from a 32-bit seed with splitmix32.
 * 32-bit integer arithmetic only, so it is fast in V8 and identical on every platform.
 *
 * @see https://prng.di.unimi.it/xoshiro128starstar.c
 * @example
 * const rng = createRng(42);
 * rng.next();        // uniform in [0, 1)
 * rng.int(10);       // integer in [0, 10)
 * rng.normal();      // standard normal
 */
export interface Rng {
  /** Uniform double in [0, 1) with 32 random bits. */
  next(): number;
  /** Uniform integer in [0, n), n ≤ 2^32. */
  int(n: number): number;
  /** Standard normal deviate (Box–Muller, polar form not needed: uses two uniforms). */
  normal(): number;
  /** Raw 32-bit unsigned output. */
  nextUint32(): number;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * Creates a seeded generator.
 * @throws {TypeError} when seed is not a finite number
 */
export function createRng(seed: number): Rng {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new TypeError(`createRng: seed must be a finite number, got ${String(seed)}`);
  }
  const sm = splitmix32(Math.floor(seed) ^ Math.floor(seed / 2 ** 32));
  let a = sm();
  let b = sm();
  let c = sm();
  let d = sm();
  if ((a | b | c | d) === 0) a = 1;
  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  const next = (): number => nextUint32() / 4294967296;
  let spare: number | null = null;
  return {
    nextUint32,
    next,
    int: (n: number) => Math.floor(next() * n),
    normal: () => {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * 32-bit FNV-1a hash of a string's UTF-16 code units: a stable seed or coin derived from a key. It continues
 * from `h` (the FNV offset basis by default), so that `hash32(b, hash32(a)) === hash32(a + b)`: the simulator
 * chains request content and seeds this way.
 * @see Fowler, Noll, Vo: http://www.isthe.com/chongo/tech/comp/fnv/
 * @example
 * hash32('a'); // => 3826002220
 * hash32('b', hash32('a')) === hash32('ab'); // => true
 */
export function hash32(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
