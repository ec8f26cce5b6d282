/**
 * The gateways of a run: one chat client per arm and judge (on its own endpoint or the simulator's), the
 * batch arms that send the calls, and the LLM judges (single and pairwise) behind the spend cap.
 */
import type { ArmConfig, EvalConfig, PriceInput } from '../config/schema';
import type { ResolvedEndpoints } from '../config/types';
import { budgetedGateway, type SpendBudget, type TokenPrice } from '../gateway/budget';
import { type ChatClient, createChatClient } from '../gateway/client';
import { createGateway, type Gateway } from '../gateway/gateway';
import type { Pricing } from '../gateway/pricing';
import type { BatchArm } from '../runner/runBatch';
import { llmJudge, pairwiseJudge } from '../scoring/llmJudge';
import type { Scorer } from '../scoring/types';
import type { StartedSimulator } from './types';

/** The criteria the judge grades on when the config gives none. */
export const DEFAULT_JUDGE_CRITERIA =
  'A correct, complete and clear answer to the request. When a reference answer is given, the final answer must agree with it.';

/** The connections of one run: the config, the simulator when started, and every client opened. */
export interface Connections {
  cfg: EvalConfig;
  sim?: StartedSimulator;
  /** Every chat client opened (closed when the run ends). */
  clients: ChatClient[];
}

/** The judges of a run, as the config asks for them. */
export interface RunJudges {
  single?: Scorer;
  pairwise?: ReturnType<typeof pairwiseJudge>;
}

/** A config price as the gateway takes it (a blended price for input and output alike). */
export const toArmPrice = (p: PriceInput) =>
  'blendedPer1M' in p ? { inputPer1M: p.blendedPer1M, outputPer1M: p.blendedPer1M } : p;

/** The base URL of an endpoint: its own, else the simulator's. */
export const baseOf = (conn: Connections, e: { baseURL?: string }): string =>
  e.baseURL ?? (conn.sim as StartedSimulator).baseURL;

/** A gateway (retries, rate limit, fallback model) over a new chat client for an arm or the judge. */
function gatewayFor(
  conn: Connections,
  c: ArmConfig | NonNullable<EvalConfig['judge']>,
  e: { baseURL?: string; apiKey?: string },
  seed: number,
): Gateway {
  const client = createChatClient({
    ...(c.protocol !== undefined ? { protocol: c.protocol } : {}),
    baseURL: baseOf(conn, e),
    model: c.model,
    ...(e.apiKey !== undefined ? { apiKey: e.apiKey } : {}),
    ...(c.timeoutMs !== undefined ? { timeoutMs: c.timeoutMs } : {}),
    maxConnections: Math.max(
      conn.cfg.concurrency,
      'concurrency' in c && c.concurrency ? c.concurrency : 0,
      1,
    ),
  });
  conn.clients.push(client);
  const a = c as ArmConfig;
  return createGateway({
    client,
    seed,
    ...(a.retry ? { retry: a.retry } : {}),
    ...(a.rateLimit ? { rateLimit: a.rateLimit } : {}),
    ...(a.fallbackModel ? { fallbackModel: a.fallbackModel } : {}),
  });
}

/** Both arms of the batch (primary with gateway seed 1, canary with seed 2). */
export function batchArms(conn: Connections, endpoints: ResolvedEndpoints): BatchArm[] {
  return (['primary', 'canary'] as const).map((name, i) => {
    const a = conn.cfg.arms[name];
    const arm: BatchArm = {
      name,
      gateway: gatewayFor(conn, a, endpoints[name], i + 1),
      baseURL: baseOf(conn, endpoints[name]),
    };
    if (a.params) arm.params = a.params;
    if (a.price) arm.price = toArmPrice(a.price);
    if (a.concurrency) arm.concurrency = a.concurrency;
    return arm;
  });
}

/** The config's judges (gateway seed 3), their spend counted against the cap when there is one. */
export function buildJudges(
  conn: Connections,
  endpoints: ResolvedEndpoints,
  budget: SpendBudget | undefined,
  pricing: Pricing | undefined,
): RunJudges {
  const judges: RunJudges = {};
  const j = conn.cfg.judge;
  if (!j || !endpoints.judge) return judges;
  let gateway = gatewayFor(conn, j, endpoints.judge, 3);
  if (budget) {
    const p: TokenPrice = j.price ? toArmPrice(j.price) : (pricing as Pricing).price(j.model); // cached-token prices included, as the judge's pricer
    gateway = budgetedGateway(gateway, { budget, price: p });
  }
  const criteria = Array.isArray(j.criteria)
    ? j.criteria.map((c) => `- ${c}`).join('\n')
    : (j.criteria ?? DEFAULT_JUDGE_CRITERIA);
  const price = j.price ? toArmPrice(j.price) : pricing;
  const common = {
    gateway,
    criteria,
    ...(price ? { price } : {}),
    ...(j.params ? { params: j.params } : {}),
  };
  if (j.single) judges.single = llmJudge({ name: j.name, ...common });
  if (j.pairwise) judges.pairwise = pairwiseJudge({ name: `${j.name}-pairwise`, ...common });
  return judges;
}
