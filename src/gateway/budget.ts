/**
 * The spend cap: a ledger that reserves each call's worst-case cost before the call is sent and settles it
 * on the real usage when the call ends, so that what is spent (settled) can never pass the cap, whatever
 * the concurrency. Every call that costs money goes through {@link budgetedGateway}: both arms' calls,
 * single-judge and pairwise-judge calls alike.
 *
 * Worst case of one call = its prompt-token bound × input price + its output-token bound × output price:
 * - prompt tokens: UTF-8 bytes of every message's text, role and name, plus 16 tokens of chat template per
 *   message and 64 per request (a token of any byte-level BPE tokenizer covers at least one byte, so this is
 *   a bound for every model, not an estimate; tools and response_format are counted by their JSON bytes);
 * - output tokens: `max_completion_tokens`, else `max_tokens`, times `n`; a call with neither gets
 *   {@link DEFAULT_MAX_OUTPUT_TOKENS} (32,768: the largest output of the playbook's models, gpt-4.1) —
 *   set `max_tokens` to make the cap tighter.
 */
import { BudgetExceededError } from './errors';
import type { CallRequest, Gateway, GatewayFailure, GatewayOutcome } from './gateway';
import { msg } from './messages';
import { type TokenPrice, usageCostUsd } from './pricing';
import { estimateUsage } from './tokens';
import type { ChatMessage, ChatParams } from './types';

/** Output tokens assumed for a call whose params set neither `max_tokens` nor `max_completion_tokens`. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 32_768;
/** Prompt tokens of chat template assumed per message, and per request, on top of the text's bytes. */
export const TEMPLATE_TOKENS_PER_MESSAGE = 16;
export const TEMPLATE_TOKENS_PER_REQUEST = 64;

export { BudgetExceededError, isBudgetExceeded } from './errors';

/** A reservation held while one call is in flight. */
export interface Reservation {
  readonly amountUsd: number;
}

/**
 * The ledger of one run's spend cap. `reserve` holds a call's worst case; `settle` replaces it with what
 * the call really cost. A reservation that does not fit waits while other calls are in flight (their
 * settling may free room); when it does not fit with nothing in flight, the budget is exhausted and every
 * later reservation is refused.
 *
 * @throws {RangeError} for a cap or a starting spend that is not a finite number >= 0
 * @example
 * const budget = new SpendBudget({ capUsd: 5, spentUsd: alreadySpentByTheRecords });
 * const r = await budget.reserve(0.01); if (r) { …; budget.settle(r, 0.004); }
 */
export class SpendBudget {
  readonly capUsd: number;
  private spent: number;
  private reserved = 0;
  private inFlight = 0;
  private overrunUsd = 0;
  private readonly waiters: Array<{ amount: number; resolve: (r: Reservation | null) => void }> = [];
  private done = false;

  constructor(options: { capUsd: number; spentUsd?: number }) {
    const { capUsd } = options;
    const spentUsd = options.spentUsd ?? 0;
    if (!(Number.isFinite(capUsd) && capUsd >= 0))
      throw new RangeError(msg.budgetAmount('SpendBudget: capUsd', capUsd));
    if (!(Number.isFinite(spentUsd) && spentUsd >= 0))
      throw new RangeError(msg.budgetAmount('SpendBudget: spentUsd', spentUsd));
    this.capUsd = capUsd;
    this.spent = spentUsd;
    if (spentUsd >= capUsd) this.done = true;
  }

  /** Settled spend (what the records say was spent). */
  get spentUsd(): number {
    return this.spent;
  }
  /** Worst cases held by calls in flight. */
  get reservedUsd(): number {
    return this.reserved;
  }
  /** True once a call was refused: nothing more is sent. */
  get exhausted(): boolean {
    return this.done;
  }
  /** USD by which calls cost more than their worst case (a server reporting more than it may): 0 normally. */
  get overrun(): number {
    return this.overrunUsd;
  }

  // A hair under the cap, so that sums of the same costs added in another order stay ≤ the cap.
  private fits(amount: number): boolean {
    return this.spent + this.reserved + amount <= this.capUsd * (1 - 1e-9);
  }

  private grant(amount: number): Reservation {
    this.reserved += amount;
    this.inFlight++;
    return { amountUsd: amount };
  }

  /** Holds `amountUsd` for one call; null when the budget is exhausted (the call must not be sent). */
  reserve(amountUsd: number): Promise<Reservation | null> {
    if (!(Number.isFinite(amountUsd) && amountUsd >= 0)) throw new RangeError(msg.reserveAmount(amountUsd));
    if (this.done) return Promise.resolve(null);
    if (this.waiters.length === 0 && this.fits(amountUsd)) return Promise.resolve(this.grant(amountUsd));
    if (this.inFlight === 0) {
      this.exhaust();
      return Promise.resolve(null);
    }
    return new Promise((resolve) => this.waiters.push({ amount: amountUsd, resolve }));
  }

  /** Ends a reservation with what the call really cost. */
  settle(r: Reservation, actualUsd: number): void {
    const actual = Number.isFinite(actualUsd) && actualUsd > 0 ? actualUsd : 0;
    this.reserved -= r.amountUsd;
    this.inFlight--;
    this.spent += actual;
    if (actual > r.amountUsd) this.overrunUsd += actual - r.amountUsd;
    if (this.inFlight === 0) this.reserved = 0;
    this.pump();
  }

