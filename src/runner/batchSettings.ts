/** runBatch's options checked and defaulted, and each arm's price resolved, before any call is made. */
import type { EvalItem } from '../types';
import type { ArmPrice, RunBatchOptions } from './batchTypes';
import { runnerMsg } from './errors';
import { validateRunId } from './runFolder';
import { isAsyncSource } from './unitSource';

/** The options runBatch works with: defaults applied, every value checked. */
export interface BatchSettings {
  concurrency: number;
  repeats: number;
  shadowRatio: number;
  outDir: string;
  liveWindow: number;
  warn: (message: string) => void;
  /** The item source is an async iterable. */
  isAsync: boolean;
  /** Price of each arm, in the order of `opts.arms`. */
  prices: ArmPrice[];
}

/**
 * Checks runBatch's options and resolves every price: an unknown model without a price is a configuration
 * error, never a silent $0.
 *
 * @throws {TypeError} on a bad runId, items or an arm without a price; {RangeError} on a bad number or no arms
 */
export function batchSettings(opts: RunBatchOptions): BatchSettings {
  const concurrency = opts.concurrency ?? 16;
  const repeats = opts.repeats ?? 1;
  const shadowRatio = opts.shadowRatio ?? 1;
  const outDir = opts.outDir ?? 'runs';
  const liveWindow = opts.liveWindow ?? 1000;
  const warn = opts.onWarning ?? ((m: string) => process.stderr.write(`canarylab: ${m}\n`));
  validateRunId(opts.runId, 'runBatch: runId');
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError(runnerMsg.badInteger('concurrency', concurrency));
  if (!Number.isInteger(repeats) || repeats < 1)
    throw new RangeError(runnerMsg.badInteger('repeats', repeats));
  if (!(shadowRatio >= 0 && shadowRatio <= 1)) throw new RangeError(runnerMsg.badShadowRatio(shadowRatio));
  if (!Number.isInteger(liveWindow) || liveWindow < 1)
    throw new RangeError(runnerMsg.badInteger('liveWindow', liveWindow));
  if (opts.arms.length === 0) throw new RangeError(runnerMsg.noArms());
  const isAsync = isAsyncSource(opts.items);
  if (!isAsync && typeof (opts.items as Iterable<EvalItem>)?.[Symbol.iterator] !== 'function')
    throw new TypeError(runnerMsg.badItems());
  return { concurrency, repeats, shadowRatio, outDir, liveWindow, warn, isAsync, prices: armPrices(opts) };
}

function armPrices(opts: RunBatchOptions): ArmPrice[] {
  return opts.arms.map((arm, i) => {
    if (arm.price) return arm.price;
    if (opts.pricing) {
      const p = opts.pricing.price(arm.gateway.model);
      const out: ArmPrice = { inputPer1M: p.inputPer1M, outputPer1M: p.outputPer1M };
      if (p.cachedInputPer1M !== undefined) out.cachedInputPer1M = p.cachedInputPer1M;
      if (p.cacheWritePer1M !== undefined) out.cacheWritePer1M = p.cacheWritePer1M;
      return out;
    }
    throw new TypeError(runnerMsg.noPrice(i, arm.name, arm.gateway.model));
  });
}
