/**
 * Inputs for the parser fuzzer: arbitrary bytes, valid files mutated at the text level (tokens inserted,
 * ranges deleted, lines duplicated / dropped / swapped, numbers replaced by extreme ones), and valid
 * documents mutated at the value level (a field set to a hostile value, deleted, or its key misspelled).
 */
import fc from 'fast-check';
import { stringify as toYaml } from 'yaml';
import { SECRET } from './located';

/** Seed and run count: fixed and bounded in `npm test`; `npm run fuzz` sets FUZZ_RUNS (and FUZZ_SEED). */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261206);
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 60);

/** fast-check parameters of every property (fixed seed; a failure prints its seed, path and input). */
export const fuzzParams = (runs = FUZZ_RUNS) => ({ seed: FUZZ_SEED, numRuns: runs, endOnFailure: true });

/** Text that trips parsers: JSON/YAML/CSV syntax, extreme numbers, BOMs, control characters, secrets. */
export const nastyToken = fc.constantFrom(
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  ':',
  ',',
  '\n',
  '\r\n',
  '\r',
  '\t',
  '\\',
  '\uFEFF',
  '\u0000',
  '\u2028',
  '\ud800',
  '1e400',
  '-1e400',
  '1e-400',
  '-1',
  '-0',
  '0.5',
  '9007199254740993',
  '1e300',
  '-1e300',
  'NaN',
  'Infinity',
  'null',
  'true',
  'false',
  '[]',
  '{}',
  '""',
  '&a',
  '*a',
  '&a [*a, *a]',
  '!!binary',
  '!!js/function',
  '<<: *a',
  '---',
  '...',
  '#',
  '%YAML 1.2',
  '? ',
  '- ',
  '|',
  '>',
  '`',
  '@',
  '~',
  '.inf',
  '-.inf',
  '.nan',
  '0x1F',
  '0o17',
  '2026-13-45T99:99:99Z',
  '1748822444477',
  '99999999999999999',
  '"__proto__"',
  'constructor',
  SECRET,
  `"${SECRET}"`,
);

/** Extreme or odd numbers as text. */
export const nastyNumber = fc.constantFrom(
  '1e400',
  '-1e400',
  '-1',
  '-0',
  '0',
  '1e-400',
  '1e300',
  '-1e300',
  '9007199254740993',
  '0.1',
  '-399995',
  '1e21',
  '123456789012345678901234567890',
  '.5',
  '5.',
  '+1',
  '0x10',
  'NaN',
  '-Infinity',
);

type Op =
  | { k: 'insert'; at: number; s: string }
  | { k: 'delete'; at: number; len: number }
  | { k: 'replace'; at: number; len: number; s: string }
  | { k: 'dupLine' | 'dropLine'; at: number }
  | { k: 'swapLines'; at: number; b: number }
  | { k: 'number'; at: number; s: string };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    k: fc.constant('insert' as const),
    at: fc.nat(),
    s: fc.oneof(nastyToken, fc.string({ maxLength: 6 })),
  }),
  fc.record({ k: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }) }),
  fc.record({
    k: fc.constant('replace' as const),
    at: fc.nat(),
    len: fc.integer({ min: 1, max: 6 }),
    s: nastyToken,
  }),
  fc.record({ k: fc.constantFrom('dupLine' as const, 'dropLine' as const), at: fc.nat() }),
  fc.record({ k: fc.constant('swapLines' as const), at: fc.nat(), b: fc.nat() }),
  fc.record({ k: fc.constant('number' as const), at: fc.nat(), s: nastyNumber }),
);

function apply(text: string, o: Op): string {
  if (o.k === 'dupLine' || o.k === 'dropLine' || o.k === 'swapLines') {
    const lines = text.split('\n');
    const i = o.at % lines.length;
    if (o.k === 'dupLine') lines.splice(i, 0, lines[i]);
    else if (o.k === 'dropLine') lines.splice(i, 1);
    else if (o.k === 'swapLines') {
      const j = o.b % lines.length;
      [lines[i], lines[j]] = [lines[j], lines[i]];
    }
    return lines.join('\n');
  }
  if (o.k === 'number') {
    const spans = [...text.matchAll(/-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g)];
    if (spans.length === 0) return text;
    const m = spans[o.at % spans.length];
    return text.slice(0, m.index) + o.s + text.slice((m.index ?? 0) + m[0].length);
  }
  const at = o.at % (text.length + 1);
  if (o.k === 'insert') return text.slice(0, at) + o.s + text.slice(at);
  if (o.k === 'delete') return text.slice(0, at) + text.slice(at + o.len);
  if (o.k === 'replace') return text.slice(0, at) + o.s + text.slice(at + o.len);
  return text;
}

