/**
 * The simulator's seeding: FNV-1a against the published test vectors of the FNV reference (Fowler, Noll, Vo:
 * FNV-1a 32-bit of "a" is 0xe40c292c, of "foobar" 0xbf9cf968; http://www.isthe.com/chongo/tech/comp/fnv/),
 * chaining from a basis, and the occurrence count that gives a repeated request a fresh draw.
 */
import { describe, expect, it } from 'vitest';
import { nextOccurrence } from '../../src/sim/seed';
import { hash32 } from '../../src/stats/random';

describe('hash32 (FNV-1a, stats/random.ts)', () => {
  it('matches the published FNV-1a 32-bit vectors', () => {
    expect(hash32('')).toBe(0x811c9dc5);
    expect(hash32('a')).toBe(0xe40c292c);
    expect(hash32('foobar')).toBe(0xbf9cf968);
  });

  it('continues from a basis: hashing "bar" after the hash of "foo" is the hash of "foobar"', () => {
    expect(hash32('bar', hash32('foo'))).toBe(0xbf9cf968);
  });
});

describe('nextOccurrence', () => {
  it('counts 0, 1, 2 for one key and starts at 0 for another', () => {
    const seen = new Map<number, number>();
    expect([nextOccurrence(seen, 7), nextOccurrence(seen, 7), nextOccurrence(seen, 7)]).toEqual([0, 1, 2]);
    expect(nextOccurrence(seen, 8)).toBe(0);
    expect(seen.get(7)).toBe(3);
  });

  it('starts over once the map holds more than 500,000 keys', () => {
    const seen = new Map<number, number>();
    for (let k = 0; k <= 500_000; k++) seen.set(k, 1);
    expect(nextOccurrence(seen, 3)).toBe(1); // counted before the map is emptied
    expect(seen.size).toBe(1);
    expect(nextOccurrence(seen, 4)).toBe(0);
  });
});
