/** Small helpers shared by the gateway and simulator tests. */

/** Type-7 (numpy 'linear') sample quantile. */
export function q(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  return lo >= s.length - 1 ? s[s.length - 1] : s[lo] + (h - lo) * (s[lo + 1] - s[lo]);
}

/** Runs fn(i) for i in [0, n) with at most `concurrency` at once; results in index order. */
export async function runConcurrent<T>(
  n: number,
  concurrency: number,
  fn: (i: number) => Promise<T>,
): Promise<T[]> {
  const out = new Array<T>(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      out[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return out;
}

export const user = (content: string) => [{ role: 'user' as const, content }];

/** Rejects with whatever `p` throws; fails the test if it resolves. */
export async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}
