/** runBatch's workers: `concurrency` of them pull units from the source, each arm under its own limit. */
import type { SpendBudget } from '../gateway/budget';
import { type BatchRun, runUnit } from './runUnit';
import type { Unit, UnitSource } from './unitSource';

/** A counting semaphore (FIFO). */
class Semaphore {
  private waiters: Array<() => void> = [];
  constructor(private free: number) {}
  acquire(): Promise<void> | undefined {
    if (this.free > 0) {
      this.free--;
      return undefined;
    }
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.free++;
  }
}

/**
 * Runs the units of `source` with `concurrency` workers until the source ends or the spend cap stops the
 * run. Every worker runs to its end even when one fails, so no call is left running unrecorded; then the
 * first failure is thrown.
 */
export async function runWorkers(
  run: BatchRun,
  source: UnitSource,
  o: { concurrency: number; budget: SpendBudget | undefined },
): Promise<void> {
  // Per-arm limits below the global one: a worker holding a global slot waits for its arm's slot (so the
  // item order, both arms adjacent, is kept).
  const armLimits = run.arms.map((a) =>
    a.concurrency !== undefined && a.concurrency < o.concurrency ? new Semaphore(a.concurrency) : null,
  );
  const worker = async (): Promise<void> => {
    while (!source.ended) {
      if (run.stoppedForBudget) return;
      const next = source.sync ? source.sync.next() : await (source.async as AsyncGenerator<Unit>).next();
      if (next.done) {
        source.ended = true;
        return;
      }
      // Checked with a unit in hand: a run whose every unit is recorded never reports a reached budget.
      if (o.budget?.exhausted) {
        run.stoppedForBudget = true;
        return;
      }
      const u = next.value;
      const limit = armLimits[u.armIndex];
      if (limit) await limit.acquire();
      try {
        await runUnit(run, u);
      } finally {
        limit?.release();
      }
    }
  };
  const workers: Promise<void>[] = [];
  for (let i = 0; i < o.concurrency; i++) workers.push(worker());
  const results = await Promise.allSettled(workers);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
}
