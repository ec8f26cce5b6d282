/**
 * Describing bad input without repeating it: where a JSON text stops being valid (line and column, and a
 * fixed description of the problem, instead of V8's message, which quotes the text), and what kind of value
 * was found where another was expected. Input files may hold secrets (a prompt with a key pasted in, a
 * header logged by mistake), so messages name positions and kinds, never long stretches of content.
 */

/** Strings longer than this are described by their length only: a long value may be a secret. */
export const MAX_ECHOED_STRING = 32;

/**
 * What a message says about a value that was found where something else was expected. Numbers that
 * overflowed when the file was parsed (`1e400` reads as Infinity) are called out of range, never `null`;
 * strings longer than {@link MAX_ECHOED_STRING} characters are described by their length, never echoed.
 *
 * @example
 * describeValue(JSON.parse('1e400')); // 'a number out of range (∞: too large for a 64-bit float)'
 * describeValue('x'.repeat(40));      // 'a string of 40 characters'
 */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN (not a number)';
    if (!Number.isFinite(v))
      return `a number out of range (${v > 0 ? '' : '−'}∞: too large for a 64-bit float)`;
    return String(v);
  }
  if (typeof v === 'bigint') return 'a number out of range';
  if (typeof v === 'string' && v.length > MAX_ECHOED_STRING)
    return `a string of ${v.length.toLocaleString('en-US')} characters`;
  if (typeof v === 'string') return JSON.stringify(v);
  return typeof v;
}

/** Where a JSON text stops being valid: 0-based offset, and what was expected there. */
export interface JsonSyntaxProblem {
  offset: number;
  problem: string;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /[0-9a-fA-F]{4}/y;

/**
 * Finds the first syntax error of a JSON text (RFC 8259), iteratively (no recursion: deep nesting cannot
 * exhaust the stack). Undefined when the text is valid JSON.
 *
 * @example
 * jsonSyntaxError('{"a": 1,}'); // { offset: 8, problem: 'expected a property name in double quotes' }
 */
export function jsonSyntaxError(text: string): JsonSyntaxProblem | undefined {
  const n = text.length;
  const stack: string[] = [];
  let i = 0;
  let state: 'value' | 'valueOrClose' | 'keyOrClose' | 'key' | 'colon' | 'after' = 'value';
  const fail = (offset: number, problem: string): JsonSyntaxProblem => ({ offset, problem });
  const readString = (): JsonSyntaxProblem | undefined => {
    const start = i;
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          HEX4.lastIndex = i + 2;
          if (!HEX4.test(text)) return fail(i, 'a \\u escape needs four hexadecimal digits');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else return fail(i, 'invalid escape sequence in a string');
      } else if (c < 0x20) {
        return fail(i, 'a control character (tab, newline…) inside a string must be escaped');
      } else i++;
    }
    return fail(start, 'a string is not closed (missing ")');
  };
  for (;;) {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
    if (i >= n) {
      if (state === 'after' && stack.length === 0) return undefined;
      return fail(
        n,
        stack.length > 0
          ? `the text ends inside an unclosed ${stack.at(-1) === '{' ? 'object' : 'array'}`
          : 'the text ends before a value',
      );
    }
    const c = text[i];
    if (state === 'value' || state === 'valueOrClose') {
      if (state === 'valueOrClose' && c === ']') {
        stack.pop();
        i++;
        state = 'after';
      } else if (c === '{' || c === '[') {
        stack.push(c);
        i++;
        state = c === '{' ? 'keyOrClose' : 'valueOrClose';
      } else if (c === '"') {
        const e = readString();
        if (e) return e;
        state = 'after';
      } else if (c === '-' || (c >= '0' && c <= '9')) {
        NUMBER.lastIndex = i;
        const m = NUMBER.exec(text);
        if (!m) return fail(i, 'invalid number');
        i += m[0].length;
        state = 'after';
      } else if (text.startsWith('true', i) || text.startsWith('null', i)) {
        i += 4;
        state = 'after';
      } else if (text.startsWith('false', i)) {
        i += 5;
        state = 'after';
      } else {
        return fail(
          i,
          'expected a value (a string in double quotes, a number, {…}, […], true, false or null)',
        );
      }
    } else if (state === 'keyOrClose' || state === 'key') {
      if (state === 'keyOrClose' && c === '}') {
        stack.pop();
        i++;
        state = 'after';
      } else if (c === '"') {
        const e = readString();
        if (e) return e;
        state = 'colon';
      } else return fail(i, 'expected a property name in double quotes');
    } else if (state === 'colon') {
      if (c !== ':') return fail(i, "expected ':' after a property name");
      i++;
      state = 'value';
    } else {
      const top = stack.at(-1);
      if (top === undefined) return fail(i, 'unexpected text after the JSON value');
      const close = top === '{' ? '}' : ']';
      if (c === ',') {
        i++;
        state = top === '{' ? 'key' : 'value';
      } else if (c === close) {
        stack.pop();
        i++;
      } else {
        return fail(
          i,
          top === '{'
            ? "expected ',' or '}' after a property value"
            : "expected ',' or ']' after an array element",
        );
      }
    }
  }
}

/**
 * Why a JSON text did not parse, located and without its content: `column C: <problem>` (1-based column
 * in characters of that line), from {@link jsonSyntaxError}; a bare description when the text is valid
 * JSON after all (JSON.parse failed for another reason).
 *
 * @example
 * describeJsonSyntax('{"key": sk-123}'); // "column 9: expected a value (…)"
 */
export function describeJsonSyntax(text: string): string {
  const p = jsonSyntaxError(text);
  if (!p) return 'the text cannot be read as JSON';
  const lineStart = text.lastIndexOf('\n', p.offset - 1) + 1;
  const line = text.slice(0, lineStart).split('\n').length;
  return `${line > 1 ? `line ${line} of the text, ` : ''}column ${p.offset - lineStart + 1}: ${p.problem}`;
}
