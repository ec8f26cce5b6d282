/** Pieces every metric family uses: the Wilson arm estimate, a test that may be undefined, segment tagging, text helpers. */
import type { TestResult } from '../../stats/types';
import { wilsonInterval } from '../../stats/wilsonInterval';
import type { Arm, ArmEstimate, CallRecord, MetricComparison } from '../../types';
import type { Settings } from '../options';

/** A segment a comparison belongs to (meta.tier or one of meta.tags). */
export interface SegmentKey {
  key: string;
  value: string;
}

/** What the per-item metric families (quality, pairwise) read and where they write their notes. */
export interface MetricContext {
  s: Settings;
  notes: string[];
  /** Non-zero for a segment (its notes are not published). */
  seedOffset: number;
}

/** One arm's proportion x / n with its Wilson interval. */
export function wilson(x: number, n: number, confidence: number): ArmEstimate {
  const w = wilsonInterval(x, n, { confidence });
  return { n, estimate: w.estimate, ci: [w.lower, w.upper] };
}

/** Runs a test; when it is undefined (every difference zero, every value equal) reports p = 1. */
export function safeTest(fn: () => TestResult, method: string): TestResult {
  try {
    return fn();
  } catch {
    // Every difference zero / every value equal: no evidence of a difference.
    return {
      method: `${method} (undefined: no differences)`,
      statistic: 0,
      pValue: 1,
      alternative: 'two-sided',
    };
  }
}

/** A collector of comparisons that skips nulls and tags each with `segment` (a copy) when given. */
export function segmentCollector(segment: SegmentKey | undefined): {
  out: MetricComparison[];
  push: (mc: MetricComparison | null) => void;
} {
  const out: MetricComparison[] = [];
  const push = (mc: MetricComparison | null) => {
    if (!mc) return;
    if (segment) mc.segment = { ...segment };
    out.push(mc);
  };
  return { out, push };
}

/** Both arms, in the order every table and note lists them. */
export const ARMS: readonly Arm[] = ['primary', 'canary'];

/** The key of one call or score: item and repeat. */
export const keyOf = (itemId: string, repeat: number | undefined) => `${itemId}\u0000${repeat ?? 0}`;

/** The calls of each arm, in their order. */
export function splitArms(calls: readonly CallRecord[]): Record<Arm, CallRecord[]> {
  return {
    primary: calls.filter((c) => c.arm === 'primary'),
    canary: calls.filter((c) => c.arm === 'canary'),
  };
}

/** A p-value clamped to [0, 1]; 1 when it is not finite. */
export const clampP = (p: number) => (Number.isFinite(p) ? Math.min(1, Math.max(0, p)) : 1);
/** 'primary' → 'Primary'. */
export const cap = (x: string) => x.charAt(0).toUpperCase() + x.slice(1);
