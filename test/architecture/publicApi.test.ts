// The public API is a short list (docs/ARCHITECTURE.md "The public API"): src/index.ts exports the workflow a
// notebook or another program drives, plus eight namespaces for the toolkits behind it. The lists below are
// written out by hand: a change to what the package exports has to change this test too, on purpose. Every
// exported name carries a one-line JSDoc, read from the source with the TypeScript parser.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index';

const SRC = join(__dirname, '..', '..', 'src');

/** The values of the root list (types are not values and are not listed here). */
const ROOT_VALUES = [
  // config
  'ConfigError',
  'loadConfigItems',
  'loadEvalConfig',
  'simulatorOptions',
  'writeItems',
  // calls
  'GatewayError',
  'SpendBudget',
  'createChatClient',
  'createGateway',
  'loadPricing',
  'runBatch',
  // scores
  'ScorerError',
  'judgePairs',
  'judgeReliability',
  'loadPairwise',
  'loadScores',
  'pairwiseSummary',
  'scoreRun',
  // analysis
  'analyzeRun',
  'analyzeSummaries',
  'cyrb53',
  'loadRun',
  'srmCheck',
  'summarizeLogs',
  // decision
  'DEFAULT_POLICY',
  'decide',
  'loadPolicy',
  'parsePolicy',
  // charts and report
  'buildRunCharts',
  'selectDisagreements',
  // whole runs
  'BudgetReachedError',
  'importLogsRun',
  'runPipeline',
  'toolVersion',
  // notebooks and the simulator
  'DEMO',
  'callRows',
  'demoArms',
  'ensureDemoRun',
  'notebookProgress',
  'showChart',
  'showDecision',
  'showTable',
  'sideBySide',
  'startSimulator',
  // the namespaces
  'calibration',
  'datasets',
  'runs',
  'scorers',
  'sequential',
  'stats',
  'summaries',
  'text',
];

const NAMESPACE_VALUES: Record<string, string[]> = {
  calibration: ['SCENARIOS', 'calibrationMarkdown', 'runCalibration'],
  datasets: [
    'DATASETS_DIR',
    'GSM8K_MODELS',
    'llmperfErrorKind',
    'llmperfToCalls',
    'loadCsvItems',
    'loadGsm8kSolutions',
    'loadJsonlItems',
    'loadLlmperfTrace',
    'streamCsvItems',
    'streamJsonlItems',
    'summarizeGsm8k',
    'summarizeLatencyTrace',
  ],
  runs: [
    'analyzeStage',
    'decideStage',
    'isRunFolder',
    'readAnalysis',
    'readRunSummary',
    'reportStage',
    'withRunLock',
  ],
  scorers: [
    'contains',
    'customScorer',
    'exactMatch',
    'extractFinalNumber',
    'isValidJson',
    'languageIs',
    'lengthBounds',
    'levenshteinRatio',
    'llmJudge',
    'matchesJsonSchema',
    'notContains',
    'numericAnswer',
    'oneLine',
    'pairwiseJudge',
    'regexMatch',
    'rougeL',
    'rubric',
    'startsWith',
    'tokenF1',
  ],
  sequential: [
    'addAlwaysValid',
    'alwaysValidIntervals',
    'appendSequentialLook',
    'sequentialSpec',
    'updateHistory',
    'updateSequentialHistory',
  ],
  summaries: ['chooseWindowWidth', 'mergeSummaries', 'parseColumnMapping', 'summarizeCalls'],
  text: [
    'VERDICT_EXIT_CODES',
    'createProgressReporter',
    'formatComparisons',
    'formatMetricValue',
    'formatNumber',
    'formatPValue',
    'formatSeconds',
    'formatTable',
    'formatVerdict',
  ],
};

/** Every name a module exports (values and types), each with whether a JSDoc comment stands before it. */
function exportedNames(file: string): { name: string; documented: boolean }[] {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const hasDoc = (pos: number) =>
    (ts.getLeadingCommentRanges(text, pos) ?? []).some((r) => text.startsWith('/**', r.pos));
  const out: { name: string; documented: boolean }[] = [];
  for (const st of source.statements) {
    const statementDoc = hasDoc(st.pos);
    if (ts.isExportDeclaration(st) && st.exportClause) {
      if (ts.isNamespaceExport(st.exportClause))
        out.push({ name: st.exportClause.name.text, documented: statementDoc });
      else {
        const elements = st.exportClause.elements;
        // One name: the JSDoc may stand before the statement; several: before each name.
        for (const el of elements)
          out.push({
            name: el.name.text,
            documented: hasDoc(el.pos) || (elements.length === 1 && statementDoc),
          });
      }
    } else if (
      ts.isFunctionDeclaration(st) &&
      st.name &&
      st.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
    )
      out.push({ name: st.name.text, documented: statementDoc });
  }
  return out;
}

