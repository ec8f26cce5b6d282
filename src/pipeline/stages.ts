/**
 * The stages after the calls, each reading the previous stage's files from the run folder, so each can be
 * re-run alone (`canarylab analyze | decide | report <runDir>`):
 * records → comparison.json (analyze) → decision.json (decide) → charts/*.svg + report.html (report).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { analyzeRun, analyzeSummaries } from '../analysis/analyzeRun';
import { loadRun, RUN_FILES, writeAnalysis } from '../analysis/loadRun';
import type { RunSummary } from '../analysis/summary/types';
import type { AnalyzeOptions, RunAnalysis, RunData } from '../analysis/types';
import { loadEvalConfig } from '../config/evalConfig';
import { type DecideContext, type DecisionDetails, decide, type RolloutPosition } from '../decision/decide';
import { DEFAULT_POLICY, type Policy, parsePolicy } from '../decision/policy';
import { readSequentialHistory, type SequentialSummary, updateHistory } from '../decision/sequential';
import { readDecision, writeDecision } from '../decision/writeDecision';
import { writeJsonAtomic } from '../fileAtomic';
import { selectDisagreements } from '../report/disagreements';
import type { ReportManifest } from '../report/types';
import { type WrittenReport, writeReport } from '../report/writeReport';
import { srmCheck } from '../routing/srm';
import type { EvalItem } from '../types';
import { renderRunCharts } from './charts';
import { loadConfigItems } from './items';
import { MANIFEST_FILE, POLICY_FILE, type RunManifest, readManifest, toolVersion } from './manifest';

/** Extra facts of a run imported from production logs (`canarylab analyze logs.jsonl`). */
export const IMPORT_FILE = 'import.json';

/** What `analyze logs.jsonl` records about the import (import.json). */
export interface ImportInfo {
  source: string[];
  importedAt: string;
  invalidLines: number;
  lines: { shadow: number; routing: number };
  models: { primary: string[]; canary: string[] };
  split: { users: { primary: number; canary: number }; requests: { primary: number; canary: number } };
}

/** A run folder stage that cannot run (a previous stage's file is missing). */
export class StageError extends Error {
  readonly code = 'CANARYLAB_ERR_STAGE';
  constructor(message: string) {
    super(message);
    this.name = 'StageError';
  }
}

async function readJson<T>(file: string, what: string, hint: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new StageError(`${file}: no ${what} yet (${hint})`);
    throw new StageError(
      `${file}: cannot read the ${what} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new StageError(`${file}: not valid JSON (${(e as Error).message})`);
  }
}

/** JSON writes NaN as null: put NaN back in the interval/estimate fields the stages compute with. */
function revive<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (_k, v) => (v === null ? Number.NaN : v)) as T;
}

/** Reads comparison.json. @throws {StageError} when the run has not been analysed. */
export async function readAnalysis(runDir: string): Promise<RunAnalysis> {
  const a = await readJson<RunAnalysis>(
    join(runDir, RUN_FILES.comparison),
    'analysis',
    `run \`canarylab analyze ${runDir}\` first`,
  );
  // Only the numeric fields of comparisons can hold null-for-NaN; other nulls (none today) are left alone.
  return { ...a, comparisons: revive(a.comparisons) };
}

/** Writes the policy a run is judged with (policy.json), so `decide <runDir>` reuses it. */
export async function writeRunPolicy(runDir: string, policy: Policy): Promise<void> {
  await writeJsonAtomic(join(runDir, POLICY_FILE), policy);
}

/** The policy of a run: policy.json when present, else the default policy. */
export async function readRunPolicy(runDir: string): Promise<Policy> {
  const file = join(runDir, POLICY_FILE);
  if (!existsSync(file)) return DEFAULT_POLICY;
  return parsePolicy(await readJson<unknown>(file, 'policy', ''), file);
}

/**
 * The analyze stage: reads the records of a run folder, writes comparison.json. Options come from
 * run.json (the config's `analysis:` and `traffic:`), overridden by `opts.analysis`; run.json's notes
 * (e.g. a compressed simulator clock) are added to the analysis notes.
 *
 * @throws {RunFolderError} when calls.jsonl is missing or a record is malformed
 * @example
 * const { analysis } = await analyzeStage('runs/20250601T120000-1a2b3c4d');
 */
