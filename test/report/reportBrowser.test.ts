/**
 * The report in real headless Chromium: opened from file://, it must request nothing but itself, log no
 * console error (CSP violations included), fire no dialog (every injected alert() would), show the verdict
 * and every chart, both interactive (vega-embed) and, with JavaScript off, as static SVG.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../src/report/writeReport';
import { chromiumAvailable, launchChromium } from '../helpers/browser';
import { INJECTIONS, realisticReportInput } from './fixtures';

const ROOT = join(__dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const tmp = mkdtempSync(join(tmpdir(), 'canarylab-report-'));

/** The realistic fixture (hostile strings in prompts, answers, judge reasons, names) written with writeReport. */
async function hostileReport(): Promise<string> {
  const { reportFile, interactive } = await writeReport(join(tmp, 'hostile'), await realisticReportInput(), {
    interactive: true,
  });
  expect(interactive).toBe(true);
  return reportFile;
}

/** What `npm start` printed, for the test of its output. */
let demoOutput: { code: number | null; stdout: string; stderr: string; ms: number } | undefined;

/**
 * The report the visibility checks and the screenshot use: the demo's, made by the same command line as
 * `npm start` (a real process: simulator in-process, 2 × 1,319 calls, scoring, judge, analysis, report)
 * writing into a temporary folder instead of runs/.
 */
