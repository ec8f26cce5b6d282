// `npm run docs` (TypeDoc over src/index.ts, typedoc.json) builds the API reference without a warning:
// typedoc.json sets treatWarningsAsErrors, so a JSDoc link to a name that is not public, or a Markdown slip in
// a comment, fails here. The reference has one page per namespace of the public API.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const TYPEDOC = join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc');

describe('the API reference (TypeDoc)', () => {
  it('builds with no warning, one page per namespace, each name with its one-line description', async () => {
    const out = mkdtempSync(join(tmpdir(), 'canarylab-apidocs-'));
    try {
      // Rejects (exit status 5 from TypeDoc) on any warning.
      await promisify(execFile)(process.execPath, [TYPEDOC, '--out', out], { cwd: ROOT, maxBuffer: 1 << 24 });
      for (const ns of [
        'stats',
        'scorers',
        'summaries',
        'sequential',
        'runs',
        'datasets',
        'text',
        'calibration',
      ])
        expect(readFileSync(join(out, 'modules', `index.${ns}.html`), 'utf8')).toContain(
          `<title>${ns} | canarylab`,
        );
      // The one-line JSDoc of a re-exported name (src/api/stats.ts) reaches its page, beside the function's own.
      expect(readFileSync(join(out, 'functions', 'index.stats.wilsonInterval.html'), 'utf8')).toContain(
        'Wilson score interval for a proportion.',
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
