// The project's documents and data cite only what is inside the repository: no link or reference to
// ../shared (the folder the project was planned in, which users of the project do not have).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const OUTSIDE = /(\.\.\/)+shared\b|(^|[\s(`'"[])shared\/(DESIGN|playbook|README)/;

function files(dir: string, skip: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (skip.test(relative(ROOT, p))) return [];
    return statSync(p).isDirectory() ? files(p, skip) : [p];
  });
}

/** Relative Markdown links ([text](target)) that leave the repository or point at nothing. */
function brokenRelativeLinks(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1].split('#')[0];
    if (!target || /^[a-z]+:/i.test(target)) continue; // URLs and in-page anchors
    const abs = join(file, '..', target);
    const rel = relative(ROOT, abs);
    if (rel.startsWith('..')) out.push(`${relative(ROOT, file)}: ${m[1]} leaves the repository`);
    else {
      try {
        statSync(abs);
      } catch {
        out.push(`${relative(ROOT, file)}: ${m[1]} does not exist`);
      }
    }
  }
  return out;
}

describe('documents and data stay inside the repository', () => {
  const docs = [
    join(ROOT, 'README.md'),
    ...files(join(ROOT, 'docs'), /^docs\/api(\/|$)|\.(png|svg)$/),
    ...files(join(ROOT, 'datasets'), /\.(jsonl|gz|parquet)$|^datasets\/llmperf\/.*\.json$/),
  ];

  it('finds the files it checks', () => {
    expect(docs.map((f) => relative(ROOT, f))).toEqual(
      expect.arrayContaining([
        'README.md',
        'docs/ARCHITECTURE.md',
        'docs/PLAYBOOK.md',
        'datasets/pricing.json',
      ]),
    );
  });

  it('no reference to ../shared or shared/…', () => {
    const hits = docs.flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .flatMap((line, i) => (OUTSIDE.test(line) ? [`${relative(ROOT, f)}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(hits).toEqual([]);
  });

  it('relative Markdown links resolve inside the repository', () => {
    const bad = docs
      .filter((f) => f.endsWith('.md'))
      .flatMap((f) => brokenRelativeLinks(f, readFileSync(f, 'utf8')));
    expect(bad).toEqual([]);
  });

  it('the pattern catches the forms it is meant to', () => {
    expect(OUTSIDE.test('is in [`../shared/DESIGN.md`](../shared/DESIGN.md)')).toBe(true);
    expect(OUTSIDE.test('"source": "rollout playbook (shared/playbook/README.md)"')).toBe(true);
    expect(OUTSIDE.test('see docs/PLAYBOOK.md')).toBe(false);
  });
});
