// The scipy.stats.bootstrap fixture (test/fixtures/generate_bootstrap.py) and its Monte-Carlo tolerance,
// shared by the bootstrap tests.

export interface BootstrapCase {
  name: string;
  dataset: string;
  statistic: 'mean' | 'quantile';
  p: number | null;
  combine: 'single' | 'difference' | 'ratio';
  method: 'percentile' | 'bca';
  paired: boolean;
  estimate: number;
  lower: number;
  upper: number;
  lowerSd: number;
  upperSd: number;
  acceleration?: number;
}
export interface BootstrapFixture {
  runs: number;
  resamples: number;
  datasets: Record<string, { source: string; paired: boolean; arms: number[][] }>;
  bootstrap: BootstrapCase[];
}

/**
 * Tolerance for one of our runs against the mean of scipy's `runs` runs: the 2% of the interval
 * width, widened to 4 Monte-Carlo standard deviations where scipy's own run-to-run spread (measured by the
 * generator) is larger, as for P95 of 150 latencies whose bootstrap distribution jumps between data points.
 */
export function mcTolerance(c: { lower: number; upper: number }, sd: number, runs: number): number {
  return Math.max(0.02 * (c.upper - c.lower), 4 * sd * Math.sqrt(1 + 1 / runs));
}
