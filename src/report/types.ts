import type { ArmCost, PairwiseSummary } from '../analysis/types';
import type { ArmEstimate, Decision, MetricComparison, Stage } from '../types';

/**
 * The shapes the report reads. They are structural subsets of the analysis, decision, chart and manifest
 * records (RunAnalysis, DecisionDetails, buildRunCharts + renderSvg, run.json), so those objects can be
 * passed as they are; every field the report does not need is optional, and extra fields are ignored.
 */

/** A rollout step as the report shows it (DecisionDetails.current / next / fallback). */
export interface ReportStep {
  stage: Stage;
  trafficPercent: number;
  shadowPercent?: number;
  targetTiers?: string[];
}

/** The decision: a core Decision, plus the plan steps of DecisionDetails when available. */
export interface ReportDecision extends Decision {
  current?: ReportStep;
  next?: ReportStep;
  fallback?: ReportStep;
}

/** Per-arm cost (RunAnalysis.cost.primary / canary). */
export type ReportArmCost = ArmCost;

/** The part of RunAnalysis the report reads. */
export interface ReportAnalysis {
  runId: string;
  /** Overall comparisons, and segment ones (with `segment`, Holm-adjusted p in test.adjustedPValue). */
  comparisons: MetricComparison[];
  errors?: { primary: Record<string, number>; canary: Record<string, number> };
  excludedFromQuality?: { primary: number; canary: number };
  cost?: { primary: ReportArmCost; canary: ReportArmCost; monthlyRequests: number };
  quality?: Array<{ scorer: string; kind: 'pass' | 'score'; primary: ArmEstimate; canary: ArmEstimate }>;
  pairwise?: Pick<
    PairwiseSummary,
    'judge' | 'wins' | 'ties' | 'losses' | 'orderInconsistent' | 'n' | 'winRate'
  >;
  /**
   * The judge's reliability (issue 6's JudgeReliability). Rendered generically: every number, string,
   * boolean and [lo, hi] interval in it becomes a row, named by its path.
   */
  judgeReliability?: unknown;
  notes?: string[];
}

/** One chart: an inline SVG (always shown without JS and in print) and, optionally, its vega-lite spec. */
export interface ReportChart {
  /** File-name-safe id: letters, digits, '-' and '_' (becomes charts/<id>.svg). */
  id: string;
  title: string;
  /** SVG markup from src/charts renderSvg. */
  svg: string;
  /** vega-lite spec (TopLevelSpec) with inline data, for the interactive version. */
  spec?: object;
  /** One sentence under the chart saying what it shows. */
  description?: string;
}

/** run.json, as the report reads it. */
export interface ReportManifest {
  runId: string;
  createdAt: string;
  finishedAt?: string;
  tool: { name: string; version: string };
  configHash: string;
  configFile?: string;
  dataset: { source: string; items: number };
  arms: { primary: { model: string; baseURL?: string }; canary: { model: string; baseURL?: string } };
  judge?: { model: string };
  repeats?: number;
  /** What the evaluation itself cost (both arms and the judge), USD. */
  evaluationCostUsd?: number;
  /** The evaluation's cost split: both arms' calls and the judge's calls (its own model and price), USD. */
  costs?: { callsUsd: number; judgeUsd: number };
  stage?: { stage: Stage; trafficPercent: number; shadowPercent?: number };
}

/** One scorer's verdict on one arm's answer. */
export interface ReportScoreCell {
  score: number | null;
  pass?: boolean;
  /** Untrusted (a judge's words): escaped like model output. */
  reason?: string;
  error?: string;
}

/** An item where the arms disagree, shown side by side. Every string is untrusted. */
export interface ReportDisagreement {
  itemId: string;
  repeat?: number;
  prompt: string;
  reference?: string | number;
  primary: string;
  canary: string;
  scores: Array<{ scorer: string; primary?: ReportScoreCell; canary?: ReportScoreCell }>;
  pairwise?: {
    judge: string;
    winner: 'primary' | 'canary' | 'tie';
    orderConsistent?: boolean;
    reason?: string;
  };
}

/** Everything the report shows. */
export interface ReportInput {
  decision: ReportDecision;
  analysis: ReportAnalysis;
  charts: ReportChart[];
  manifest: ReportManifest;
  disagreements: ReportDisagreement[];
}

/** How the report is rendered. */
export interface ReportOptions {
  /**
   * Interactive charts (inlined vega, vega-lite and vega-embed, about 0.8 MB): 'auto' (default) inlines them
   * when every chart has a spec and the specs' JSON totals at most `interactiveLimitBytes`; true always
   * (charts without a spec stay static); false never.
   */
  interactive?: 'auto' | boolean;
  /** Limit of the specs' total JSON size for interactive 'auto'. Default 1,000,000 bytes. */
  interactiveLimitBytes?: number;
  /** Most disagreements shown (the input's order is kept). Default 20. */
  maxDisagreements?: number;
  /** Longest text shown for one prompt or answer, in characters; longer ones are cut with a note. Default 4000. */
  maxTextChars?: number;
}
