#!/usr/bin/env -S node --max-semi-space-size=32 --heap-growing-percent=50
// Command-line entry: runs the compiled command, dist/cli.js (`npm run build`; built by `npm run setup` and
// shipped in the package). In a checkout without a build, or with CANARYLAB_FROM_SOURCE=1 (the CLI tests set
// it so they exercise the source being edited, not the last build), it registers tsx's TypeScript loader and
// runs src/cli/main.ts instead; the package contains no src/, so an installed canarylab always runs dist/.
// The V8 flags fit the batch runner's allocation pattern: a 32 MB young generation, so a call's objects
// (alive one round trip) die young instead of being promoted, and the old generation grown by 1.5× its live
// size after each full collection instead of up to 4×, so garbage does not pile up over a long run.
// bench/runner-bench.ts, 256 calls in flight: peak RSS 347 → 263 MB at 10,000 items and 414 → 272 MB at
// 100,000; CPU per call 0.167 → 0.129 ms.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const compiled = join(__dirname, '..', 'dist', 'cli.js');
const source = join(__dirname, '..', 'src', 'cli', 'main.ts');
const fromSource = existsSync(source) && (process.env.CANARYLAB_FROM_SOURCE === '1' || !existsSync(compiled));
if (fromSource) require('tsx/cjs');
const { main } = require(fromSource ? source : compiled);
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`canarylab: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
