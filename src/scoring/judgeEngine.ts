// The engine both LLM judges share: options checked once, judge-call pricing, and `ask` (one judge call,
// one retry after a malformed verdict, usage and cost tallied per record).
import { isBudgetExceeded } from '../gateway/budget';
import type { ChatClient } from '../gateway/client';
import { createGateway, type Gateway } from '../gateway/gateway';
import type { Pricing } from '../gateway/pricing';
import { estimateUsage } from '../gateway/tokens';
import type { ChatParams } from '../gateway/types';
import { judgeMessages as msg } from './judgeMessages';
import { fenceToken, type JudgeMessage, type VerdictParse } from './judgePrompt';
import { type JudgeInfo, ScorerError } from './types';

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

const MAX_ECHO = 4000;

export interface JudgeCallResult<T> {
  value: T;
  raw: string;
  cost: CostTally;
}

/** Usage and cost of the judge calls behind one record. */
export class CostTally {
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

/** A judge failure that also carries what its calls cost (added to the record's tally by the caller). */
export class TallyError extends ScorerError {
  readonly tally: CostTally;
  constructor(message: string, tally: CostTally, model: string, rawVerdict?: string) {
    super(message, { judge: tally.info(model, rawVerdict) });
    this.tally = tally;
  }
}

/** What one `ask` sends: the prompt, how to parse the reply, the reminder for a retry, the call's key. */
export interface AskArgs<T> {
  messages: JudgeMessage[];
  parse: (reply: string) => VerdictParse<T>;
  reminder: (problem: string) => string;
  key: string;
  signal?: AbortSignal;
}

export interface JudgeEngine {
  name: string;
  model: string;
  maxAnswerChars: number;
  token(texts: readonly string[]): string;
  ask<T>(args: AskArgs<T>): Promise<JudgeCallResult<T>>;
}

function nonNegative(fn: string, field: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new TypeError(msg.notNonNegative(fn, field, v));
  }
  return v;
}

type Price = (u: { promptTokens: number; completionTokens: number }) => number;

function pricer(fn: string, model: string, price: JudgePrice | Pricing | undefined): Price | undefined {
  if (price === undefined) return undefined;
  if (typeof price !== 'object' || price === null) throw new TypeError(msg.priceNotAnObject(fn));
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
    throw new TypeError(msg.priceIncomplete(fn));
  }
  return (u) => (u.promptTokens * input + u.completionTokens * output) / 1e6;
}

/** The checked options an engine runs with. */
interface EngineSettings {
  name: string;
  model: string;
  gateway: Gateway;
  price: Price | undefined;
  maxAnswerChars: number;
  params: ChatParams;
}

/** Checks the shared options (in this order: object, name, criteria, gateway/client, model, price, maxAnswerChars). */
function readJudgeOptions(fn: string, opts: JudgeOptions): EngineSettings {
  if (typeof opts !== 'object' || opts === null) throw new TypeError(msg.notAnObject(fn));
  const { name } = opts;
  if (typeof name !== 'string' || name.trim() === '') throw new TypeError(msg.noName(fn));
  const who = `${fn} ${name}`;
  if (typeof opts.criteria !== 'string' || opts.criteria.trim() === '') {
    throw new TypeError(msg.noCriteria(who));
  }
  let gateway = opts.gateway;
  if (gateway === undefined) {
    if (opts.client === undefined) throw new TypeError(msg.noGateway(who));
    gateway = createGateway({ client: opts.client });
  } else if (typeof gateway.call !== 'function') {
    throw new TypeError(msg.notAGateway(who));
  }
  const model = opts.model ?? gateway.model;
  if (model !== gateway.model) {
    throw new TypeError(msg.modelMismatch(who, model, gateway.model));
  }
  const price = pricer(who, model, opts.price);
  const maxAnswerChars = opts.maxAnswerChars ?? 50_000;
  if (!(Number.isInteger(maxAnswerChars) && maxAnswerChars >= 1)) {
    throw new TypeError(msg.badMaxAnswerChars(who, maxAnswerChars));
  }
  const params: ChatParams = opts.params ?? { temperature: 0, max_tokens: 512 };
  return { name, model, gateway, price, maxAnswerChars, params };
}

/** @throws {TypeError} naming the field, when an option shared by the judges is wrong */
export function engine(fn: string, opts: JudgeOptions): JudgeEngine {
  const s = readJudgeOptions(fn, opts);
  return {
    name: s.name,
    model: s.model,
    maxAnswerChars: s.maxAnswerChars,
    token: (texts) => fenceToken(texts, opts.randomToken),
    ask: (args) => askJudge(s, args),
  };
}

/**
 * One judge call; a malformed verdict is asked again once (the reply echoed, then a stricter reminder).
 * Throws a TallyError (with the cost so far) when the call fails, the verdict is malformed twice, or the
 * budget refuses the retry; a budget refusal of the first call is rethrown as it is (nothing was spent).
 */
async function askJudge<T>(s: EngineSettings, args: AskArgs<T>): Promise<JudgeCallResult<T>> {
  const { messages, parse, reminder, key, signal } = args;
  const { name, model, price } = s;
  const tally = new CostTally();
  if (price) tally.costUsd = 0;
  let sent: JudgeMessage[] = messages;
  let firstProblem = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    const out = await s.gateway.call({ messages: sent, params: s.params, signal, key: `${key}#${attempt}` });
    if (!out.ok && isBudgetExceeded(out.error)) {
      // Not sent. Before any call of this record: nothing to record, the caller stops the run.
      if (attempt === 0) throw out.error;
      throw new TallyError(msg.budgetBeforeRetry(name), tally, model, firstProblem);
    }
    tally.calls++;
    if (!out.ok) {
      throw new TallyError(
        msg.callFailed(name, out.error),
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
      throw new TallyError(msg.malformedTwice(name, firstProblem, parsed.problem), tally, model, raw);
    }
    firstProblem = parsed.problem;
    sent = [
      ...messages,
      { role: 'assistant', content: raw.length > MAX_ECHO ? `${raw.slice(0, MAX_ECHO)}…` : raw },
      { role: 'user', content: reminder(parsed.problem) },
    ];
  }
  throw new Error('unreachable');
}
