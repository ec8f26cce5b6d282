import Ajv, { type ValidateFunction } from 'ajv';
import schema from 'vega-lite/build/vega-lite-schema.json';

let validator: ValidateFunction | undefined;

/**
 * The vega-lite 5 JSON schema (draft-07) compiled with ajv. strict off and union types allowed because the
 * schema uses both; formats ('uri' of $schema and data URLs) not checked. Refs not inlined and the code
 * optimizer off: the same validation, compiled in about a third of the time (the schema is 1.6 MB).
 */
export function vegaLiteValidator(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv({
      strict: false,
      allowUnionTypes: true,
      validateFormats: false,
      inlineRefs: false,
      code: { optimize: false },
    });
    validator = ajv.compile(schema);
  }
  return validator;
}

/** Schema errors of a spec as readable lines (empty when valid). */
export function schemaErrors(spec: unknown): string[] {
  const validate = vegaLiteValidator();
  if (validate(spec)) return [];
  return (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '(root)'} ${e.message}`);
}

const isPrimitive = (v: unknown) => v === null || typeof v !== 'object';

/**
 * JSON for snapshot files: indented, but an object or array of primitives on one line (one data row per
 * line), so a 1,000-row spec stays a readable, diffable file.
 */
export function snapshotJson(value: unknown, indent = ''): string {
  if (isPrimitive(value)) return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every(isPrimitive)) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    return `[\n${value.map((v) => inner + snapshotJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  if (entries.every(([, v]) => isPrimitive(v))) {
    return `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')} }`;
  }
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${snapshotJson(v, inner)}`).join(',\n')}\n${indent}}`;
}
