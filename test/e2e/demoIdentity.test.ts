/**
 * The demo's numbers, pinned (issue 19 point 5): a recorded demo run (test/fixtures/demo-run: the records of
 * one `npm start`, gzipped — latencies are measured in real time, so a fresh run differs in its milliseconds)
 * goes through the analyze → decide → report stages, and the analysis, the decision and every visible word
 * and number of the report must equal the golden files beside it. A refactor that changes any of them fails
 * here; a deliberate change of the numbers regenerates the golden files with `npx vitest run -u` and says why
 * in its commit.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runs } from '../../src/index';

const ROOT = join(__dirname, '..', '..');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'demo-run');
const GOLDEN = join(FIXTURE, 'golden');

/** Fields that name when or where the stages ran, not what they computed. */
const VOLATILE = new Set(['decidedAt', 'analyzedAt', 'createdAt', 'generatedAt', 'at']);

function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k]) => !VOLATILE.has(k))
        .map(([k, v]) => [k, stable(v)]),
    );
  return value;
}

/** The report's visible text: no scripts, styles or tags; one line per block; the run's and checkout's paths masked. */
function visibleText(html: string, dir: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<(br|\/p|\/li|\/tr|\/h\d|\/div|\/section|\/summary|\/caption|\/figcaption)\b[^>]*>/gi, '\n')
    .replace(/<\/t[dh]>/gi, ' | ')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .split(dir)
    .join('<run>')
    .split(ROOT)
    .join('<checkout>')
    .replace(/\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z?( UTC)?/g, '<time>')
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => l !== '')
    .join('\n');
}

describe('the demo run: analysis, decision and report numbers are pinned', () => {
  let dir: string;
  let tmp: string;
  let outputs: { comparison: unknown; decision: unknown; report: string; charts: string };

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'canarylab-demo-identity-'));
    dir = join(tmp, 'demo-run');
    mkdirSync(dir);
    for (const f of ['calls', 'items', 'pairwise', 'scores'])
      writeFileSync(join(dir, `${f}.jsonl`), gunzipSync(readFileSync(join(FIXTURE, `${f}.jsonl.gz`))));
    copyFileSync(join(FIXTURE, 'policy.json'), join(dir, 'policy.json'));
    const manifest = JSON.parse(readFileSync(join(FIXTURE, 'run.json'), 'utf8'));
    manifest.configFile = join(ROOT, manifest.configFile);
    manifest.historyFile = join(tmp, 'history', 'demo.json');
    writeFileSync(join(dir, 'run.json'), JSON.stringify(manifest, null, 2));
    await runs.analyzeStage(dir);
    await runs.decideStage(dir);
    const written = await runs.reportStage(dir);
    outputs = {
      comparison: stable(JSON.parse(readFileSync(join(dir, 'comparison.json'), 'utf8'))),
      decision: stable(JSON.parse(readFileSync(join(dir, 'decision.json'), 'utf8'))),
      report: visibleText(readFileSync(written.reportFile, 'utf8'), dir),
      // each chart's SVG (the numbers on its axes, marks and labels), by file and content hash
      charts: written.chartFiles
        .map((f) => `${basename(f)} ${createHash('sha256').update(readFileSync(f)).digest('hex')}`)
        .join('\n'),
    };
  }, 120_000);

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('comparison.json equals the golden analysis', async () => {
    await expect(`${JSON.stringify(outputs.comparison, null, 1)}\n`).toMatchFileSnapshot(
      join(GOLDEN, 'comparison.json'),
    );
  });

  it('decision.json equals the golden decision (verdict, gates, reasons)', async () => {
    await expect(`${JSON.stringify(outputs.decision, null, 1)}\n`).toMatchFileSnapshot(
      join(GOLDEN, 'decision.json'),
    );
  });

  it("every visible word and number of the report equals the golden report's", async () => {
    await expect(`${outputs.report}\n`).toMatchFileSnapshot(join(GOLDEN, 'report.txt'));
  });

  it('every chart of the report is the same picture (SVG bytes)', async () => {
    await expect(`${outputs.charts}\n`).toMatchFileSnapshot(join(GOLDEN, 'charts.txt'));
  });
});
