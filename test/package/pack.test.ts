// Slow by nature (a build, an install, tsc over the published declarations): about 47 s on a 2-core
// machine at load average 3, longer under load, hence the generous timeouts.
//
// The package as a user gets it: `npm pack` (its prepack script builds dist/), the tarball installed into a
// fresh project outside the checkout, offline, and used from there the four ways a user would — ESM import,
// CommonJS require, TypeScript against the published declarations, and the `canarylab` command through npx
// — plus publint and @arethetypeswrong/cli on the tarball itself.
//
// Offline install: the fresh project gets a package-lock.json made from canarylab's own (the production
// entries: the exact versions canarylab is tested with, each with its integrity hash and its registry
// address), and `npm ci --offline` takes every tarball from npm's cache by that hash. A lockfile-less
// `npm install --offline <tgz>` would need each dependency's registry metadata document, which `npm ci` never
// fetches and so never caches (measured: 511 cache misses; 2 min 43 s with the network, a failure without).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
};

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dev?: boolean;
  link?: boolean;
  [key: string]: unknown;
}

/** The registry address of a locked package (canarylab's lockfile records versions and hashes, not URLs). */
function registryUrl(path: string, version: string): string {
  const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
  const base = name.includes('/') ? name.split('/')[1] : name;
  return `https://registry.npmjs.org/${name}/-/${base}-${version}.tgz`;
}

/** A lockfile for { dependencies: { canarylab: file:<tgz> } }: canarylab's production tree, same layout. */
function consumerLock(tgzName: string, tgzIntegrity: string): object {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const packages: Record<string, LockEntry> = {
    '': { name: 'consumer', version: '1.0.0', dependencies: { canarylab: `file:${tgzName}` } },
    'node_modules/canarylab': {
      version: pkg.version,
      resolved: `file:${tgzName}`,
      integrity: tgzIntegrity,
      license: 'MIT',
      dependencies: pkg.dependencies,
      bin: { canarylab: 'bin/canarylab.cjs' },
      engines: { node: '>=20.19' },
      peerDependencies: { tslab: '^1.0.22' },
      peerDependenciesMeta: { tslab: { optional: true } },
    },
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || entry.dev || entry.link || !entry.version) continue;
    packages[path] = { ...entry, resolved: entry.resolved ?? registryUrl(path, entry.version) };
  }
  return { name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}

// Nothing from the checkout leaks in: npm and npx run in the app folder with only these variables.
const cleanEnv: NodeJS.ProcessEnv = Object.fromEntries(
  ['PATH', 'HOME', 'TMPDIR', 'npm_config_cache'].flatMap((k) =>
    process.env[k] === undefined ? [] : [[k, process.env[k]]],
  ),
);

let work = '';
let app = '';
let tgz = '';
let installLog = '';
const timings: Record<string, number> = {};

async function timed<T>(label: string, f: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    return await f();
  } finally {
    timings[label] = (Date.now() - t0) / 1000;
  }
}

