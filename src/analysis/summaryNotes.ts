/** The closing notes of an analysis: small samples, failed calls by kind, cached calls, the spend projection, the methods used. */
import { formatNumber, formatWindowWidth } from '../format';
import type { Arm } from '../types';
import { ARMS, cap } from './metrics/shared';
import type { Settings } from './options';
import type { RunSummary } from './summary/types';

/** Input of {@link closingNotes}. */
export interface ClosingNotesInput {
  summary: RunSummary;
  s: Settings;
  /** Failed calls by error kind, per arm. */
  errors: Record<Arm, Record<string, number>>;
  /** Whether the caller set monthlyRequests (else the projection note names the default). */
  monthlyRequestsSet: boolean;
}

/** The notes that close every analysis, in their published order. */
export function closingNotes(input: ClosingNotesInput): string[] {
  const { summary, s, errors } = input;
  const notes: string[] = [];
  for (const arm of ARMS)
    if (summary[arm].calls < 30)
      notes.push(
        `Small sample: the ${arm} has only ${summary[arm].calls} calls, so every interval is wide; most gates will be inconclusive.`,
      );
  for (const arm of ARMS) {
    const failed = summary[arm].calls - summary[arm].ok;
    if (failed > 0)
      notes.push(
        `${cap(arm)}: ${failed} of ${summary[arm].calls} calls failed (${Object.entries(errors[arm])
          .sort(([ka, a], [kb, b]) => b - a || (ka < kb ? -1 : 1))
          .map(([k, v]) => `${k} ${v}`)
          .join(
            ', ',
          )}); they count against the success rate and are left out of latency, cost per token and quality.`,
      );
  }
  const cached = summary.primary.cached + summary.canary.cached;
  if (cached > 0)
    notes.push(
      `${cached} calls were served from the response cache: they cost this evaluation nothing new; cost per 1K tokens and per request use the original price of their answers (calls cached before canarylab recorded it are left out of cost).`,
    );
  if (!input.monthlyRequestsSet)
    notes.push(
      `Monthly spend is projected at ${formatNumber(s.monthlyRequests)} requests per month per arm (the default; set monthlyRequests).`,
    );
  notes.push(
    `Latency and TTFT quantiles are read from log-spaced histograms (within 0.35% of the exact values); their intervals are distribution-free order-statistic intervals, and canary − primary uses Price–Bonett standard errors (independent arms). Cost intervals use the delta method on each arm's sums (independent arms). Error rates are counted per ${formatWindowWidth(summary.windowing.widthMs)} window of start time.`,
  );
  return notes;
}
