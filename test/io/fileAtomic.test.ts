import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeJsonAtomic } from '../../src/fileAtomic';

const dir = mkdtempSync(join(tmpdir(), 'canarylab-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('replaces the file whole and leaves no temporary file beside it', async () => {
    const file = join(dir, 'run.json');
    writeFileSync(file, 'old');
    await writeFileAtomic(file, '{"a": "é"}\n');
    expect(readFileSync(file, 'utf8')).toBe('{"a": "é"}\n');
    expect(readdirSync(dir)).toEqual(['run.json']);
  });

  it('fails on a missing folder without creating anything', async () => {
    await expect(writeFileAtomic(join(dir, 'missing', 'x.json'), 'x')).rejects.toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual(['run.json']);
  });
});

describe('writeJsonAtomic', () => {
  it('creates the folder and writes indented JSON with a final newline, non-finite numbers as null', async () => {
    const file = join(dir, 'sub', 'decision.json');
    await writeJsonAtomic(file, { p: Number.NaN, ci: [Number.NEGATIVE_INFINITY, 1] });
    // Written out by hand: two-space indentation, NaN and -Infinity as null.
    expect(readFileSync(file, 'utf8')).toBe('{\n  "p": null,\n  "ci": [\n    null,\n    1\n  ]\n}\n');
    expect(readdirSync(join(dir, 'sub'))).toEqual(['decision.json']);
  });
});
