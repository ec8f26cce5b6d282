/**
 * The simulator's judge mode: a model whose profile has `judge` answers judge prompts (the format of
 * src/scoring/judgePrompt.ts, read back with its parser) with a verdict graded from the reference: an answer
 * whose final number (extractFinalNumber, strict) equals the reference's is right. Then, so that judge
 * reliability metrics have something real to detect:
 *
 * - pairwise: with probability `positionBias` the verdict is "A" whatever the answers (position bias);
 *   otherwise, with probability `noise`, a uniformly random one of "A", "B", "tie"; otherwise the graded
 *   verdict (the right answer wins; both right or both wrong: "tie");
 * - single: with probability `noise` a uniformly random score of the scale; otherwise 9 (right) or 2 (wrong)
 *   on 1–10, 1 or 0 on pass-fail, and 5 / 0 when there is no usable reference;
 * - with probability `malformed` (or as `malformedPlan` says, for the first judge requests) the reply is not
 *   a usable verdict (no JSON, a score out of range, an unknown winner, cut-off JSON), so the judge's
 *   retry-once path runs.
 *
 * Randomness is drawn from (seed, the parsed prompt without its fence token, the number of messages, how
 * many times that same judge request was seen), so verdicts are reproducible although every judge call has
 * a fresh random fence token, and a repeated judgment of the same pair gets a fresh draw.
 */
import type { SimJudgeProfile } from '../config/simulator';
import { extractFinalNumber, numbersMatch } from '../scoring/extractFinalNumber';
import { type ParsedJudgePrompt, parseJudgePrompt } from '../scoring/judgePrompt';
import { createRng, hash32, type Rng } from '../stats/random';
import type { SimMsg } from './protocols/types';
import { nextOccurrence } from './seed';

export type { SimJudgeProfile };

/** The key a judge request's randomness is drawn from: its content without the per-call fence token. */
export function judgeRequestKey(parsed: ParsedJudgePrompt, messageCount: number): string {
  const { token: _token, ...content } = parsed;
  return JSON.stringify([content, messageCount]);
}

function referenceNumber(reference: string | undefined): number | null {
  if (reference === undefined) return null;
  const t = reference.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return extractFinalNumber(t, { strict: false });
}

/** Whether an answer's final number (strict: a marker is needed) equals the reference; null without one. */
export function simGrade(answer: string, reference: string | undefined): boolean | null {
  const want = referenceNumber(reference);
  if (want === null) return null;
  return numbersMatch(extractFinalNumber(answer, { strict: true }), want);
}

function wrap(json: string, rng: Rng): string {
  switch (rng.int(3)) {
    case 0:
      return json;
    case 1:
      return `\`\`\`json\n${json}\n\`\`\``;
    default:
      return `Here is my verdict.\n${json}\nI compared the final answers.`;
  }
}

/**
 * The simulated judge's reply to a parsed judge prompt. `malformed` forces an unusable reply.
 * @example
 * simJudgeReply({ parsed, profile: { positionBias: 0.1, noise: 0.05, malformed: 0, malformedPlan: [] }, rng, malformed: false });
 */
export function simJudgeReply(args: {
  parsed: ParsedJudgePrompt;
  profile: SimJudgeProfile;
  rng: Rng;
  malformed: boolean;
}): string {
  const { parsed, profile, rng } = args;
  // Fixed draw order, so a profile change alters only what it should.
  const uBias = rng.next();
  const uNoise = rng.next();
  const pick = rng.next();
  if (args.malformed) {
    const variant = Math.floor(pick * 3);
    if (variant === 0) return 'The answer looks fine to me. I would rate it highly.';
    if (variant === 1) {
      return parsed.mode === 'single'
        ? `{"score": ${parsed.scale === '1-10' ? 11 : 7}, "reason": "out of range"}`
        : '{"winner": "both", "reason": "not a verdict"}';
    }
    return parsed.mode === 'single' ? '{"score": 9, "reason": "cut o' : '{"winner": "A", "reas';
  }
  if (parsed.mode === 'single') {
    const right = simGrade(parsed.answer, parsed.reference);
    const oneToTen = parsed.scale === '1-10';
    let score: number;
    let reason: string;
    if (uNoise < profile.noise) {
      score = oneToTen ? 1 + Math.floor(pick * 10) : Math.floor(pick * 2);
      reason = 'noisy verdict';
    } else if (right === null) {
      score = oneToTen ? 5 : 0;
      reason = 'no reference to grade against';
    } else {
      score = right ? (oneToTen ? 9 : 1) : oneToTen ? 2 : 0;
      reason = right
        ? 'the final answer matches the reference'
        : 'the final answer does not match the reference';
    }
    return wrap(JSON.stringify({ score, reason }), rng);
  }
  const a = simGrade(parsed.answerA, parsed.reference);
  const b = simGrade(parsed.answerB, parsed.reference);
  let winner: 'A' | 'B' | 'tie';
  let reason: string;
  if (uBias < profile.positionBias) {
    winner = 'A';
    reason = 'answer A reads better';
  } else if (uNoise < profile.noise) {
    winner = (['A', 'B', 'tie'] as const)[Math.floor(pick * 3)];
    reason = 'noisy verdict';
  } else if (a === true && b !== true) {
    winner = 'A';
    reason = 'only answer A has the reference final answer';
  } else if (b === true && a !== true) {
    winner = 'B';
    reason = 'only answer B has the reference final answer';
  } else {
    winner = 'tie';
    reason = a === true ? 'both final answers match the reference' : 'neither answer can be told better';
  }
  return wrap(JSON.stringify({ winner, reason }), rng);
}

/**
 * Judge mode's reply when the messages are a judge prompt (undefined when they are not): seeded by the
 * request without its fence token and how many times it was seen; unusable as the judge's malformedPlan
 * says while it lasts (it is consumed here), then with probability `malformed`.
 */
export function simJudgeAnswer(args: {
  messages: SimMsg[];
  model: string;
  profile: SimJudgeProfile;
  plan: Array<'malformed' | 'ok'>;
  seed: number;
  /** How many times each judge request was seen (updated here). */
  seen: Map<number, number>;
}): string | undefined {
  const { messages, profile } = args;
  const parsed = parseJudgePrompt(messages as Parameters<typeof parseJudgePrompt>[0]);
  if (!parsed) return undefined;
  // Seeded by the judge request's content without its per-call fence token.
  const key = hash32(judgeRequestKey(parsed, messages.length), hash32(args.model));
  const seen = nextOccurrence(args.seen, key);
  const rng = createRng(hash32(`${args.seed}|judge|${seen}`, key));
  const planned = args.plan.shift();
  const malformed = planned !== undefined ? planned === 'malformed' : rng.next() < profile.malformed;
  return simJudgeReply({ parsed, profile, rng, malformed });
}
