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
