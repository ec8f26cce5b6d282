/**
 * The report in real headless Chromium: opened from file://, it must request nothing but itself, log no
 * console error (CSP violations included), fire no dialog (every injected alert() would), show the verdict
 * and every chart, both interactive (vega-embed) and, with JavaScript off, as static SVG.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../src/report/writeReport';
import { chromiumAvailable, launchChromium } from '../helpers/browser';
import { INJECTIONS, realisticReportInput } from './fixtures';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
const tmp = mkdtempSync(join(tmpdir(), 'canarylab-report-'));

/** The realistic fixture (hostile strings in prompts, answers, judge reasons, names) written with writeReport. */
async function hostileReport(): Promise<string> {
  const { reportFile, interactive } = await writeReport(join(tmp, 'hostile'), await realisticReportInput(), {
    interactive: true,
  });
  expect(interactive).toBe(true);
  return reportFile;
}

/**
 * The report the visibility checks and the screenshot use. Today the hostile fixture; the integrator points
 * this at the demo run's report from `npm start` (one line).
 */
async function reportUnderTest(): Promise<string> {
  return hostileReport();
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
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(tmp, { recursive: true, force: true });
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
    const file = reportFile.startsWith(tmp) ? reportFile : await hostileReport();
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
