/**
 * Issue 16 defect 2 (the loaders refuse negative or non-finite latencyMs / costUsd in a run folder) and
 * defect 9 for JSONL files (a UTF-8 BOM is ignored, `1e400` is called out of range instead of "got null",
 * a line that is not JSON is located by column and never quoted). Before the fix a call with
 * `costUsd: -399995` loaded and made the cost comparison negative; `latencyMs: 1e400` was reported as
 * "got null"; a torn line's error repeated its first characters (V8's message quotes the text).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRun, RunFolderError } from '../../src/analysis/loadRun';
import { describeJsonSyntax, jsonSyntaxError } from '../../src/input/jsonValue';
import { loadCsvItems, loadJsonlItems } from '../../src/runner/dataset';

const call = (over: Record<string, unknown>) =>
  JSON.stringify({
    runId: 'r',
    itemId: 'a',
    arm: 'primary',
    model: 'm',
    repeat: 0,
    ok: true,
    attempts: 1,
    latencyMs: 120,
    usage: { promptTokens: 10, completionTokens: 5 },
    costUsd: 0.001,
    startedAt: '2026-01-01T00:00:00.000Z',
    cached: false,
    ...over,
  });

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'canarylab-refuse-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function loadError(lines: string[]): Promise<{ file: string; message: string }> {
  const dir = folder({ 'calls.jsonl': `${lines.join('\n')}\n` });
  const e = await loadRun(dir).catch((err: unknown) => err);
  expect(e).toBeInstanceOf(RunFolderError);
  return { file: join(dir, 'calls.jsonl'), message: (e as Error).message };
}

describe('loadRun refuses impossible latencies and costs', () => {
  it.each([
    ['costUsd', -399995, 'costUsd: expected a number of USD >= 0, got -399995'],
    ['latencyMs', -1, 'latencyMs: expected a number of milliseconds >= 0, got -1'],
    ['ttftMs', -0.5, 'ttftMs: expected a number of milliseconds >= 0, got -0.5'],
  ])('%s = %s is refused with file:line: field', async (field, value, expected) => {
    const { file, message } = await loadError([call({}), call({ itemId: 'b', [field]: value })]);
    expect(message).toBe(`${file}:2: ${expected}`);
  });

  it('1e400 is a number out of range, not "got null"', async () => {
    const { file, message } = await loadError([call({}).replace('"latencyMs":120', '"latencyMs":1e400')]);
    expect(message).toBe(
      `${file}:1: latencyMs: expected a number of milliseconds >= 0, got a number out of range (∞: too large for a 64-bit float)`,
    );
    const cost = await loadError([call({}).replace('"costUsd":0.001', '"costUsd":-1e400')]);
    expect(cost.message).toContain('costUsd: expected a number of USD >= 0, got a number out of range (−∞');
  });

  it('zero latency and zero cost (a cache hit) still load', async () => {
    const dir = folder({ 'calls.jsonl': `${call({ latencyMs: 0, costUsd: 0, cached: true })}\n` });
    expect((await loadRun(dir)).calls).toHaveLength(1);
  });

  it('a line that is not JSON is located by column and its text is not repeated', async () => {
    const secret = 'sk-ant-api03-abcdefghijklmnop';
    const { file, message } = await loadError([call({}), `{"itemId": ${secret}}`]);
    expect(message).toBe(
      `${file}:2: not valid JSON (column 12: expected a value (a string in double quotes, a number, {…}, […], true, false or null))`,
    );
    expect(message).not.toContain('sk-ant');
  });
});

describe('JSONL and CSV datasets with a UTF-8 byte-order mark', () => {
  it('a BOM before the first JSONL record is ignored (before: line 1 was "not valid JSON")', async () => {
    const dir = folder({ 'd.jsonl': '\uFEFF{"id": "a", "prompt": "hi"}\n{"id": "b", "prompt": "ho"}\n' });
    const items = await loadJsonlItems(join(dir, 'd.jsonl'));
    expect(items.map((i) => i.id)).toEqual(['a', 'b']);
  });

  it('a BOM before the CSV header is ignored (the first column is still "id")', async () => {
    const dir = folder({ 'd.csv': '\uFEFFid,prompt\na,hi\nb,ho\n' });
    const items = await loadCsvItems(join(dir, 'd.csv'));
    expect(items.map((i) => i.id)).toEqual(['a', 'b']);
  });

  it("a CSV syntax error names the line and a fixed problem, not the field's text (csv-parse quotes it)", async () => {
    const secret = 'sk-live-4f1c2a9b8e7d6c5b4a3928171605f4e3';
    const dir = folder({ 'd.csv': `id,prompt\nq1,hi\nq2,${secret}"x"\n` });
    const e = await loadCsvItems(join(dir, 'd.csv')).catch((err: unknown) => err);
    expect((e as Error).message).toBe(
      `${join(dir, 'd.csv')}:3: not valid CSV (a quote inside an unquoted field: quote the whole field and double the quotes in it)`,
    );
    expect((e as Error).message).not.toContain('sk-live');
  });

  it('a BOM elsewhere than the start of the file is not silently dropped', async () => {
    const dir = folder({ 'd.jsonl': '{"id": "a", "prompt": "hi"}\n\uFEFF{"id": "b", "prompt": "ho"}\n' });
    await expect(loadJsonlItems(join(dir, 'd.jsonl'))).rejects.toThrow(
      /d\.jsonl:2: not valid JSON \(column 1: /,
    );
  });
});

describe('jsonSyntaxError agrees with JSON.parse', () => {
  // Hand-checked offsets (0-based) of the first invalid character.
  it.each([
    ['{"a": 1,}', 8, 'expected a property name in double quotes'],
    ['[1, 2', 5, 'the text ends inside an unclosed array'],
    ['{"a" 1}', 5, "expected ':' after a property name"],
    ['{"a": 1} x', 9, 'unexpected text after the JSON value'],
    ['"tab\there"', 4, 'a control character (tab, newline…) inside a string must be escaped'],
    ['"\\x"', 1, 'invalid escape sequence in a string'],
    ['01', 1, 'unexpected text after the JSON value'],
    ['{"a": [1 2]}', 9, "expected ',' or ']' after an array element"],
    ['', 0, 'the text ends before a value'],
  ])('%j fails at %i', (text, offset, problem) => {
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(jsonSyntaxError(text)).toEqual({ offset, problem });
  });

  it('accepts what JSON.parse accepts, deep nesting included (no recursion)', () => {
    for (const t of ['{}', '[]', '0', '-1.5e-3', '"\\u00e9\\n"', 'null', '{"a":[true,false,{"b":null}]}']) {
      expect(() => JSON.parse(t)).not.toThrow();
      expect(jsonSyntaxError(t)).toBeUndefined();
    }
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(jsonSyntaxError(deep)).toBeUndefined();
    expect(describeJsonSyntax(`${'['.repeat(200_000)}`)).toBe(
      'column 200001: the text ends inside an unclosed array',
    );
  });
});
