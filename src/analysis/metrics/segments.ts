/** Segments (meta.tier, each of meta.tags): per-segment comparisons from the summaries and per item, Holm-adjusted together. */
import { formatShortPercent } from '../../format';
import { holm } from '../../stats/holm';
import type { Arm, CallRecord, MetricComparison, PairwiseRecord, RunData, ScoreRecord } from '../../types';
import type { Settings } from '../options';
import { compareSegments } from '../summary/build';
import type { RunSummary } from '../summary/types';
import type { SegmentInfo } from '../types';
import { callMetrics } from './callMetrics';
import { perItemMetrics } from './perItem';
import { ARMS, clampP, splitArms } from './shared';

interface ItemGroup {
  key: 'tier' | 'tag';
  value: string;
  ids: Set<string>;
}

/** The items of each segment, in the order first seen. */
function itemSegmentGroups(items: NonNullable<RunData['items']>): ItemGroup[] {
  const groups = new Map<string, ItemGroup>();
  for (const it of items) {
    const add = (key: 'tier' | 'tag', value: string) => {
      const g = groups.get(`${key}\u0000${value}`) ?? { key, value, ids: new Set<string>() };
      g.ids.add(it.id);
      groups.set(`${key}\u0000${value}`, g);
    };
    if (typeof it.meta?.tier === 'string') add('tier', it.meta.tier);
    for (const t of it.meta?.tags ?? []) if (typeof t === 'string') add('tag', t);
  }
  return [...groups.values()];
}

/** Input of {@link perItemSegmentComparisons}. */
export interface PerItemSegmentInput {
  calls: CallRecord[];
  scores: readonly ScoreRecord[];
  pairwise: readonly PairwiseRecord[];
  items: NonNullable<RunData['items']>;
  s: Settings;
}

/**
 * Quality and pairwise comparisons within each segment of the items (a segment missing an arm is skipped),
 * and the items per segment. Segment g (1-based) seeds its bootstraps at offset 1000 × g.
 */
export function perItemSegmentComparisons(input: PerItemSegmentInput): {
  segmentItems: SegmentInfo[];
  segmentComparisons: MetricComparison[];
} {
  const { calls, scores, pairwise, s } = input;
  const segmentItems: SegmentInfo[] = [];
  const segmentComparisons: MetricComparison[] = [];
  let gi = 0;
  for (const g of itemSegmentGroups(input.items)) {
    gi++;
    segmentItems.push({ key: g.key, value: g.value, items: g.ids.size });
    const segCalls = calls.filter((c) => g.ids.has(c.itemId));
    const arms = splitArms(segCalls);
    if (arms.primary.length === 0 || arms.canary.length === 0) continue;
    const r = perItemMetrics(
      segCalls,
      scores.filter((x) => g.ids.has(x.itemId)),
      pairwise.filter((x) => g.ids.has(x.itemId)),
      { s, notes: [], seedOffset: 1000 * gi },
      { key: g.key, value: g.value },
    );
    segmentComparisons.push(...r.comparisons);
  }
  return { segmentItems, segmentComparisons };
}

/** Input of {@link summarySegmentComparisons}. */
export interface SummarySegmentInput {
  summary: RunSummary;
  s: Settings;
  notes: string[];
  /** Compare segments (default true when the summary has any). */
  enabled?: boolean;
  /** Items per segment when known (offline runs); default: the larger arm's calls in the segment. */
  segmentItems?: ReadonlyArray<SegmentInfo>;
  /** The per-item segment comparisons (offline runs), adjusted by Holm together with the summaries'. */
  perItemComparisons?: MetricComparison[];
}

/** The segments of both arms' summaries, sorted by key then value. */
function summarySegmentKeys(summary: RunSummary): Array<{ key: 'tier' | 'tag'; value: string }> {
  const segKeys = new Map<string, { key: 'tier' | 'tag'; value: string }>();
  for (const arm of ARMS)
    for (const g of summary[arm].segments)
      segKeys.set(`${g.key}\u0000${g.value}`, { key: g.key, value: g.value });
  return [...segKeys.values()].sort(compareSegments);
}

/**
 * Per segment: the call metrics from both arms' segment summaries, with the per-item ones, sorted by
 * segment and carrying `test.adjustedPValue` (Holm across every distinct segment × metric test); and the
 * segments analysed. Nothing when segments are off or the summary has none.
 */
export function summarySegmentComparisons(input: SummarySegmentInput): {
  segments: SegmentInfo[];
  comparisons: MetricComparison[];
} {
  const { summary, s, notes } = input;
  const segments: SegmentInfo[] = [];
  const keys = summarySegmentKeys(summary);
  if (input.enabled === false || keys.length === 0) return { segments, comparisons: [] };
  const segComparisons: MetricComparison[] = [];
  for (const g of keys) {
    const find = (arm: Arm) => summary[arm].segments.find((x) => x.key === g.key && x.value === g.value);
    const p = find('primary');
    const c = find('canary');
    const items =
      input.segmentItems?.find((x) => x.key === g.key && x.value === g.value)?.items ??
      Math.max(p?.calls ?? 0, c?.calls ?? 0);
    segments.push({ key: g.key, value: g.value, items });
    if (!p || !c || p.calls === 0 || c.calls === 0) {
      notes.push(`Segment ${g.key}=${g.value}: one arm has no calls; not compared.`);
      continue;
    }
    segComparisons.push(...callMetrics(p, c, s, [], { key: g.key, value: g.value }));
  }
  if (input.perItemComparisons) segComparisons.push(...input.perItemComparisons);
  segComparisons.sort((a, b) => compareSegments(a.segment as SegmentInfo, b.segment as SegmentInfo));
  if (segComparisons.length > 0) {
    const tests = holmAdjust(segComparisons);
    notes.push(
      `Segment p-values are adjusted by Holm's method across all ${tests} distinct segment × metric tests (test.adjustedPValue; family-wise error rate ${formatShortPercent(1 - s.confidence)}); segment intervals are not adjusted. Error-rate consistency is not computed per segment.`,
    );
  }
  return { segments, comparisons: segComparisons };
}

/** Sets test.adjustedPValue (Holm) on each comparison; returns the number of distinct tests adjusted. */
function holmAdjust(segComparisons: MetricComparison[]): number {
  // One p-value per distinct test: the 'quality' alias repeats its scorer's test; counting a test twice
  // would only make Holm stricter for nothing.
  const testKey = (c: MetricComparison) =>
    `${c.segment?.key}\u0000${c.segment?.value}\u0000${c.test.method}\u0000${c.test.statistic}\u0000${c.test.pValue}`;
  const distinct = new Map<string, number>();
  for (const c of segComparisons)
    if (!distinct.has(testKey(c))) distinct.set(testKey(c), clampP(c.test.pValue));
  const keys = [...distinct.keys()];
  const adjusted = holm(keys.map((k) => distinct.get(k) as number));
  const byKey = new Map(keys.map((k, i) => [k, adjusted[i]]));
  for (const c of segComparisons) c.test.adjustedPValue = byKey.get(testKey(c));
  return keys.length;
}
