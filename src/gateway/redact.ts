/**
 * Secrets out of everything canarylab records or prints: credentials inside URLs (userinfo and
 * secret-looking query parameters), and the API keys this process knows (a model answer that echoes the
 * Authorization header must not carry the key into calls.jsonl).
 */

/** What a redacted value is replaced with. */
export const REDACTED = 'redacted';

/** Query parameters whose value is a credential (matched on the whole name, case-insensitive). */
const SECRET_PARAM =
  /(^|[-_.])(api[-_]?key|apikey|key|token|access[-_]?token|auth|authorization|secret|client[-_]?secret|password|passwd|pwd|pass|sig|signature|credential|credentials|session|x-api-key|code)$/i;

/** userinfo in any URL-looking text: `scheme://user:pass@` or `scheme://token@`. */
const USERINFO_IN_TEXT = /\b([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]*@/gi;

/**
 * A URL safe to record or print: userinfo becomes `redacted@`, the value of every secret-looking query
 * parameter (`api-key`, `key`, `token`, `sig`, `password`, …) becomes `redacted`. The one function every
 * place that records or prints a URL goes through (run.json, logs, error messages). Text that is not a
 * URL has its `scheme://user:pass@` parts redacted all the same.
 *
 * @example
 * redactUrl('http://user:secret@host:8080/v1?api-key=abc&x=1'); // 'http://redacted@host:8080/v1?api-key=redacted&x=1'
 */
export function redactUrl(url: string): string {
  if (typeof url !== 'string') return '';
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url
      .replace(USERINFO_IN_TEXT, `$1${REDACTED}@`)
      .replace(/([?&;](?:[^=&#\s]*?))=([^&#\s]*)/g, (m, name: string, _v: string) =>
        SECRET_PARAM.test(name.slice(1)) ? `${name}=${REDACTED}` : m,
      );
  }
  const userinfo = u.username !== '' || u.password !== '' ? `${REDACTED}@` : '';
  let search = '';
  if (u.search !== '') {
    // Rebuilt by hand (not URLSearchParams.toString) so the rest of the query stays byte for byte.
    search = `?${u.search
      .slice(1)
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        const name = eq < 0 ? pair : pair.slice(0, eq);
        let decoded = name;
        try {
          decoded = decodeURIComponent(name);
        } catch {
          // keep the raw name
        }
        return eq >= 0 && SECRET_PARAM.test(decoded) ? `${name}=${REDACTED}` : pair;
      })
      .join('&')}`;
  }
  const host = u.host;
  const rest = `${u.pathname}${search}${u.hash}`;
  if (u.protocol === 'http:' || u.protocol === 'https:' || host !== '')
    return `${u.protocol}//${userinfo}${host}${rest}`;
  return `${u.protocol}${rest}`;
}

/** Secrets shorter than this are not redacted from text (they would match ordinary words). */
const MIN_SECRET = 8;
const known = new Set<string>();

/**
 * Registers a secret (an API key) this process uses, so that {@link redactKnownSecrets} removes it from
 * everything written to a run folder. createChatClient registers its key; call it for any other.
 */
export function registerSecret(secret: string | undefined): void {
  if (typeof secret === 'string' && secret.length >= MIN_SECRET) known.add(secret);
}

/**
 * Text with every registered secret (and every extra one given) replaced by `[redacted]`: for model
 * output and error messages before they are stored. Cheap when no secret occurs (one `includes` each).
 *
 * @example
 * registerSecret('sk-test-123456'); redactKnownSecrets('Bearer sk-test-123456'); // 'Bearer [redacted]'
 */
export function redactKnownSecrets(text: string, extra: readonly string[] = []): string {
  let out = text;
  for (const s of known) if (out.includes(s)) out = out.split(s).join(`[${REDACTED}]`);
  for (const s of extra)
    if (s.length >= MIN_SECRET && out.includes(s)) out = out.split(s).join(`[${REDACTED}]`);
  return out;
}

/** Whether any registered secret is known (lets hot paths skip the scan). */
export function hasKnownSecrets(): boolean {
  return known.size > 0;
}