  private pump(): void {
    while (this.waiters.length > 0 && !this.done) {
      const head = this.waiters[0];
      if (this.fits(head.amount)) {
        this.waiters.shift();
        head.resolve(this.grant(head.amount));
      } else if (this.inFlight === 0) {
        this.exhaust();
      } else return;
    }
  }

  private exhaust(): void {
    this.done = true;
    for (const w of this.waiters.splice(0)) w.resolve(null);
  }
}

export type { TokenPrice };

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

function textOf(m: ChatMessage): number {
  const c = m.content;
  if (typeof c === 'string') return utf8(c);
  if (Array.isArray(c)) {
    let n = 0;
    for (const p of c) n += typeof p.text === 'string' ? utf8(p.text) : utf8(JSON.stringify(p));
    return n;
  }
  return 0;
}

/**
 * Upper bounds of one call's tokens (see the module comment): no tokenizer needed, valid for any model.
 *
 * @example
 * worstCaseTokens({ messages: [{ role: 'user', content: 'Hi' }], params: { max_tokens: 10 } });
 * // => { prompt: 64 + 16 + 2 ('Hi') + 4 ('user') = 86, output: 10 }
 */
export function worstCaseTokens(options: {
  messages: readonly ChatMessage[];
  params?: ChatParams;
  maxOutputTokens?: number;
}): { prompt: number; output: number } {
  let prompt = TEMPLATE_TOKENS_PER_REQUEST;
  for (const m of options.messages) {
    prompt += TEMPLATE_TOKENS_PER_MESSAGE + textOf(m) + utf8(m.role ?? '');
    if (m.name) prompt += utf8(m.name);
    if (m.tool_calls) prompt += utf8(JSON.stringify(m.tool_calls));
  }
  const p = options.params ?? {};
  if (p.tools !== undefined) prompt += utf8(JSON.stringify(p.tools));
  if (p.response_format !== undefined) prompt += utf8(JSON.stringify(p.response_format));
  const limit =
    typeof p.max_completion_tokens === 'number'
      ? p.max_completion_tokens
      : typeof p.max_tokens === 'number'
        ? p.max_tokens
        : (options.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS);
  const n = typeof p.n === 'number' && Number.isInteger(p.n) && p.n > 1 ? p.n : 1;
  return { prompt, output: Math.max(0, Math.ceil(limit)) * n };
}

/** A call's worst case: every prompt token at the dearest input price (cache writes cost more). */
const worstCostOf = (t: { prompt: number; output: number }, p: TokenPrice) =>
  (t.prompt * Math.max(p.inputPer1M, p.cacheWritePer1M ?? 0, p.cachedInputPer1M ?? 0) +
    t.output * p.outputPer1M) /
  1e6;

/**
 * What a finished call costs, the way the records compute it: the server's usage, else the tokenizer's
 * estimate (usageEstimated records), at the given price; 0 for a failed call.
 */
export function outcomeCostUsd(
  outcome: GatewayOutcome,
  messages: readonly ChatMessage[],
  price: TokenPrice,
): number {
  if (!outcome.ok) return 0;
  const r = outcome.response;
  // The same price function as the records (src/runner/callRecord.ts), cached tokens at their own price.
  return usageCostUsd(r.usage ?? estimateUsage({ messages, content: r.content }), price);
}

/**
 * A gateway that reserves every call's worst case in `budget` before sending it and settles on the real
 * cost after. A refused call is not sent: it resolves to a failure with a {@link BudgetExceededError}
 * (attempts 0), which callers must not record as a model failure.
 *
 * @example
 * const gw = budgetedGateway(createGateway({ client }), { budget, price: { inputPer1M: 2, outputPer1M: 8 } });
 */
export function budgetedGateway(
  gateway: Gateway,
  options: { budget: SpendBudget; price: TokenPrice; maxOutputTokens?: number },
): Gateway {
  const { budget, price } = options;
  for (const k of ['inputPer1M', 'outputPer1M'] as const) {
    if (!(Number.isFinite(price?.[k]) && price[k] >= 0)) throw new TypeError(msg.budgetPrice(k));
  }
  return {
    get model() {
      return gateway.model;
    },
    limiter: (m) => gateway.limiter(m),
    async call(request: CallRequest): Promise<GatewayOutcome> {
      const t = worstCaseTokens({
        messages: request.messages,
        ...(request.params ? { params: request.params } : {}),
        ...(options.maxOutputTokens !== undefined ? { maxOutputTokens: options.maxOutputTokens } : {}),
      });
      const worst = worstCostOf(t, price);
      const r = await budget.reserve(worst);
      if (!r) {
        const refused: GatewayFailure = {
          ok: false,
          error: new BudgetExceededError({
            model: gateway.model,
            capUsd: budget.capUsd,
            spentUsd: budget.spentUsd,
          }),
          model: gateway.model,
          answeredBy: gateway.model,
          attempts: 0,
          attemptLog: [],
          totalMs: 0,
          latencyMs: 0,
          backoffMs: 0,
          rateLimitWaitMs: 0,
        };
        return refused;
      }
      let cost = 0;
      try {
        const outcome = await gateway.call(request);
        cost = outcomeCostUsd(outcome, request.messages, price);
        return outcome;
      } finally {
        budget.settle(r, cost);
      }
    },
  };
}
