/** Pass/fail counts of a look: arithmetic (zero, copy, add) and the checks of counts, pairs and gate data. */
import type { AlwaysValidInput } from '../analysis/alwaysValid';
import { decisionMsg } from './errors';
import type { PairedCounts, SequentialCounts } from './sequentialTypes';

export const zeroCounts = (): SequentialCounts => ({
  primary: { n: 0, successes: 0 },
  canary: { n: 0, successes: 0 },
});
export const copyCounts = (c: SequentialCounts): SequentialCounts => ({
  primary: { n: c.primary.n, successes: c.primary.successes },
  canary: { n: c.canary.n, successes: c.canary.successes },
});
export const addCounts = (a: SequentialCounts, b: SequentialCounts): SequentialCounts => ({
  primary: { n: a.primary.n + b.primary.n, successes: a.primary.successes + b.primary.successes },
  canary: { n: a.canary.n + b.canary.n, successes: a.canary.successes + b.canary.successes },
});

/** @throws {RangeError} naming `name`.arm when a count is not an integer >= 0 or successes > n */
export function checkCounts(name: string, c: SequentialCounts): void {
  for (const arm of ['primary', 'canary'] as const) {
    const x = c?.[arm];
    if (!x || !Number.isSafeInteger(x.n) || x.n < 0 || !Number.isSafeInteger(x.successes) || x.successes < 0)
      throw new RangeError(decisionMsg.countsShape(name, arm, x));
    if (x.successes > x.n)
      throw new RangeError(decisionMsg.countsSuccesses(`${name}.${arm}`, x.n, x.successes));
  }
}

/** @throws {RangeError} naming `name`.field when b, c or n is not an integer >= 0 or b + c > n */
export function checkPairs(name: string, p: PairedCounts): void {
  for (const k of ['b', 'c', 'n'] as const) {
    if (!Number.isSafeInteger(p?.[k]) || p[k] < 0)
      throw new RangeError(decisionMsg.pairsField(name, k, p?.[k]));
  }
  if (p.b + p.c > p.n) throw new RangeError(decisionMsg.pairsSum(name, p.n, p.b + p.c));
}

/** Light shape check of a stored look's gate data, so a damaged file fails with the field's name. */
export function checkGateInput(g: AlwaysValidInput): void {
  if (g === null || typeof g !== 'object' || Array.isArray(g))
    throw new RangeError(decisionMsg.gateInputShape());
  const int = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  if (
    g.success !== undefined &&
    !(int(g.success?.calls) && int(g.success?.ok) && g.success.ok <= g.success.calls)
  )
    throw new RangeError(decisionMsg.gateInputSuccess(g.success));
  if (g.latencyMs !== undefined) {
    const h = g.latencyMs;
    const ok =
      h !== null &&
      int(h.count) &&
      int(h.zeros) &&
      Array.isArray(h.buckets) &&
      h.buckets.every((b) => Array.isArray(b) && Number.isSafeInteger(b[0]) && int(b[1]));
    if (!ok) throw new RangeError(decisionMsg.gateInputLatency());
  }
  if (g.cost !== undefined) {
    for (const arm of ['primary', 'canary'] as const) {
      const c = g.cost?.[arm];
      const keys = ['n', 'sumCost', 'sumTokens', 'sumCost2', 'sumTokens2', 'sumCostTokens'] as const;
      if (!c || !keys.every((k) => typeof c[k] === 'number' && Number.isFinite(c[k])))
        throw new RangeError(decisionMsg.gateInputCost(arm, keys));
    }
  }
  if (g.qualityPairs !== undefined) checkPairs('gateInput.qualityPairs', g.qualityPairs);
}
