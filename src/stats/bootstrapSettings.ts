// Reading and validating the bootstrap's options and arms (shared by bootstrapCI and quantileDifferenceCI).
import type { BootstrapSettings } from './bootstrapTypes';
import { checkCount, checkOpenUnit, checkSample, describe } from './validate';

/** @internal Reads and validates method / resamples / confidence / seed / paired with their defaults. */
export function readBootstrapSettings(
  fn: string,
  opts: {
    method?: unknown;
    resamples?: unknown;
    confidence?: unknown;
    seed?: unknown;
    paired?: unknown;
  },
): BootstrapSettings {
  const method = opts.method ?? 'bca';
  if (method !== 'percentile' && method !== 'bca') {
    throw new RangeError(`${fn}: method must be 'percentile' or 'bca', got ${describe(method)}`);
  }
  const resamples = checkCount(fn, 'resamples', opts.resamples ?? 9999, 100);
  const confidence = checkOpenUnit(fn, 'confidence', opts.confidence ?? 0.95);
  const seed = opts.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new TypeError(`${fn}: seed must be a finite number, got ${describe(seed)}`);
  }
  const paired = opts.paired ?? false;
  if (typeof paired !== 'boolean')
    throw new TypeError(`${fn}: paired must be a boolean, got ${describe(paired)}`);
  return { method, resamples, confidence, seed, paired };
}

/** @internal Validates the arms (≥ 2 finite values each, equal lengths when paired) and copies them. */
export function readArms(
  fn: string,
  samples: unknown,
  paired: boolean,
  names?: readonly string[],
): Float64Array[] {
  if (!Array.isArray(samples) || samples.length === 0) {
    throw new TypeError(
      `${fn}: samples must be a non-empty array of samples (one per arm), got ${describe(samples)}`,
    );
  }
  const arms = samples.map((s, j) => Float64Array.from(checkSample(fn, names?.[j] ?? `samples[${j}]`, s, 2)));
  if (paired) {
    for (let j = 1; j < arms.length; j++) {
      if (arms[j].length !== arms[0].length) {
        const a = names?.[0] ?? 'samples[0]';
        const b = names?.[j] ?? `samples[${j}]`;
        throw new RangeError(
          `${fn}: ${a} and ${b} must have equal lengths when paired, got ${arms[0].length} and ${arms[j].length}`,
        );
      }
    }
  }
  return arms;
}
