/** runBatch's progress: the BatchProgress object handed to onProgress, its per-arm counts and live window. */
import type { CallRecord } from '../types';
import type { BatchProgress } from './batchTypes';
import { RingBuffer, summarizeWindow, type WindowEntry } from './ringBuffer';

type ArmProgress = Required<BatchProgress['perArm'][string]>;

/** Keeps one run's BatchProgress up to date as units are planned and their records written. */
export class ProgressTracker {
  readonly progress: BatchProgress;
  private readonly perArm: ArmProgress[];
  private readonly window: RingBuffer<WindowEntry>;
  /** performance.now() when runBatch started: calls/s and the ETA are measured from it. */
  private readonly started: number;

  constructor(
    armNames: readonly string[],
    opts: { totalKnown: boolean; liveWindow: number; started: number },
  ) {
    const progress = {
      total: 0,
      totalKnown: opts.totalKnown,
      done: 0,
      perArm: Object.fromEntries(armNames.map((a) => [a, { done: 0, errors: 0, cached: 0, total: 0 }])),
      errorsByKind: {},
      spentUsd: 0,
      callsPerSecond: 0,
      etaSeconds: null,
    } as BatchProgress;
    this.perArm = armNames.map((a) => progress.perArm[a] as ArmProgress);
    const window = new RingBuffer<WindowEntry>(opts.liveWindow);
    Object.defineProperty(progress, 'live', {
      enumerable: true,
      get: () => summarizeWindow(window, armNames),
    });
    this.progress = progress;
    this.window = window;
    this.started = opts.started;
  }

  /** Counts a planned unit of arm `a`; one already recorded (resumed) counts as done. */
  countPlanned(a: number, recorded: boolean): void {
    const arm = this.perArm[a];
    arm.total++;
    if (recorded) {
      this.progress.done++;
      arm.done++;
    }
  }

  /** Counts a record just written for arm `a`, then reports the progress (when someone listens). */
  countRecord(a: number, rec: CallRecord, onProgress: ((p: BatchProgress) => void) | undefined): void {
    const { progress } = this;
    const arm = this.perArm[a];
    arm.done++;
    if (rec.cached) arm.cached++;
    if (!rec.ok) {
      arm.errors++;
      if (rec.errorKind)
        progress.errorsByKind[rec.errorKind] = (progress.errorsByKind[rec.errorKind] ?? 0) + 1;
    }
    const entry: WindowEntry = { arm: rec.arm, ok: rec.ok, latencyMs: rec.latencyMs, cached: rec.cached };
    if (rec.errorKind) entry.errorKind = rec.errorKind;
    this.window.push(entry);
    progress.done++;
    progress.spentUsd += rec.costUsd;
    if (onProgress) {
      const secs = (performance.now() - this.started) / 1000;
      const fresh = this.window.totalPushed;
      progress.callsPerSecond = secs > 0 ? fresh / secs : 0;
      progress.etaSeconds =
        progress.totalKnown && progress.callsPerSecond > 0
          ? (progress.total - progress.done) / progress.callsPerSecond
          : null;
      onProgress(progress);
    }
  }
}
