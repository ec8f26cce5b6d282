/**
 * The whole calibration: every scenario at n = 1,319 and 5,000 and under sequential monitoring, the
 * consistency gate at production-log sizes, and the goals of issue 17 checked against the numbers.
 */
import type { AnalyzeOptions } from '../analysis/types';
import { DEFAULT_POLICY, type Policy } from '../decision/policy';
import { formatFixedPercent, formatNumber } from '../format';
import { type CellResult, fixedCell, productionConsistencyCell, sequentialCell } from './calibrate';
import { fixedHorizonN, promotePower } from './fixedHorizon';
import { DEFAULT_DISCORDANCE } from './generate';
import {
  CONSISTENCY_SCENARIOS,
  PRODUCTION_SIZES,
  type ProductionSize,
  SCENARIOS,
  type Scenario,
} from './scenarios';

export interface CalibrationOptions {
  /** Runs per cell (the published table: ≥ 200). */
  runs: number;
  seed?: number;
  /** Fixed sample sizes (items per arm); default [1319, 5000]. */
  sizes?: number[];
  /** Items per look and looks of the sequential cells; default 500 and 30; lookSize 0 skips them. */
  lookSize?: number;
  maxLooks?: number;
  /** Items per arm the always-valid sequences are tuned for (default lookSize × policy.sequential.expectedLooks). */
  expectedSamples?: number;
  /** Extra sequential cells of the good scenarios with the sequences tuned to these sizes (sensitivity). */
  alsoTunedTo?: number[];
  /** Scenario ids to run (default all). */
  scenarios?: string[];
  productionSizes?: ProductionSize[];
  policy?: Policy;
  analyze?: AnalyzeOptions;
  /** Called after every cell (progress). */
  onCell?: (c: CellResult) => void;
}

/** One goal of issue 17 point 2 with the measured number and whether it is met. */
export interface GoalCheck {
  goal: string;
  measured: string;
  met: boolean;
}

export interface SequentialEfficiency {
  scenario: string;
  /** The sequential design (its tuning when not the default). */
  design: string;
  /** Share promoted within maxLooks (the sequential design's power). */
  power: number;
  medianToCorrect?: number;
  p90ToCorrect?: number;
  /** Items per arm a fixed-horizon design needs for the same power (normal approximation). */
  fixedN: number;
  /** 1 − median / fixedN. */
  saving?: number;
}

export interface CalibrationResult {
  options: { runs: number; seed: number; sizes: number[]; lookSize: number; maxLooks: number };
  assumptions: string[];
  cells: CellResult[];
  efficiency: SequentialEfficiency[];
  /** Normal-approximation power to promote of the good scenarios at the fixed sizes (check of the formula). */
  predicted: Array<{ scenario: string; n: number; power: number }>;
  goals: GoalCheck[];
  seconds: number;
}

export const ASSUMPTIONS = [
  'Synthetic runs through the real analyzeRun (default options, segments off) and decide with the default policy.',
  'Pairing: every item goes to both arms at the same moment; call times uniform over 24 hours; prompt tokens shared by the item, everything else drawn independently per arm.',
  `Quality: one pass/fail scorer on ok calls; primary passes 80%; the arms disagree on ${Math.round(DEFAULT_DISCORDANCE * 100)}% of items (discordance), so a canary Δ points better passes where the primary fails on (15 + Δ)/2% of items and the reverse on (15 − Δ)/2%.`,
  'Success: 99.9% per call for both arms unless the scenario says otherwise (failed calls are excluded from latency, cost and quality).',
  'Latency of ok calls: lognormal, P50 800 ms and P95 2,000 ms (P95 scenarios scale both).',
  'Tokens: prompt uniform 150–450, completion lognormal (median 200, P95 600); prices $2 / $8 per 1M input / output tokens (cost scenarios scale both).',
  'Sequential monitoring: each look adds a batch of new items to both arms (look k covers hours 0.8·(k − 1) to 0.8·k of the day, so the burst hour falls in looks 17–18); all data so far is analysed (merged summaries, equal to analyzeRun on every record so far), the gate metrics get always-valid sequences (tuned as the product tunes a new history: the first look × policy.sequential.expectedLooks = 500 × 8 = 4,000 items per arm, unless the design says otherwise) and decide() is told the look number; monitoring stops at the first promote, rollback, or hold on a failed required/important gate.',
  'Production-log consistency cells: hourly (calls, failures) counts per arm drawn directly (Poisson calls per hour, binomial failures) and judged by the consistency gate alone.',
];

