import { readFile } from 'node:fs/promises';

/** One request of an llmperf-leaderboard trace (ray-project/llmperf-leaderboard, Apache-2.0). */
export interface LlmperfRequest {
  /** null when the request succeeded; 429 = rate limited; -100 = too few tokens returned. */
  errorCode: number | null;
  errorMessage: string;
  endToEndLatencyS: number;
  ttftS: number;
  interTokenLatencyS: number;
  inputTokens: number;
  outputTokens: number;
}

/**
 * Loads one llmperf trace file (a JSON array of per-request results). Every field is checked; a bad one
 * fails with `file: [index].field: expected …`. Failed requests keep their recorded latencies (often 0).
 */
export async function loadLlmperfTrace(file: string): Promise<LlmperfRequest[]> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new Error(`${file}: trace file not found`);
    throw new SyntaxError(`${file}: not valid JSON (${err.message})`);
  }
  if (!Array.isArray(data)) throw new TypeError(`${file}: expected a JSON array of requests`);
  return data.map((row: Record<string, unknown>, i) => {
    const at = (field: string) => `${file}: [${i}].${field}`;
    const num = (field: string): number => {
      const v = row?.[field];
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new TypeError(`${at(field)}: expected a finite number`);
      return v;
    };
    const code: unknown = row?.error_code;
    if (code !== null && typeof code !== 'number')
      throw new TypeError(`${at('error_code')}: expected null or a number`);
    return {
      errorCode: typeof code === 'number' ? code : null,
      errorMessage: typeof row.error_msg === 'string' ? row.error_msg : '',
      endToEndLatencyS: num('end_to_end_latency_s'),
      ttftS: num('ttft_s'),
      interTokenLatencyS: num('inter_token_latency_s'),
      inputTokens: num('number_input_tokens'),
      outputTokens: num('number_output_tokens'),
    };
  });
}
