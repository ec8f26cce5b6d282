/**
 * LLM judges: a single-answer grader (`llmJudge`, a Scorer) and a pairwise comparer (`pairwiseJudge`, a
 * PairwiseScorer), both calling the judge model through a gateway (retries, rate limits) with the prompt
 * format of judgePrompt.ts. A malformed verdict is retried once with a stricter reminder, then recorded as a
 * judge error (ScorerError with the raw verdict), never as a score. Every judge call's usage is priced with
 * the judge model's own price and carried in the result (`judge.costUsd`, `judge.usage`).
 */
import { isBudgetExceeded } from '../gateway/budget';
import type { ChatClient } from '../gateway/client';
import { createGateway, type Gateway } from '../gateway/gateway';
import type { Pricing } from '../gateway/pricing';
import { estimateUsage, messageText } from '../gateway/tokens';
import type { ChatParams } from '../gateway/types';
import { hash32 } from '../stats/random';
import type { CallRecord, EvalItem } from '../types';
import {
  buildPairwiseJudgePrompt,
  buildSingleJudgePrompt,
  fenceToken,
  type JudgeMessage,
  type JudgeScale,
  type PairwiseVerdict,
  parsePairwiseVerdict,
  parseSingleVerdict,
  type VerdictParse,
  verdictReminder,
} from './judgePrompt';
import { outputOf } from './text';
import {
  type JudgeInfo,
  type PairwiseResult,
  type PairwiseScorer,
  type ScoreContext,
  type ScoreResult,
  type Scorer,
  ScorerError,
} from './types';

/** A judge model's price in USD per 1M tokens (input and output default to the blended price). */
export interface JudgePrice {
  blendedPer1M?: number;
  inputPer1M?: number;
  outputPer1M?: number;
}

/** Options shared by {@link llmJudge} and {@link pairwiseJudge}. */
export interface JudgeOptions {
  /** Written as ScoreRecord.scorer / PairwiseRecord.judge. */
  name: string;
  /** The judge model's gateway (createGateway), or a bare client (wrapped in a gateway with default retries). */
  gateway?: Gateway;
  client?: ChatClient;
  /** The judge model; defaults to the gateway's. Must match it when given. */
  model?: string;
  /** What a good answer is, in the scorer author's words. */
  criteria: string;
  /** The judge model's price (or a pricing table that has it): every judge call's usage is priced with it. */
  price?: JudgePrice | Pricing;
  /** Request parameters of judge calls. Default `{ temperature: 0, max_tokens: 512 }`. */
  params?: ChatParams;
  /** Answers longer than this many characters are cut (and the prompt says so). Default 50,000. */
  maxAnswerChars?: number;
  /** Source of the 32-hex-digit fence tokens (default: crypto random). For tests. */
  randomToken?: () => string;
}

/** Options of {@link llmJudge}. */
export interface LlmJudgeOptions extends JudgeOptions {
  /** '1-10' (default) or 'pass-fail' (the judge answers 1 = pass, 0 = fail). */
  scale?: JudgeScale;
  /** On '1-10': pass when score ≥ passThreshold. Default 7. */
  passThreshold?: number;
}

/** Options of {@link pairwiseJudge}. */
export interface PairwiseJudgeOptions extends JudgeOptions {
  /**
   * Judge each pair in both orders (default true): a verdict that flips with the order is a tie and
   * `orderConsistent: false` (MT-Bench's rule). With false, one order per pair, chosen by a hash of the item
   * and repeat so that position bias averages out over items.
   */
  bothOrders?: boolean;
}

const MAX_ECHO = 4000;

interface JudgeCallResult<T> {
  value: T;
  raw: string;
  cost: CostTally;
}

/** Usage and cost of the judge calls behind one record. */
class CostTally {
  promptTokens = 0;
  completionTokens = 0;
  costUsd: number | undefined;
  calls = 0;
  add(other: CostTally): void {
    this.promptTokens += other.promptTokens;
    this.completionTokens += other.completionTokens;
    this.calls += other.calls;
    if (other.costUsd !== undefined) this.costUsd = (this.costUsd ?? 0) + other.costUsd;
  }
  info(model: string, rawVerdict?: string): JudgeInfo {
    const out: JudgeInfo = { model };
    if (rawVerdict !== undefined) out.rawVerdict = rawVerdict;
    if (this.costUsd !== undefined) out.costUsd = this.costUsd;
    out.usage = { promptTokens: this.promptTokens, completionTokens: this.completionTokens };
    out.calls = this.calls;
    return out;
  }
}

