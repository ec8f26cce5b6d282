#!/usr/bin/env node
// The tslab kernel with the project's strictness. tslab 1.0 compiles notebook cells — and every file of
// src/ they import — with fixed, non-strict compiler options (no strictNullChecks), under which code that
// is correct for the project's strict tsconfig fails to type-check (a discriminated union such as
// `{ ok: true } | { ok: false; error }` does not narrow on `!x.ok`). This launcher hands tslab's converter a
// TypeScript whose watch host adds the project's strict checks (tsconfig.json: strict, noImplicitOverride,
// noFallthroughCasesInSwitch), then starts tslab as usual. scripts/notebooks.py and scripts/lab.sh register
// it as the `tslab` kernel (a kernelspec in front of the one `npm run setup` installs). It also lets tslab
// load directory imports (`./charts` → `./charts/index`), see below.
'use strict';
const Module = require('node:module');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const tslabDir = path.join(root, 'node_modules', 'tslab');
const STRICT = { strict: true, noImplicitOverride: true, noFallthroughCasesInSwitch: true };

let patched;
function strictTypeScript(ts) {
  if (patched) return patched;
  // The TypeScript bundle's exports are read-only getters: build a copy that forwards every export and
  // replaces createWatchCompilerHost (the only place tslab sets its compiler options).
  const copy = {};
  for (const key of Object.keys(ts))
    if (key !== 'createWatchCompilerHost')
      Object.defineProperty(copy, key, { enumerable: true, get: () => ts[key] });
  Object.defineProperty(copy, 'createWatchCompilerHost', {
    enumerable: true,
    value: (rootFiles, options, ...rest) =>
      ts.createWatchCompilerHost(rootFiles, { ...options, ...STRICT }, ...rest),
  });
  patched = copy;
  return copy;
}

// tslab keeps the compiled src/ files in memory and resolves `./x` only as the file `x.js`: a directory
// import (`export … from './charts'`, meaning ./charts/index.ts) is not found. Retry such an import as
// `./x/index` through the importing module's own (tslab-wrapped) require.
const load = Module._load;
Module._load = function loadForTslab(request, parent, isMain) {
  let exported;
  try {
    exported = load.call(this, request, parent, isMain);
  } catch (e) {
    const relative = request.startsWith('./') || request.startsWith('../');
    if (e?.code !== 'MODULE_NOT_FOUND' || !relative || request.endsWith('/index') || !parent?.require)
      throw e;
    try {
      return parent.require(`${request}/index`);
    } catch {
      throw e;
    }
  }
  if (
    request === '@tslab/typescript-for-tslab' &&
    parent?.filename === path.join(tslabDir, 'dist', 'converter.js')
  )
    return strictTypeScript(exported);
  return exported;
};
require(path.join(tslabDir, 'dist', 'main.js')).main();
