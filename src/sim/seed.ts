/**
 * Seeding of the simulator's draws: FNV-1a hashes of request content (stats/random.ts hash32), and how many times a request was seen
 * (so that a repeated request gets a fresh draw and the same requests get the same draws in any order).
 */

/** Keys a `seen` map holds before it starts over (bounds its memory on endless runs). */
const SEEN_MAX = 500_000;

/** How many times `key` was seen before this time (0 the first time); counts this time in `seen`. */
export function nextOccurrence(seen: Map<number, number>, key: number): number {
  const n = seen.get(key) ?? 0;
  if (seen.size > SEEN_MAX) seen.clear();
  seen.set(key, n + 1);
  return n;
}