class TallyError extends ScorerError {
  readonly tally: CostTally;
  constructor(message: string, tally: CostTally, model: string, rawVerdict?: string) {
    super(message, { judge: tally.info(model, rawVerdict) });
    this.tally = tally;
  }
}

interface JudgeEngine {
  name: string;
  model: string;
  maxAnswerChars: number;
  token(texts: readonly string[]): string;
  ask<T>(args: {
    messages: JudgeMessage[];
    parse: (reply: string) => VerdictParse<T>;
    reminder: (problem: string) => string;
    key: string;
    signal?: AbortSignal;
  }): Promise<JudgeCallResult<T>>;
}

function nonNegative(fn: string, field: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new TypeError(`${fn}: ${field}: expected a finite number >= 0, got ${String(v)}`);
  }
  return v;
}

function pricer(
  fn: string,
  model: string,
  price: JudgePrice | Pricing | undefined,
): ((u: { promptTokens: number; completionTokens: number }) => number) | undefined {
  if (price === undefined) return undefined;
  if (typeof price !== 'object' || price === null) throw new TypeError(`${fn}: price: expected an object`);
  if (typeof (price as Pricing).costUsd === 'function') {
    const table = price as Pricing;
    table.price(model); // fails now, naming the model, when the table lacks it
    return (usage) => table.costUsd({ model, usage });
  }
  const p = price as JudgePrice;
  const blended = nonNegative(fn, 'price.blendedPer1M', p.blendedPer1M);
  const input = nonNegative(fn, 'price.inputPer1M', p.inputPer1M) ?? blended;
  const output = nonNegative(fn, 'price.outputPer1M', p.outputPer1M) ?? blended;
  if (input === undefined || output === undefined) {
    throw new TypeError(
      `${fn}: price: expected blendedPer1M, or inputPer1M and outputPer1M (USD per 1M tokens)`,
    );
  }
  return (u) => (u.promptTokens * input + u.completionTokens * output) / 1e6;
}

function engine(fn: string, opts: JudgeOptions): JudgeEngine {
  if (typeof opts !== 'object' || opts === null) throw new TypeError(`${fn}: expected an options object`);
  const { name } = opts;
  if (typeof name !== 'string' || name.trim() === '')
    throw new TypeError(`${fn}: name: expected a non-empty string`);
  if (typeof opts.criteria !== 'string' || opts.criteria.trim() === '') {
    throw new TypeError(`${fn} ${name}: criteria: expected a non-empty string`);
  }
  let gateway = opts.gateway;
  if (gateway === undefined) {
    if (opts.client === undefined) throw new TypeError(`${fn} ${name}: expected a gateway or a client`);
    gateway = createGateway({ client: opts.client });
  } else if (typeof gateway.call !== 'function') {
    throw new TypeError(`${fn} ${name}: gateway: expected a Gateway (createGateway)`);
  }
  const model = opts.model ?? gateway.model;
  if (model !== gateway.model) {
    throw new TypeError(
      `${fn} ${name}: model: "${model}" differs from the gateway's model "${gateway.model}"`,
    );
  }
  const price = pricer(`${fn} ${name}`, model, opts.price);
  const maxAnswerChars = opts.maxAnswerChars ?? 50_000;
  if (!(Number.isInteger(maxAnswerChars) && maxAnswerChars >= 1)) {
    throw new TypeError(`${fn} ${name}: maxAnswerChars: expected an integer >= 1, got ${maxAnswerChars}`);
  }
  const params: ChatParams = opts.params ?? { temperature: 0, max_tokens: 512 };
  const gw = gateway;
  return {
    name,
    model,
    maxAnswerChars,
    token: (texts) => fenceToken(texts, opts.randomToken),
    async ask({ messages, parse, reminder, key, signal }) {
      const tally = new CostTally();
      if (price) tally.costUsd = 0;
      let sent: JudgeMessage[] = messages;
      let firstProblem = '';
      for (let attempt = 0; attempt < 2; attempt++) {
        const out = await gw.call({ messages: sent, params, signal, key: `${key}#${attempt}` });
        if (!out.ok && isBudgetExceeded(out.error)) {
          // Not sent. Before any call of this record: nothing to record, the caller stops the run.
          if (attempt === 0) throw out.error;
          throw new TallyError(
            `${name}: budget reached before the malformed verdict could be asked again`,
            tally,
            model,
            firstProblem,
          );
        }
        tally.calls++;
        if (!out.ok) {
          const e = out.error;
          throw new TallyError(
            `${name}: judge call failed (${e.kind}, ${e.code}): ${e.message}`,
            tally,
            model,
            attempt === 0 ? undefined : firstProblem,
          );
        }
        const raw = out.response.content ?? '';
        const usage = out.response.usage ?? estimateUsage({ messages: sent, content: raw });
        tally.promptTokens += usage.promptTokens;
        tally.completionTokens += usage.completionTokens;
        if (price) tally.costUsd = (tally.costUsd ?? 0) + price(usage);
        const parsed = parse(raw);
        if (parsed.ok) return { value: parsed.value, raw, cost: tally };
        if (attempt === 1) {
          throw new TallyError(
            `${name}: malformed verdict twice (${firstProblem}; then ${parsed.problem})`,
            tally,
            model,
            raw,
          );
        }
        firstProblem = parsed.problem;
        sent = [
          ...messages,
          { role: 'assistant', content: raw.length > MAX_ECHO ? `${raw.slice(0, MAX_ECHO)}…` : raw },
          { role: 'user', content: reminder(parsed.problem) },
        ];
      }
      throw new Error('unreachable');
    },
  };
}

