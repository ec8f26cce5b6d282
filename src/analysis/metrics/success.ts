/** The success-rate comparison of two arms' call counts (Wilson per arm; two-proportion z-test of the difference). */
import { twoProportionZTest } from '../../stats/twoProportionZTest';
import type { MetricComparison } from '../../types';
import { METRIC_UNITS, type Settings } from '../options';
import type { CallStats } from '../summary/types';
import { wilson } from './shared';

/** success_rate: ok / calls per arm; null when an arm has no calls. */
export function successRate(p: CallStats, c: CallStats, s: Settings): MetricComparison | null {
  if (p.calls === 0 || c.calls === 0) return null;
  const t = twoProportionZTest(c.ok, c.calls, p.ok, p.calls, { confidence: s.confidence });
  return {
    metric: 'success_rate',
    unit: METRIC_UNITS.success_rate,
    better: 'higher',
    primary: wilson(p.ok, p.calls, s.confidence),
    canary: wilson(c.ok, c.calls, s.confidence),
    delta: { estimate: t.estimate as number, ci: t.ci as [number, number] },
    test: { method: t.method, statistic: t.statistic, pValue: t.pValue },
  };
}
