/**
 * What a parser may do with hostile input (issue 16, "What must be true"): load it, or throw the project's
 * error type with a LOCATED message. Located means, per parser:
 *
 * - settings files (eval config, policy): a `ConfigError` whose message starts with `<file>: invalid
 *   configuration` and whose every issue is either `line L[, column C]: not valid YAML|JSON: <problem>`,
 *   or `<field path> (line L): <what was expected>` — the line is required whenever the document has
 *   content (the closest node of the path is located); the only issues without a line are whole-file
 *   problems (`(root): expected a mapping …` for an empty or scalar document, `cannot read the file`,
 *   `not valid YAML: nested too deeply to read`);
 * - run folders: a `RunFolderError` whose message is `<file>:<line>: <field>: expected …`,
 *   `<file>:<line>: not valid JSON (column C: …)` or `<file>:<line>: expected a JSON object`, where <file>
 *   is the folder's calls/scores/pairwise file the line is in;
 * - datasets (src/runner/dataset.ts throws TypeError / SyntaxError): a message `<file>:<line>: <field>:
 *   expected …`, `<file>:<line>: not valid JSON (column C: …)`, `<file>:<line>: not valid CSV (…)` or a
 *   duplicate id naming both lines;
 * - production logs (src/routing/logs.ts, and the DuckDB engine of src/logs/): a `ProductionLogError` with
 *   `file`, `line` ≥ 1, `field` and the message `<file>:<line>: <field>: <expected>` (line 0 only for
 *   whole-file codes); from the engine also a `LogSourceError` naming the file for a whole-file problem
 *   (an empty log, a CSV without the needed columns);
 * - OTLP exports (src/logs/otlp.ts): an `OtlpError` `<file>:<line>: <field>: <expected>` (line 0 only for
 *   a file that cannot be read or is empty).
 *
 * Anything else — a RangeError from `new Date`, "Cannot read properties of undefined", a stack overflow,
 * a message without the file or the line — is a crash the fuzzer reports. Where the parser is ours (config,
 * policy, run folders) the message must also not repeat more than {@link MAX_ECHOED_STRING} consecutive
 * characters of a planted secret.
 */
import { expect } from 'vitest';
import { RunFolderError } from '../../src/analysis/loadRun';
import { MAX_ECHOED_STRING } from '../../src/input/jsonValue';
import { ConfigError } from '../../src/input/schemaErrors';
import { OtlpError } from '../../src/logs/otlp';
import { LogSourceError } from '../../src/logs/source';
import { ProductionLogError } from '../../src/routing/logs';

/** A secret-looking value planted in fuzzed inputs (56 characters). */
export const SECRET = 'sk-fuzz-7Hq2Lm9Zx4Vb8Nc1Rt6Yp3Ks5Wd0Gf2Jh7Ua9Ee4Oi1Qw8Sz';

/**
 * Messages that name a file the config points to: the path is the user's own setting and the message must
 * name it (`dataset.path (line 3): file not found: …`), so a secret planted in a path field may appear.
 */
const NAMES_A_PATH =
  /file not found: |cannot tell the format of |cannot read the policy file |cannot read the price table |trace/;

/**
 * Whether `message` repeats more than MAX_ECHOED_STRING consecutive characters of SECRET (issue lines that
 * name a configured file path excepted).
 */
