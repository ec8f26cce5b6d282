/**
 * Escaping for the HTML report. Model output and user data are untrusted: every piece goes through
 * {@link escapeHtml} (text and quoted attribute values alike), JSON embedded in a script element goes
 * through {@link jsonForScript}, and chart SVG through {@link sanitizeSvg}.
 */

/** An error in the report's input, with a stable code. */
export class ReportError extends Error {
  readonly code: string;
  constructor(message: string, code = 'CANARYLAB_ERR_REPORT_INPUT') {
    super(message);
    this.name = 'ReportError';
    this.code = code;
  }
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/**
 * Escapes text for HTML element content and for quoted attribute values: & < > " ' and `.
 * Any value is first turned into a string (null and undefined become '').
 *
 * @example
 * escapeHtml('<img src=x onerror="alert(1)">'); // => '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
 */
export function escapeHtml(value: unknown): string {
  if (value === null || value === undefined) return '';
  return String(value).replace(/[&<>"'`]/g, (c) => HTML_ESCAPES[c]);
}

/**
 * Serializes a value as JSON that is safe inside `<script type="application/json">`: `<`, `>`, `&`,
 * U+2028 and U+2029 become \u escapes, so no `</script>` or `<!--` in the data can end the element.
 * JSON.parse of the element's text gives the value back unchanged.
 *
 * @throws {ReportError} when the value cannot be serialized (e.g. undefined at the top level)
 * @example
 * jsonForScript({ a: '</script>' }); // => '{"a":"\\u003c/script\\u003e"}'
 */
export function jsonForScript(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new ReportError('jsonForScript: the value has no JSON form');
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Ids that are safe in an attribute, a fragment and a file name. */
export const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * Makes chart SVG from our renderer fit for inlining in HTML, as defence in depth (the page's CSP forbids
 * scripts and fetches anyway): drops the XML prolog, doctype and comments; removes script, foreignObject,
 * iframe, object, embed, image, use, style, animate/set elements; on* event attributes; and href,
 * xlink:href, src attributes and CSS url(…) that are not same-document fragments ('#…'). Also drops the
 * xmlns declarations, which inline SVG in HTML does not need, so the page holds no URL at all.
 *
 * @throws {ReportError} when the markup is not a single <svg> element
 * @example
 * sanitizeSvg('<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:x()"><text>t</text></a></svg>');
 * // => '<svg><a><text>t</text></a></svg>'
 */
export function sanitizeSvg(svg: string): string {
  let s = svg
    .replace(/^\uFEFF/, '')
    .replace(/<\?xml[\s\S]*?\?>/g, '')
    .replace(/<!DOCTYPE[\s\S]*?>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .trim();
  if (!/^<svg[\s>]/i.test(s) || !/<\/svg>$/i.test(s)) {
    throw new ReportError('sanitizeSvg: expected one <svg>…</svg> element (from renderSvg)');
  }
  const banned = 'script|foreignObject|iframe|object|embed|image|use|style|animate\\w*|set|handler|listener';
  // Paired elements with their content, then any leftover (self-closing or unpaired) tags.
  s = s.replace(new RegExp(`<(${banned})\\b[\\s\\S]*?<\\/\\1\\s*>`, 'gi'), '');
  s = s.replace(new RegExp(`<\\/?(${banned})\\b[^>]*>`, 'gi'), '');
  // Event handlers, link/resource attributes (except '#fragment'), namespace declarations.
  s = s.replace(/\s+on[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, '');
  s = s.replace(/\s+(?:xlink:)?(?:href|src)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, (m, v: string) =>
    /^["']?#[\w-]*["']?$/.test(v) ? m : '',
  );
  s = s.replace(/\s+xmlns(?::[a-z]+)?\s*=\s*("[^"]*"|'[^']*')/gi, '');
  // CSS references other than same-document ones (vega's clip paths are url(#clipN)).
  s = s.replace(/url\(\s*(?!['"]?#)[^)]*\)/gi, 'none');
  return s;
}
