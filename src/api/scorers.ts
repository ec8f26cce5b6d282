// `scorers`: what grades one answer (rubrics, similarity, an LLM judge) or two answers (the pairwise judge).
// Hand them to scoreRun / judgePairs, or name them in an eval config's `scorers:` list.
//
//   import { scoreRun, scorers } from 'canarylab';
//   await scoreRun({ runDir, items, scorers: [scorers.numericAnswer(), scorers.contains({ values: 'USD' })] });

export {
  /** A scorer from any (item, record) → result function. */ customScorer,
  /** One check of a composed rubric. */ type RubricCheck,
  /** A rubric composed of checks. */ rubric,
} from '../scoring/compose';
/** The final number of a solution ('#### 18', 'A: 18', the last number). */
export { extractFinalNumber } from '../scoring/extractFinalNumber';
export {
  /** Rubric: the answer is in a language. */ languageIs,
  /** Rubric: length within bounds. */ lengthBounds,
  /** Rubric: a single line. */ oneLine,
} from '../scoring/formatRubrics';
export {
  /** Rubric: valid JSON. */ isValidJson,
  /** Rubric: JSON matching a JSON Schema (ajv). */ matchesJsonSchema,
} from '../scoring/jsonRubrics';
/** The scale of a judge's score: '1-10' | 'pass-fail'. */
export type { JudgeScale } from '../scoring/judgePrompt';
export {
  /** Price of a judge model. */ type JudgePrice,
  /** Options of llmJudge. */ type LlmJudgeOptions,
  /** An LLM judge scoring one answer (fenced prompt). */ llmJudge,
  /** Options of pairwiseJudge. */ type PairwiseJudgeOptions,
  /** An LLM judge comparing two answers in both orders. */ pairwiseJudge,
} from '../scoring/llmJudge';
/** Rubric: the final number equals the reference. */
export { numericAnswer } from '../scoring/numericAnswer';
export {
  /** Scorer: normalised Levenshtein similarity against the reference. */ levenshteinRatio,
  /** Scorer: ROUGE-L F against the reference. */ rougeL,
  /** Scorer: SQuAD token F1 against the reference. */ tokenF1,
} from '../scoring/similarity';
export {
  /** Rubric: contains a string. */ contains,
  /** Rubric: equals the reference. */ exactMatch,
  /** Rubric: does not contain a string. */ notContains,
  /** Rubric: matches a regular expression. */ regexMatch,
  /** Rubric: starts with a string. */ startsWith,
} from '../scoring/textRubrics';
export type {
  /** The judge's model, cost and errors on a score. */ JudgeInfo,
  /** A scorer of two answers. */ PairwiseScorer,
  /** What a scorer returns: score, pass, reason. */ ScoreResult,
  /** A scorer of one answer. */ Scorer,
} from '../scoring/types';
