/**
 * The summary layer's error (SummaryError, with a stable code: match on `code`, not on the message) and
 * every message it carries, in one place: bad values and options, malformed histograms and summaries,
 * incompatible summaries, too few values for an interval.
 */

/** A summary that cannot be built, merged or read, with a stable code (SUMMARY_BAD_VALUE, …). */
export class SummaryError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'SummaryError';
    this.code = code;
  }
}

/** Message builders of src/analysis/summary, grouped by where they are raised. */
export const summaryMsg = {
  // a field of a histogram or summary read from JSON (checkHistogram, checkSummary)
  badField: (where: string, field: string, expected: string, got: unknown) =>
    `${where}.${field}: expected ${expected}, got ${JSON.stringify(got)}`,
  // values and options
  badStart: (call: string, startedAt: unknown) =>
    `call ${call}: startedAt: expected an ISO-8601 time after 1970, got ${JSON.stringify(startedAt)}`,
  badWindow: (widthMs: number) => `summarizeCalls: windowMs: expected an integer >= 1, got ${widthMs}`,
  badArm: (itemId: string, arm: unknown) => `call ${itemId}: arm: expected primary or canary, got ${arm}`,
  inCall: (call: string, message: string) => `call ${call}: ${message}`,
  badBucketValue: (x: number) => `bucketIndex: expected a finite number > 0, got ${x}`,
  badHistogramValue: (x: number) => `histogram: expected a finite number >= 0, got ${x}`,
  rankOutside: (k: number, n: number) => `order statistic: rank ${k} outside 1..${n}`,
  badQuantileP: (p: number) => `histogramQuantile: p: expected a number in [0, 1], got ${p}`,
  emptyHistogram: (fn: string) => `${fn}: the histogram is empty`,
  badRanksOption: (field: string, expected: string, got: number) =>
    `orderStatisticRanks: ${field}: expected ${expected}, got ${got}`,
  // merging
  versionsDiffer: (a: unknown, b: unknown) => `mergeSummaries: versions differ (${a} and ${b})`,
  schemesDiffer: (a: unknown, b: unknown) =>
    `mergeSummaries: histogram schemes differ (${JSON.stringify(a)} and ${JSON.stringify(b)})`,
  widthsDiffer: (a: number, b: number) =>
    `mergeSummaries: window widths differ (${a} and ${b} ms); summarise both with the same windowMs`,
  // ratios from sums
  tooFewPriced: (which: string, n: number) => `${which}: fewer than 2 priced calls (${n}); no ratio interval`,
  zeroDenominator: (which: string, sumDen: number) =>
    `${which}: the denominators sum to ${sumDen}; expected > 0`,
  ratioNotPositive: (arm: string, ratio: number) => `${arm}: the ratio must be positive, got ${ratio}`,
};
