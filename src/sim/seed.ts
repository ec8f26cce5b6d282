/**
 * Seeding of the simulator's draws: FNV-1a hashes of request content, and how many times a request was seen
 * (so that a repeated request gets a fresh draw and the same requests get the same draws in any order).
 */

/**
 * 32-bit FNV-1a of a string's UTF-16 code units, continuing from `h` (the FNV offset basis by default), so
 * that `fnv1a(b, fnv1a(a)) === fnv1a(a + b)`. src/stats/random.ts hash32 is the same hash from the basis.
 */
export function fnv1a(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Keys a `seen` map holds before it starts over (bounds its memory on endless runs). */
const SEEN_MAX = 500_000;

/** How many times `key` was seen before this time (0 the first time); counts this time in `seen`. */
export function nextOccurrence(seen: Map<number, number>, key: number): number {
  const n = seen.get(key) ?? 0;
  if (seen.size > SEEN_MAX) seen.clear();
  seen.set(key, n + 1);
  return n;
}
