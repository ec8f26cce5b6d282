import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCsvItems, loadGsm8kItems, loadJsonlItems } from '../../src/runner/dataset';

const dir = mkdtempSync(join(tmpdir(), 'canarylab-dataset-'));
const write = (name: string, lines: string[]) => {
  const p = join(dir, name);
  writeFileSync(p, `${lines.join('\n')}\n`);
  return p;
};

describe('loadJsonlItems', () => {
  it('reads prompt and messages items with reference and meta', async () => {
    const f = write('ok.jsonl', [
      JSON.stringify({ id: 'a', prompt: 'hi', reference: 18, meta: { tier: 'premium', tags: ['math'] } }),
      '',
      JSON.stringify({
        id: 2,
        messages: [
          { role: 'system', content: 's' },
          { role: 'user', content: 'u' },
        ],
      }),
    ]);
    const items = await loadJsonlItems(f);
    expect(items).toEqual([
      {
        id: 'a',
        messages: [{ role: 'user', content: 'hi' }],
        reference: 18,
        meta: { tier: 'premium', tags: ['math'] },
      },
      {
        id: '2',
        messages: [
          { role: 'system', content: 's' },
          { role: 'user', content: 'u' },
        ],
      },
    ]);
    expect(await loadJsonlItems(f, { tag: 'math' })).toHaveLength(1);
    expect(await loadJsonlItems(f, { limit: 1 })).toHaveLength(1);
  });

  it.each([
    ['{"id": 1}', ':1: prompt: expected a string (or a messages array)'],
    ['{"prompt": "x"}', ':1: id: expected a non-empty string or a number'],
    ['{"id": 1, "messages": [{"role": "robot", "content": "x"}]}', ':1: messages[0].role: expected one of'],
    ['{"id": 1, "prompt": "x", "meta": {"tags": "a"}}', ':1: meta.tags: expected an array of strings'],
    ['[1, 2]', ':1: expected a JSON object per line'],
    ['{oops', ':1: not valid JSON'],
  ])('%s fails with file:line: field', async (line, message) => {
    const f = write('bad.jsonl', [line]);
    await expect(loadJsonlItems(f)).rejects.toThrow(`${f}${message}`);
  });

  it('names both lines of a duplicate id', async () => {
    const f = write('dup.jsonl', [
      '{"id":"x","prompt":"a"}',
      '{"id":"y","prompt":"b"}',
      '{"id":"x","prompt":"c"}',
    ]);
    await expect(loadJsonlItems(f)).rejects.toThrow(`${f}:3: id: duplicate id "x" (first at line 1)`);
  });

  it('never repeats a long id, and calls 1e400 out of range (issue 16, defect 9)', async () => {
    const id = 'sk-live-0123456789abcdefghijklmnopqrstuv'; // 40 characters: more than a message may quote
    const f = write('dup-secret.jsonl', [`{"id":"${id}","prompt":"a"}`, `{"id":"${id}","prompt":"b"}`]);
    await expect(loadJsonlItems(f)).rejects.toThrow(
      `${f}:2: id: duplicate id a string of 40 characters (first at line 1)`,
    );
    const g = write('huge.jsonl', ['{"id":"a","prompt":"x","reference":1e400}']);
    await expect(loadJsonlItems(g)).rejects.toThrow(
      `${g}:1: reference: expected a string or a finite number, got a number out of range (∞: too large for a 64-bit float)`,
    );
  });

  it('a seeded sample is reproducible, of the asked size, and spreads over the file', async () => {
    const f = write(
      'many.jsonl',
      Array.from({ length: 1000 }, (_, i) => JSON.stringify({ id: i, prompt: `p${i}` })),
    );
    const a = await loadJsonlItems(f, { sample: { n: 50, seed: 7 } });
    const b = await loadJsonlItems(f, { sample: { n: 50, seed: 7 } });
    const c = await loadJsonlItems(f, { sample: { n: 50, seed: 8 } });
    expect(a.map((i) => i.id)).toEqual(b.map((i) => i.id));
    expect(a.map((i) => i.id)).not.toEqual(c.map((i) => i.id));
    expect(new Set(a.map((i) => i.id)).size).toBe(50);
    // A uniform sample of 50 from 0..999 has mean id near 499.5 (sd of the mean ≈ 288.7/√50 ≈ 41).
    const m = a.reduce((s, i) => s + Number(i.id), 0) / 50;
    expect(Math.abs(m - 499.5)).toBeLessThan(4 * 41);
  });
});

describe('loadGsm8kItems', () => {
  it('turns each problem into a prompt with its final-number reference', async () => {
    const items = await loadGsm8kItems(join(__dirname, '../../datasets/gsm8k/model_solutions.jsonl'), {
      limit: 2,
    });
    // First problem (Janet's ducks): 16 − 3 − 4 = 9 eggs × $2 = 18.
    expect(items[0]).toMatchObject({ id: 'gsm8k-0', reference: 18 });
    expect(items[0].messages[0].content).toMatch(/^Janet’s ducks lay 16 eggs/);
    expect(items).toHaveLength(2);
  });
});

describe('loadCsvItems', () => {
  it('reads id, prompt, reference and meta columns (quoted commas and newlines kept)', async () => {
    const f = write('ok.csv', [
      'id,prompt,reference,userId,tier,tags',
      'a,"Add 2, then 3",5,u1,premium,math|easy',
      'b,"two',
      'lines",hello,,,',
    ]);
    const items = await loadCsvItems(f);
    expect(items).toEqual([
      {
        id: 'a',
        messages: [{ role: 'user', content: 'Add 2, then 3' }],
        reference: 5,
        meta: { userId: 'u1', tier: 'premium', tags: ['math', 'easy'] },
      },
      { id: 'b', messages: [{ role: 'user', content: 'two\nlines' }], reference: 'hello' },
    ]);
    expect(await loadCsvItems(f, { tag: 'easy' })).toHaveLength(1);
  });

  it('names the line of a bad row and of a duplicate id', async () => {
    const f = write('bad.csv', ['id,prompt', 'a,x', ',y']);
    await expect(loadCsvItems(f)).rejects.toThrow(`${f}:3: id: expected a non-empty string or a number`);
    const d = write('dup.csv', ['id,prompt', 'a,x', 'b,y', 'a,z']);
    await expect(loadCsvItems(d)).rejects.toThrow(`${d}:4: id: duplicate id "a" (first at line 2)`);
  });
});
