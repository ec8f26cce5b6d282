// `datasets`: item files and the real data bundled with the package — GSM8K problems with four recorded GPT-3
// models' solutions, and llmperf traces of hosted LLM APIs (per-request latencies and errors).
//
//   import { analyzeRun, datasets } from 'canarylab';
//   const trace = await datasets.loadLlmperfTrace(join(datasets.DATASETS_DIR, 'llmperf', 'together_70b.json'));
//   const calls = datasets.llmperfToCalls({ trace, runId: 'trace', arm: 'primary', model: 'together_70b' });

export {
  /** Success rate and latency percentiles of one llmperf trace. */ type LatencyTraceSummary,
  /** Accuracy of one GSM8K model with its Wilson interval. */ type ModelAccuracy,
  /** Two GSM8K models compared on the same problems (McNemar). */ type PairedAccuracyComparison,
  /** Accuracy and pairwise comparison of the GSM8K models. */ summarizeGsm8k,
  /** Success rate and latency percentiles of an llmperf trace. */ summarizeLatencyTrace,
} from '../analysis/offlineSummaries';
export {
  /** The four recorded GPT-3 models of the GSM8K file. */ GSM8K_MODELS,
  /** One of GSM8K_MODELS. */ type Gsm8kModel,
  /** One GSM8K problem with the recorded solutions. */ type Gsm8kProblem,
  /** Reads the bundled GSM8K model solutions. */ loadGsm8kSolutions,
} from '../datasets/gsm8k';
export {
  /** One request of an llmperf trace. */ type LlmperfRequest,
  /** Reads an llmperf trace file. */ loadLlmperfTrace,
} from '../datasets/llmperf';
export {
  /** Options of llmperfToCalls. */ type LlmperfToCallsOptions,
  /** An llmperf HTTP status → ErrorKind. */ llmperfErrorKind,
  /** An llmperf trace → CallRecords of one arm. */ llmperfToCalls,
} from '../notebook/index';
/** The bundled data folder (gsm8k/, llmperf/, pricing.json, demo/) of the installed package or checkout. */
export { DATASETS_DIR } from '../packageRoot';
export {
  /** Options of the item readers. */ type LoadItemsOptions,
  /** Reads every item of a CSV file. */ loadCsvItems,
  /** Reads every item of a JSONL file. */ loadJsonlItems,
  /** Streams items from a CSV file. */ streamCsvItems,
  /** Streams items from a JSONL file. */ streamJsonlItems,
} from '../runner/dataset';
