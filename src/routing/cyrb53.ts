/**
 * cyrb53: the 53-bit string hash the product's router uses for deterministic per-user bucketing
 * (rollout playbook, "Consistent hashing"). Same string and seed → same 53-bit integer, in every
 * JavaScript engine. It hashes UTF-16 code units, exactly as the router's `charCodeAt` loop does, so
 * non-ASCII ids bucket identically on both sides.
 *
 * @see https://github.com/bryc/code/blob/master/jshash/experimental/cyrb53.js (bryc, public domain)
 * @example
 * cyrb53('a');          // => 7929297801672961
 * cyrb53('revenue', 1); // => 8697026808958300
 */
export function cyrb53(str: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
