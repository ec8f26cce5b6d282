/** The located error of the OTLP reader (OtlpError) and its stable codes. */

/** Stable codes of {@link OtlpError}. */
export type OtlpErrorCode =
  /** A line or document that is not an OTLP JSON trace export, or a span with an invalid field. */
  | 'CANARYLAB_ERR_OTLP_SPAN'
  /** The file cannot be read. */
  | 'CANARYLAB_ERR_OTLP_FILE'
  /** A span's arm cannot be told (no arm attribute value and a model of neither arm). */
  | 'CANARYLAB_ERR_OTLP_ARM';

/** A problem with an OTLP export, located: `file:line: field: what was expected`. */
export class OtlpError extends Error {
  readonly code: OtlpErrorCode;
  readonly file: string;
  /** 1-based line of the export document (0 for the whole file). */
  readonly line: number;
  readonly field: string;
  constructor(a: { code: OtlpErrorCode; file: string; line: number; field: string; expected: string }) {
    super(a.line > 0 ? `${a.file}:${a.line}: ${a.field}: ${a.expected}` : `${a.file}: ${a.expected}`);
    this.name = 'OtlpError';
    this.code = a.code;
    this.file = a.file;
    this.line = a.line;
    this.field = a.field;
  }
}
