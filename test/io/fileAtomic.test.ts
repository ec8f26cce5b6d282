import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/fileAtomic';

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