export function echoesSecret(message: string): boolean {
  return message
    .split('\n')
    .filter((line) => !NAMES_A_PATH.test(line))
    .some((line) => {
      for (let k = 0; k + MAX_ECHOED_STRING + 1 <= SECRET.length; k++) {
        if (line.includes(SECRET.slice(k, k + MAX_ECHOED_STRING + 1))) return true;
      }
      return false;
    });
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const FILE_LEVEL = [
  /^\(root\): expected a mapping of settings/,
  /^cannot read the file \(/,
  /^not valid (YAML|JSON): nested too deeply to read$/,
  /^not valid (YAML|JSON): \d+ more problems after these$/,
];

/**
 * Why `err` is not a located error of `kind` for `file` (undefined when it is). `files` lists every file
 * the error may name (a run folder's three files).
 */
export type ParserKind = 'settings' | 'runFolder' | 'dataset' | 'logs' | 'otlp';

export function whyNotLocated(err: unknown, kind: ParserKind, files: readonly string[]): string | undefined {
  if (!(err instanceof Error)) return `threw a non-Error: ${String(err)}`;
  const m = err.message;
  const anyFile = `(?:${files.map(esc).join('|')})`;
  if (kind === 'settings') {
    if (!(err instanceof ConfigError)) return `${err.name} instead of ConfigError: ${m}`;
    if (!new RegExp(`^${anyFile}: invalid configuration\\n`).test(m))
      return `message does not start with the file: ${m}`;
    if (err.issues.length === 0) return 'ConfigError without issues';
    for (const i of err.issues) {
      if (/^line \d+(, column \d+)?: not valid (YAML|JSON): \S/.test(i)) continue;
      if (/^\S.*? \(line \d+\): \S/s.test(i)) continue;
      if (FILE_LEVEL.some((r) => r.test(i))) continue;
      return `issue without a line: ${i}`;
    }
    return undefined;
  }
  if (kind === 'runFolder') {
    if (!(err instanceof RunFolderError)) return `${err.name} instead of RunFolderError: ${m}`;
    const ok = new RegExp(
      `^${anyFile}:\\d+: (?:[\\w.]+: expected \\S|not valid JSON \\(column \\d+: |expected a JSON object$)`,
    );
    return ok.test(m) ? undefined : `not located: ${m}`;
  }
  if (kind === 'dataset') {
    if (!(err instanceof TypeError || err instanceof SyntaxError)) return `${err.name}: ${m}`;
    const ok = new RegExp(
      `^${anyFile}:\\d+: (?:[\\w.\\[\\]]+: (?:expected|duplicate id) |not valid JSON \\((?:line \\d+ of the text, )?column \\d+: |not valid CSV \\(|expected a JSON object per line$)`,
    );
    return ok.test(m) ? undefined : `not located: ${m}`;
  }
  if (kind === 'otlp') {
    if (!(err instanceof OtlpError)) return `${err.name} instead of OtlpError: ${m}`;
    if (!files.includes(err.file)) return `names another file: ${m}`;
    if (err.line < 1 && err.code === 'CANARYLAB_ERR_OTLP_SPAN') return `a span error without a line: ${m}`;
    if (err.line >= 1 && !m.startsWith(`${err.file}:${err.line}: ${err.field}: `)) return `not located: ${m}`;
    return undefined;
  }
  if (err instanceof LogSourceError) {
    const wholeFile = ['CANARYLAB_ERR_LOG_EMPTY', 'CANARYLAB_ERR_LOG_COLUMNS', 'CANARYLAB_ERR_LOG_FILE'];
    if (!wholeFile.includes(err.code)) return `${err.code} for a file's content: ${m}`;
    return new RegExp(`^${anyFile}: \\S`).test(m) ? undefined : `does not name the file: ${m}`;
  }
  if (!(err instanceof ProductionLogError)) return `${err.name} instead of ProductionLogError: ${m}`;
  if (err.line < 1 && err.code === 'CANARYLAB_ERR_LOG_LINE') return `a line error without a line: ${m}`;
  if (err.line >= 1 && m !== `${err.file}:${err.line}: ${err.field}: ${err.expected}`)
    return `not located: ${m}`;
  if (!files.includes(err.file)) return `names another file: ${m}`;
  return undefined;
}

/** Runs a parser on one input: it loads (then `check` the result), or throws a located error. */
export async function loadsOrLocated<T>(a: {
  run: () => Promise<T>;
  kind: ParserKind;
  files: readonly string[];
  /** Also require that no error repeats the planted secret. */
  noEcho?: boolean;
  check?: (value: T) => void;
}): Promise<'loaded' | 'refused'> {
  let value: T;
  try {
    value = await a.run();
  } catch (e) {
    const why = whyNotLocated(e, a.kind, a.files);
    expect(why, why).toBeUndefined();
    if (a.noEcho) expect(echoesSecret((e as Error).message), (e as Error).message).toBe(false);
    return 'refused';
  }
  a.check?.(value);
  return 'loaded';
}
