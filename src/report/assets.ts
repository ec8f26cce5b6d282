import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ReportError } from './escape';

/** A script inlined in the report, with the CSP hash of its exact text. */
export interface InlineScript {
  name: string;
  text: string;
  /** 'sha256-<base64>' for the Content-Security-Policy's script-src. */
  hash: string;
}

/** The hash CSP expects for an inline script: sha256 of its UTF-8 text, base64. */
export function cspHash(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}

/** Makes an inline script from its source text. */
export function inlineScript(name: string, text: string): InlineScript {
  if (/<\/script|<!--/i.test(text)) {
    throw new ReportError(`inlineScript: ${name} contains '</script' or '<!--' and cannot be inlined`);
  }
  return { name, text, hash: cspHash(text) };
}

const LIBRARIES = [
  { pkg: 'vega', file: 'vega.min.js' },
  { pkg: 'vega-lite', file: 'vega-lite.min.js' },
  { pkg: 'vega-embed', file: 'vega-embed.min.js' },
] as const;

let cache: InlineScript[] | undefined;

/**
 * The browser builds of vega, vega-lite and vega-embed (in that order, each needs the one before), read
 * from node_modules on first use and cached. The source-map comment is dropped so nothing refers to
 * another file.
 *
 * @throws {ReportError} when a build is missing (code CANARYLAB_ERR_REPORT_ASSET)
 */
export function vegaLibraries(): InlineScript[] {
  if (cache) return cache;
  const req = createRequire(__filename);
  cache = LIBRARIES.map(({ pkg, file }) => {
    let path = '';
    try {
      // Each package's main entry sits in build/, next to its minified browser build (vega-embed's
      // exports map hides the build folder from subpath requires).
      path = join(dirname(req.resolve(pkg)), file);
      const text = readFileSync(path, 'utf8')
        .replace(/\n?\/\/# sourceMappingURL=\S*\s*$/, '')
        .trimEnd();
      return inlineScript(pkg, text);
    } catch (err) {
      if (err instanceof ReportError) throw err;
      throw new ReportError(
        `vegaLibraries: cannot read ${pkg}'s browser build ${path || file} (${(err as Error).message})`,
        'CANARYLAB_ERR_REPORT_ASSET',
      );
    }
  });
  return cache;
}
