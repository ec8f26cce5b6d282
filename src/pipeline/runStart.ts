/**
 * The run folder's first files: run.json (status 'running': arms, judge, dataset, stage, analysis options,
 * notes), items.jsonl and policy.json, written before the first call.
 */
import { join, resolve } from 'node:path';
import type { ResolvedEndpoints } from '../config/types';
import { redactUrl } from '../gateway/redact';
import type { Arm, EvalItem } from '../types';
import { baseOf, type Connections } from './gateways';
import { datasetSource, writeItems } from './items';
import { type ManifestArm, type RunManifest, toolVersion, writeManifest } from './manifest';
import { simulated, simulatedRunNote } from './simulator';
import { writeRunPolicy } from './stages';
import type { RunContext } from './types';

/** One arm as run.json records it (the base URL redacted, the key's variable name, never the key). */
function manifestArm(conn: Connections, endpoints: ResolvedEndpoints, name: Arm): ManifestArm {
  const a = conn.cfg.arms[name];
  const m: ManifestArm = { model: a.model, baseURL: redactUrl(baseOf(conn, endpoints[name])) };
  if (a.name) m.name = a.name;
  if (a.apiKeyEnv) m.apiKeyEnv = a.apiKeyEnv;
  if (simulated(endpoints[name])) m.simulated = true;
  if (a.protocol !== undefined && a.protocol !== 'openai') m.protocol = a.protocol;
  return m;
}

/** The judge as run.json records it. */
function manifestJudge(conn: Connections, endpoints: ResolvedEndpoints): RunManifest['judge'] {
  const j = conn.cfg.judge;
  if (!j) return undefined;
  const judge: NonNullable<RunManifest['judge']> = { model: j.model, single: j.single, pairwise: j.pairwise };
  if (endpoints.judge) judge.baseURL = redactUrl(baseOf(conn, endpoints.judge));
  if (j.apiKeyEnv) judge.apiKeyEnv = j.apiKeyEnv;
  if (j.protocol !== undefined && j.protocol !== 'openai') judge.protocol = j.protocol;
  return judge;
}

/** run.json at the start of a run (a resumed run keeps its creation time). */
export function startManifest(
  ctx: RunContext,
  conn: Connections,
  run: { endpoints: ResolvedEndpoints; items: number; previous: RunManifest | null },
): RunManifest {
  const { cfg, loaded, opts } = ctx;
  const notes: string[] = [];
  if (conn.sim && cfg.simulator) notes.push(simulatedRunNote(ctx));
  const analysisOptions: Record<string, unknown> = { ...cfg.analysis };
  if (cfg.traffic) analysisOptions.monthlyRequests = cfg.traffic.monthlyRequests;
  const manifest: RunManifest = {
    runId: ctx.runId,
    createdAt: run.previous?.createdAt ?? new Date().toISOString(),
    tool: { name: 'canarylab', version: toolVersion() },
    configHash: loaded.hash,
    configFile: resolve(opts.configFile ?? loaded.file),
    dataset: { source: datasetSource(loaded), items: run.items },
    arms: {
      primary: manifestArm(conn, run.endpoints, 'primary'),
      canary: manifestArm(conn, run.endpoints, 'canary'),
    },
    repeats: cfg.repeats,
    evaluationCostUsd: 0,
    stage: loaded.position,
    status: 'running',
    analysis: analysisOptions,
    historyFile: join(ctx.outDir, 'history', `${loaded.hash.slice(0, 16)}.json`),
  };
  if (cfg.name) manifest.name = cfg.name;
  if (opts.limit !== undefined) manifest.limit = opts.limit;
  if (notes.length) manifest.notes = notes;
  const judge = manifestJudge(conn, run.endpoints);
  if (judge) manifest.judge = judge;
  return manifest;
}

/** Writes items.jsonl, policy.json and run.json, and logs what the run will do. */
export async function writeRunStart(
  ctx: RunContext,
  items: EvalItem[],
  manifest: RunManifest,
): Promise<void> {
  const { cfg, runDir } = ctx;
  await writeItems(runDir, items);
  await writeRunPolicy(runDir, ctx.loaded.policy);
  await writeManifest(runDir, manifest);
  ctx.log(
    `run ${ctx.runId}: ${items.length} items × ${cfg.repeats} repeat(s), ${cfg.arms.primary.model} (primary) vs ${cfg.arms.canary.model} (canary) → ${runDir}`,
  );
}