export async function analyzeStage(
  runDir: string,
  opts: { analysis?: AnalyzeOptions; run?: RunData; summary?: RunSummary; runId?: string } = {},
): Promise<{ analysis: RunAnalysis; file: string }> {
  const manifest = await readManifest(runDir);
  const options: AnalyzeOptions = { ...(manifest?.analysis as AnalyzeOptions | undefined), ...opts.analysis };
  // A summary made elsewhere (DuckDB / ClickHouse over logs) is analysed as it is; else the run's records.
  const run = opts.summary ? undefined : (opts.run ?? (await loadRun(runDir)));
  const analysis = opts.summary
    ? analyzeSummaries({ runId: opts.runId ?? basename(runDir), summary: opts.summary }, options)
    : analyzeRun(run as RunData, options);
  for (const n of manifest?.notes ?? []) if (!analysis.notes.includes(n)) analysis.notes.push(n);
  if (run) for (const n of mixedModelNotes(run.calls)) analysis.notes.push(n);
  if (existsSync(join(runDir, IMPORT_FILE))) {
    const imported = await readJson<ImportInfo>(join(runDir, IMPORT_FILE), 'import facts', '');
    for (const arm of ['primary', 'canary'] as const) {
      const models = imported.models?.[arm] ?? [];
      if (models.length > 1)
        analysis.notes.push(
          `Warning: the ${arm} arm mixes ${models.length} models (${models.join(', ')}): their calls are analysed as one arm. Pass --${arm}-model to choose one, or check the routing.`,
        );
    }
    if (imported.invalidLines > 0)
      analysis.notes.push(
        `${imported.invalidLines} malformed log line(s) of ${imported.source.join(', ')} were skipped (--skip-invalid) and are not in this analysis.`,
      );
  }
  const file = await writeAnalysis(runDir, analysis);
  return { analysis, file };
}

/**
 * A warning per arm whose calls were answered by more than one requested model (e.g. records of two
 * configs in one folder, or logs routing several models to one arm): they would be merged silently.
 */
export function mixedModelNotes(calls: ReadonlyArray<{ arm: string; model: string }>): string[] {
  const byArm = new Map<string, Map<string, number>>();
  for (const c of calls) {
    const m = byArm.get(c.arm) ?? new Map<string, number>();
    byArm.set(c.arm, m);
    m.set(c.model, (m.get(c.model) ?? 0) + 1);
  }
  const notes: string[] = [];
  for (const [arm, models] of byArm) {
    if (models.size < 2) continue;
    const list = [...models].map(([model, n]) => `${model}: ${n} calls`).join(', ');
    notes.push(
      `Warning: the ${arm} arm mixes ${models.size} models (${list}): their calls are analysed as one arm.`,
    );
  }
  return notes;
}

/** Options of {@link decideStage}. */
export interface DecideStageOptions {
  /** Default: the run's policy.json, else DEFAULT_POLICY. */
  policy?: Policy;
  /** Default: run.json's stage, else the plan's first step. */
  position?: RolloutPosition;
  /**
   * Configured canary share of traffic: adds the sample-ratio check (on users per arm for imported
   * routing logs, else on calls per arm).
   */
  canaryShare?: number;
  /** Sequential-monitoring history file to add this run to (default: run.json's historyFile, if any). */
  historyFile?: string | false;
}

/**
 * The decide stage: reads comparison.json, judges the policy's gates (with the sample-ratio check and the
 * sequential history when given), writes decision.json.
 *
 * @throws {StageError} when the run has not been analysed
 * @throws {RangeError} when the position is not a step of the policy's plan
 */
export async function decideStage(
  runDir: string,
  opts: DecideStageOptions = {},
): Promise<{ decision: DecisionDetails; file: string; sequential?: SequentialSummary }> {
  const analysis = await readAnalysis(runDir);
  const manifest = await readManifest(runDir);
  const policy = opts.policy ?? (await readRunPolicy(runDir));
  const ctx: DecideContext = {};
  const position = opts.position ?? manifest?.stage;
  if (position) ctx.position = position;
  if (opts.canaryShare !== undefined) {
    const imported = existsSync(join(runDir, IMPORT_FILE))
      ? await readJson<ImportInfo>(join(runDir, IMPORT_FILE), 'import facts', '')
      : null;
    const sr = analysis.comparisons.find((c) => c.metric === 'success_rate' && !c.segment);
    const users = imported?.split.users;
    const observed =
      users && users.primary + users.canary > 0
        ? users
        : { primary: sr?.primary.n ?? 0, canary: sr?.canary.n ?? 0 };
    const unit = users && users.primary + users.canary > 0 ? 'users' : 'requests';
    ctx.srm = srmCheck({ observed, expectedCanaryShare: opts.canaryShare, alpha: policy.srm.alpha, unit });
  }
  const historyFile = opts.historyFile === false ? undefined : (opts.historyFile ?? manifest?.historyFile);
  let sequential: SequentialSummary | undefined;
  if (historyFile) {
    sequential = await updateHistory(historyFile, analysis, {
      alpha: policy.sequential.alpha,
      tuning: policy.sequential.tuning,
      expectedLooks: policy.sequential.expectedLooks,
      qualityScorer: analysis.quality.find((q) => q.kind === 'pass')?.scorer,
    });
    ctx.sequential = sequential;
  }
  const decision = decide(analysis.comparisons, policy, ctx);
  const file = await writeDecision(runDir, decision);
  return sequential ? { decision, file, sequential } : { decision, file };
}