const values = (o: object) => Object.keys(o).sort();
const sorted = (xs: string[]) => [...xs].sort();

describe('the public API', () => {
  it('the root exports exactly the listed values: the workflow and eight namespaces', () => {
    expect(values(api)).toEqual(sorted(ROOT_VALUES));
    expect(ROOT_VALUES.length).toBeLessThanOrEqual(60);
  });

  it.each(Object.entries(NAMESPACE_VALUES))(
    'the namespace %s exports exactly the listed values',
    (ns, names) => {
      expect(values((api as unknown as Record<string, object>)[ns])).toEqual(sorted(names));
    },
  );

  it('the statistics namespace holds every statistic file of src/stats/ that has a public function', () => {
    // Each file named after its statistic (wilsonInterval.ts → wilsonInterval) is reachable as stats.<name>.
    // Not named after an export: the helpers (bisect, rank, select, the bootstrap's parts, …) stay inside, and
    // five files export under other names (distributions: normalCdf, tQuantile, …; quantileSketch:
    // QuantileSketch; random: createRng; runningStats: RunningStats; sequentialTest: createSequentialTest).
    const otherNames = new Set([
      ...[
        'bcaAdjustment',
        'bisect',
        'bootstrapInterval',
        'bootstrapSettings',
        'bootstrapTypes',
        'genericBootstrap',
      ],
      ...[
        'logGamma',
        'quantileBootstrap',
        'rank',
        'resampleIndices',
        'resampledQuantile',
        'scoreTest',
        'select',
      ],
      ...['sequentialBatches', 'types', 'validate'],
      ...['distributions', 'quantileSketch', 'random', 'runningStats', 'sequentialTest'],
    ]);
    for (const n of [
      'normalCdf',
      'tQuantile',
      'QuantileSketch',
      'createRng',
      'RunningStats',
      'createSequentialTest',
    ])
      expect(api.stats).toHaveProperty(n);
    const statistics = readdirSync(join(SRC, 'stats'))
      .map((f) => f.replace(/\.ts$/, ''))
      .filter((f) => !otherNames.has(f));
    const missing = statistics.filter((s) => !(s in api.stats));
    expect(missing).toEqual([]);
  });

  it('every exported name, in src/index.ts and each namespace module, has a JSDoc comment', () => {
    const files = ['index.ts', ...readdirSync(join(SRC, 'api')).map((f) => join('api', f))];
    const undocumented = files.flatMap((f) =>
      exportedNames(join(SRC, f))
        .filter((e) => !e.documented)
        .map((e) => `${f}: ${e.name}`),
    );
    expect(undocumented).toEqual([]);
    // The parser saw the namespaces and the two functions defined in index.ts.
    const root = exportedNames(join(SRC, 'index.ts')).map((e) => e.name);
    expect(root).toEqual(expect.arrayContaining(['stats', 'calibration', 'runPipeline', 'ensureDemoRun']));
  });

  it('the examples at the head of the namespace modules give what they say', async () => {
    // src/api/stats.ts. Wilson 95% for 995/1000, statsmodels 0.13:
    // proportion_confint(995, 1000, alpha=0.05, method='wilson') = (0.9883490446, 0.9978624645).
    const w = api.stats.wilsonInterval(995, 1000, { confidence: 0.95 });
    expect(w.estimate).toBe(0.995);
    expect(w.lower).toBeCloseTo(0.9883490446, 9);
    expect(w.upper).toBeCloseTo(0.9978624645, 9);
    // src/api/text.ts: 0.9951 as a percent with two decimals.
    expect(api.text.formatMetricValue(0.9951, 'proportion')).toBe('99.51%');
    // src/api/datasets.ts: together_70b's llmperf trace holds 150 requests (150 per provider and size,
    // datasets/llmperf README), each becoming one primary CallRecord.
    const trace = await api.datasets.loadLlmperfTrace(
      join(api.datasets.DATASETS_DIR, 'llmperf', 'together_70b.json'),
    );
    const calls = api.datasets.llmperfToCalls({
      trace,
      runId: 'trace',
      arm: 'primary',
      model: 'together_70b',
    });
    expect(calls).toHaveLength(150);
    expect(new Set(calls.map((c) => c.arm))).toEqual(new Set(['primary']));
  });
});
