import type { z } from 'zod';

/** A configuration (or policy) file that failed validation: every problem names the file and the field. */
export class ConfigError extends Error {
  readonly code = 'CANARYLAB_ERR_CONFIG';
  readonly issues: string[];
  constructor(source: string, issues: string[]) {
    super(`${source}: invalid configuration\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** Renders a zod path as `gates[2].threshold`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out === '' ? '(root)' : out;
}

/**
 * Parses `value` with `schema`; on failure throws a ConfigError whose lines read
 * `<field path>: <what was expected>` under the source's name (a file path, or 'policy' for objects).
 */
export function parseWithSchema<S extends z.ZodType>(schema: S, value: unknown, source: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new ConfigError(
    source,
    r.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`),
  );
}

/**
 * Rewords zod's default messages for people editing a config file: a missing field reads
 * `required (expected a string)`, extra fields read `unknown field "x"` (with the fields allowed there
 * when the issue says so), a bad discriminator lists the accepted values. Custom messages pass through.
 */
export function friendlyIssueMessage(issue: z.core.$ZodIssue): string {
  const i = issue as z.core.$ZodIssue & {
    input?: unknown;
    expected?: string;
    keys?: string[];
    options?: unknown[];
    values?: unknown[];
    note?: string;
  };
  if (i.code === 'invalid_type' && i.input === undefined && i.message.startsWith('Invalid input')) {
    return `required (expected ${article(i.expected ?? 'value')})`;
  }
  if (i.code === 'invalid_type' && i.message.startsWith('Invalid input: expected')) {
    return `expected ${article(i.expected ?? 'value')}, got ${describeValue(i.input)}`;
  }
  const size = /^Too (?:small|big): expected (\w+) to (be|have) ([<>]=?)(\S+)(.*)$/.exec(i.message);
  if ((i.code === 'too_small' || i.code === 'too_big') && size) {
    const [, type, verb, op, value, rest] = size;
    return `expected ${article(type)}${verb === 'have' ? ' with' : ''} ${op} ${value}${rest}`;
  }
  if (i.code === 'unrecognized_keys' && i.keys) {
    const s = i.keys.length > 1 ? 's' : '';
    return `unknown field${s} ${i.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  if (i.code === 'invalid_union' && i.note === 'No matching discriminator' && i.options) {
    const d = (i as { discriminator?: string }).discriminator;
    const got =
      d && i.input && typeof i.input === 'object' ? (i.input as Record<string, unknown>)[d] : i.input;
    return `expected one of ${i.options.map((o) => JSON.stringify(o)).join(', ')}, got ${describeValue(got)}`;
  }
  if (i.code === 'invalid_value' && i.values && i.message.startsWith('Invalid option')) {
    return `expected one of ${i.values.map((o) => JSON.stringify(o)).join(', ')}, got ${describeValue(i.input)}`;
  }
  return i.message;
}

function article(type: string): string {
  if (type === 'array' || type === 'object' || type === 'integer') return `an ${type}`;
  if (type === 'value') return 'a value';
  return `a ${type}`;
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}