/** A valid text with 1–4 text-level mutations. */
export function mutatedText(base: string): fc.Arbitrary<string> {
  return fc.array(op, { minLength: 1, maxLength: 4 }).map((ops) => ops.reduce(apply, base));
}

/** Arbitrary bytes (often not UTF-8), sometimes after a valid prefix so parsing gets past line 1. */
export function arbitraryBytes(validPrefix = ''): fc.Arbitrary<Buffer> {
  return fc
    .tuple(fc.boolean(), fc.uint8Array({ maxLength: 300 }))
    .map(([prefixed, b]) => Buffer.concat([Buffer.from(prefixed ? validPrefix : ''), Buffer.from(b)]));
}

/** Values put into a field of a valid document. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    -1,
    0,
    -0.5,
    1.5,
    100,
    101,
    1e300,
    -1e300,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    Number.NaN,
    '',
    ' ',
    'x',
    SECRET,
    [],
    {},
    [{}],
    true,
    false,
    'primary',
    'canary',
    'shadow',
    'full',
    '2026-01-01T00:00:00Z',
    'not-a-date',
    0.995,
    99.5,
    3000,
    -3000,
  ),
  fc.jsonValue({ maxDepth: 2 }),
);

type Path = (string | number)[];
function paths(v: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (prefix.length > 0) out.push(prefix);
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) paths(x, [...prefix, i], out);
  } else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}

function edit(
  doc: unknown,
  path: Path,
  how: 'set' | 'delete' | 'rename',
  value: unknown,
  typo: number,
): unknown {
  const copy = structuredClone(doc);
  let parent = copy as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (how === 'set') parent[last] = value;
  else if (Array.isArray(parent)) parent.splice(last as number, 1);
  else if (how === 'delete') delete parent[last];
  else {
    const k = String(last);
    const i = typo % Math.max(1, k.length);
    // Swap two letters, drop one, or double one: treshold, whenMising, alhpa, sequentail.
    const misspelt =
      typo % 3 === 0 && k.length > 1
        ? k.slice(0, i) + k.slice(i + 1)
        : typo % 3 === 1 && i + 1 < k.length
          ? k.slice(0, i) + k[i + 1] + k[i] + k.slice(i + 2)
          : k.slice(0, i) + k[i] + k.slice(i);
    const v = parent[last];
    delete parent[last];
    parent[misspelt] = v;
  }
  return copy;
}

/** A valid document with 1–3 value-level edits (set a hostile value, delete a field, misspell a key). */
export function mutatedDocument(doc: unknown): fc.Arbitrary<unknown> {
  const all = paths(doc);
  const one = fc.record({
    path: fc.constantFrom(...all),
    how: fc.constantFrom('set' as const, 'set' as const, 'delete' as const, 'rename' as const),
    value: hostileValue,
    typo: fc.nat(),
  });
  return fc.array(one, { minLength: 1, maxLength: 3 }).map((edits) =>
    edits.reduce((d, e) => {
      // A path may have disappeared after an earlier edit: skip it.
      try {
        return edit(d, e.path, e.how, e.value, e.typo);
      } catch {
        return d;
      }
    }, doc),
  );
}

/** JSON text that keeps Infinity and NaN as the overflowing literals a file would hold (1e400, -1e400). */
export function toJsonText(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    typeof x === 'number' && !Number.isFinite(x)
      ? `__NUM_${Number.isNaN(x) ? 'NaN' : x > 0 ? '1e400' : '-1e400'}__`
      : x,
  ).replace(/"__NUM_(NaN|1e400|-1e400)__"/g, (_m, n: string) => (n === 'NaN' ? '0' : n));
}

/** YAML text of a document (Infinity and NaN as .inf and .nan). */
export function toYamlText(v: unknown): string {
  return toYaml(v);
}
