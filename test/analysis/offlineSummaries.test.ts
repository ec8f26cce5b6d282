import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { summarizeGsm8k, summarizeLatencyTrace } from '../../src/analysis/offlineSummaries';
import { GSM8K_MODELS, type Gsm8kProblem, loadGsm8kSolutions } from '../../src/datasets/gsm8k';
import { loadLlmperfTrace } from '../../src/datasets/llmperf';
import { expectClose, loadFixture } from '../helpers/fixtures';

// Reference: test/fixtures/generate_offline.py (independent Python grader, statsmodels, numpy).
const fx = loadFixture<{
  gsm8k: {
    n: number;
    models: { model: string; correct: number; noAnswer: number; lower: number; upper: number }[];
    pairs: { a: string; b: string; aOnly: number; bOnly: number; pValue: number }[];
  };
  llmperf: {
    file: string;
    requests: number;
    successes: number;
    lower: number;
    upper: number;
    e2e: number[];
    ttft: number[];
  }[];
}>('offline.json');
const DATA = join(__dirname, '..', '..', 'datasets');

describe('GSM8K summary of the four recorded models', () => {
  let problems: Gsm8kProblem[];
  beforeAll(async () => {
    problems = await loadGsm8kSolutions(join(DATA, 'gsm8k', 'model_solutions.jsonl'));
  });

  it('grades like the independent Python grader and matches statsmodels Wilson / McNemar', () => {
    expect(problems).toHaveLength(fx.gsm8k.n);
    const s = summarizeGsm8k(problems, GSM8K_MODELS);
    s.models.forEach((m, i) => {
      const want = fx.gsm8k.models[i];
      expect(m.model).toBe(want.model);
      expect(m.correct).toBe(want.correct);
      expect(m.noAnswer).toBe(want.noAnswer);
      expectClose(m.accuracy.lower, want.lower, 1e-9);
      expectClose(m.accuracy.upper, want.upper, 1e-9);
    });
    s.pairs.forEach((p, i) => {
      const want = fx.gsm8k.pairs[i];
      expect([p.a, p.b, p.aOnly, p.bOnly]).toEqual([want.a, want.b, want.aOnly, want.bOnly]);
      expectClose(p.test.pValue, want.pValue, 1e-7, 1e-300);
    });
  });
});

describe('llmperf trace summaries', () => {
  it.each(fx.llmperf.map((t) => [t.file, t] as const))(
    '%s matches numpy percentiles and statsmodels Wilson',
    async (_f, t) => {
      const s = summarizeLatencyTrace(await loadLlmperfTrace(join(DATA, 'llmperf', t.file)));
      expect(s.requests).toBe(t.requests);
      expect(s.successes).toBe(t.successes);
      expectClose(s.successRate.lower, t.lower, 1e-9);
      expectClose(s.successRate.upper, t.upper, 1e-9);
      const e2e = s.endToEnd as { p50: number; p95: number; p99: number };
      [e2e.p50, e2e.p95, e2e.p99].forEach((v, i) => {
        expectClose(v, t.e2e[i], 1e-9);
      });
      const ttft = s.ttft as { p50: number; p95: number; p99: number };
      [ttft.p50, ttft.p95, ttft.p99].forEach((v, i) => {
        expectClose(v, t.ttft[i], 1e-9);
      });
    },
  );
});
