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
  const s: Scanner = { text, n: text.length, i: 0, stack: [], state: 'value' };
  for (;;) {
    while (s.i < s.n && (text[s.i] === ' ' || text[s.i] === '\t' || text[s.i] === '\n' || text[s.i] === '\r'))
      s.i++;
    if (s.i >= s.n) return endOfText(s);
    const c = text[s.i];
    const problem =
      s.state === 'value' || s.state === 'valueOrClose'
        ? readValue(s, c)
        : s.state === 'keyOrClose' || s.state === 'key'
          ? readKey(s, c)
          : s.state === 'colon'
            ? readColon(s, c)
            : readAfterValue(s, c);
    if (problem) return problem;
  }
}

/** The scan of {@link jsonSyntaxError}: position, open containers ('{' or '['), and what may come next. */
interface Scanner {
  text: string;
  n: number;
  i: number;
  stack: string[];
  state: 'value' | 'valueOrClose' | 'keyOrClose' | 'key' | 'colon' | 'after';
}

function fail(offset: number, problem: string): JsonSyntaxProblem {
  return { offset, problem };
}

/** At the end of the text: valid after a complete top-level value, else what is missing. */
function endOfText(s: Scanner): JsonSyntaxProblem | undefined {
  if (s.state === 'after' && s.stack.length === 0) return undefined;
  return fail(
    s.n,
    s.stack.length > 0
      ? `the text ends inside an unclosed ${s.stack.at(-1) === '{' ? 'object' : 'array'}`
      : 'the text ends before a value',
  );
}

/** A value (or, right after '[', the closing ']'). */
function readValue(s: Scanner, c: string): JsonSyntaxProblem | undefined {
  const { text } = s;
  if (s.state === 'valueOrClose' && c === ']') {
    s.stack.pop();
    s.i++;
    s.state = 'after';
  } else if (c === '{' || c === '[') {
    s.stack.push(c);
    s.i++;
    s.state = c === '{' ? 'keyOrClose' : 'valueOrClose';
  } else if (c === '"') {
    const e = readString(s);
    if (e) return e;
    s.state = 'after';
  } else if (c === '-' || (c >= '0' && c <= '9')) {
    NUMBER.lastIndex = s.i;
    const m = NUMBER.exec(text);
    if (!m) return fail(s.i, 'invalid number');
    s.i += m[0].length;
    s.state = 'after';
  } else if (text.startsWith('true', s.i) || text.startsWith('null', s.i)) {
    s.i += 4;
    s.state = 'after';
  } else if (text.startsWith('false', s.i)) {
    s.i += 5;
    s.state = 'after';
  } else {
    return fail(s.i, 'expected a value (a string in double quotes, a number, {…}, […], true, false or null)');
  }
  return undefined;
}

/** A property name (or, right after '{', the closing '}'). */
function readKey(s: Scanner, c: string): JsonSyntaxProblem | undefined {
  if (s.state === 'keyOrClose' && c === '}') {
    s.stack.pop();
    s.i++;
    s.state = 'after';
  } else if (c === '"') {
    const e = readString(s);
    if (e) return e;
    s.state = 'colon';
  } else return fail(s.i, 'expected a property name in double quotes');
  return undefined;
}

function readColon(s: Scanner, c: string): JsonSyntaxProblem | undefined {
  if (c !== ':') return fail(s.i, "expected ':' after a property name");
  s.i++;
  s.state = 'value';
  return undefined;
}

/** After a value: ',' or the container's closing bracket; nothing after the top-level value. */
function readAfterValue(s: Scanner, c: string): JsonSyntaxProblem | undefined {
  const top = s.stack.at(-1);
  if (top === undefined) return fail(s.i, 'unexpected text after the JSON value');
  const close = top === '{' ? '}' : ']';
  if (c === ',') {
    s.i++;
    s.state = top === '{' ? 'key' : 'value';
  } else if (c === close) {
    s.stack.pop();
    s.i++;
  } else {
    return fail(
      s.i,
      top === '{'
        ? "expected ',' or '}' after a property value"
        : "expected ',' or ']' after an array element",
    );
  }
  return undefined;
}

/** A string starting at the '"' under s.i; leaves s.i after the closing quote. */
function readString(s: Scanner): JsonSyntaxProblem | undefined {
  const { text, n } = s;
  const start = s.i;
  s.i++;
  while (s.i < n) {
    const c = text.charCodeAt(s.i);
    if (c === 0x22) {
      s.i++;
      return undefined;
    }
    if (c === 0x5c) {
      const e = text[s.i + 1];
      if (e === 'u') {
        HEX4.lastIndex = s.i + 2;
        if (!HEX4.test(text)) return fail(s.i, 'a \\u escape needs four hexadecimal digits');
        s.i += 6;
      } else if (e !== undefined && '"\\/bfnrt'.includes(e)) s.i += 2;
      else return fail(s.i, 'invalid escape sequence in a string');
    } else if (c < 0x20) {
      return fail(s.i, 'a control character (tab, newline…) inside a string must be escaped');
    } else s.i++;
  }
  return fail(start, 'a string is not closed (missing ")');
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
