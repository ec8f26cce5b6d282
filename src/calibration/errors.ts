/** Every message the calibration puts in an error (RangeError), in one place: the generator's truth and the cells. */
export const calibrationMsg = {
  // the generator's truth (checkTruth)
  negativeProbability: (name: string, v: number) =>
    `calibration truth: ${name} = ${v} < 0; raise discordance`,
  successRate: (arm: string, got: number) =>
    `calibration truth: ${arm}.successRate must be in [0, 1], got ${got}`,
  latency: (arm: string) => `calibration truth: ${arm} needs 0 < p50Ms < p95Ms`,
  // the production-log consistency cells
  noConsistencyGate: () => 'calibration: the policy has no gate on error_rate_consistency',
  tooFewWindows: () => 'calibration: fewer than 2 hourly windows',
};
