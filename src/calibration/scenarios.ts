/**
 * The calibration scenarios: synthetic canaries with known truth against the default policy's gates
 * (success > 99.5% required, P95 < 3 s required, cost per 1K tokens up < 20% important, quality not worse
 * than −2 points important, error-rate consistency τ < 0.1 points recommended).
 */
import { type ArmTruth, BASE_ARM, type Burst, DEFAULT_DISCORDANCE, type GeneratorTruth } from './generate';

/**
 * How a scenario's verdicts are judged:
 * - `good`: every gate's truth is on the good side; a rollback is wrong (false rollback);
 * - `bad`: some required or important gate's truth is on the bad side; a promotion is wrong;
 * - `boundary`: one gate's truth sits exactly on its threshold; a promotion is wrong (it was not shown);
 * - `burst` / `steady`: the error-rate consistency truth (between-window SD far above / exactly 0);
 *   wrong = the consistency gate passing (burst) or failing (steady); verdicts are reported as well.
 */
export type Truth = 'good' | 'bad' | 'boundary' | 'burst' | 'steady';

export interface Scenario {
  id: string;
  title: string;
  truth: Truth;
  /** The verdict a correct decision reaches (for sequential monitoring, where it stops). */
  expected: 'promote' | 'hold' | 'rollback' | 'n/a';
  generator: GeneratorTruth;
}

const arm = (over: Partial<ArmTruth>): ArmTruth => ({ ...BASE_ARM, ...over });
const scenario = (
  id: string,
  title: string,
  truth: Truth,
  expected: Scenario['expected'],
  canary: Partial<ArmTruth>,
  extra: { burst?: Burst; discordance?: number } = {},
): Scenario => ({
  id,
  title,
  truth,
  expected,
  generator: {
    primary: BASE_ARM,
    canary: arm(canary),
    discordance: extra.discordance ?? DEFAULT_DISCORDANCE,
    spanHours: 24,
    ...(extra.burst ? { burst: extra.burst } : {}),
  },
});

/** Latency truth with the P95 at `p95` ms and the primary's shape (P50/P95 ratio 0.4). */
const latencyAt = (p95: number) => ({ p50Ms: (p95 * BASE_ARM.p50Ms) / BASE_ARM.p95Ms, p95Ms: p95 });
/** Prices scaled by `f` (cost per 1K tokens × f in expectation: the token mix is the primary's). */
const pricedAt = (f: number) => ({
  inputPer1M: BASE_ARM.inputPer1M * f,
  outputPer1M: BASE_ARM.outputPer1M * f,
});

/** Every scenario of the published table (issue 17 point 1). */
export const SCENARIOS: readonly Scenario[] = [
  scenario('identical', 'identical to the primary', 'good', 'promote', {}),
  scenario('better5', 'quality 5 points better', 'good', 'promote', {
    qualityPass: BASE_ARM.qualityPass + 0.05,
  }),
  scenario('steady03', 'steady errors at 0.3% (success 99.7%)', 'steady', 'n/a', { successRate: 0.997 }),
  scenario('worse3', 'quality 3 points worse (margin 2)', 'bad', 'hold', {
    qualityPass: BASE_ARM.qualityPass - 0.03,
  }),
  scenario('worse8', 'quality 8 points worse', 'bad', 'hold', { qualityPass: BASE_ARM.qualityPass - 0.08 }),
  scenario('success990', 'success rate 99.0%', 'bad', 'rollback', { successRate: 0.99 }),
  scenario('p95_3300', 'P95 latency 3.3 s', 'bad', 'rollback', latencyAt(3300)),
  scenario('cost130', 'cost per 1K tokens +30%', 'bad', 'hold', pricedAt(1.3)),
  scenario('edge_success', 'on the threshold: success 99.5%', 'boundary', 'n/a', { successRate: 0.995 }),
  scenario('edge_p95', 'on the threshold: P95 3,000 ms', 'boundary', 'n/a', latencyAt(3000)),
  scenario('edge_cost', 'on the threshold: cost +20%', 'boundary', 'n/a', pricedAt(1.2)),
  scenario('edge_quality', 'on the threshold: quality −2 points', 'boundary', 'n/a', {
    qualityPass: BASE_ARM.qualityPass - 0.02,
  }),
  // One hour of 24 at 8% errors, the other 23 at 0.1%: overall (23·0.1% + 8%)/24 = 0.43% errors, so the
  // overall success rate 99.57% stays above 99.5%.
  scenario(
    'burst',
    'one-hour error burst (8% for 1 h of 24; overall success 99.57%)',
    'burst',
    'n/a',
    {},
    { burst: { startHour: 13, hours: 1, errorRate: 0.08 } },
  ),
];

/** Production-log sizes for the consistency gate: calls per day per arm and days of hourly windows. */
export interface ProductionSize {
  callsPerDay: number;
  days: number;
}

export const PRODUCTION_SIZES: readonly ProductionSize[] = [
  { callsPerDay: 50_000, days: 1 },
  { callsPerDay: 50_000, days: 7 },
  { callsPerDay: 200_000, days: 1 },
];

/** The scenarios whose consistency gate is calibrated at production-log sizes. */
export const CONSISTENCY_SCENARIOS = ['burst', 'steady03'] as const;
