/**
 * Synthetic canaries with known truth: CallRecords and ScoreRecords of both arms drawn from stated
 * distributions, for the calibration harness (src/calibration/calibrate.ts). Everything is seeded.
 *
 * Assumptions (printed with the calibration table, docs/CALIBRATION.md):
 * - Pairing: every item is sent to both arms at the same moment (the runner's design); call times are
 *   spread uniformly over `spanHours` hours. Success, latency and completion tokens of the two arms are
 *   drawn independently given the item; prompt tokens are the item's, shared by both arms.
 * - Success: each call succeeds with the arm's rate (in a burst hour, with the burst's error rate instead).
 * - Latency of an ok call: lognormal with the arm's P50 and P95 (σ = ln(P95/P50)/1.645).
 * - Tokens and cost: prompt tokens uniform on [150, 450] per item; completion tokens lognormal with median
 *   200 and P95 600, per call; cost = prompt·inputPrice + completion·outputPrice (per 1M tokens).
 * - Quality (one pass/fail scorer, on ok calls only): the pair (primary passes, canary passes) of an item is
 *   drawn from the joint law with the arms' pass rates and a fixed discordance rate d = P(the arms disagree):
 *   P(primary only) = (d − Δ)/2, P(canary only) = (d + Δ)/2, Δ = canary − primary pass rate.
 */
import { createRng, type Rng } from '../stats/random';
import type { CallRecord, ScoreRecord } from '../types';
import { calibrationMsg } from './errors';

/** One arm's true behaviour. */
export interface ArmTruth {
  /** P(call ok) outside a burst. */
  successRate: number;
  /** Latency of ok calls: median and 95th percentile, ms (lognormal). */
  p50Ms: number;
  p95Ms: number;
  /** USD per 1M prompt / completion tokens. */
  inputPer1M: number;
  outputPer1M: number;
  /** Quality pass rate (marginal). */
  qualityPass: number;
}

/** A window of elevated errors: hour `startHour` (0-based, within the span) for `hours` hours. */
export interface Burst {
  startHour: number;
  hours: number;
  errorRate: number;
}

/** What a synthetic run is drawn from. */
export interface GeneratorTruth {
  primary: ArmTruth;
  canary: ArmTruth;
  /** P(the arms' pass/fail differ on an item). */
  discordance: number;
  /** Calls are spread uniformly over this many hours (default 24). */
  spanHours?: number;
  /** The canary's error burst, if any. */
  burst?: Burst;
}

/** The playbook-like primary: 99.9% success, P50 800 ms / P95 2,000 ms, gpt-4.1-like prices, 80% pass. */
export const BASE_ARM: ArmTruth = {
  successRate: 0.999,
  p50Ms: 800,
  p95Ms: 2000,
  inputPer1M: 2,
  outputPer1M: 8,
  qualityPass: 0.8,
};

/** Discordance rate of the generator's quality pairs (15% of items: the arms disagree). */
export const DEFAULT_DISCORDANCE = 0.15;

const Z95 = 1.6448536269514722;
const SCORER = 'quality';
const EPOCH = Date.UTC(2026, 0, 5);

function lognormal(rng: Rng, median: number, p95: number): number {
  const sigma = Math.log(p95 / median) / Z95;
  return median * Math.exp(sigma * rng.normal());
}

/**
 * Checks that the truth is a valid law (rates in [0, 1], discordance compatible with the pass rates).
 * @throws {RangeError} naming the field
 */
export function checkTruth(t: GeneratorTruth): void {
  const d = t.discordance;
  const delta = t.canary.qualityPass - t.primary.qualityPass;
  const b = (d - delta) / 2;
  const c = (d + delta) / 2;
  const both = t.primary.qualityPass - b;
  const none = 1 - t.primary.qualityPass - c;
  for (const [name, v] of [
    ['P(primary only passes)', b],
    ['P(canary only passes)', c],
    ['P(both pass)', both],
    ['P(both fail)', none],
  ] as const)
    if (!(v >= -1e-12)) throw new RangeError(calibrationMsg.negativeProbability(name, v));
  for (const arm of ['primary', 'canary'] as const) {
    const a = t[arm];
    if (!(a.successRate >= 0 && a.successRate <= 1))
      throw new RangeError(calibrationMsg.successRate(arm, a.successRate));
    if (!(a.p95Ms > a.p50Ms && a.p50Ms > 0)) throw new RangeError(calibrationMsg.latency(arm));
  }
}

/** Records of `n` items, items numbered from `firstItem` (so successive looks add new items). */
export interface GeneratedRecords {
  calls: CallRecord[];
  scores: ScoreRecord[];
}

/**
 * Draws the records of items firstItem … firstItem + n − 1 of one synthetic run. The same (truth, seed,
 * items) always gives the same records; items are drawn from their own stream, so the records of a look do
 * not depend on how the items were split into looks.
 *
 * @example
 * const { calls, scores } = generateRecords({ truth, n: 1319, seed: 7 });
 */