/**
 * Runs every cell and checks the goals.
 *
 * @example
 * const r = runCalibration({ runs: 200 }); r.goals.every((g) => g.met);
 */
export function runCalibration(o: CalibrationOptions): CalibrationResult {
  const t0 = performance.now();
  const seed = o.seed ?? 20261206;
  const sizes = o.sizes ?? [1319, 5000];
  const lookSize = o.lookSize ?? 500;
  const maxLooks = o.maxLooks ?? 30;
  const policy = o.policy ?? DEFAULT_POLICY;
  const scenarios = SCENARIOS.filter((s) => !o.scenarios || o.scenarios.includes(s.id));
  const cells: CellResult[] = [];
  const push = (c: CellResult) => {
    cells.push(c);
    o.onCell?.(c);
  };
  for (const s of scenarios) {
    // Each scenario's seeds depend on its place in SCENARIOS only, so a subset (or a parallel job) draws
    // exactly the runs the whole table draws.
    const base = seed + 100_000 * SCENARIOS.indexOf(s);
    for (const n of sizes)
      push(fixedCell({ scenario: s, n, runs: o.runs, seed: base + n, policy, analyze: o.analyze }));
    if (lookSize > 0)
      push(
        sequentialCell({
          scenario: s,
          lookSize,
          maxLooks,
          ...(o.expectedSamples !== undefined ? { expectedSamples: o.expectedSamples } : {}),
          runs: o.runs,
          seed: base + 7,
          policy,
          analyze: o.analyze,
        }),
      );
    if (lookSize > 0 && s.truth === 'good')
      for (const tuned of o.alsoTunedTo ?? [])
        push(
          sequentialCell({
            scenario: s,
            lookSize,
            maxLooks,
            expectedSamples: tuned,
            runs: o.runs,
            seed: base + 7,
            policy,
            analyze: o.analyze,
          }),
        );
  }
  for (const id of CONSISTENCY_SCENARIOS) {
    const s = scenarios.find((x) => x.id === id);
    if (!s) continue;
    (o.productionSizes ?? PRODUCTION_SIZES).forEach((size, i) => {
      push(
        productionConsistencyCell({
          scenario: s,
          size,
          runs: o.runs,
          seed: seed + 9_000_000 + 1000 * i,
          policy,
        }),
      );
    });
  }
  return finishCalibration(
    cells,
    { runs: o.runs, seed, sizes, lookSize, maxLooks },
    (performance.now() - t0) / 1000,
  );
}

/**
 * The table's derived parts (sequential vs fixed horizon, predicted powers, goals) from cells, which may come
 * from several processes run in parallel (`npm run calibrate -- --jobs 2`).
 */
export function finishCalibration(
  cells: CellResult[],
  options: CalibrationResult['options'],
  seconds: number,
): CalibrationResult {
  const present = new Set(cells.map((c) => c.scenario));
  const scenarios = SCENARIOS.filter((s) => present.has(s.id));
  const order = (c: CellResult) =>
    SCENARIOS.findIndex((s) => s.id === c.scenario) + (c.design.startsWith('logs') ? 1000 : 0);
  const sorted = cells
    .map((c, i) => ({ c, i }))
    .sort((a, b) => order(a.c) - order(b.c) || a.i - b.i)
    .map((x) => x.c);
  const efficiency = sequentialEfficiency(scenarios, sorted);
  const predicted = scenarios
    .filter((s) => s.truth === 'good')
    .flatMap((s) =>
      options.sizes.map((n) => ({ scenario: s.id, n, power: promotePower({ truth: s.generator, n }) })),
    );
  return {
    options,
    assumptions: ASSUMPTIONS,
    cells: sorted,
    efficiency,
    predicted,
    goals: checkGoals(sorted, efficiency),
    seconds,
  };
}

function sequentialEfficiency(scenarios: readonly Scenario[], cells: CellResult[]): SequentialEfficiency[] {
  const out: SequentialEfficiency[] = [];
  for (const s of scenarios) {
    if (s.truth !== 'good') continue;
    for (const c of cells) {
      if (c.scenario !== s.id || !c.sequential) continue;
      const power = Math.min(c.promote.rate, 0.995);
      const fixedN = fixedHorizonN({ truth: s.generator, power });
      const med = c.sequential.medianToCorrect;
      out.push({
        scenario: s.id,
        design: c.design,
        power: c.promote.rate,
        medianToCorrect: med,
        p90ToCorrect: c.sequential.p90ToCorrect,
        fixedN,
        ...(med !== undefined && Number.isFinite(fixedN) ? { saving: 1 - med / fixedN } : {}),
      });
    }
  }
  return out;
}

