// pairwiseJudge: an LLM judge comparing the primary's and the canary's answers to one item, in both orders.
import { isBudgetExceeded } from '../gateway/budget';
import { hash32 } from '../stats/random';
import { codePointLength, cut, questionOf, referenceOf } from './judgeAnswers';
import { CostTally, engine, type JudgeEngine, type JudgeOptions, TallyError } from './judgeEngine';
import { judgeMessages as msg } from './judgeMessages';
import {
  buildPairwiseJudgePrompt,
  type PairwiseVerdict,
  parsePairwiseVerdict,
  verdictReminder,
} from './judgePrompt';
import { outputOf } from './text';
import { type PairwiseResult, type PairwiseScorer, ScorerError } from './types';

/** Options of {@link pairwiseJudge}. */
export interface PairwiseJudgeOptions extends JudgeOptions {
  /**
   * Judge each pair in both orders (default true): a verdict that flips with the order is a tie and
   * `orderConsistent: false` (MT-Bench's rule). With false, one order per pair, chosen by a hash of the item
   * and repeat so that position bias averages out over items.
   */
  bothOrders?: boolean;
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
      const repeat = records.primary.repeat ?? 0;
      const pair: Pair = {
        e,
        criteria: opts.criteria,
        itemId: item.id,
        repeat,
        p: cut(primary, e.maxAnswerChars),
        c: cut(canary, e.maxAnswerChars),
        question: questionOf(item),
        reference: referenceOf(item),
        signal: ctx?.signal,
      };
      const orders: Order[] = bothOrders
        ? ['primaryFirst', 'canaryFirst']
        : [hash32(`${item.id}\u0000${repeat}`) % 2 === 0 ? 'primaryFirst' : 'canaryFirst'];
      const settled = await Promise.allSettled(orders.map((order) => judgeOrder(pair, order)));
      const { tally, verdicts, rawVerdict, problems } = collectOrders(settled, orders);
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
      const values = settled.map((s) => (s as PromiseFulfilledResult<OrderVerdict>).value);
      return pairVerdict(values, { verdicts, lengths, judge: tally.info(e.model, rawVerdict) });
    },
  };
}

type Order = 'primaryFirst' | 'canaryFirst';

/** One comparison: the engine, the item and both answers (cut to the judge's limit). */
interface Pair {
  e: JudgeEngine;
  criteria: string;
  itemId: string;
  repeat: number;
  p: { text: string; from?: number };
  c: { text: string; from?: number };
  question: string;
  reference: string | undefined;
  signal: AbortSignal | undefined;
}

/** The verdict of one order, turned into the side that won. */
interface OrderVerdict {
  side: Side;
  reason: string | undefined;
  raw: string;
  cost: CostTally;
}

/** Asks the judge with the answers in one order (A first) and maps its A/B winner back to primary/canary. */
async function judgeOrder(pair: Pair, order: Order): Promise<OrderVerdict> {
  const { e, criteria, question, reference } = pair;
  const [a, b] = order === 'primaryFirst' ? [pair.p, pair.c] : [pair.c, pair.p];
  const token = e.token([criteria, question, reference ?? '', a.text, b.text]);
  const messages = buildPairwiseJudgePrompt(
    {
      criteria,
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
    key: `${e.name}:${pair.itemId}:${pair.repeat}:${order}`,
    signal: pair.signal,
  });
  const w = r.value.winner;
  const side: Side = w === 'tie' ? 'tie' : (w === 'A') === (order === 'primaryFirst') ? 'primary' : 'canary';
  return { side, reason: r.value.reason, raw: r.raw, cost: r.cost };
}

/** Cost of every order's calls, the verdicts obtained, the raw verdicts (tagged by order) and the failures. */
function collectOrders(
  settled: PromiseSettledResult<OrderVerdict>[],
  orders: Order[],
): {
  tally: CostTally;
  verdicts: NonNullable<PairwiseResult['verdicts']>;
  rawVerdict: string | undefined;
  problems: string[];
} {
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
      problems.push(msg.orderFailed(order, err instanceof Error ? err.message : String(err)));
    }
  });
  return { tally, verdicts, rawVerdict: raws.length > 0 ? raws.join('\n') : undefined, problems };
}

/** The pair's winner: the one verdict, the agreed verdict of both orders, or a tie when it flipped. */
function pairVerdict(
  values: OrderVerdict[],
  rest: Pick<PairwiseResult, 'verdicts' | 'lengths' | 'judge'>,
): PairwiseResult {
  const { verdicts, lengths, judge } = rest;
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
}
