/**
 * The whole pipeline in one call (`canarylab run`): items → calls (both arms) → scores (rubrics, judges) →
 * comparison.json → decision.json → charts + report.html, with run.json written at the start and
 * finished at the end. Every stage writes its file in the run folder; a killed run is resumed with
 * `resume: true` (finished calls and scores are not paid for twice).
 */
import { createReadStream, existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { RunAnalysis } from '../analysis/types';
import {
  type ArmConfig,
  type LoadedEvalConfig,
  PRICING_FILE,
  type PriceInput,
  resolveConfigPath,
  resolveSecrets,
  simulatorOptions,
} from '../config/evalConfig';
import { buildScorers } from '../config/scorers';
import type { DecisionDetails } from '../decision/decide';
import { budgetedGateway, isBudgetExceeded, SpendBudget, type TokenPrice } from '../gateway/budget';
import { type ChatClient, createChatClient } from '../gateway/client';
import { createGateway, type Gateway } from '../gateway/gateway';
import { loadPricing, type Pricing } from '../gateway/pricing';
import { redactUrl } from '../gateway/redact';
import { loadTokenizer } from '../gateway/tokens';
import type { WrittenReport } from '../report/writeReport';
import type { BatchArm, BatchProgress, RunBatchSummary } from '../runner/runBatch';
import { runBatch } from '../runner/runBatch';
import { acquireRunLock, clearRunFolder, type RunLock, validateRunId } from '../runner/runFolder';
import { type JudgePairsSummary, judgePairs } from '../scoring/judgePairs';
import { llmJudge, pairwiseJudge } from '../scoring/llmJudge';
import { type ScoreRunSummary, scoreRun } from '../scoring/scoreRun';
import type { Scorer } from '../scoring/types';
import { type Simulator, startSimulator } from '../sim/server';
import type { Arm } from '../types';
import { datasetSource, loadConfigItems, writeItems } from './items';
import { type ManifestArm, type RunManifest, readManifest, toolVersion, writeManifest } from './manifest';
import { analyzeStage, decideStage, reportStage, writeRunPolicy } from './stages';

/** The criteria the judge grades on when the config gives none. */
export const DEFAULT_JUDGE_CRITERIA =
  'A correct, complete and clear answer to the request. When a reference answer is given, the final answer must agree with it.';

/** Options of {@link runPipeline}. */
export interface RunPipelineOptions {
  /** The validated config (loadEvalConfig). */
  config: LoadedEvalConfig;
  /** The config file, recorded in run.json (default: config.file). */
  configFile?: string;
  /** Folder of run folders. Default: the config's `out` (relative to the config file), else 'runs'. */
  outDir?: string;
  /** Default: `<UTC time>-<first 8 hex of the config hash>`; with `resume`, the latest run of this config. */
  runId?: string;
  /** Continue an interrupted run (same config): finished calls, scores and judgments are kept. */
  resume?: boolean;
  /** Replace an existing run in the run folder (its files are removed first). Not with `resume`. */
  force?: boolean;
  /**
   * Spend cap in USD, overriding the config's `maxCostUsd` (not part of the config hash, so a run stopped
   * by its cap can be resumed with a larger one).
   */
  maxCostUsd?: number;
  /** Response cache; default: the config's `cache` (the CLI's --no-cache sets false). */
  cache?: boolean;
  /** Use at most this many items (on top of the config's own limit). */
  limit?: number;
  /** Batch progress (calls done per arm, errors, spend, ETA). */
  onProgress?: (p: BatchProgress) => void;
  /** One line per stage and warnings (the CLI writes them to stderr). */
  log?: (line: string) => void;
  /** Where API keys and base URLs are read from. Default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** What {@link runPipeline} produced. */
export interface PipelineResult {
  runId: string;
  runDir: string;
  manifest: RunManifest;
  analysis: RunAnalysis;
  decision: DecisionDetails;
  report: WrittenReport;
  batch: RunBatchSummary;
  scoring: ScoreRunSummary;
  pairwise?: JudgePairsSummary;
  /**
   * Set when the spend cap (maxCostUsd) stopped the run before everything was sent: every finished record is
   * kept, and the analysis, decision and report cover only them. Rerun with --resume and a larger cap.
   */
  budgetReached?: { capUsd: number; spentUsd: number; message: string };
  wallMs: number;
}

/**
 * The spend cap stopped the run and the later stages could not run on what was recorded (code
 * CANARYLAB_ERR_BUDGET_REACHED; the CLI exits 3). Every finished record is kept.
 */
export class BudgetReachedError extends Error {
  readonly code = 'CANARYLAB_ERR_BUDGET_REACHED';
  constructor(message: string) {
    super(message);
    this.name = 'BudgetReachedError';
  }
}

/** A run folder that exists when it should not (or not when it should). */
export class RunFolderConflictError extends Error {
  readonly code = 'CANARYLAB_ERR_RUN_FOLDER';
  constructor(message: string) {
    super(message);
    this.name = 'RunFolderConflictError';
  }
}

const toArmPrice = (p: PriceInput) =>
  'blendedPer1M' in p ? { inputPer1M: p.blendedPer1M, outputPer1M: p.blendedPer1M } : p;

/** `<yyyymmddThhmmss>-<hash8>` in UTC. */
function newRunId(hash: string, now = new Date()): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, '')}-${hash.slice(0, 8)}`;
}

/** The latest run folder in `outDir` whose run.json has this config hash. */
async function latestRunOf(outDir: string, hash: string): Promise<string | null> {
  let names: string[];
  try {
    names = await readdir(outDir);
  } catch {
    return null;
  }
  let best: { runId: string; createdAt: string } | null = null;
  for (const n of names) {
    if (n.startsWith('.')) continue;
    const m = await readManifest(join(outDir, n)).catch(() => null);
    if (m?.configHash === hash && (!best || m.createdAt > best.createdAt))
      best = { runId: n, createdAt: m.createdAt };
  }
  return best?.runId ?? null;
}

/** Sums a numeric field over the lines of a JSONL file (0 when the file is absent; torn lines skipped). */
async function sumJsonl(
  file: string,
  pick: (rec: Record<string, unknown>) => number | undefined,
): Promise<number> {
  if (!existsSync(file)) return 0;
  let total = 0;
  const rl = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) {
    if (line.trim() === '') continue;
    try {
      const v = pick(JSON.parse(line) as Record<string, unknown>);
      if (typeof v === 'number' && Number.isFinite(v)) total += v;
    } catch {
      // a torn last line of an interrupted run: nothing to add
    }
  }
  return total;
}

/**
 * What an evaluation cost: every call of both arms (cached calls cost 0) and every judge call (single
 * judge costs in scores.jsonl `judge.costUsd`, pairwise ones in pairwise.jsonl `costUsd`).
 */
export async function evaluationCost(
  runDir: string,
): Promise<{ callsUsd: number; judgeUsd: number; totalUsd: number }> {
  const callsUsd = await sumJsonl(join(runDir, 'calls.jsonl'), (r) => r.costUsd as number | undefined);
  const single = await sumJsonl(
    join(runDir, 'scores.jsonl'),
    (r) => (r.judge as { costUsd?: number } | undefined)?.costUsd,
  );
  const pairwise = await sumJsonl(join(runDir, 'pairwise.jsonl'), (r) => r.costUsd as number | undefined);
  return { callsUsd, judgeUsd: single + pairwise, totalUsd: callsUsd + single + pairwise };
}

/**
 * Runs the whole pipeline for a config. Everything that can be wrong with the config (a missing
 * environment variable, a model without a price, a bad dataset line) fails before the first call.
 *
 * @throws {ConfigError} for a missing environment variable or price (before any call)
 * @throws {RunFolderConflictError} when the run folder exists and `resume` is not set, or `resume` finds
 *   no run of this config, or the config changed since the run started
 * @example
 * const result = await runPipeline({ config: await loadEvalConfig('eval.yaml'), log: (l) => console.error(l) });
 * result.decision.verdict; // 'promote' | 'hold' | 'rollback'
 */
export async function runPipeline(opts: RunPipelineOptions): Promise<PipelineResult> {
  const started = performance.now();
  const loaded = opts.config;
  const cfg = loaded.config;
  const log = opts.log ?? (() => {});
  const outDir = opts.outDir ?? (cfg.out ? resolveConfigPath(loaded, cfg.out) : 'runs');

  // 1. Everything that can fail without a call.
  const endpoints = resolveSecrets(loaded, opts.env ?? process.env);
  const needsTable = !cfg.arms.primary.price || !cfg.arms.canary.price || (cfg.judge && !cfg.judge.price);
  const pricing: Pricing | undefined = needsTable
    ? await loadPricing(cfg.pricing ? resolveConfigPath(loaded, cfg.pricing) : PRICING_FILE)
    : undefined;
  const items = await loadConfigItems(loaded, opts.limit !== undefined ? { limit: opts.limit } : {});
  const rubrics = buildScorers(loaded);

  // 2. The run folder.
  let runId = opts.runId;
  if (opts.resume && runId === undefined) {
    runId = (await latestRunOf(outDir, loaded.hash)) ?? undefined;
    if (runId === undefined) {
      throw new RunFolderConflictError(
        `--resume: no earlier run of this config (hash ${loaded.hash.slice(0, 8)}) in ${outDir}; start one without --resume`,
      );
    }
  }
  runId ??= newRunId(loaded.hash);
  validateRunId(runId, '--run-id');
  if (opts.force && opts.resume)
    throw new RunFolderConflictError('--force and --resume contradict each other: choose one');
  const runDir = join(outDir, runId);
  // One writer per run folder: a second `run` (or analyze/decide/report) on it fails here, before any call.
  const lock: RunLock = acquireRunLock(runDir, 'run');
  try {
    return await runLockedPipeline(runId, runDir);
  } finally {
    lock.release();
  }

  async function runLockedPipeline(runId: string, runDir: string): Promise<PipelineResult> {
    let previous = await readManifest(runDir);
    const hasCalls = existsSync(join(runDir, 'calls.jsonl'));
    if ((previous || hasCalls) && !opts.resume) {
      if (!opts.force)
        throw new RunFolderConflictError(
          `${runDir} already holds a run: pass --resume to continue it, --force to replace it, or choose another --run-id`,
        );
      await clearRunFolder(runDir);
      previous = null;
    }
    if (previous && previous.configHash !== loaded.hash) {
      throw new RunFolderConflictError(
        `${runDir} was started with another config (hash ${previous.configHash.slice(0, 8)}, now ${loaded.hash.slice(0, 8)}): resuming would mix two evaluations; use a new --run-id`,
      );
    }

    const simulated = (e: { baseURL?: string }) => e.baseURL === undefined;
    const needSim =
      simulated(endpoints.primary) ||
      simulated(endpoints.canary) ||
      (endpoints.judge && simulated(endpoints.judge));
    const clients: ChatClient[] = [];
    let sim: Simulator | undefined;
    try {
      if (needSim && cfg.simulator) {
        sim = await startSimulator(simulatorOptions(cfg.simulator, loaded.baseDir));
        // The simulator counts tokens on every request: load the tokenizer (~0.3 s of blocking work) now, not
        // while the first calls are in flight, where it would add to their recorded latency.
        loadTokenizer();
        log(`simulator: in-process on ${sim.baseURL} (no network, no key)`);
      }
      const baseOf = (e: { baseURL?: string }) => e.baseURL ?? (sim as Simulator).baseURL;

      const gatewayFor = (
        c: ArmConfig | NonNullable<typeof cfg.judge>,
        e: { baseURL?: string; apiKey?: string },
        seed: number,
      ): Gateway => {
        const client = createChatClient({
          ...(c.protocol !== undefined ? { protocol: c.protocol } : {}),
          baseURL: baseOf(e),
          model: c.model,
          ...(e.apiKey !== undefined ? { apiKey: e.apiKey } : {}),
          ...(c.timeoutMs !== undefined ? { timeoutMs: c.timeoutMs } : {}),
          maxConnections: Math.max(
            cfg.concurrency,
            'concurrency' in c && c.concurrency ? c.concurrency : 0,
            1,
          ),
        });
        clients.push(client);
        const a = c as ArmConfig;
        return createGateway({
          client,
          seed,
          ...(a.retry ? { retry: a.retry } : {}),
          ...(a.rateLimit ? { rateLimit: a.rateLimit } : {}),
          ...(a.fallbackModel ? { fallbackModel: a.fallbackModel } : {}),
        });
      };

      const arms: BatchArm[] = (['primary', 'canary'] as const).map((name, i) => {
        const a = cfg.arms[name];
        const arm: BatchArm = {
          name,
          gateway: gatewayFor(a, endpoints[name], i + 1),
          baseURL: baseOf(endpoints[name]),
        };
        if (a.params) arm.params = a.params;
        if (a.price) arm.price = toArmPrice(a.price);
        if (a.concurrency) arm.concurrency = a.concurrency;
        return arm;
      });

      // The spend cap: one ledger for both arms and the judge, starting from what the run's records already
      // spent (a resumed run), so that the recorded spend never passes maxCostUsd.
      const capUsd = opts.maxCostUsd ?? cfg.maxCostUsd;
      const budget =
        capUsd !== undefined
          ? new SpendBudget({
              capUsd,
              spentUsd: opts.resume ? (await evaluationCost(runDir)).totalUsd : 0,
            })
          : undefined;

      const judges: { single?: Scorer; pairwise?: ReturnType<typeof pairwiseJudge> } = {};
      if (cfg.judge && endpoints.judge) {
        const j = cfg.judge;
        let gateway = gatewayFor(j, endpoints.judge, 3);
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
      }

      // 3. The run folder's first files.
      const now = new Date().toISOString();
      const manifestArm = (name: Arm): ManifestArm => {
        const a = cfg.arms[name];
        const m: ManifestArm = { model: a.model, baseURL: redactUrl(baseOf(endpoints[name])) };
        if (a.name) m.name = a.name;
        if (a.apiKeyEnv) m.apiKeyEnv = a.apiKeyEnv;
        if (simulated(endpoints[name])) m.simulated = true;
        if (a.protocol !== undefined && a.protocol !== 'openai') m.protocol = a.protocol;
        return m;
      };
      const notes: string[] = [];
      if (sim && cfg.simulator) {
        const scales = [...(loaded.simulator?.models.values() ?? [])]
          .filter((p) => p.name === cfg.arms.primary.model || p.name === cfg.arms.canary.model)
          .map((p) => p.timeScale);
        const scaled = scales.some((s) => s !== 1);
        notes.push(
          scaled
            ? `Simulated run: the simulator's clock was compressed (timeScale ${[...new Set(scales)].join(', ')}), so recorded latencies are that fraction of the profiles' real latencies; divide by the timeScale to read them in real milliseconds.`
            : 'Simulated run: answers replayed from recorded GSM8K solutions; latencies drawn from the model profiles in real time (not compressed).',
        );
      }
      const analysisOptions: Record<string, unknown> = { ...cfg.analysis };
      if (cfg.traffic) analysisOptions.monthlyRequests = cfg.traffic.monthlyRequests;
      const manifest: RunManifest = {
        runId,
        createdAt: previous?.createdAt ?? now,
        tool: { name: 'canarylab', version: toolVersion() },
        configHash: loaded.hash,
        configFile: resolve(opts.configFile ?? loaded.file),
        dataset: { source: datasetSource(loaded), items: items.length },
        arms: { primary: manifestArm('primary'), canary: manifestArm('canary') },
        repeats: cfg.repeats,
        evaluationCostUsd: 0,
        stage: loaded.position,
        status: 'running',
        analysis: analysisOptions,
        historyFile: join(outDir, 'history', `${loaded.hash.slice(0, 16)}.json`),
      };
      if (cfg.name) manifest.name = cfg.name;
      if (opts.limit !== undefined) manifest.limit = opts.limit;
      if (notes.length) manifest.notes = notes;
      if (cfg.judge) {
        manifest.judge = { model: cfg.judge.model, single: cfg.judge.single, pairwise: cfg.judge.pairwise };
        if (endpoints.judge) manifest.judge.baseURL = redactUrl(baseOf(endpoints.judge));
        if (cfg.judge.apiKeyEnv) manifest.judge.apiKeyEnv = cfg.judge.apiKeyEnv;
        if (cfg.judge.protocol !== undefined && cfg.judge.protocol !== 'openai')
          manifest.judge.protocol = cfg.judge.protocol;
      }
      await writeItems(runDir, items);
      await writeRunPolicy(runDir, loaded.policy);
      await writeManifest(runDir, manifest);
      log(
        `run ${runId}: ${items.length} items × ${cfg.repeats} repeat(s), ${cfg.arms.primary.model} (primary) vs ${cfg.arms.canary.model} (canary) → ${runDir}`,
      );

      // 4. Calls. With the in-process simulator, one unrecorded request per simulated model first: the first
      // requests pay for one-time work (tokenizer tables, compiling the request paths, the answer file) that
      // would otherwise be added to the recorded latency of the first batch of calls.
      if (sim) {
        await Promise.all(
          clients
            .filter((c) => c.baseURL === (sim as Simulator).baseURL)
            .map((c) =>
              c
                .complete({
                  messages: [{ role: 'user', content: 'canarylab warm-up' }],
                  params: { max_tokens: 1 },
                })
                .catch(() => undefined),
            ),
        );
      }
      const batch = await runBatch({
        items,
        arms,
        concurrency: cfg.concurrency,
        outDir,
        runId,
        ...(pricing ? { pricing } : {}),
        cache: opts.cache ?? cfg.cache,
        repeats: cfg.repeats,
        ...(budget ? { budget } : {}),
        ...(cfg.shadowRatio !== undefined ? { shadowRatio: cfg.shadowRatio } : {}),
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        onWarning: (m) => log(`warning: ${m}`),
      });
      log(
        `calls: ${batch.planned} planned, ${batch.resumed} resumed, ${batch.sent} sent, ${batch.cached} cached, ${batch.failed} failed, $${batch.spentUsd.toFixed(4)} in ${(batch.wallMs / 1000).toFixed(1)} s`,
      );

      let budgetReached = batch.stoppedForBudget;
      // 5. Scores (rubrics, then the judge) and pairwise judgments. Once the cap is reached the judge is not
      // asked (its calls would be refused); the rubrics, which cost nothing, still score every call.
      const scoreWith = (scorers: Scorer[]) =>
        scoreRun({
          runDir,
          items,
          scorers,
          concurrency: cfg.judge?.concurrency ?? 8,
          retryErrors: opts.resume ?? false,
          onWarning: (m) => log(`warning: ${m}`),
        });
      const scorers = judges.single && !budgetReached ? [...rubrics, judges.single] : rubrics;
      let scoring: ScoreRunSummary;
      try {
        scoring = await scoreWith(scorers);
      } catch (e) {
        if (!isBudgetExceeded(e)) throw e;
        budgetReached = true;
        log('warning: budget reached while judging: the judge stops; rubrics score the remaining calls');
        scoring = await scoreWith(rubrics);
      }
      log(
        `scores: ${scoring.scored} scored, ${scoring.errors} scorer errors, ${scoring.skipped} already scored, ${scoring.excludedFailedCalls} failed calls not scored (${scorers.map((s) => s.name).join(', ') || 'no scorer'})`,
      );
      let pairwise: JudgePairsSummary | undefined;
      if (judges.pairwise && !budgetReached) {
        try {
          pairwise = await judgePairs({
            runDir,
            items,
            judge: judges.pairwise,
            concurrency: cfg.judge?.concurrency ?? 8,
            retryErrors: opts.resume ?? false,
            onWarning: (m) => log(`warning: ${m}`),
          });
          log(
            `pairwise: ${pairwise.judged} judged, ${pairwise.errors} errors, ${pairwise.skipped} already judged`,
          );
        } catch (e) {
          if (!isBudgetExceeded(e)) throw e;
          budgetReached = true;
          log('warning: budget reached while judging pairs: pairwise judging stops');
        }
      }
      let stopped: PipelineResult['budgetReached'];
      if (budgetReached && budget) {
        const spent = (await evaluationCost(runDir)).totalUsd;
        stopped = {
          capUsd: budget.capUsd,
          spentUsd: spent,
          message: `budget reached: $${spent.toFixed(4)} of the $${budget.capUsd} cap (maxCostUsd) spent; the run stopped before a call whose worst case could pass it. Every finished record is kept; the analysis covers only them. Rerun with --resume --max-cost <larger USD> to continue.`,
        };
        log(`warning: ${stopped.message}`);
        manifest.status = 'stopped';
        manifest.stopReason = stopped.message;
        manifest.notes = [...(manifest.notes ?? []), `Budget reached — ${stopped.message}`];
        await writeManifest(runDir, manifest);
      }

      // 6. Analysis, decision, charts and report: the same stages the CLI runs alone.
      const later = async () => {
        const { analysis } = await analyzeStage(runDir);
        log(`analysis: ${analysis.comparisons.length} comparisons → ${join(runDir, 'comparison.json')}`);
        const { decision } = await decideStage(runDir);
        log(`decision: ${decision.verdict} → ${join(runDir, 'decision.json')}`);
        const cost = await evaluationCost(runDir);
        manifest.evaluationCostUsd = cost.totalUsd;
        manifest.costs = { callsUsd: cost.callsUsd, judgeUsd: cost.judgeUsd };
        manifest.finishedAt = new Date().toISOString();
        await writeManifest(runDir, manifest);
        const report = await reportStage(runDir, { items, log });
        log(`report: ${report.reportFile}`);
        return { analysis, decision, report };
      };
      let stages: Awaited<ReturnType<typeof later>>;
      try {
        stages = await later();
      } catch (e) {
        if (!stopped) throw e;
        // Too little was recorded for the later stages: the run still stops cleanly, with its records.
        const cost = await evaluationCost(runDir);
        manifest.evaluationCostUsd = cost.totalUsd;
        manifest.costs = { callsUsd: cost.callsUsd, judgeUsd: cost.judgeUsd };
        manifest.finishedAt = new Date().toISOString();
        await writeManifest(runDir, manifest);
        throw new BudgetReachedError(`${stopped.message} (no analysis: ${(e as Error).message})`);
      }
      const { analysis, decision, report } = stages;
      if (!stopped) manifest.status = 'finished';
      await writeManifest(runDir, manifest);
      const result: PipelineResult = {
        runId,
        runDir,
        manifest,
        analysis,
        decision,
        report,
        batch,
        scoring,
        wallMs: performance.now() - started,
      };
      if (pairwise) result.pairwise = pairwise;
      if (stopped) result.budgetReached = stopped;
      return result;
    } finally {
      await Promise.allSettled(clients.map((c) => c.close()));
      await sim?.close();
    }
  }
}