/** Issue 17 point 2, checked against the cells. */
export function checkGoals(allCells: CellResult[], allEfficiency: SequentialEfficiency[]): GoalCheck[] {
  const goals: GoalCheck[] = [];
  // The goals are read on the main designs; other tunings of the sequences are reported beside them.
  const main = (design: string) => !design.includes('tuned to');
  const cells = allCells.filter((c) => main(c.design));
  const efficiency = allEfficiency.filter((e) => main(e.design));
  const bad = cells.filter(
    (c) => (c.truth === 'bad' || c.truth === 'boundary') && !c.design.startsWith('logs'),
  );
  if (bad.length > 0)
    goals.push(
      worstCellGoal({
        goal: 'false promotion ≤ 5% in every bad scenario and at every threshold boundary, fixed-n and sequential',
        cells: bad,
        rate: (c) => c.promote.rate,
        limit: 0.05,
      }),
    );
  const good = cells.filter(
    (c) => (c.truth === 'good' || c.truth === 'steady') && !c.design.startsWith('logs'),
  );
  if (good.length > 0)
    goals.push(
      worstCellGoal({
        goal: 'false rollback ≤ 1% for good canaries',
        cells: good,
        rate: (c) => c.rollback.rate,
        limit: 0.01,
      }),
    );
  const seqGood = cells.filter((c) => c.truth === 'good' && c.sequential);
  if (seqGood.length > 0) {
    goals.push({
      goal: 'sequential: a good canary is promoted within 30 looks in ≥ 90% of runs',
      measured: seqGood.map((c) => `${c.title} ${formatFixedPercent(c.promote.rate)}`).join('; '),
      met: seqGood.every((c) => c.promote.rate >= 0.9),
    });
  }
  if (efficiency.length > 0) {
    goals.push({
      goal: 'sequential: median samples to a correct verdict ≥ 30% below the fixed-horizon size of the same power',
      measured: efficiency
        .map(
          (e) =>
            `${e.scenario}: median ${e.medianToCorrect !== undefined ? formatNumber(e.medianToCorrect) : '—'} vs fixed ${Number.isFinite(e.fixedN) ? formatNumber(e.fixedN) : '∞'} (${e.saving !== undefined ? `${formatFixedPercent(e.saving)} fewer` : '—'})`,
        )
        .join('; '),
      met: efficiency.every((e) => e.saving !== undefined && e.saving >= 0.3),
    });
  }
  const burst = cells.filter((c) => c.scenario === 'burst' && c.design.startsWith('logs'));
  if (burst.length > 0)
    goals.push(
      logsCellGoal({
        goal: 'consistency gate fails the one-hour burst in ≥ 80% of runs at ≥ 50,000 calls a day',
        cells: burst,
        rate: (c) => c.consistency?.fail.rate ?? 0,
        min: 0.8,
      }),
    );
  const steady = cells.filter((c) => c.scenario === 'steady03' && c.design.startsWith('logs'));
  if (steady.length > 0)
    goals.push(
      logsCellGoal({
        goal: 'consistency gate passes steady 0.3% errors in ≥ 95% of runs at ≥ 50,000 calls a day',
        cells: steady,
        rate: (c) => c.consistency?.pass.rate ?? 0,
        min: 0.95,
      }),
    );
  return goals;
}

/** The goal that `rate` stays ≤ `limit` in every cell, measured by the worst cell. */
function worstCellGoal(a: {
  goal: string;
  cells: CellResult[];
  rate: (c: CellResult) => number;
  limit: number;
}): GoalCheck {
  const { goal, cells, rate, limit } = a;
  const worst = cells.reduce((a, c) => (rate(c) > rate(a) ? c : a));
  return {
    goal,
    measured: `worst ${formatFixedPercent(rate(worst))} (${worst.title}, ${worst.design})`,
    met: cells.every((c) => rate(c) <= limit),
  };
}

/** The goal that `rate` reaches `min` in every production-log cell, measured cell by cell (design's size). */
function logsCellGoal(a: {
  goal: string;
  cells: CellResult[];
  rate: (c: CellResult) => number;
  min: number;
}): GoalCheck {
  const { goal, cells, rate, min } = a;
  return {
    goal,
    measured: cells.map((c) => `${c.design.split(' (')[0]}: ${formatFixedPercent(rate(c))}`).join('; '),
    met: cells.every((c) => rate(c) >= min),
  };
}
