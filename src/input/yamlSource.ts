/**
 * Reading a YAML or JSON settings file (the eval config, a policy) into a plain value plus a locator that
 * maps a field path to its line, with errors that name the file, the line and the column and never
 * repeat the file's content (a config may hold something secret by mistake: only fixed descriptions of the
 * problem are used, never the parser's own message, which quotes the text).
 */
import { readFile } from 'node:fs/promises';
import { isAlias, LineCounter, type Node, parseDocument, visit, type YAMLError } from 'yaml';
import { ConfigError, type Locate } from './schemaErrors';

/** A parsed settings file. */
export interface ParsedSource {
  /** The document as plain data (YAML 1.2 core schema; JSON is read by the same parser). */
  value: unknown;
  /** The line of a field path (the closest node the document has for it). */
  locate: Locate;
}

/** Syntax problems listed at most (one bad bracket can cascade into thousands). */
export const MAX_SYNTAX_ISSUES = 10;

/** Alias expansions allowed while building the value (a "billion laughs" file needs millions). */
export const MAX_ALIAS_COUNT = 100;

/** Fixed descriptions of the YAML parser's error codes: never the parser's message, which quotes the text. */
const YAML_PROBLEMS: Record<YAMLError['code'], string> = {
  ALIAS_PROPS: 'an alias cannot have an anchor or a tag',
  BAD_ALIAS: 'an alias (*name) refers to no anchor (&name) defined before it',
  BAD_DIRECTIVE: 'a directive (a line starting with %) is not valid',
  BAD_DQ_ESCAPE: 'a double-quoted string has an invalid escape sequence',
  BAD_INDENT: 'the indentation is wrong here',
  BAD_PROP_ORDER: 'an anchor or tag is in the wrong place',
  BAD_SCALAR_START: 'a plain value cannot start with this character (quote it)',
  BLOCK_AS_IMPLICIT_KEY: 'a block value cannot be used as a key',
  BLOCK_IN_FLOW: 'a block value cannot be inside [ ] or { }',
  DUPLICATE_KEY: 'the same key appears twice in one mapping',
  IMPOSSIBLE: 'the parser could not read this part',
  KEY_OVER_1024_CHARS: 'a key is longer than 1024 characters',
  MISSING_CHAR: 'a closing quote, bracket or brace is missing',
  MULTILINE_IMPLICIT_KEY: 'a key spans several lines (or a value is missing its key)',
  MULTIPLE_ANCHORS: 'a node has more than one anchor',
  MULTIPLE_DOCS: 'the file holds more than one document (---): keep one',
  MULTIPLE_TAGS: 'a node has more than one tag',
  NON_STRING_KEY: 'a key is not a string',
  RESOURCE_EXHAUSTION: 'the document needs too many resources to build',
  TAB_AS_INDENT: 'a tab is used for indentation (use spaces)',
  TAG_RESOLVE_FAILED: 'a tag (!name) is not supported',
  UNEXPECTED_TOKEN: 'unexpected character or token',
  BAD_COLLECTION_TYPE: 'a tag does not fit the kind of value it is on',
};

/** Maps a field path to the 1-based line of the closest node the YAML/JSON document has for it. */
export function documentLocator(doc: ReturnType<typeof parseDocument>, lines: LineCounter): Locate {
  return (path) => {
    const keys = [...path];
    while (true) {
      let node: Node | undefined;
      try {
        node = (keys.length === 0 ? doc.contents : doc.getIn(keys, true)) as Node | undefined;
      } catch {
        node = undefined;
      }
      if (node && (node as { range?: [number, number, number] }).range) {
        return lines.linePos((node as { range: [number, number, number] }).range[0]).line;
      }
      if (keys.length === 0) return undefined;
      keys.pop();
    }
  };
}

/**
 * Parses a settings file's text (YAML, or JSON when the name ends in .json; a UTF-8 byte-order mark is
 * ignored). Syntax errors read `line L, column C: not valid YAML: <problem>`; an alias bomb (more than
 * {@link MAX_ALIAS_COUNT} alias expansions) is refused naming the line of the first alias; nothing of the
 * file's text is repeated in any message.
 *
 * @throws {ConfigError} naming `file`, the line and column, and the problem
 * @example
 * const { value, locate } = parseSettingsText(await readFile('policy.yaml', 'utf8'), 'policy.yaml');
 */
export function parseSettingsText(text: string, file: string): ParsedSource {
  const kind = /\.json$/i.test(file) ? 'JSON' : 'YAML';
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    // logLevel 'error': the parser's warnings (process.emitWarning) quote the text, e.g. a mapping used
    // as a key ("Keys with collection values will be stringified …: {…}"), so none are emitted.
    doc = parseDocument(src, {
      lineCounter: lines,
      prettyErrors: false,
      uniqueKeys: true,
      logLevel: 'error',
    });
  } catch (e) {
    // The parser recurses per nesting level: thousands of nested [ or { exhaust the stack.
    throw new ConfigError(file, [`not valid ${kind}: ${unreadable(e)}`]);
  }
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
      const problem = YAML_PROBLEMS[e.code] ?? 'syntax error';
      return `${pos ? `line ${pos.line}, column ${pos.col}: ` : ''}not valid ${kind}: ${problem}`;
    });
    const distinct = [...new Set(problems)];
    const shown = distinct.slice(0, MAX_SYNTAX_ISSUES);
    if (distinct.length > shown.length)
      shown.push(`not valid ${kind}: ${distinct.length - shown.length} more problems after these`);
    throw new ConfigError(file, shown);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (e instanceof ReferenceError && /alias/i.test(e.message)) {
      let line: number | undefined;
      visit(doc, {
        Alias(_k, node) {
          if (isAlias(node) && node.range) line = lines.linePos(node.range[0]).line;
          return visit.BREAK;
        },
      });
      throw new ConfigError(file, [
        `${line !== undefined ? `line ${line}: ` : ''}not valid ${kind}: the aliases (*name) expand to more than ${MAX_ALIAS_COUNT} copies (an alias bomb?): write the values out or use fewer aliases`,
      ]);
    }
    throw new ConfigError(file, [`not valid ${kind}: ${unreadable(e)}`]);
  }
  return { value, locate: documentLocator(doc, lines) };
}

/**
 * Reads a settings file (YAML, or JSON by its extension) whose root must be a mapping: the eval config and a
 * policy are read this way.
 *
 * @param holds what the mapping holds, for the error (e.g. 'gates, plan, …')
 * @throws {ConfigError} naming `file`: unreadable (with the system's code), not valid YAML/JSON (line and
 *   column), or a root that is not a mapping
 * @example
 * const { value, locate } = await readSettingsFile('policy.yaml', 'gates, plan, …');
 */
export async function readSettingsFile(
  file: string,
  holds: string,
): Promise<{ value: Record<string, unknown>; locate: Locate }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, [`cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  const { value, locate } = parseSettingsText(text, file);
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(file, [`(root): expected a mapping of settings (${holds})`]);
  }
  return { value: value as Record<string, unknown>, locate };
}

function unreadable(e: unknown): string {
  if (e instanceof RangeError) return 'nested too deeply to read';
  return 'the document cannot be read';
}
