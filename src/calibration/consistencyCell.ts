import { errorRateConsistencyComparison } from '../analysis/consistency';
import { evaluateGate } from '../decision/decide';
import type { Policy } from '../decision/policy';
import type { GateResult } from '../types';
import { calibrationMsg } from './errors';
import { type GeneratorTruth, generateHourlyCounts } from './generate';
import type { ProductionSize } from './scenarios';

/**
 * One draw of hourly window counts for both arms at a production-log size, judged by the policy's
 * error-rate consistency gate (metric `error_rate_consistency`) through the same comparison the analysis
 * publishes.
 *
 * @throws {RangeError} when the policy has no gate on `error_rate_consistency`
 * @example
 * consistencyGateOnly({ truth, size: { callsPerDay: 50_000, days: 1 }, seed: 1, policy: DEFAULT_POLICY }).status;
 */
export function consistencyGateOnly(a: {
  truth: GeneratorTruth;
  size: ProductionSize;
  seed: number;
  policy: Policy;
}): GateResult {
  const gate = a.policy.gates.find((g) => g.metric === 'error_rate_consistency');
  if (!gate) throw new RangeError(calibrationMsg.noConsistencyGate());
  const draw = (arm: 'primary' | 'canary', k: number) =>
    generateHourlyCounts({
      truth: a.truth,
      arm,
      callsPerDay: a.size.callsPerDay,
      days: a.size.days,
      seed: a.seed * 7 + k,
    });
  const mc = errorRateConsistencyComparison({
    primary: draw('primary', 1),
    canary: draw('canary', 2),
    confidence: a.policy.confidence,
  });
  const g = mc ? evaluateGate({ ...gate, whenMissing: 'inconclusive' }, [mc], a.policy.confidence) : null;
  if (!g) throw new RangeError(calibrationMsg.tooFewWindows());
  return g;
}
