/**
 * The analysis's errors and every message it puts in them, in one place: AnalysisError (options, records
 * and summaries that cannot be analysed) and RunFolderError (a run folder that cannot be read), each with a
 * stable code — match on `code`, not on the message.
 */

/** Analysis input that cannot be analysed (bad options, no calls), with a stable code. */
export class AnalysisError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'AnalysisError';
    this.code = code;
  }
}

/** A run folder that cannot be read: names the file (and line and field) and what was expected. */
export class RunFolderError extends Error {
  readonly code: string;
  readonly file: string;
  constructor(code: string, file: string, message: string) {
    super(message);
    this.name = 'RunFolderError';
    this.code = code;
    this.file = file;
  }
}

/** Message builders of the analysis, grouped by where they are raised. */
export const analysisMsg = {
  // AnalysisError
  badOption: (fn: string, field: string, expected: string, got: unknown) =>
    `${fn}: ${field}: expected ${expected}, got ${String(got)}`,
  noCalls: (runId: string, arm: string) =>
    `analyzeRun: run ${runId} has no ${arm} calls; both arms are needed for a comparison`,
  /** A bad record (ANALYSIS_BAD_RECORD) or summary (ANALYSIS_BAD_SUMMARY): the summary's own message. */
  inRun: (runId: string, message: string) => `run ${runId}: ${message}`,
  // RunFolderError
  badField: (where: string, field: string, expected: string, got: string) =>
    `${where}: ${field}: expected ${expected}, got ${got}`,
  missingFile: (file: string, name: string) => `${file}: not found; a run folder needs ${name}`,
  notAnObject: (where: string) => `${where}: expected a JSON object`,
  manifestNotJson: (manifest: string, message: string) => `${manifest}: not valid JSON (${message})`,
};
