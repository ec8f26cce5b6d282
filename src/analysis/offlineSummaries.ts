import type { Gsm8kModel, Gsm8kProblem } from '../datasets/gsm8k';
import type { LlmperfRequest } from '../datasets/llmperf';
import { extractFinalNumber, numbersMatch } from '../scoring/extractFinalNumber';
import { mcnemarTest } from '../stats/mcnemarTest';
import { percentiles } from '../stats/quantile';
import type { Interval, TestResult } from '../stats/types';
import { wilsonInterval } from '../stats/wilsonInterval';

/** Accuracy of one model on the graded problems. */
export interface ModelAccuracy {
  model: string;
  n: number;
  correct: number;
  /** Solutions with no final `A:`/`####` answer (truncated generations); graded as wrong. */
  noAnswer: number;
  accuracy: Interval;
}

/** McNemar comparison of two models on the same problems. */
export interface PairedAccuracyComparison {
  a: string;
  b: string;
  /** Problems a got right and b got wrong. */
  aOnly: number;
  /** Problems b got right and a got wrong. */
  bOnly: number;
  /** accuracy(b) − accuracy(a). */
  difference: number;
  test: TestResult;
}

/**
 * Grades each model's recorded GSM8K solutions against the reference (the final number of the solution,
 * strict: an answer marker is required) and compares every pair of models on the same problems with the
 * exact McNemar test.
 */
export function summarizeGsm8k(
  problems: readonly Gsm8kProblem[],
  models: readonly Gsm8kModel[],
  opts: { confidence?: number } = {},
): { models: ModelAccuracy[]; pairs: PairedAccuracyComparison[] } {
  const graded = models.map((model) => {
    let noAnswer = 0;
    const correct = problems.map((p) => {
      const got = extractFinalNumber(p.solutions[model], { strict: true });
      if (got === null) noAnswer++;
      return numbersMatch(got, p.reference);
    });
    return { model, correct, noAnswer };
  });
  const n = problems.length;
  const accuracies = graded.map(({ model, correct, noAnswer }) => {
    const k = correct.filter(Boolean).length;
    return { model, n, correct: k, noAnswer, accuracy: wilsonInterval(k, n, opts) };
  });
  const pairs: PairedAccuracyComparison[] = [];
  for (let i = 0; i < graded.length; i++) {
    for (let j = i + 1; j < graded.length; j++) {
      let aOnly = 0;
      let bOnly = 0;
      for (let k = 0; k < n; k++) {
        if (graded[i].correct[k] && !graded[j].correct[k]) aOnly++;
        else if (!graded[i].correct[k] && graded[j].correct[k]) bOnly++;
      }
      pairs.push({
        a: graded[i].model,
        b: graded[j].model,
        aOnly,
        bOnly,
        difference: (bOnly - aOnly) / n,
        test: mcnemarTest({ b: aOnly, c: bOnly }),
      });
    }
  }
  return { models: accuracies, pairs };
}

/** Request count, success rate and latency percentiles of one recorded trace. */
export interface LatencyTraceSummary {
  requests: number;
  successes: number;
  successRate: Interval;
  /** Error codes of the failed requests and how often each occurred. */
  errors: Record<string, number>;
  /** End-to-end latency percentiles over successful requests, seconds (null when none succeeded). */
  endToEnd: { p50: number; p95: number; p99: number } | null;
  /** Time-to-first-token percentiles over successful requests, seconds. */
  ttft: { p50: number; p95: number; p99: number } | null;
}

/** Summarises an llmperf trace: success rate with a Wilson interval and type-7 P50/P95/P99. */
export function summarizeLatencyTrace(
  requests: readonly LlmperfRequest[],
  opts: { confidence?: number } = {},
): LatencyTraceSummary {
  const ok = requests.filter((r) => r.errorCode === null);
  const errors: Record<string, number> = {};
  for (const r of requests) if (r.errorCode !== null) errors[r.errorCode] = (errors[r.errorCode] ?? 0) + 1;
  const pct = (xs: number[]) => {
    const [p50, p95, p99] = percentiles(xs, [0.5, 0.95, 0.99]);
    return { p50, p95, p99 };
  };
  return {
    requests: requests.length,
    successes: ok.length,
    successRate: wilsonInterval(ok.length, requests.length, opts),
    errors,
    endToEnd: ok.length ? pct(ok.map((r) => r.endToEndLatencyS)) : null,
    ttft: ok.length ? pct(ok.map((r) => r.ttftS)) : null,
  };
}
