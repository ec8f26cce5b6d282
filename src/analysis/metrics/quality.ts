/** Quality per scorer, paired per item: pass/fail (McNemar, Tango non-inferiority) or numeric scores (Wilcoxon, paired t). */
import { tQuantile, tSf } from '../../stats/distributions';
import { mcnemarTest } from '../../stats/mcnemarTest';
import { pairedNonInferiority } from '../../stats/pairedNonInferiority';
import { pairedProportionNonInferiority } from '../../stats/pairedProportionNonInferiority';
import type { TestResult } from '../../stats/types';
import { variance } from '../../stats/variance';
import { wilcoxonSignedRank } from '../../stats/wilcoxonSignedRank';
import type { Arm, ArmEstimate, CallRecord, MetricComparison, ScoreRecord } from '../../types';
import { METRIC_UNITS, type Settings } from '../options';
import type { QualityComparison } from '../types';
import { keyOf, type MetricContext, safeTest, wilson } from './shared';

/** One scorer's records of the items scored for both arms (`keys`), and the calls left out. */
interface PairedScores {
  scorer: string;
  keys: string[];
  m: Record<Arm, Map<string, ScoreRecord>>;
  excluded: { primary: number; canary: number };
}

/** Per scorer (in the order first seen): its valid scores of ok calls, by arm and key, and its errors. */
interface ScoresByScorer {
  scorers: string[];
  byScorer: Map<string, Record<Arm, Map<string, ScoreRecord>>>;
  scorerErrors: Map<string, Record<Arm, number>>;
}

function callKeysOf(calls: readonly CallRecord[]) {
  const callKeys: Record<Arm, Set<string>> = { primary: new Set(), canary: new Set() };
  const okKeys: Record<Arm, Set<string>> = { primary: new Set(), canary: new Set() };
  for (const c of calls) {
    callKeys[c.arm].add(keyOf(c.itemId, c.repeat));
    if (c.ok) okKeys[c.arm].add(keyOf(c.itemId, c.repeat));
  }
  return { callKeys, okKeys };
}

function groupScores(scores: readonly ScoreRecord[], okKeys: Record<Arm, Set<string>>): ScoresByScorer {
  const scorers: string[] = [];
  const byScorer = new Map<string, Record<Arm, Map<string, ScoreRecord>>>();
  const scorerErrors = new Map<string, Record<Arm, number>>();
  for (const r of scores) {
    if (!byScorer.has(r.scorer)) {
      scorers.push(r.scorer);
      byScorer.set(r.scorer, { primary: new Map(), canary: new Map() });
      scorerErrors.set(r.scorer, { primary: 0, canary: 0 });
    }
    const k = keyOf(r.itemId, r.repeat);
    // Only scores of ok calls of this run count; a failed call is excluded, never a bad answer.
    if (!okKeys[r.arm]?.has(k)) continue;
    const m = (byScorer.get(r.scorer) as Record<Arm, Map<string, ScoreRecord>>)[r.arm];
    if (r.score === null || r.error !== undefined || !Number.isFinite(r.score)) {
      if (!m.has(k)) (scorerErrors.get(r.scorer) as Record<Arm, number>)[r.arm]++;
      continue;
    }
    m.set(k, r);
  }
  return { scorers, byScorer, scorerErrors };
}

/** Each scorer's comparison of the items scored for both arms; notes say what was left out and why. */
export function qualityComparisons(
  calls: CallRecord[],
  scores: readonly ScoreRecord[],
  ctx: MetricContext,
): QualityComparison[] {
  const { s } = ctx;
  const { callKeys, okKeys } = callKeysOf(calls);
  const { scorers, byScorer, scorerErrors } = groupScores(scores, okKeys);
  const out: QualityComparison[] = [];
  for (const scorer of scorers) {
    const m = byScorer.get(scorer) as Record<Arm, Map<string, ScoreRecord>>;
    const keys = [...m.primary.keys()].filter((k) => m.canary.has(k)).sort();
    const excluded = {
      primary: callKeys.primary.size - keys.length,
      canary: callKeys.canary.size - keys.length,
    };
    const all = [...m.primary.values(), ...m.canary.values()];
    const kind: 'pass' | 'score' =
      all.length > 0 && all.every((r) => typeof r.pass === 'boolean') ? 'pass' : 'score';
    if (!ctx.seedOffset) {
      const failed = {
        primary: callKeys.primary.size - okKeys.primary.size,
        canary: callKeys.canary.size - okKeys.canary.size,
      };
      const errs = scorerErrors.get(scorer) as Record<Arm, number>;
      if (excluded.primary + excluded.canary > 0)
        ctx.notes.push(
          `Quality '${scorer}': ${keys.length} items paired; left out ${excluded.primary} primary and ${excluded.canary} canary calls (${failed.primary} + ${failed.canary} failed calls, never counted as wrong answers; ${errs.primary} + ${errs.canary} scorer errors; the rest lacked a score from the other arm).`,
        );
    }
    if (keys.length < 2) {
      if (!ctx.seedOffset)
        ctx.notes.push(`Quality '${scorer}': fewer than 2 items scored for both arms, not compared.`);
      continue;
    }
    try {
      out.push(
        kind === 'pass'
          ? passComparison({ scorer, keys, m, excluded }, s)
          : scoreComparison({ scorer, keys, m, excluded }, s),
      );
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      if (!ctx.seedOffset) ctx.notes.push(`Quality '${scorer}': not compared (${e.message}).`);
    }
  }
  return out;
}

