/**
 * LLM judges: a single-answer grader (`llmJudge`, a Scorer) and a pairwise comparer (`pairwiseJudge`, a
 * PairwiseScorer), both calling the judge model through a gateway (retries, rate limits) with the prompt
 * format of judgePrompt.ts. A malformed verdict is retried once with a stricter reminder, then recorded as a
 * judge error (ScorerError with the raw verdict), never as a score. Every judge call's usage is priced with
 * the judge model's own price and carried in the result (`judge.costUsd`, `judge.usage`).
 * This file holds llmJudge; pairwiseJudge is in pairwiseJudge.ts (re-exported here), the shared engine in
 * judgeEngine.ts, what the judge is shown of an answer in judgeAnswers.ts, the error texts in judgeMessages.ts.
 */
import type { CallRecord, EvalItem } from '../types';
import { cut, questionOf, referenceOf } from './judgeAnswers';
import { engine, type JudgeOptions } from './judgeEngine';
import { judgeMessages as msg } from './judgeMessages';
import { buildSingleJudgePrompt, type JudgeScale, parseSingleVerdict, verdictReminder } from './judgePrompt';
import { outputOf } from './text';
import type { ScoreContext, ScoreResult, Scorer } from './types';

export { codePointLength } from './judgeAnswers';
export type { JudgeOptions, JudgePrice } from './judgeEngine';
export { type PairwiseJudgeOptions, pairwiseJudge } from './pairwiseJudge';

/** Options of {@link llmJudge}. */
export interface LlmJudgeOptions extends JudgeOptions {
  /** '1-10' (default) or 'pass-fail' (the judge answers 1 = pass, 0 = fail). */
  scale?: JudgeScale;
  /** On '1-10': pass when score ≥ passThreshold. Default 7. */
  passThreshold?: number;
}

/**
 * A single-answer LLM judge: grades one call's output against written criteria and, when the item has one,
 * its reference, on a 1–10 scale (pass = score ≥ passThreshold) or pass/fail. The output is fenced as
 * untrusted data (judgePrompt.ts). The judge must answer `{ "score": n, "reason": "…" }`; a malformed
 * verdict is retried once with a stricter reminder, then thrown as a ScorerError carrying the raw verdict
 * (scoreRun records it as a judge error, never as a score). A failed judge call (after the gateway's own
 * retries) is a ScorerError too. The result's `judge` carries the model, raw verdict, usage and cost.
 *
 * @throws {TypeError} at construction, naming the field: no name/criteria, neither gateway nor client,
 *   model ≠ gateway's model, a bad price or passThreshold
 * @example
 * const judge = llmJudge({
 *   name: 'helpfulness',
 *   gateway: createGateway({ client: createChatClient({ baseURL, model: 'gpt-4.1' }) }),
 *   criteria: 'Correct final answer, clear reasoning.',
 *   scale: '1-10',
 *   passThreshold: 7,
 *   price: { blendedPer1M: 8 },
 * });
 * await scoreRun({ runDir, items, scorers: [judge] });
 */
export function llmJudge(opts: LlmJudgeOptions): Scorer {
  const e = engine('llmJudge', opts);
  const scale: JudgeScale = opts.scale ?? '1-10';
  if (scale !== '1-10' && scale !== 'pass-fail') {
    throw new TypeError(msg.badScale(`llmJudge ${e.name}`, scale));
  }
  const passThreshold = opts.passThreshold ?? 7;
  if (typeof passThreshold !== 'number' || !(passThreshold >= 1 && passThreshold <= 10)) {
    throw new TypeError(msg.badPassThreshold(`llmJudge ${e.name}`, passThreshold));
  }
  return {
    name: e.name,
    kind: 'judge',
    async score(item: EvalItem, record: CallRecord, ctx?: ScoreContext): Promise<ScoreResult> {
      const answer = cut(outputOf(record), e.maxAnswerChars);
      const question = questionOf(item);
      const reference = referenceOf(item);
      const token = e.token([opts.criteria, question, reference ?? '', answer.text]);
      const messages = buildSingleJudgePrompt(
        {
          criteria: opts.criteria,
          scale,
          question,
          reference,
          answer: answer.text,
          truncatedFrom: answer.from,
        },
        token,
      );
      const r = await e.ask({
        messages,
        parse: (reply) => parseSingleVerdict(reply, scale),
        reminder: (problem) => verdictReminder('single', scale, problem),
        key: `${e.name}:${item.id}:${record.arm}:${record.repeat}`,
        signal: ctx?.signal,
      });
      const score = r.value.score;
      const result: ScoreResult = {
        score,
        pass: scale === 'pass-fail' ? score === 1 : score >= passThreshold,
        judge: r.cost.info(e.model, r.raw),
      };
      if (r.value.reason !== undefined) result.reason = r.value.reason;
      return result;
    },
  };
}
