import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGsm8kSolutions } from '../../src/datasets/gsm8k';
import { loadLlmperfTrace } from '../../src/datasets/llmperf';

const dir = mkdtempSync(join(tmpdir(), 'canarylab-loaders-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('dataset loaders name the file, line and field of bad input', () => {
  it('gsm8k: bad JSON and missing fields', async () => {
    const solution = { solution: 'A: 1' };
    const good = JSON.stringify({
      question: 'q',
      ground_truth: 'x\nA: 1',
      '6b_finetuning': solution,
      '6b_verification': solution,
      '175b_finetuning': solution,
      '175b_verification': solution,
    });
    const f1 = write('bad.jsonl', `${good}\n{oops\n`);
    await expect(loadGsm8kSolutions(f1)).rejects.toThrow(`${f1}:2: not valid JSON`);
    const f2 = write('missing.jsonl', `${good}\n\n${good.replace('"175b_verification"', '"other"')}\n`);
    await expect(loadGsm8kSolutions(f2)).rejects.toThrow(
      `${f2}:3: 175b_verification.solution: expected a string`,
    );
    const f3 = write('ok.jsonl', `${good}\n`);
    const [p] = await loadGsm8kSolutions(f3);
    expect(p).toMatchObject({ id: 'gsm8k-0', reference: 1 });
  });

  it('llmperf: missing file and bad field', async () => {
    await expect(loadLlmperfTrace(join(dir, 'nope.json'))).rejects.toThrow('nope.json: trace file not found');
    const f = write('t.json', JSON.stringify([{ error_code: null, end_to_end_latency_s: 'slow' }]));
    await expect(loadLlmperfTrace(f)).rejects.toThrow(
      `${f}: [0].end_to_end_latency_s: expected a finite number`,
    );
  });
});
