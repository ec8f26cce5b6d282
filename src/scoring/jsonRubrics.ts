import Ajv, { type AnySchema, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import { binary, outputOf } from './text';
import type { Scorer } from './types';

/** Options of the JSON rubrics. */
export interface JsonRubricOptions {
  name?: string;
  /**
   * Read the JSON from a fenced code block (```json … ```, or the first unlabelled ``` block) when the
   * output has one; otherwise the whole output is parsed. Default false: the whole output must be JSON.
   */
  extractFenced?: boolean;
}

/**
 * The JSON text of an output: the body of its first ```json block (or first unlabelled ``` block) when
 * `extractFenced` is set and there is one, else the whole output; trimmed.
 * @example
 * jsonTextOf('Here:\n```json\n{"a":1}\n```', { extractFenced: true }); // => '{"a":1}'
 */
export function jsonTextOf(output: string, opts: { extractFenced?: boolean } = {}): string {
  if (opts.extractFenced) {
    const fence = /```[ \t]*([\w+-]*)[ \t]*\r?\n/g;
    let plain: string | null = null;
    for (let m = fence.exec(output); m !== null; m = fence.exec(output)) {
      const start = m.index + m[0].length;
      const end = output.indexOf('```', start);
      if (end < 0) break;
      const lang = m[1].toLowerCase();
      if (lang === 'json' || lang === 'jsonc' || lang === 'json5') return output.slice(start, end).trim();
      if (lang === '' && plain === null) plain = output.slice(start, end).trim();
      fence.lastIndex = end + 3;
    }
    if (plain !== null) return plain;
  }
  return output.trim();
}

type Parsed = { ok: true; value: unknown } | { ok: false; reason: string };

function parseJson(output: string, extractFenced: boolean | undefined): Parsed {
  const text = jsonTextOf(output, { extractFenced });
  if (text === '') return { ok: false, reason: 'empty output: not JSON' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, reason: `not valid JSON: ${(e as Error).message.slice(0, 120)}` };
  }
}

/** 1 when the output (or its fenced block, see `extractFenced`) parses as JSON, else 0. */
export function isValidJson(opts: JsonRubricOptions = {}): Scorer {
  const name = opts.name ?? 'isValidJson';
  return {
    name,
    kind: 'rubric',
    score: (_item, record) => {
      const parsed = parseJson(outputOf(record), opts.extractFenced);
      return parsed.ok ? binary(true) : binary(false, parsed.reason);
    },
  };
}

/**
 * 1 when the output parses as JSON and validates against the JSON Schema (ajv 8; draft-07 by default,
 * 2020-12 when the schema's `$schema` says so), else 0 with the first validation error as the reason.
 * Ajv runs non-strict and does not check `format` (ajv-formats is not a dependency); pass your own
 * compiled `validate` function for anything else.
 * @throws {Error} at construction, naming the scorer, when the schema does not compile
 */
export function matchesJsonSchema(
  schema: AnySchema,
  opts: JsonRubricOptions & { validate?: ValidateFunction } = {},
): Scorer {
  const name = opts.name ?? 'matchesJsonSchema';
  let validate: ValidateFunction;
  if (opts.validate) {
    validate = opts.validate;
  } else {
    const is2020 =
      typeof schema === 'object' &&
      schema !== null &&
      String((schema as { $schema?: unknown }).$schema ?? '').includes('2020-12');
    const ajv = is2020
      ? new Ajv2020({ strict: false, validateFormats: false })
      : new Ajv({ strict: false, validateFormats: false });
    try {
      validate = ajv.compile(schema);
    } catch (e) {
      throw new Error(`${name}: schema: expected a valid JSON Schema (${(e as Error).message})`);
    }
  }
  return {
    name,
    kind: 'rubric',
    score: (_item, record) => {
      const parsed = parseJson(outputOf(record), opts.extractFenced);
      if (!parsed.ok) return binary(false, parsed.reason);
      if (validate(parsed.value)) return binary(true);
      const e = validate.errors?.[0];
      const where = e?.instancePath ? e.instancePath : '(root)';
      return binary(false, `schema: ${where} ${e?.message ?? 'invalid'}`.slice(0, 200));
    },
  };
}
