// Field checks of the record files scoring reads (calls.jsonl, scores.jsonl, pairwise.jsonl): each kind of
// problem has its message here, once, prefixed with the record's `file:line`.

/** The line's value as an object, or a TypeError naming the record type expected. */
export function recordObject(where: string, value: unknown, kind: string): Record<string, unknown> {
  const r = value as Record<string, unknown>;
  if (typeof r !== 'object' || r === null || Array.isArray(r))
    throw new TypeError(`${where}: expected a ${kind} object`);
  return r;
}

export function requireStrings(where: string, r: Record<string, unknown>, fields: readonly string[]): void {
  for (const f of fields) {
    if (typeof r[f] !== 'string') throw new TypeError(`${where}: ${f}: expected a string`);
  }
}

/** `field` is one of `allowed`; the message lists them ('primary' or 'canary'; 'primary', 'canary' or 'tie'). */
export function requireOneOf(
  where: string,
  r: Record<string, unknown>,
  field: string,
  allowed: readonly string[],
): void {
  if (!allowed.includes(r[field] as string)) {
    const list = allowed.map((a) => `'${a}'`);
    const expected = list.length > 1 ? `${list.slice(0, -1).join(', ')} or ${list.at(-1)}` : list[0];
    throw new TypeError(`${where}: ${field}: expected ${expected}, got ${JSON.stringify(r[field])}`);
  }
}

/** An optional integer ≥ 0 (repeat, judgment); `echo` adds the value found to the message. */
export function optionalCount(where: string, r: Record<string, unknown>, field: string, echo = true): void {
  const v = r[field];
  if (v !== undefined && !(Number.isInteger(v) && (v as number) >= 0)) {
    throw new TypeError(
      `${where}: ${field}: expected an integer >= 0${echo ? `, got ${JSON.stringify(v)}` : ''}`,
    );
  }
}

export function requireBoolean(where: string, r: Record<string, unknown>, field: string): void {
  if (typeof r[field] !== 'boolean') throw new TypeError(`${where}: ${field}: expected a boolean`);
}

/** An optional string (absent, or null when `nullable`). */
export function optionalString(
  where: string,
  r: Record<string, unknown>,
  field: string,
  nullable = false,
): void {
  const v = r[field];
  if (v !== undefined && !(nullable && v === null) && typeof v !== 'string') {
    throw new TypeError(`${where}: ${field}: expected a string`);
  }
}
