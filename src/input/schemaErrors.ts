import { distance } from 'fastest-levenshtein';
import type { z } from 'zod';
import { describeValue, MAX_ECHOED_STRING } from './jsonValue';

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
    else {
      const k = String(p);
      const seg = k.length > MAX_ECHOED_STRING ? `<a key of ${k.length} characters>` : k;
      out += out === '' ? seg : `.${seg}`;
    }
  }
  return out === '' ? '(root)' : out;
}

/** Finds the 1-based line of a field path in the file being validated (undefined: not in the file). */
export type Locate = (path: readonly PropertyKey[]) => number | undefined;

/** `field (line n): message`: one line of a ConfigError. */
export function issueLine(path: readonly PropertyKey[], message: string, locate?: Locate): string {
  const line = locate?.(path);
  return `${formatPath(path)}${line !== undefined ? ` (line ${line})` : ''}: ${message}`;
}

/**
 * The lines of a ConfigError for zod's issues: `field (line n): message`, with zod's messages reworded by
 * {@link friendlyIssueMessage} (an unknown field gets a did-you-mean from the fields `schema` allows there).
 * An unknown field is located at the field itself (its parent may start many lines earlier). `prefix` is
 * put before every path (e.g. `['policy']` for a policy inside the eval config).
 */
export function zodIssueLines(
  issues: readonly z.core.$ZodIssue[],
  opts: { schema?: z.ZodType; input?: unknown; locate?: Locate; prefix?: readonly PropertyKey[] } = {},
): string[] {
  const prefix = opts.prefix ?? [];
  return issues.map((i) => {
    const keys = i.code === 'unrecognized_keys' ? i.keys : [];
    const path = [...prefix, ...i.path];
    const line = opts.locate?.(keys.length ? [...path, keys[0]] : path);
    const allowed = keys.length && opts.schema ? allowedKeysAt(opts.schema, i.path, opts.input) : undefined;
    return `${formatPath(path)}${line !== undefined ? ` (line ${line})` : ''}: ${friendlyIssueMessage(i, allowed)}`;
  });
}

/**
 * Parses `value` with `schema`; on failure throws a ConfigError whose lines read
 * `<field path> (line n): <what was expected>` under the source's name (a file path, or 'policy' for
 * objects; the line when `locate` is given).
 */
export function parseWithSchema<S extends z.ZodType>(
  schema: S,
  value: unknown,
  source: string,
  locate?: Locate,
): z.output<S> {
  const r = schema.safeParse(value, { reportInput: true });
  if (r.success) return r.data;
  throw new ConfigError(source, zodIssueLines(r.error.issues, { schema, input: value, locate }));
}

/**
 * The closest of `allowed` to an unknown name `key`, when it is close enough to be a likely misspelling
 * (`treshold` → `threshold`, `alhpa` → `alpha`): at most 2 edits, or a third of the name's length; case is
 * ignored. Undefined when nothing is that close.
 *
 * @example
 * didYouMean('whenMising', ['whenMissing', 'severity']); // 'whenMissing'
 */
export function didYouMean(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  const k = key.toLowerCase();
  for (const a of allowed) {
    const d = distance(k, a.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = a;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  values?: unknown[];
  getter?: () => z.ZodType;
};
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Unwraps optional/default/pipe/lazy wrappers and picks the union member that fits `value`. */
function unwrap(schema: z.ZodType, value: unknown): z.ZodType {
  let s = schema;
  for (let guard = 0; guard < 32; guard++) {
    const d = defOf(s);
    if (d.innerType && d.type !== 'array') s = d.innerType;
    else if (d.type === 'pipe' && d.in) s = d.in;
    else if (d.type === 'lazy' && d.getter) s = d.getter();
    else if (d.type === 'union' && d.options) {
      const obj = value && typeof value === 'object' && !Array.isArray(value) ? (value as object) : undefined;
      const objects = d.options.filter((o) => defOf(unwrap(o, value)).type === 'object');
      if (objects.length === 0 || !obj) return s;
      const disc = d.discriminator;
      const byDisc =
        disc !== undefined
          ? objects.find((o) =>
              defOf(defOf(unwrap(o, value)).shape?.[disc] ?? o).values?.includes(
                (obj as Record<string, unknown>)[disc],
              ),
            )
          : undefined;
      if (disc !== undefined && !byDisc) return s;
      // Otherwise the member sharing the most field names with the value.
      const overlap = (o: z.ZodType) =>
        Object.keys(obj).filter((k) => k in (defOf(unwrap(o, value)).shape ?? {})).length;
      s = byDisc ?? objects.reduce((a, b) => (overlap(b) > overlap(a) ? b : a));
    } else return s;
  }
  return s;
}

/**
 * The field names `schema` allows at `path` of `input` (walking objects, arrays, records and the union
 * member that fits the input), or undefined when the path does not lead to an object schema.
 */
export function allowedKeysAt(
  schema: z.ZodType,
  path: readonly PropertyKey[],
  input: unknown,
): string[] | undefined {
  let s = schema;
  let v: unknown = input;
  for (const seg of path) {
    s = unwrap(s, v);
    const d = defOf(s);
    if (d.type === 'object' && d.shape && typeof seg === 'string' && Object.hasOwn(d.shape, seg))
      s = d.shape[seg];
    else if (d.type === 'array' && d.element) s = d.element;
    else if (d.type === 'record' && d.valueType) s = d.valueType;
    else return undefined;
    v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[seg as string] : undefined;
  }
  const d = defOf(unwrap(s, v));
  return d.type === 'object' && d.shape ? Object.keys(d.shape) : undefined;
}

/**
 * Rewords zod's default messages for people editing a config file: a missing field reads
 * `required (expected a string)`, extra fields read `unknown field "x"` (with the fields allowed there
 * when the issue says so), a bad discriminator lists the accepted values. Custom messages pass through.
 */
export function friendlyIssueMessage(issue: z.core.$ZodIssue, allowedKeys?: readonly string[]): string {
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
    const free = allowedKeys?.filter((a) => !i.keys?.includes(a));
    const named = i.keys.map((k) => {
      const near = free ? didYouMean(k, free) : undefined;
      return `${quoteName(k)}${near ? ` (did you mean "${near}"?)` : ''}`;
    });
    return `unknown field${s} ${named.join(', ')}`;
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

/**
 * A field name as written in a message: quoted when at most {@link MAX_ECHOED_STRING} characters, else
 * described by its length (a key is content too: a pasted secret may have landed in a key's place).
 */
function quoteName(k: string): string {
  return k.length > MAX_ECHOED_STRING ? `[a ${k.length}-character name]` : JSON.stringify(k);
}

export { describeValue, MAX_ECHOED_STRING };