/** A manifest for a folder without run.json (an import of production logs). */
async function manifestFor(runDir: string, analysis: RunAnalysis, run: RunData): Promise<ReportManifest> {
  const m = await readManifest(runDir);
  if (m) return m;
  const imported = existsSync(join(runDir, IMPORT_FILE))
    ? await readJson<ImportInfo>(join(runDir, IMPORT_FILE), 'import facts', '')
    : null;
  const model = (arm: 'primary' | 'canary') =>
    imported?.models[arm].join(', ') || run.calls.find((c) => c.arm === arm)?.model || '(unknown)';
  const times = run.calls.map((c) => c.startedAt).sort();
  return {
    runId: analysis.runId,
    createdAt: imported?.importedAt ?? times[0] ?? new Date().toISOString(),
    tool: { name: 'canarylab', version: toolVersion() },
    configHash: '(none: imported from production logs)',
    dataset: { source: imported?.source.join(', ') ?? runDir, items: run.items?.length ?? 0 },
    arms: { primary: { model: model('primary') }, canary: { model: model('canary') } },
    evaluationCostUsd: 0,
  };
}

/** Options of {@link reportStage}. */
export interface ReportStageOptions {
  /** The items with their prompts (the run folder keeps no prompt text); default: reloaded from run.json's config. */
  items?: readonly EvalItem[];
  /** Most disagreements shown. Default 20. */
  maxDisagreements?: number;
  log?: (line: string) => void;
}

/**
 * The report stage: reads comparison.json, decision.json, run.json and the records; renders the charts
 * (charts/*.svg) and report.html.
 *
 * @throws {StageError} when the run has not been analysed or decided
 */
export async function reportStage(runDir: string, opts: ReportStageOptions = {}): Promise<WrittenReport> {
  const analysis = await readAnalysis(runDir);
  const decision = revive(await readDecisionOrThrow(runDir));
  // A log import keeps only summaries (no calls.jsonl): no records, so no disagreements to show.
  const run: RunData = existsSync(join(runDir, RUN_FILES.calls))
    ? await loadRun(runDir)
    : { runId: analysis.runId, calls: [], scores: [], pairwise: [] };
  const manifest = await manifestFor(runDir, analysis, run);
  const historyFile = (manifest as RunManifest).historyFile;
  const sequential = historyFile ? ((await readSequentialHistory(historyFile)) ?? undefined) : undefined;
  const charts = await renderRunCharts({ analysis, decision, sequential });
  let items: ReadonlyArray<{ id: string; messages?: EvalItem['messages']; reference?: string | number }> =
    opts.items ?? [];
  if (!opts.items) {
    items = (await reloadItems(manifest as RunManifest, opts.log)) ?? run.items ?? [];
  }
  const quality = analysis.quality.find((q) => q.kind === 'pass')?.scorer;
  const disagreements = selectDisagreements({
    calls: run.calls,
    scores: run.scores,
    pairwise: run.pairwise,
    items,
    scorer: quality,
    limit: opts.maxDisagreements ?? 20,
    seed: 1,
  });
  return writeReport(runDir, { decision, analysis, charts, manifest, disagreements });
}

async function readDecisionOrThrow(runDir: string): Promise<DecisionDetails> {
  if (!existsSync(join(runDir, 'decision.json'))) {
    throw new StageError(
      `${join(runDir, 'decision.json')}: no decision yet (run \`canarylab decide ${runDir}\` first)`,
    );
  }
  return readDecision(runDir);
}

/** The prompts of a run's items, reloaded from its config (the run folder does not keep them). */
async function reloadItems(
  manifest: RunManifest | null,
  log?: (line: string) => void,
): Promise<EvalItem[] | null> {
  if (!manifest?.configFile || !existsSync(manifest.configFile)) return null;
  try {
    const loaded = await loadEvalConfig(manifest.configFile);
    return await loadConfigItems(loaded, manifest.limit !== undefined ? { limit: manifest.limit } : {});
  } catch (e) {
    log?.(
      `report: prompts not shown (cannot reload the dataset of ${manifest.configFile}: ${(e as Error).message})`,
    );
    return null;
  }
}

/** Whether a folder looks like a run folder (has calls.jsonl or run.json). */
export function isRunFolder(dir: string): boolean {
  return existsSync(join(dir, RUN_FILES.calls)) || existsSync(join(dir, MANIFEST_FILE));
}