function passComparison(paired: PairedScores, s: Settings): QualityComparison {
  const { scorer, keys, m, excluded } = paired;
  let xp = 0;
  let xc = 0;
  let b = 0;
  let c = 0;
  for (const k of keys) {
    const p = (m.primary.get(k) as ScoreRecord).pass === true;
    const q = (m.canary.get(k) as ScoreRecord).pass === true;
    if (p) xp++;
    if (q) xc++;
    if (p && !q) b++;
    if (q && !p) c++;
  }
  const n = keys.length;
  const alpha = (1 - s.confidence) / 2;
  const margin = Math.min(s.margin, 0.999);
  const ni = pairedProportionNonInferiority({ b, c, n }, { margin, alpha });
  // Two-sided Tango score interval: the lower bound of c − b, and minus the lower bound of b − c.
  const upper = -pairedProportionNonInferiority({ b: c, c: b, n }, { margin, alpha }).lowerBound;
  const test = mcnemarTest({ b, c }, { exact: true });
  return {
    scorer,
    kind: 'pass',
    primary: wilson(xp, n, s.confidence),
    canary: wilson(xc, n, s.confidence),
    delta: { estimate: (c - b) / n, ci: [ni.lowerBound, upper] },
    n,
    excluded,
    discordant: { b, c },
    test,
    nonInferiority: ni,
  };
}

/** Paired t-test of canary − primary; when every difference is equal, p is 1 (all zero) or 0. */
function pairedTTest(d: number[], n: number): TestResult {
  const meanD = d.reduce((a, v) => a + v, 0) / n;
  const sd = Math.sqrt(variance(d));
  if (sd > 0) {
    const t = meanD / (sd / Math.sqrt(n));
    return {
      method: 'Paired t-test',
      statistic: t,
      pValue: Math.min(1, 2 * tSf(Math.abs(t), n - 1)),
      alternative: 'two-sided',
      df: n - 1,
    };
  }
  return {
    method: 'Paired t-test (every difference equal)',
    statistic: meanD === 0 ? 0 : Math.sign(meanD) * Number.POSITIVE_INFINITY,
    pValue: meanD === 0 ? 1 : 0,
    alternative: 'two-sided',
    df: n - 1,
  };
}

function scoreComparison(paired: PairedScores, s: Settings): QualityComparison {
  const { scorer, keys, m, excluded } = paired;
  const xp = keys.map((k) => (m.primary.get(k) as ScoreRecord).score as number);
  const xc = keys.map((k) => (m.canary.get(k) as ScoreRecord).score as number);
  const n = keys.length;
  const alpha = (1 - s.confidence) / 2;
  const ni = pairedNonInferiority(xp, xc, { margin: s.margin, alpha });
  const upper = -pairedNonInferiority(xc, xp, { margin: s.margin, alpha }).lowerBound;
  const d = xc.map((v, i) => v - xp[i]);
  const meanD = d.reduce((a, v) => a + v, 0) / n;
  return {
    scorer,
    kind: 'score',
    primary: meanEstimate(xp, s.confidence),
    canary: meanEstimate(xc, s.confidence),
    delta: { estimate: meanD, ci: [ni.lowerBound, upper] },
    n,
    excluded,
    test: safeTest(() => wilcoxonSignedRank(xc, xp), 'Wilcoxon signed-rank test'),
    pairedT: pairedTTest(d, n),
    nonInferiority: ni,
  };
}

function meanEstimate(x: number[], confidence: number): ArmEstimate {
  const n = x.length;
  const m = x.reduce((a, v) => a + v, 0) / n;
  const half = tQuantile(1 - (1 - confidence) / 2, n - 1) * Math.sqrt(variance(x) / n);
  return { n, estimate: m, ci: [m - half, m + half] };
}

/** A scorer's QualityComparison as the MetricComparison `quality:<scorer>`. */
export function qualityMetric(q: QualityComparison): MetricComparison {
  return {
    metric: `quality:${q.scorer}`,
    unit: q.kind === 'pass' ? METRIC_UNITS.quality_pass : METRIC_UNITS.quality_score,
    better: 'higher',
    primary: { ...q.primary, ci: [...q.primary.ci] },
    canary: { ...q.canary, ci: [...q.canary.ci] },
    delta: { estimate: q.delta.estimate, ci: [...q.delta.ci] },
    test: { method: q.test.method, statistic: q.test.statistic, pValue: q.test.pValue },
  };
}