/** The item's question: its last user message (all messages' text when it has none). */
function questionOf(item: EvalItem): string {
  const msgs = Array.isArray(item.messages) ? item.messages : [];
  const users = msgs.filter((m) => m.role === 'user');
  const pick = users.length > 0 ? [users[users.length - 1]] : msgs;
  return pick.map((m) => messageText(m)).join('\n');
}

function referenceOf(item: EvalItem): string | undefined {
  return item.reference === undefined || item.reference === null ? undefined : String(item.reference);
}

/** The answer cut to `max` UTF-16 units without splitting a surrogate pair. */
function cut(text: string, max: number): { text: string; from?: number } {
  if (text.length <= max) return { text };
  let end = max;
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return { text: text.slice(0, end), from: text.length };
}

/** Length in code points. */
export function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
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
    throw new TypeError(`llmJudge ${e.name}: scale: expected '1-10' or 'pass-fail', got ${String(scale)}`);
  }
  const passThreshold = opts.passThreshold ?? 7;
  if (typeof passThreshold !== 'number' || !(passThreshold >= 1 && passThreshold <= 10)) {
    throw new TypeError(
      `llmJudge ${e.name}: passThreshold: expected a number in [1, 10], got ${passThreshold}`,
    );
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

type Side = 'primary' | 'canary' | 'tie';

/**
 * A pairwise LLM judge: shows the primary's and the canary's answers to the same item as A and B and asks
 * which is better (`{ "winner": "A" | "B" | "tie", "reason": "…" }`). By default each pair is judged in both
 * orders (two calls, concurrently); a verdict that flips with the order is recorded as a tie with
 * `orderConsistent: false` (MT-Bench's rule). Verdicts per order, the answers' lengths and the raw verdicts
 * are returned for the judge's reliability (position flips, length bias). A malformed verdict is retried
 * once per order; an order that still fails makes the whole comparison a ScorerError (with the verdicts
 * it did get, and the cost of every call).
 *
 * @throws {TypeError} at construction, naming the field (see {@link llmJudge})
 * @example
 * const judge = pairwiseJudge({ name: 'pairwise', gateway, criteria: 'Correct and clear.', price: { blendedPer1M: 8 } });
 * await judgePairs({ runDir, items, judge });
 */
export function pairwiseJudge(opts: PairwiseJudgeOptions): PairwiseScorer {
  const e = engine('pairwiseJudge', opts);
  const bothOrders = opts.bothOrders ?? true;
  return {
    name: e.name,
    kind: 'judge',
    async compare(item, records, ctx): Promise<PairwiseResult> {
      const primary = outputOf(records.primary);
      const canary = outputOf(records.canary);
      const p = cut(primary, e.maxAnswerChars);
      const c = cut(canary, e.maxAnswerChars);
      const question = questionOf(item);
      const reference = referenceOf(item);
      const repeat = records.primary.repeat ?? 0;
      const orders: Array<'primaryFirst' | 'canaryFirst'> = bothOrders
        ? ['primaryFirst', 'canaryFirst']
        : [hash32(`${item.id}\u0000${repeat}`) % 2 === 0 ? 'primaryFirst' : 'canaryFirst'];
      const judgeOrder = async (order: 'primaryFirst' | 'canaryFirst') => {
        const [a, b] = order === 'primaryFirst' ? [p, c] : [c, p];
        const token = e.token([opts.criteria, question, reference ?? '', a.text, b.text]);
        const messages = buildPairwiseJudgePrompt(
          {
            criteria: opts.criteria,
            question,
            reference,
            answerA: a.text,
            answerB: b.text,
            truncatedFrom: { a: a.from, b: b.from },
          },
          token,
        );
        const r = await e.ask<PairwiseVerdict>({
          messages,
          parse: parsePairwiseVerdict,
          reminder: (problem) => verdictReminder('pairwise', '1-10', problem),
          key: `${e.name}:${item.id}:${repeat}:${order}`,
          signal: ctx?.signal,
        });
        const w = r.value.winner;
        const side: Side =
          w === 'tie' ? 'tie' : (w === 'A') === (order === 'primaryFirst') ? 'primary' : 'canary';
        return { side, reason: r.value.reason, raw: r.raw, cost: r.cost };
      };
      const settled = await Promise.allSettled(orders.map(judgeOrder));
      const tally = new CostTally();
      const verdicts: NonNullable<PairwiseResult['verdicts']> = {};
      const raws: string[] = [];
      const problems: string[] = [];
      settled.forEach((s, i) => {
        const order = orders[i];
        if (s.status === 'fulfilled') {
          tally.add(s.value.cost);
          verdicts[order] = s.value.side;
          raws.push(`[${order}] ${s.value.raw}`);
        } else {
          const err = s.reason;
          if (err instanceof TallyError) tally.add(err.tally);
          if (err instanceof ScorerError && err.judge?.rawVerdict !== undefined) {
            raws.push(`[${order}] ${err.judge.rawVerdict}`);
          }
          problems.push(`${order}: ${err instanceof Error ? err.message : String(err)}`);
        }
      });
      const rawVerdict = raws.length > 0 ? raws.join('\n') : undefined;
      // Refused by the spend cap with no judge call of this pair paid: nothing to record, the run stops.
      const refused = settled.find((s) => s.status === 'rejected' && isBudgetExceeded(s.reason)) as
        | PromiseRejectedResult
        | undefined;
      if (refused && tally.calls === 0) throw refused.reason;
      if (problems.length > 0) {
        const aborted = settled.find((s) => s.status === 'rejected' && !(s.reason instanceof ScorerError)) as
          | PromiseRejectedResult
          | undefined;
        if (aborted && ctx?.signal?.aborted) throw aborted.reason;
        throw new ScorerError(problems.join(' | '), { judge: tally.info(e.model, rawVerdict), verdicts });
      }
      const lengths = { primary: codePointLength(primary), canary: codePointLength(canary) };
      const values = settled.map(
        (s) => (s as PromiseFulfilledResult<Awaited<ReturnType<typeof judgeOrder>>>).value,
      );
      const judge = tally.info(e.model, rawVerdict);
      if (values.length === 1) {
        const v = values[0];
        const out: PairwiseResult = { winner: v.side, orderConsistent: true, verdicts, lengths, judge };
        if (v.reason !== undefined) out.reason = v.reason;
        return out;
      }
      const [first, second] = values;
      if (first.side === second.side) {
        const out: PairwiseResult = { winner: first.side, orderConsistent: true, verdicts, lengths, judge };
        if (first.reason !== undefined) out.reason = first.reason;
        return out;
      }
      return {
        winner: 'tie',
        orderConsistent: false,
        verdicts,
        lengths,
        judge,
        reason: `verdict flipped with the order (primary shown first: ${first.side}; canary shown first: ${second.side}), counted as a tie (MT-Bench rule)`,
      };
    },
  };
}