async function reportUnderTest(): Promise<string> {
  const out = join(tmp, 'demo-runs');
  const t0 = Date.now();
  const result = await new Promise<NonNullable<typeof demoOutput>>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      // package.json "start", with --out.
      [
        '--max-semi-space-size=32',
        '--heap-growing-percent=50',
        '--import',
        'tsx',
        'src/cli/main.ts',
        'run',
        '--config',
        'datasets/demo/eval.yaml',
        '--out',
        out,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - t0 }));
  });
  demoOutput = result;
  const m = /^report: (.+)$/m.exec(result.stdout);
  if (result.code !== 0 || !m)
    throw new Error(`the demo failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  return resolvePath(ROOT, m[1].trim());
}

interface Watch {
  requests: string[];
  consoleErrors: string[];
  dialogs: string[];
}

async function open(
  context: BrowserContext,
  file: string,
): Promise<{ page: Page; watch: Watch; url: string }> {
  const url = pathToFileURL(file).href;
  const watch: Watch = { requests: [], consoleErrors: [], dialogs: [] };
  context.on('request', (r) => watch.requests.push(r.url()));
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') watch.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => watch.consoleErrors.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => {
    watch.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, watch, url };
}

/** Waits until every interactive chart has rendered or failed, or a console error shows up (≤ 15 s). */
async function settleCharts(page: Page, watch: Watch): Promise<{ interactive: number; ready: number }> {
  const interactive = await page.locator('figure.chart[data-spec]').count();
  const settled = () =>
    page.locator('figure.chart[data-live="ready"], figure.chart[data-live="failed"]').count();
  const deadline = Date.now() + 15_000;
  while ((await settled()) < interactive && watch.consoleErrors.length === 0 && Date.now() < deadline) {
    await page.waitForTimeout(50);
  }
  return { interactive, ready: await page.locator('figure.chart[data-live="ready"]').count() };
}

/** No request but the document, no console error (CSP violations included), no dialog. */
function expectQuiet(watch: Watch, url: string): void {
  expect(watch.dialogs).toEqual([]);
  expect(watch.consoleErrors).toEqual([]);
  expect(watch.requests).toEqual([url]);
}

describe.skipIf(!chromiumAvailable())('report in headless Chromium', () => {
  let browser: Browser;
  let reportFile: string;

  beforeAll(async () => {
    [browser, reportFile] = await Promise.all([launchChromium(), reportUnderTest()]);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('the demo (`npm start`) prints the verdict, the gates and where the report is, and writes every file', () => {
    const out = demoOutput;
    expect(out?.code).toBe(0);
    const stdout = out?.stdout ?? '';
    // The bundled data decide it: the canary (6b_verification, 39.0% correct) is not worse than the primary
    // (175b_finetuning, 34.7%), its success rate is 100% over 1,319 calls (Wilson lower bound 99.71% >
    // 99.5%), its P95 is ~0.8 s (< 3 s) and its price per token is lower: every gate passes.
    expect(stdout).toMatch(/^verdict: PROMOTE/m);
    for (const gate of ['success rate', 'P95 latency', 'cost per 1K tokens', 'output quality'])
      expect(stdout).toMatch(new RegExp(`^${gate} .* PASS `, 'm'));
    const runDir = join(reportFile, '..');
    for (const f of [
      'calls.jsonl',
      'scores.jsonl',
      'pairwise.jsonl',
      'comparison.json',
      'decision.json',
      'run.json',
    ])
      expect(existsSync(join(runDir, f)), f).toBe(true);
    expect(readdirSync(join(runDir, 'charts')).filter((f) => f.endsWith('.svg')).length).toBeGreaterThan(5);
    // The promise of the README: under 60 s on this 2-core machine (measured by the benchmark-free clock of
    // this run only as information; not asserted, since the test machine may be busy).
    console.info(`demo wall time: ${((out?.ms ?? 0) / 1000).toFixed(1)} s`);
  });

  it('shows the verdict and every chart (interactive where inlined), quietly, and saves a screenshot', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const { page, watch, url } = await open(context, reportFile);
    const { interactive, ready } = await settleCharts(page, watch);
    expect(watch.consoleErrors).toEqual([]);
    expect(ready).toBe(interactive);

    const verdict = page.locator('#verdict');
    expect(await verdict.isVisible()).toBe(true);
    expect(await verdict.locator('.verdict-label').textContent()).toMatch(/PROMOTE|HOLD|ROLL BACK/);
    const figures = page.locator('figure.chart');
    const n = await figures.count();
    expect(n).toBeGreaterThan(0);
    for (let i = 0; i < n; i++) {
      const fig = figures.nth(i);
      const live = (await fig.getAttribute('data-spec')) !== null;
      const svg = fig.locator(live ? '.chart-live svg' : '.chart-static > svg').first();
      expect(await svg.isVisible(), `chart ${i} (${live ? 'interactive' : 'static'}) visible`).toBe(true);
      const box = await svg.boundingBox();
      expect(box && box.width > 50 && box.height > 30, `chart ${i} has a size`).toBe(true);
      if (live)
        expect(await fig.locator('.chart-static').isHidden(), `chart ${i} static copy hidden`).toBe(true);
    }

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });

    // In print the static SVG comes back and the interactive copy goes.
    await page.emulateMedia({ media: 'print' });
    for (let i = 0; i < n; i++) {
      expect(await figures.nth(i).locator('.chart-static > svg').isVisible(), `chart ${i} printed`).toBe(
        true,
      );
      expect(await figures.nth(i).locator('.chart-live').isHidden(), `chart ${i} live not printed`).toBe(
        true,
      );
    }
    expectQuiet(watch, url);
    await context.close();
  });

  it('shows every chart as static SVG with JavaScript off', async () => {
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1200, height: 900 },
    });
    const { page, watch, url } = await open(context, reportFile);
    expect(await page.locator('#verdict').isVisible()).toBe(true);
    const figures = await page.locator('figure.chart').count();
    const statics = page.locator('figure.chart .chart-static > svg');
    expect(await statics.count()).toBe(figures);
    for (let i = 0; i < figures; i++)
      expect(await statics.nth(i).isVisible(), `static chart ${i}`).toBe(true);
    expectQuiet(watch, url);
    await context.close();
  });

  it('runs nothing injected through model output, judge reasons or names', async () => {
    const file = await hostileReport();
    const context = await browser.newContext();
    const { page, watch, url } = await open(context, file);
    const { interactive, ready } = await settleCharts(page, watch);
    expect(ready).toBe(interactive);
    // Nothing the injected markup would create exists; the strings are shown as text.
    expect(await page.locator('img, iframe, textarea, object, embed, main svg[onload]').count()).toBe(0);
    expect(await page.locator('a[href^="javascript" i], [onerror], [onload], [onmouseover]').count()).toBe(0);
    const text = (await page.locator('#disagreements').textContent()) ?? '';
    for (const s of [
      INJECTIONS.script,
      INJECTIONS.img,
      INJECTIONS.textarea,
      INJECTIONS.endScript,
      INJECTIONS.jsLink,
    ]) {
      expect(text).toContain(s);
    }
    expectQuiet(watch, url);
    await context.close();
  });
});
