import type { CallRecord, EvalItem } from '../types';
import type { ScoreContext, ScoreResult, Scorer } from './types';

/**
 * A scorer from any function of the item and the call (sync or async). What it returns is checked by
 * `scoreRun`: a non-finite score is recorded as an error, never as a score.
 * @example
 * customScorer('mentionsUser', (item, record) => ({ score: record.content?.includes('you') ? 1 : 0 }));
 */
export function customScorer(
  name: string,
  fn: (item: EvalItem, record: CallRecord, ctx?: ScoreContext) => ScoreResult | Promise<ScoreResult>,
): Scorer {
  if (typeof name !== 'string' || name.trim() === '')
    throw new TypeError('customScorer: name: expected a non-empty string');
  if (typeof fn !== 'function') throw new TypeError(`customScorer ${name}: fn: expected a function`);
  return { name, kind: 'custom', score: fn };
}

/** One weighted check of a {@link rubric}. */
export interface RubricCheck {
  scorer: Scorer;
  /** Positive weight; the rubric's score is the weighted mean of its checks' scores. Default 1. */
  weight?: number;
  /**
   * The check's score range, mapped to 0–1 before weighting: default [0, 1]; e.g. [1, 10] for a judge.
   * A score outside it is an error.
   */
  scale?: readonly [number, number];
  /**
   * The rubric fails whatever its score when this check fails (its `pass` is false or, when it gives no
   * `pass`, its scaled score is below the rubric's passThreshold).
   */
  required?: boolean;
}

/**
 * Composes checks into one scorer: score = Σ weight·scaled score / Σ weight (0–1), pass = score ≥
 * passThreshold and every required check passed. The checks run concurrently; if any of them throws,
 * the rubric throws (its record is an error naming the check): a missing part is never scored as 0.
 * @example
 * rubric({
 *   name: 'jsonAnswer',
 *   checks: [{ scorer: isValidJson(), weight: 2, required: true }, { scorer: lengthBounds({ maxTokens: 200 }) }],
 *   passThreshold: 0.8,
 * });
 */
export function rubric(opts: {
  name: string;
  checks: readonly RubricCheck[];
  passThreshold: number;
}): Scorer {
  const { name, checks, passThreshold } = opts;
  if (typeof name !== 'string' || name.trim() === '')
    throw new TypeError('rubric: name: expected a non-empty string');
  if (!Array.isArray(checks) || checks.length === 0) {
    throw new TypeError(`rubric ${name}: checks: expected a non-empty array of { scorer, weight }`);
  }
  if (!(passThreshold >= 0 && passThreshold <= 1)) {
    throw new RangeError(`rubric ${name}: passThreshold: expected a number in [0, 1], got ${passThreshold}`);
  }
  checks.forEach((c, i) => {
    if (typeof c?.scorer?.score !== 'function') {
      throw new TypeError(`rubric ${name}: checks[${i}].scorer: expected a Scorer`);
    }
    const w = c.weight ?? 1;
    if (!(w > 0 && Number.isFinite(w)))
      throw new RangeError(`rubric ${name}: checks[${i}].weight: expected > 0, got ${w}`);
    if (c.scale && !(c.scale[1] > c.scale[0])) {
      throw new RangeError(`rubric ${name}: checks[${i}].scale: expected [min, max] with max > min`);
    }
  });
  const total = checks.reduce((s, c) => s + (c.weight ?? 1), 0);
  const judge = checks.some((c) => c.scorer.kind === 'judge');
  return {
    name,
    kind: judge ? 'judge' : 'rubric',
    async score(item, record, ctx) {
      const results = await Promise.all(
        checks.map(async (c) => {
          try {
            return await c.scorer.score(item, record, ctx);
          } catch (e) {
            throw new Error(
              `rubric ${name}: check ${c.scorer.name}: ${e instanceof Error ? e.message : String(e)}`,
              {
                cause: e,
              },
            );
          }
        }),
      );
      let sum = 0;
      let requiredFailed = false;
      const parts: string[] = [];
      results.forEach((r, i) => {
        const c = checks[i];
        const [lo, hi] = c.scale ?? [0, 1];
        if (typeof r?.score !== 'number' || !Number.isFinite(r.score) || r.score < lo || r.score > hi) {
          throw new RangeError(
            `rubric ${name}: check ${c.scorer.name}: score ${r?.score} outside its scale [${lo}, ${hi}]`,
          );
        }
        const scaled = (r.score - lo) / (hi - lo);
        sum += (c.weight ?? 1) * scaled;
        const passed = r.pass ?? scaled >= passThreshold;
        if (c.required && !passed) requiredFailed = true;
        parts.push(
          `${c.scorer.name} ${+scaled.toFixed(3)}${c.required && !passed ? ' (required, failed)' : ''}`,
        );
      });
      const score = sum / total;
      const judges = results.filter((r) => r.judge);
      const out: ScoreResult = {
        score,
        pass: score >= passThreshold && !requiredFailed,
        reason: parts.join('; ').slice(0, 500),
      };
      if (judges.length === 1) out.judge = judges[0].judge;
      return out;
    },
  };
}
