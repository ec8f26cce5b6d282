// Parsers of option values: each returns the value or throws commander's InvalidArgumentError (exit 2).
import { InvalidArgumentError } from 'commander';
import type { RolloutPosition } from '../index';

/** `1h`, `30m`, `90s`, `1d` or plain milliseconds → ms (at least one second). */
export function durationMs(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(v.trim());
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
  const ms = m ? Math.round(Number(m[1]) * unit[(m[2] ?? 'ms') as keyof typeof unit]) : Number.NaN;
  if (!(ms >= 1000 && Number.isSafeInteger(ms)))
    throw new InvalidArgumentError(
      `--window: expected a duration of at least 1s such as 1h, 30m or 1d, got ${JSON.stringify(v)}`,
    );
  return ms;
}

/** An integer ≥ 1 for option `name`. */
export function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be an integer >= 1.`);
    return n;
  };
}

/** An amount of USD > 0 for option `name`. */
export function positiveNumber(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!(Number.isFinite(n) && n > 0)) throw new InvalidArgumentError(`${name} must be a number > 0 (USD).`);
    return n;
  };
}

/** A share of traffic strictly between 0 and 1. */
export function share(v: string): number {
  const n = Number(v);
  if (!(n > 0 && n < 1))
    throw new InvalidArgumentError('expected a share strictly between 0 and 1, e.g. 0.05.');
  return n;
}

/** `<primary values>:<canary values>`, comma-separated and disjoint. */
export function armValuesArg(v: string): { primary: string[]; canary: string[] } {
  const sides = v.split(':');
  const list = (x: string | undefined) =>
    (x ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  const primary = list(sides[0]);
  const canary = list(sides[1]);
  if (
    sides.length !== 2 ||
    primary.length === 0 ||
    canary.length === 0 ||
    primary.some((p) => canary.includes(p))
  )
    throw new InvalidArgumentError(
      'expected <primary values>:<canary values>, comma-separated and disjoint, e.g. control,off:treatment,on.',
    );
  return { primary, canary };
}

/** `<stage>:<trafficPercent>[:<shadowPercent>]` → where the rollout stands. */
export function stageArg(v: string): RolloutPosition {
  const m = /^(shadow|flag|percentage|full):(\d+(?:\.\d+)?)(?::(\d+(?:\.\d+)?))?$/.exec(v);
  if (!m)
    throw new InvalidArgumentError(
      'expected <stage>:<trafficPercent>[:<shadowPercent>], e.g. shadow:0:5 or flag:25.',
    );
  const p: RolloutPosition = { stage: m[1] as RolloutPosition['stage'], trafficPercent: Number(m[2]) };
  if (m[3] !== undefined) p.shadowPercent = Number(m[3]);
  return p;
}
