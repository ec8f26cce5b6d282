/**
 * Writes a large seeded routing log (the playbook's `{ userId, model, latency, success, timestamp,
 * routedTo, tier }` lines) for the engines' benchmark and tests, with the logic of make-sample-logs.ts:
 * users bucketed by the router's rule `cyrb53(userId) % 100 < 25`, 1–4 requests each, lognormal latencies
 * from the playbook's P50/P95 table, success 99.7% / 99.6%, epoch-ms timestamps spread over `days` days.
 * The same (lines, seed, days) always gives the same bytes. Written in 1 MB chunks: memory stays flat.
 *
 *   npx tsx scripts/make-routing-log.ts <file> <lines> [seed] [days]
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { routeToCanary } from '../src/routing/bucket';
import { createRng, type Rng } from '../src/stats/random';

const PRIMARY = { model: 'gpt-4.1', p50: 1200, p95: 2800, success: 0.997 };
const CANARY = { model: 'claude-sonnet-4-5', p50: 1500, p95: 3200, success: 0.996 };
const START = Date.UTC(2025, 5, 2, 0, 0, 0);
const DAY = 86_400_000;
const TIERS = ['free', 'free', 'free', 'free', 'free', 'free', 'pro', 'pro', 'premium', 'beta_tester'];

const lognormal = (rng: Rng, p50: number, p95: number) =>
  Math.round(Math.exp(Math.log(p50) + ((Math.log(p95) - Math.log(p50)) / 1.6448536269514722) * rng.normal()));

/** Options of {@link writeRoutingLog}. */
export interface RoutingLogOptions {
  file: string;
  lines: number;
  seed?: number;
  /** Timestamps spread uniformly over this many days from 2025-06-02 (default 1). */
  days?: number;
  /** Canary share in percent (default 25). */
  percentage?: number;
}

/** Writes the log; returns the number of lines written (exactly `lines`). */
export function writeRoutingLog(o: RoutingLogOptions): number {
  const rng = createRng(o.seed ?? 20250602);
  const span = (o.days ?? 1) * DAY;
  const pct = o.percentage ?? 25;
  const fd = openSync(o.file, 'w');
  let buf = '';
  let written = 0;
  try {
    for (let u = 0; written < o.lines; u++) {
      const userId = `u-${(u * 7919 + 13).toString(36)}`;
      const tier = TIERS[rng.int(TIERS.length)];
      const canary = routeToCanary(userId, { percentage: pct });
      const arm = canary ? CANARY : PRIMARY;
      const routedTo = canary ? 'canary' : 'primary';
      const requests = Math.min(1 + rng.int(4), o.lines - written);
      for (let k = 0; k < requests; k++) {
        const latency = lognormal(rng, arm.p50, arm.p95);
        const t = START + Math.floor(rng.next() * span);
        const success = rng.next() < arm.success;
        buf += `{"userId":"${userId}","model":"${arm.model}","latency":${latency},"success":${success},"timestamp":${t},"routedTo":"${routedTo}","tier":"${tier}"}\n`;
        written++;
      }
      if (buf.length > 1 << 20) {
        writeSync(fd, buf);
        buf = '';
      }
    }
    if (buf) writeSync(fd, buf);
  } finally {
    closeSync(fd);
  }
  return written;
}

if (require.main === module) {
  const [file, lines, seed, days] = process.argv.slice(2);
  if (!file || !lines) {
    console.error('usage: npx tsx scripts/make-routing-log.ts <file> <lines> [seed] [days]');
    process.exit(2);
  }
  const n = writeRoutingLog({
    file,
    lines: Number(lines),
    seed: seed ? Number(seed) : undefined,
    days: days ? Number(days) : undefined,
  });
  console.log(`wrote ${file}: ${n} lines`);
}
