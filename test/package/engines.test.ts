// Every installed package's `engines` accepts the Node versions canarylab supports: the oldest (20.19.0,
// package.json "engines") and the one running the tests, and the npm running them. A dependency that needs a
// newer Node (commander 15 needs ≥ 22.12) would make `npm ci` print EBADENGINE and may break at run time.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
// semver is npm's own range matcher (installed with the dev tools); the test does not re-implement ranges.
const semver = createRequire(join(ROOT, 'package.json'))('semver') as {
  satisfies(version: string, range: string, options?: { includePrerelease?: boolean }): boolean;
  validRange(range: string): string | null;
};

interface Engines {
  node?: unknown;
  npm?: unknown;
}

/** The installed packages: every path of package-lock.json that exists on disk (optional ones may not). */
function installed(): { path: string; name: string; version: string; engines: Engines }[] {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { link?: boolean }>;
  };
  const out = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || entry.link) continue;
    const file = join(ROOT, path, 'package.json');
    if (!existsSync(file)) continue;
    const p = JSON.parse(readFileSync(file, 'utf8')) as { name: string; version: string; engines?: Engines };
    out.push({ path, name: p.name, version: p.version, engines: p.engines ?? {} });
  }
  return out;
}

describe('dependency engines on Node 20', () => {
  const pkgs = installed();
  const ours = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
  const oldest = semver.validRange(ours.engines.node)?.replace(/^>=/, '') ?? '';
  const npmVersion = execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim();

  it('finds the installed tree', () => {
    expect(oldest).toBe('20.19.0');
    expect(pkgs.length).toBeGreaterThan(300);
    expect(pkgs.some((p) => p.name === 'commander')).toBe(true);
  });

  it('every engines.node range accepts Node 20.19.0 and the running Node', () => {
    const bad: string[] = [];
    for (const p of pkgs) {
      const range = p.engines.node;
      if (typeof range !== 'string') continue; // absent, or an old array form npm does not enforce
      for (const v of [oldest, process.versions.node]) {
        if (!semver.satisfies(v, range, { includePrerelease: true }))
          bad.push(`${p.path} (${p.name}@${p.version}) engines.node "${range}" rejects Node ${v}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('every engines.npm range accepts the running npm', () => {
    const bad = pkgs
      .filter(
        (p) => typeof p.engines.npm === 'string' && !semver.satisfies(npmVersion, p.engines.npm as string),
      )
      .map((p) => `${p.path} engines.npm "${p.engines.npm}" rejects npm ${npmVersion}`);
    expect(bad).toEqual([]);
  });

  it('the checker rejects what npm would warn about', () => {
    // commander 15.1.0 declares engines.node ">=22.12.0" (the EBADENGINE warning).
    expect(semver.satisfies(oldest, '>=22.12.0')).toBe(false);
    expect(semver.satisfies('20.20.2', '^20.19.0 || >=22.12.0')).toBe(true);
  });
});
