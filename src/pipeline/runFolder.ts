/**
 * Run folders: run-id validation, the refusal to reuse an existing run, and the one-writer lock. The code
 * lives in src/runner/runFolder.ts (the runner takes the lock too); this is the pipeline's name for it.
 */
export * from '../runner/runFolder';
