// What every command shares: the streams it writes to, the exit status it sets, the exit-status help text.

/** Where the CLI writes (the process's streams by default). */
export interface CliIo {
  stdout?: { write(s: string): unknown; isTTY?: boolean };
  stderr?: { write(s: string): unknown; isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
}

/** One invocation's streams and environment, and the exit status its command sets. */
export interface CliContext {
  stdout: NonNullable<CliIo['stdout']>;
  stderr: NonNullable<CliIo['stderr']>;
  env: NodeJS.ProcessEnv;
  /** The exit status main() resolves with (0 unless a command sets it). */
  code: number;
  /** A line on stderr. */
  log(line: string): void;
  /** Prints a failure that is the user's to fix (no stack) and sets the exit status to 1. */
  fail(e: unknown): void;
}

/** The context of one main() call: the given streams, else the process's. */
export function createContext(io: CliIo): CliContext {
  const ctx: CliContext = {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    env: io.env ?? process.env,
    code: 0,
    log: (line) => ctx.stderr.write(`${line}\n`),
    fail: (e) => {
      ctx.stderr.write(`canarylab: ${describeError(e)}\n`);
      ctx.code = 1;
    },
  };
  return ctx;
}

export const EXIT_HELP = `
Exit status:
  0   the command completed (for run/decide without --exit-code, whatever the verdict)
  0   with --exit-code: verdict promote
  10  with --exit-code: verdict hold
  20  with --exit-code: verdict rollback
  3   run: budget reached — the spend cap (maxCostUsd) stopped the run before every call was sent; every
      finished record is kept, the report covers them (rerun with --resume --max-cost <larger USD> to continue)
  1   error: invalid config (the message names the file, line and field), missing environment
      variable, unreadable or malformed files
  2   usage error: unknown command or option, bad option value
`;

/** Exit status of a run stopped by its spend cap (maxCostUsd). */
export const EXIT_BUDGET = 3;

/** A failure of a command that is the user's to fix (printed without a stack; a ConfigError's message names
 * file, line and field). */
function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
