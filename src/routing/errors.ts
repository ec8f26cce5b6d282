/**
 * Routing's errors and every message it puts in them, in one place: ProductionLogError (a production-log
 * line or file that cannot be imported, located; stable codes — match on `code`) with productionLogMsg, and
 * the RangeError texts of the bucketing, the SRM check and the log import's arguments (routingMsg). A log
 * line's own problems are the EXPECTED texts of logLine.ts.
 */

/** Stable codes of {@link ProductionLogError}. */
export type ProductionLogErrorCode =
  /** A line that is not a valid shadow result or routing metric. */
  | 'CANARYLAB_ERR_LOG_LINE'
  /** The file cannot be read. */
  | 'CANARYLAB_ERR_LOG_FILE'
  /** A line's model belongs to neither arm, and nothing says which arm it is (never skipped). */
  | 'CANARYLAB_ERR_LOG_ARM';

/** A production-log problem, located: `file:line: field: what was expected`. */
export class ProductionLogError extends Error {
  readonly code: ProductionLogErrorCode;
  readonly file: string;
  /** 1-based line; 0 for a problem with the whole file. */
  readonly line: number;
  readonly field: string;
  /** What was expected, and what was there. */
  readonly expected: string;
  constructor(a: {
    code: ProductionLogErrorCode;
    file: string;
    line: number;
    field: string;
    expected: string;
  }) {
    super(locatedMessage(a));
    this.name = 'ProductionLogError';
    this.code = a.code;
    this.file = a.file;
    this.line = a.line;
    this.field = a.field;
    this.expected = a.expected;
  }
}

/**
 * The message of a located log problem: `file:line: field: expected` (line > 0), else `file: expected` (the
 * whole file). ProductionLogError's and src/logs' OtlpError's.
 */
export function locatedMessage(a: { file: string; line: number; field: string; expected: string }): string {
  return a.line > 0 ? `${a.file}:${a.line}: ${a.field}: ${a.expected}` : `${a.file}: ${a.expected}`;
}

/** The texts of ProductionLogError (a line's own problems are parseLine's, in logLine.ts). */
export const productionLogMsg = {
  cannotRead: (code: string) => `cannot read the file (${code})`,
  /** `flags`: name the CLI's options too (the SQL engines' message). */
  armUnknown: (model: string, flags = false) =>
    `cannot tell which arm '${model}' is: pass { primaryModel, canaryModel }${flags ? ' (--primary-model/--canary-model)' : ''} or log routedTo`,
  noPrice: (model: string) =>
    `'${model}' has no price in the pricing table (add it, or import without pricing)`,
};

/** RangeError texts of routing's functions (bad arguments). */
export const routingMsg = {
  percentage: (got: unknown) => `routeToCanary: percentage must be in [0, 100], got ${String(got)}`,
  noLogFiles: () => 'importProductionLogs: give at least one file',
  srmObserved: () => 'srmCheck: observed must be { primary, canary } counts',
  srmCount: (arm: string, got: unknown) =>
    `srmCheck: observed.${arm} must be an integer >= 0, got ${String(got)}`,
  srmShare: (got: unknown) =>
    `srmCheck: expectedCanaryShare must be strictly between 0 and 1, got ${String(got)}`,
  srmAlpha: (got: unknown) => `srmCheck: alpha must be in (0, 1), got ${String(got)}`,
  srmNoUnits: (unit: string) => `srmCheck: no ${unit} observed in either arm`,
};
