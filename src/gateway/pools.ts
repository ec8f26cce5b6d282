/** The keep-alive undici Pools of the chat clients: one per origin and connection count, shared, reference-counted. */
import { Pool } from 'undici';

interface PoolEntry {
  pool: Pool;
  refs: number;
}

const pools = new Map<string, PoolEntry>();

/** Takes a hold on the pool of `origin` (created on first use); release it with {@link releasePool}. */
export function acquirePool(origin: string, connections: number): { key: string; pool: Pool } {
  const key = `${origin}#${connections}`;
  let entry = pools.get(key);
  if (!entry) {
    entry = {
      pool: new Pool(origin, {
        connections,
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 600_000,
        // The client's own timer ends requests; undici's timeouts are only a backstop.
        headersTimeout: 0,
        bodyTimeout: 0,
      }),
      refs: 0,
    };
    pools.set(key, entry);
  }
  entry.refs++;
  return { key, pool: entry.pool };
}

/** Drops a hold; the pool closes with its last one. */
export async function releasePool(key: string): Promise<void> {
  const entry = pools.get(key);
  if (!entry) return;
  entry.refs--;
  if (entry.refs <= 0) {
    pools.delete(key);
    await entry.pool.close();
  }
}
