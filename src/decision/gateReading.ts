/**
 * What a gate reads off its comparison, per interval kind (absolute, relative, difference, non-inferiority),
 * and the interval it is judged on: the fixed one, or under continuous monitoring its always-valid sequence.
 */
import { formatMetricValue, formatRelative } from '../format';
import type { AlwaysValidInterval, MetricComparison } from '../types';
import type { Gate } from './policyFields';

/** What `evaluateGate` may know besides the gate and the comparisons. */
export interface GateContext {
  /** Looks taken (default 1: a fixed-horizon analysis). */
  looks?: number;
  /** The gate metric's always-valid sequence (default: the comparison's own `alwaysValid`). */
  alwaysValid?: AlwaysValidInterval;
  /** Judge required/important gates on the always-valid sequence from the second look on (default true). */
  alwaysValidGates?: boolean;
}

/** A gate's value, fixed interval, threshold and good side, as its kind reads the comparison. */
export interface GateReading {
  observed: number;
  ci: [number, number];
  threshold: number;
  direction: 'above' | 'below';
  /** Samples per arm behind the interval (windows, for error-rate consistency). */
  n: number;
  /** What the value is of: 'canary', 'canary vs primary' or 'canary − primary'. */
  subject: string;
  /** Formats the value, its interval and the threshold in the metric's unit. */
  fmt: (x: number) => string;
}

/**
 * The gate's reading of `mc`: `absolute` the canary's own value, `relative` the relative change (the
 * comparison must have one), `difference` and `nonInferiority` canary − primary.
 */
export function readGate(gate: Gate, mc: MetricComparison): GateReading {
  const both = Math.min(mc.primary.n, mc.canary.n);
  const read =
    gate.kind === 'absolute'
      ? {
          value: mc.canary,
          n: mc.canary.n,
          subject: 'canary',
          fmt: (x: number) => formatMetricValue(x, mc.unit),
        }
      : gate.kind === 'relative'
        ? {
            value: mc.delta.relative as { estimate: number; ci: [number, number] },
            n: both,
            subject: 'canary vs primary',
            fmt: (x: number) => formatRelative(x),
          }
        : {
            value: mc.delta,
            n: both,
            subject: 'canary − primary',
            // A signed difference; a difference of two rates reads in percentage points, not percent.
            fmt: (x: number) => formatMetricValue(x, mc.unit, { signed: true }),
          };
  const { estimate: observed, ci } = read.value;
  return { observed, ci, ...limitOf(gate, mc), n: read.n, subject: read.subject, fmt: read.fmt };
}

/**
 * The threshold and its good side: as the gate states them, or for `nonInferiority` above −margin for a
 * higher-is-better metric and below +margin for a lower-is-better one.
 */
function limitOf(gate: Gate, mc: MetricComparison): Pick<GateReading, 'threshold' | 'direction'> {
  if (gate.kind !== 'nonInferiority')
    return { threshold: gate.threshold as number, direction: gate.direction as 'above' | 'below' };
  const margin = gate.margin as number;
  return mc.better === 'higher'
    ? { threshold: -margin, direction: 'above' }
    : { threshold: margin, direction: 'below' };
}

/** The value and interval a gate is judged on, and how the reason words them. */
export interface JudgedInterval {
  observed: number;
  ci: [number, number];
  subject: string;
  /** Samples per arm behind the judged interval. */
  n: number;
  looks: number;
  /** The always-valid sequence the gate is judged on; undefined when judged on its fixed interval. */
  sequence?: AlwaysValidInterval;
  /** Under a sequence: the fixed interval (and this run's value), said beside it. */
  fixedNote: string;
}

/**
 * From the second look of continuous monitoring on, a required or important gate is judged on its
 * always-valid confidence sequence: the fixed interval is valid for one look only. `conf` names the fixed
 * interval ('95% CI').
 */
export function judgedInterval(a: {
  gate: Gate;
  mc: MetricComparison;
  r: GateReading;
  gctx: GateContext;
  conf: string;
}): JudgedInterval {
  const { gate, mc, r, gctx, conf } = a;
  const target = gate.kind === 'absolute' ? 'canary' : gate.kind === 'relative' ? 'relative' : 'delta';
  const av = gctx.alwaysValid ?? mc.alwaysValid;
  const looks = Math.max(gctx.looks ?? 1, 1);
  const sequentialGate =
    gctx.alwaysValidGates !== false &&
    looks > 1 &&
    gate.severity !== 'recommended' &&
    av !== undefined &&
    av.target === target &&
    Number.isFinite(av.ci[0]) &&
    Number.isFinite(av.ci[1]);
  if (!(sequentialGate && av))
    return { observed: r.observed, ci: r.ci, subject: r.subject, n: r.n, looks, fixedNote: '' };
  const { fmt, ci } = r;
  let observed = r.observed;
  let subject = r.subject;
  let fixedNote: string;
  // A sequence pooled over the looks of a history (the sequential summary's) is about all looks' data, not
  // this run's: show its pooled estimate when it has one, else say which value is this run's.
  const pooled = gctx.alwaysValid !== undefined;
  const pooledEstimate = av.estimate;
  if (pooled && pooledEstimate !== undefined && Number.isFinite(pooledEstimate)) {
    fixedNote = `; this run alone ${fmt(observed)}, fixed ${conf} ${fmt(ci[0])} to ${fmt(ci[1])}`;
    observed = pooledEstimate;
    subject = `${subject}, pooled over ${looks} looks,`;
  } else if (pooled) {
    fixedNote = `; this run's fixed ${conf} ${fmt(ci[0])} to ${fmt(ci[1])}`;
    subject = `${subject} (this run)`;
  } else fixedNote = `; fixed ${conf} ${fmt(ci[0])} to ${fmt(ci[1])}, valid for one look only`;
  return { observed, ci: [av.ci[0], av.ci[1]], subject, n: av.n, looks, sequence: av, fixedNote };
}
