/** The units of a run (item × arm × repeat), pulled lazily from the item source; recorded ones are skipped. */
import { bucketOf } from '../routing/bucket';
import type { EvalItem } from '../types';
import type { ProgressTracker } from './batchProgress';
import type { BatchProgress, ItemSource } from './batchTypes';
import type { UnitSet } from './resume';

/** One call to make: an item on one arm, for one repeat. */
export interface Unit {
  item: EvalItem;
  armIndex: number;
  repeat: number;
}

/** Whether an item source is an async iterable (a streamed dataset). */
export function isAsyncSource(items: ItemSource): items is AsyncIterable<EvalItem> {
  return typeof (items as AsyncIterable<EvalItem>)[Symbol.asyncIterator] === 'function';
}

/**
 * Units in item order, both arms of an item adjacent; those already recorded (resume) are counted as done
 * and skipped. An array's totals are known up front (one cheap pass, no allocation per unit); other sources
 * are counted as they are read. Read either `sync` or `async` (the other is null).
 */
export class UnitSource {
  /** Units the run covers (so far, for a source still being read). */
  planned = 0;
  /** Units already recorded before this invocation. */
  resumed = 0;
  /** Set by the reader that saw the source's end. */
  ended = false;
  readonly sync: Generator<Unit> | null;
  readonly async: AsyncGenerator<Unit> | null;
  private readonly counted: boolean;
  private readonly progress: BatchProgress;

  constructor(
    private readonly s: {
      items: ItemSource;
      repeats: number;
      armCount: number;
      /** Index of the arm named 'canary' (-1: none): it gets only the items `shadowRatio` selects. */
      canaryIndex: number;
      shadowRatio: number;
      done: UnitSet;
      tracker: ProgressTracker;
    },
  ) {
    this.progress = s.tracker.progress;
    if (this.progress.totalKnown) {
      for (const item of s.items as readonly EvalItem[]) {
        const c = this.toCanary(item);
        for (let r = 0; r < s.repeats; r++)
          for (let a = 0; a < s.armCount; a++) if (a !== s.canaryIndex || c) this.countUnit(item, a, r);
      }
      this.progress.total = this.planned;
    }
    this.counted = this.progress.totalKnown === true;
    const isAsync = isAsyncSource(s.items);
    this.sync = isAsync ? null : this.syncUnits();
    this.async = isAsync ? this.asyncUnits() : null;
  }

  /** Ends the generators early (the run stopped before the source's end). */
  async close(): Promise<void> {
    this.sync?.return(undefined);
    await this.async?.return(undefined);
  }

  private toCanary(item: EvalItem): boolean {
    const { shadowRatio } = this.s;
    return shadowRatio >= 1 || bucketOf(item.meta?.userId ?? item.id, { salt: 'shadow' }) < shadowRatio * 100;
  }

  /** Counts a unit as planned; true when it is already recorded. */
  private countUnit(item: EvalItem, a: number, r: number): boolean {
    this.planned++;
    const recorded = this.s.done.has(item.id, a, r);
    if (recorded) this.resumed++;
    this.s.tracker.countPlanned(a, recorded);
    return recorded;
  }

  private *expand(item: EvalItem): Generator<Unit> {
    const { repeats, armCount, canaryIndex, done } = this.s;
    const c = this.toCanary(item);
    for (let r = 0; r < repeats; r++) {
      for (let a = 0; a < armCount; a++) {
        if (a === canaryIndex && !c) continue;
        if (this.counted ? done.has(item.id, a, r) : this.countUnit(item, a, r)) continue;
        yield { item, armIndex: a, repeat: r };
      }
    }
  }

  private onSourceEnd(): void {
    if (!this.counted) {
      this.progress.total = this.planned;
      this.progress.totalKnown = true;
    }
  }

  private *syncUnits(): Generator<Unit> {
    for (const item of this.s.items as Iterable<EvalItem>) {
      yield* this.expand(item);
      if (!this.counted) this.progress.total = this.planned;
    }
    this.onSourceEnd();
  }

  private async *asyncUnits(): AsyncGenerator<Unit> {
    for await (const item of this.s.items as AsyncIterable<EvalItem>) {
      yield* this.expand(item);
      this.progress.total = this.planned;
    }
    this.onSourceEnd();
  }
}
