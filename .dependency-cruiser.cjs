/**
 * canarylab's layers, checked by `npm run deps` (part of `npm test`): a module may import its own layer and
 * the layers below it, never one above, and nothing may run in a circle. The simulator sits beside the
 * product: it may use the lower layers (tokens, judge prompts, seeded randomness) but only the top (the public
 * API, the CLI) and tests, benches and scripts may import it. docs/ARCHITECTURE.md explains each layer.
 */
const LAYERS = [
  // 0 foundation: record types, the one formatter, atomic file writes, statistics, readers of located input
  ['src/types\\.ts', 'src/format\\.ts', 'src/fileAtomic\\.ts', 'src/packageRoot\\.ts', 'src/stats/', 'src/input/'],
  // 1 traffic: the HTTP gateway and its protocols; routing (bucketing, SRM, router log shapes)
  ['src/gateway/', 'src/routing/'],
  // 2 scoring: rubrics and judges
  ['src/scoring/'],
  // 3 bundled data sets (GSM8K answers, llmperf traces)
  ['src/datasets/'],
  // 4 the batch runner
  ['src/runner/'],
  // 5 analysis: summaries → comparisons
  ['src/analysis/'],
  // 6 production log sources (DuckDB, ClickHouse, OTLP) → summaries
  ['src/logs/'],
  // 7 decision: policy, gates, stages, sequential history
  ['src/decision/'],
  // 8 charts, 9 the HTML report
  ['src/charts/'],
  ['src/report/'],
  // 10 the eval config
  ['src/config/'],
  // 11 stages chained (pipeline) and the calibration harness
  ['src/pipeline/', 'src/calibration/'],
  // 12 notebooks, 13 the public API (the root list and its namespaces in api/), 14 the CLI
  ['src/notebook/'],
  ['src/index\\.ts', 'src/api/'],
  ['src/cli/'],
];
const SIM = 'src/sim/';
const TOP = ['src/index\\.ts', 'src/cli/'];
const alt = (xs) => `^(${xs.join('|')})`;

const upward = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `layer-${i}-imports-upward`,
  comment: `${layer.join(', ')} (layer ${i}) must not import a layer above it`,
  severity: 'error',
  from: { path: alt(layer) },
  to: { path: alt(LAYERS.slice(i + 1).flat()) },
}));

module.exports = {

  forbidden: [
    {
      name: 'no-circular',
      comment: 'no import circles',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...upward,
    {
      name: 'simulator-beside-the-product',
      comment: 'only the public API and the CLI (and tests, benches, scripts) import the simulator',
      severity: 'error',
      from: { path: '^src/', pathNot: `${alt([...TOP, SIM])}` },
      to: { path: `^${SIM}` },
    },
    {
      name: 'simulator-uses-lower-layers-only',
      comment: 'the simulator may use layers 0–3 (tokens, judge prompts, answers, randomness), nothing above',
      severity: 'error',
      from: { path: `^${SIM}` },
      // The one exception: src/config/simulator.ts, the simulator's settings contract (the `simulator:`
      // section of an eval config: schema, types, resolve, error), which itself imports only layers 0–3.
      to: { path: alt(LAYERS.slice(4).flat()), pathNot: '^src/config/simulator\\.ts$' },
    },
    {
      name: 'cli-uses-the-public-api',
      comment:
        'the CLI reaches the product only through src/index.ts (its own files in src/cli/ apart, and the ' +
        "simulator's own command line, src/sim/cli.ts, which `canarylab sim` hands its arguments to)",
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: '^src/', pathNot: '^src/(cli/|index\\.ts$|sim/cli\\.ts$)' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    moduleSystems: ['es6', 'cjs'],
  },
};
