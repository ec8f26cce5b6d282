#!/usr/bin/env node
// Command-line entry: registers tsx's TypeScript loader and runs src/cli/main.ts.
require('tsx/cjs');
const { main } = require('../src/cli/main.ts');
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`canarylab: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
