import { defineConfig, type Options } from 'tsup';

// The published build (npm run build → dist/). tsup 8 (esbuild + rollup-plugin-dts) rather than tsc: one
// step gives both module formats and both declaration flavours (tsc would need two emits and renamed
// .d.mts files), and bundling each entry into one file saves Node resolving and loading ~150 source modules
// at start-up. tsdown would do the same, but it needs Node 22 and the project supports Node 20.19.
const common: Options = {
  outDir: 'dist',
  target: 'node20',
  platform: 'node',
  // src/ only (the project tsconfig also covers test/, bench/ and scripts/).
  tsconfig: 'tsconfig.build.json',
  // __dirname / __filename in the ESM build (the code finds datasets/ and package.json from them).
  shims: true,
  // Nothing from node_modules is bundled: dependencies (and the heavy ones loaded on demand —
  // @duckdb/node-api, @clickhouse/client, tslab, danfojs-node, @resvg/resvg-js) stay imports resolved at
  // run time, and a runtime import of a devDependency fails the package test instead of being inlined.
  skipNodeModulesBundle: true,
  splitting: false,
  sourcemap: false,
  // Not tsup's clean: the two builds run at the same time and one would delete the other's output; the
  // build script empties dist/ first.
  clean: false,
};

export default defineConfig([
  // The library: package.json has no "type", so dist/index.js is CommonJS and dist/index.mjs is ESM, with
  // index.d.ts and index.d.mts beside them.
  { ...common, entry: { index: 'src/index.ts' }, format: ['cjs', 'esm'], dts: true },
  // The command (bin/canarylab.cjs requires it): CommonJS only, no types.
  { ...common, entry: { cli: 'src/cli/main.ts' }, format: ['cjs'], dts: false },
]);
