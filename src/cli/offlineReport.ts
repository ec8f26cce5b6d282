// `canarylab demo-data`'s text: the bundled GSM8K and llmperf data summarised, no key and no network.
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { datasets, text } from '../index';

/** A rate with one decimal ('56.3%'), and a difference of two rates in percentage points ('+2.1 pts'). */
const pct = (x: number): string => text.formatMetricValue(x, 'proportion', { digits: 1 });
const diff = (x: number): string => text.formatMetricValue(x, 'proportion', { signed: true, digits: 1 });

/**
 * The offline analysis of the bundled real data that `canarylab demo-data` prints: GSM8K accuracy of the four
 * recorded models with Wilson intervals and pairwise McNemar tests, and the llmperf traces' success rates and
 * latency percentiles.
 */
export async function offlineReport(datasetsDir: string): Promise<string> {
  const out: string[] = [];
  const problems = await datasets.loadGsm8kSolutions(join(datasetsDir, 'gsm8k', 'model_solutions.jsonl'));
  const g = datasets.summarizeGsm8k(problems, datasets.GSM8K_MODELS);
  out.push(
    `GSM8K test set: ${text.formatNumber(problems.length)} problems, four recorded GPT-3 models (OpenAI grade-school-math, MIT).`,
    'Graded by the final "A: <number>" of each solution against the reference; 95% Wilson intervals.',
    '',
    text.formatTable(g.models, [
      { header: 'model', cell: (r) => r.model },
      {
        header: 'correct',
        align: 'right',
        cell: (r) => `${text.formatNumber(r.correct)}/${text.formatNumber(r.n)}`,
      },
      { header: 'accuracy', align: 'right', cell: (r) => pct(r.accuracy.estimate) },
      {
        header: '95% CI',
        align: 'right',
        cell: (r) => `[${pct(r.accuracy.lower)}, ${pct(r.accuracy.upper)}]`,
      },
      { header: 'no answer', align: 'right', cell: (r) => text.formatNumber(r.noAnswer) },
    ]),
    '',
    'Paired comparison on the same problems: exact McNemar test on the discordant pairs.',
    '',
    text.formatTable<datasets.PairedAccuracyComparison>(g.pairs, [
      { header: 'model A', cell: (r) => r.a },
      { header: 'model B', cell: (r) => r.b },
      { header: 'A only', align: 'right', cell: (r) => text.formatNumber(r.aOnly) },
      { header: 'B only', align: 'right', cell: (r) => text.formatNumber(r.bOnly) },
      { header: 'B − A', align: 'right', cell: (r) => diff(r.difference) },
      { header: 'p-value', align: 'right', cell: (r) => text.formatPValue(r.test.pValue) },
    ]),
  );

  const dir = join(datasetsDir, 'llmperf');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  const rows = await Promise.all(
    files.map(async (f) => ({
      name: basename(f, '.json'),
      s: datasets.summarizeLatencyTrace(await datasets.loadLlmperfTrace(join(dir, f))),
    })),
  );
  const q = (v: number | undefined) => (v === undefined ? '—' : text.formatNumber(v, { digits: 2 }));
  out.push(
    '',
    `llmperf traces: ${files.length} provider/model files (ray-project/llmperf-leaderboard, Apache-2.0).`,
    'Success rate with 95% Wilson interval; latency percentiles (type 7) over successful requests, seconds.',
    '',
    text.formatTable(rows, [
      { header: 'trace', cell: (r) => r.name },
      { header: 'requests', align: 'right', cell: (r) => text.formatNumber(r.s.requests) },
      { header: 'success', align: 'right', cell: (r) => pct(r.s.successRate.estimate) },
      {
        header: '95% CI',
        align: 'right',
        cell: (r) => `[${pct(r.s.successRate.lower)}, ${pct(r.s.successRate.upper)}]`,
      },
      { header: 'e2e P50', align: 'right', cell: (r) => q(r.s.endToEnd?.p50) },
      { header: 'P95', align: 'right', cell: (r) => q(r.s.endToEnd?.p95) },
      { header: 'P99', align: 'right', cell: (r) => q(r.s.endToEnd?.p99) },
      { header: 'TTFT P50', align: 'right', cell: (r) => q(r.s.ttft?.p50) },
      { header: 'P95', align: 'right', cell: (r) => q(r.s.ttft?.p95) },
      { header: 'P99', align: 'right', cell: (r) => q(r.s.ttft?.p99) },
      {
        header: 'errors',
        cell: (r) =>
          Object.entries(r.s.errors)
            .map(([code, k]) => `${code}×${k}`)
            .join(' '),
      },
    ]),
  );
  return out.join('\n');
}
