/**
 * The decision layer's error class and every message the decision layer puts in an error, in one place:
 * the sequential history file (SequentialHistoryError, stable code), the checks of a look's counts and
 * options (RangeError), the rollout position (RangeError), decision.json (Error) and a policy file that cannot be read
 * (ConfigError). The policy's semantic problems are listed with their checks in policyChecks.ts.
 */

/** A history file that cannot be read or does not fit the options (code CANARYLAB_ERR_SEQUENTIAL_HISTORY). */
export class SequentialHistoryError extends Error {
  readonly code = 'CANARYLAB_ERR_SEQUENTIAL_HISTORY';
  readonly file: string;
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'SequentialHistoryError';
    this.file = file;
  }
}

/** Message builders of the decision layer, grouped by where they are raised. */
export const decisionMsg = {
  // the history file (SequentialHistoryError, after '<file>: ')
  historyUnreadable: (code: string | undefined) => `cannot read the file (${code})`,
  historyNotJson: (detail: string) => `not valid JSON (${detail})`,
  historyNotHistory: () => 'not a sequential history file (expected { version: 1, entries: [...] })',
  historyAlpha: (got: unknown) => `alpha: expected a number in (0, 1), got ${JSON.stringify(got)}`,
  historyPositive: (field: 'tuning' | 'nExpected', got: unknown) =>
    `${field}: expected a number > 0, got ${JSON.stringify(got)}`,
  historyEntry: (i: number, detail: string) => `entries[${i}].${detail}`,
  historyDiffers: (field: string, given: unknown, started: unknown) =>
    `${field} ${given} differs from the ${started} this history was started with; start a new history file to change it`,
  // a look's options and counts (RangeError)
  runIdEmpty: () => 'updateSequentialHistory: runId must be a non-empty string',
  optionNotPositive: (field: string, got: unknown) =>
    `updateSequentialHistory: ${field} must be a finite number > 0, got ${String(got)}`,
  entryRunId: () => 'runId: expected a string',
  countsShape: (name: string, arm: string, got: unknown) =>
    `${name}.${arm}: expected { n, successes } with integers >= 0, got ${JSON.stringify(got)}`,
  countsSuccesses: (field: string, n: number, successes: number) =>
    `${field}.successes: expected <= n (${n}), got ${successes}`,
  pairsField: (name: string, field: string, got: unknown) =>
    `${name}.${field}: expected an integer >= 0, got ${JSON.stringify(got)}`,
  pairsSum: (name: string, n: number, bc: number) => `${name}: expected b + c <= n (${n}), got ${bc}`,
  gateInputShape: () => 'gateInput: expected an object { success?, latencyMs?, cost?, qualityPairs? }',
  gateInputSuccess: (got: unknown) =>
    `gateInput.success: expected { calls, ok } integers with ok <= calls, got ${JSON.stringify(got)}`,
  gateInputLatency: () =>
    'gateInput.latencyMs: expected { count, zeros, buckets: [index, count][] } with integer counts',
  gateInputCost: (arm: string, keys: readonly string[]) =>
    `gateInput.cost.${arm}: expected finite ${keys.join(', ')}`,
  noSuccessRate: (runId: string) =>
    `sequentialCountsFrom: analysis of ${runId} has no success_rate comparison`,
  // the rollout position (RangeError)
  positionNotInPlan: (where: string) => `decide: position ${where} is not a step of the policy's plan`,
  // decision.json (Error, after '<file>: ')
  decisionUnreadable: (code: string | undefined) => `cannot read the decision (${code ?? 'error'})`,
  decisionNotJson: (detail: string) => `not valid JSON (${detail})`,
  // a policy file (ConfigError lines)
};