export function generateRecords(a: {
  truth: GeneratorTruth;
  n: number;
  seed: number;
  firstItem?: number;
  /** Items per hour when spreading over looks (default: n items over spanHours). */
  hours?: { start: number; end: number };
}): GeneratedRecords {
  const { truth } = a;
  const first = a.firstItem ?? 0;
  const span = truth.spanHours ?? 24;
  const hStart = a.hours?.start ?? 0;
  const hEnd = a.hours?.end ?? span;
  const d = truth.discordance;
  const delta = truth.canary.qualityPass - truth.primary.qualityPass;
  const pB = (d - delta) / 2; // primary passes, canary fails
  const pC = (d + delta) / 2; // canary passes, primary fails
  const pBoth = truth.primary.qualityPass - pB;
  const calls: CallRecord[] = [];
  const scores: ScoreRecord[] = [];
  const rng = createRng(a.seed * 1_000_003 + first);
  for (let i = 0; i < a.n; i++) {
    const item = first + i;
    const itemId = `i${item}`;
    const hour = hStart + ((i + rng.next()) / a.n) * (hEnd - hStart);
    const startedAt = new Date(EPOCH + Math.floor(hour * 3_600_000)).toISOString();
    const prompt = 150 + rng.int(301);
    const u = rng.next();
    const passP = u < pBoth + pB;
    const passC = u < pBoth || (u >= pBoth + pB && u < pBoth + pB + pC);
    for (const arm of ['primary', 'canary'] as const) {
      const t = truth[arm];
      const inBurst =
        arm === 'canary' &&
        truth.burst !== undefined &&
        hour >= truth.burst.startHour &&
        hour < truth.burst.startHour + truth.burst.hours;
      const errorRate = inBurst ? (truth.burst as Burst).errorRate : 1 - t.successRate;
      const ok = rng.next() >= errorRate;
      const completion = ok ? Math.max(1, Math.round(lognormal(rng, 200, 600))) : 0;
      const latencyMs = ok ? lognormal(rng, t.p50Ms, t.p95Ms) : 30_000;
      const costUsd = ok ? (prompt * t.inputPer1M + completion * t.outputPer1M) / 1e6 : 0;
      calls.push({
        runId: 'calibration',
        itemId,
        arm,
        model: arm,
        repeat: 0,
        ok,
        ...(ok ? {} : { errorKind: 'server' as const }),
        attempts: 1,
        latencyMs,
        usage: { promptTokens: ok ? prompt : 0, completionTokens: completion },
        costUsd,
        startedAt,
        cached: false,
      });
      if (ok) {
        const pass = arm === 'primary' ? passP : passC;
        scores.push({
          runId: 'calibration',
          itemId,
          arm,
          repeat: 0,
          scorer: SCORER,
          score: pass ? 1 : 0,
          pass,
        });
      }
    }
  }
  return { calls, scores };
}

/**
 * Per-window (hour) call and failure counts of the canary, drawn directly (binomial per hour) for
 * production-log sizes, where building every CallRecord would only be slower: what the analysis hands the
 * consistency statistic for hourly windows of logs.
 */
export function generateHourlyCounts(a: {
  truth: GeneratorTruth;
  arm: 'primary' | 'canary';
  callsPerDay: number;
  days: number;
  seed: number;
}): Array<{ calls: number; failures: number }> {
  const rng = createRng(a.seed);
  const t = a.truth[a.arm];
  const out: Array<{ calls: number; failures: number }> = [];
  for (let h = 0; h < 24 * a.days; h++) {
    const calls = poisson(rng, a.callsPerDay / 24);
    const b = a.truth.burst;
    const inBurst = a.arm === 'canary' && b !== undefined && h >= b.startHour && h < b.startHour + b.hours;
    const rate = inBurst ? (b as Burst).errorRate : 1 - t.successRate;
    out.push({ calls, failures: binomial(rng, calls, rate) });
  }
  return out;
}

/** Poisson draw (normal approximation above 1,000, exact inversion below). */
function poisson(rng: Rng, mean: number): number {
  if (mean > 1000) return Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.normal()));
  let k = 0;
  let p = Math.exp(-mean);
  let s = p;
  const u = rng.next();
  while (u > s && k < 10 * mean + 100) {
    k++;
    p *= mean / k;
    s += p;
  }
  return k;
}

/** Binomial draw: exact by Bernoulli sums for small n·p, else inversion of a Poisson/normal approximation. */
function binomial(rng: Rng, n: number, p: number): number {
  if (p <= 0) return 0;
  if (p >= 1) return n;
  if (n * p < 30) {
    // Sequential inversion of the exact binomial pmf.
    let k = 0;
    let pmf = (1 - p) ** n;
    let cdf = pmf;
    const u = rng.next();
    while (u > cdf && k < n) {
      pmf *= ((n - k) / (k + 1)) * (p / (1 - p));
      k++;
      cdf += pmf;
    }
    return k;
  }
  const x = Math.round(n * p + Math.sqrt(n * p * (1 - p)) * rng.normal());
  return Math.min(n, Math.max(0, x));
}