describe('the packed tarball, installed offline into a fresh project', () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'canarylab-pack-'));
    // npm pack runs prepack (npm run build), so the tarball holds the dist/ of the source being tested.
    const packed = await timed('npm pack (with build)', () =>
      run('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }),
    );
    // stdout holds the build's log (prepack) and then npm's JSON array.
    const info = JSON.parse(packed.stdout.slice(packed.stdout.lastIndexOf('[\n  {'))) as {
      filename: string;
    }[];
    tgz = join(work, info[0].filename);
    app = join(work, 'app');
    mkdirSync(app);
    const bytes = readFileSync(tgz);
    const integrity = `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
    const rel = `../${info[0].filename}`;
    writeFileSync(
      join(app, 'package.json'),
      `${JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, dependencies: { canarylab: `file:${rel}` } }, null, 2)}\n`,
    );
    writeFileSync(
      join(app, 'package-lock.json'),
      `${JSON.stringify(consumerLock(rel, integrity), null, 2)}\n`,
    );
    const installed = await timed('npm ci --offline', () =>
      run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], {
        cwd: app,
        maxBuffer: 64 * 1024 * 1024,
        env: cleanEnv,
      }),
    );
    installLog = installed.stdout + installed.stderr;
  }, 300_000);

  afterAll(() => {
    console.log(
      `package test timings (s): ${Object.entries(timings)
        .map(([k, v]) => `${k} ${v.toFixed(1)}`)
        .join(', ')}`,
    );
    if (work) rmSync(work, { recursive: true, force: true });
  }, 60_000);

  it('installs without engine or install-script warnings, and without the source or tsx', () => {
    expect(installLog).not.toMatch(/EBADENGINE|allowScripts|npm warn/i);
    const here = join(app, 'node_modules', 'canarylab');
    expect(existsSync(join(here, 'dist', 'index.js'))).toBe(true);
    expect(existsSync(join(here, 'src'))).toBe(false); // the bin can only run the compiled command
    expect(existsSync(join(app, 'node_modules', 'tsx'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', 'danfojs-node'))).toBe(false); // notebooks only: a devDependency
  });

  it('imports as ESM and requires as CommonJS', async () => {
    writeFileSync(
      join(app, 'esm.mjs'),
      [
        "import { analyzeRun, datasets, decide, DEFAULT_POLICY, stats } from 'canarylab';",
        "import * as all from 'canarylab';",
        // Wilson 95% for 995/1000, from statsmodels 0.13:
        // proportion_confint(995, 1000, alpha=0.05, method='wilson') = (0.9883490446, 0.9978624645).
        'const w = stats.wilsonInterval(995, 1000, { confidence: 0.95 });',
        'console.log(JSON.stringify({ analyzeRun: typeof analyzeRun, decide: typeof decide,',
        '  gates: DEFAULT_POLICY.gates.length, lower: w.lower, upper: w.upper, names: Object.keys(all).length,',
        "  namespaces: Object.fromEntries(['stats', 'scorers', 'runs', 'text'].map((k) => [k, Object.keys(all[k]).length])),",
        '  data: datasets.DATASETS_DIR }));',
      ].join('\n'),
    );
    const esm = JSON.parse((await run(process.execPath, ['esm.mjs'], { cwd: app })).stdout);
    expect(esm.analyzeRun).toBe('function');
    expect(esm.decide).toBe('function');
    expect(esm.gates).toBeGreaterThanOrEqual(5);
    expect(esm.lower).toBeCloseTo(0.9883490446, 8);
    expect(esm.upper).toBeCloseTo(0.9978624645, 8);
    expect(esm.data).toBe(join(app, 'node_modules', 'canarylab', 'datasets')); // __dirname shimmed in the ESM build

    writeFileSync(
      join(app, 'cjs.cjs'),
      [
        "const lab = require('canarylab');",
        "console.log(JSON.stringify({ analyzeRun: typeof lab.analyzeRun, decide: typeof lab.decide, names: Object.keys(lab).length, namespaces: Object.fromEntries(['stats', 'scorers', 'runs', 'text'].map((k) => [k, Object.keys(lab[k]).length])), data: lab.datasets.DATASETS_DIR, resolved: require.resolve('canarylab') }));",
      ].join('\n'),
    );
    const cjs = JSON.parse((await run(process.execPath, ['cjs.cjs'], { cwd: app })).stdout);
    expect(cjs.analyzeRun).toBe('function');
    expect(cjs.decide).toBe('function');
    expect(cjs.names).toBe(esm.names); // both builds export the same names
    expect(cjs.namespaces).toEqual(esm.namespaces); // and the same names in each namespace
    expect(esm.namespaces.stats).toBeGreaterThan(40);
    expect(cjs.resolved).toBe(join(app, 'node_modules', 'canarylab', 'dist', 'index.js'));
    // The installed package finds its own data (datasets/, package.json), not the checkout's.
    expect(cjs.data).toBe(join(app, 'node_modules', 'canarylab', 'datasets'));
  }, 120_000);

  it('type-checks TypeScript against the published declarations (ESM and CommonJS resolution)', async () => {
    const body = [
      'const comparisons: MetricComparison[] = [];',
      'const policy: Policy = DEFAULT_POLICY;',
      'const decision: Decision = decide(comparisons, policy);',
      'const verdict: "promote" | "hold" | "rollback" = decision.verdict;',
      'const w = stats.wilsonInterval(995, 1000, { confidence: 0.95 });',
      'const lower: number = w.lower;',
      // A type reached through a namespace, and a namespace function's declared return type.
      'const rubric: scorers.Scorer = scorers.numericAnswer();',
      'export const rubricName: string = rubric.name;',
      'export const out = { verdict, lower, analyzeRun };',
      // If the declarations resolved to `any`, these lines would not be errors and the directives would be.
      '// @ts-expect-error a number is not a list of comparisons',
      'decide(42, policy);',
      '// @ts-expect-error verdict is a closed union',
      'const wrong: "maybe" = decision.verdict;',
      'export { wrong };',
    ];
    const imports =
      "import { analyzeRun, decide, DEFAULT_POLICY, scorers, stats, type Decision, type MetricComparison, type Policy } from 'canarylab';";
    writeFileSync(join(app, 'check.mts'), [imports, ...body].join('\n'));
    writeFileSync(join(app, 'check.cts'), [imports, ...body].join('\n'));
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'ES2022',
          strict: true,
          noEmit: true,
          // The published .d.ts files themselves are checked too (not skipped), against Node's types.
          skipLibCheck: false,
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules', '@types')],
        },
        files: ['check.mts', 'check.cts'],
      }),
    );
    const result = await run(process.execPath, [TSC, '-p', 'tsconfig.json', '--listFiles'], {
      cwd: app,
    }).catch((e: { stdout: string; stderr: string }) => {
      throw new Error(`tsc failed:\n${e.stdout}${e.stderr}`);
    });
    const files = result.stdout.split('\n');
    expect(files).toContain(join(app, 'node_modules', 'canarylab', 'dist', 'index.d.mts'));
    expect(files).toContain(join(app, 'node_modules', 'canarylab', 'dist', 'index.d.ts'));
  }, 240_000);

  it('runs the command through npx: --version and demo-data', async () => {
    const env = cleanEnv;
    const version = await run('npx', ['--offline', 'canarylab', '--version'], { cwd: app, env });
    expect(version.stdout.trim()).toBe(pkg.version);
    const demo = await run('npx', ['--offline', 'canarylab', 'demo-data'], { cwd: app, env });
    // From the bundled data shipped in the package: 458 of 1,319 for 175b_finetuning (README's table).
    expect(demo.stdout).toContain('1,319 problems');
    expect(demo.stdout).toMatch(/175b_finetuning[^\n]*458/);
  }, 120_000);

  it('passes publint and @arethetypeswrong/cli on the tarball', async () => {
    const lint = await run(
      process.execPath,
      [join(ROOT, 'node_modules', 'publint', 'src', 'cli.js'), 'run', '--strict', tgz],
      {
        cwd: work,
      },
    );
    expect(lint.stdout).not.toMatch(/Errors:|Warnings:/);
    const attw = await run(
      process.execPath,
      [join(ROOT, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js'), tgz, '--format', 'json'],
      { cwd: work, maxBuffer: 64 * 1024 * 1024 },
    );
    const report = JSON.parse(attw.stdout) as { analysis: { problems: unknown[] } };
    expect(report.analysis.problems).toEqual([]);
  }, 120_000);
});
