/**
 * Headless SVG rendering of every chart of a seeded run: structure (title text, marks, nothing NaN), no
 * external reference, a loader that never reaches the network, the time it takes, and one SVG snapshot per
 * chart (test/charts/__snapshots__/svg/<id>.svg.snap: an SVG file, named .snap so the linter leaves it alone).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TopLevelSpec } from 'vega-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRunCharts, type RunChart } from '../../src/charts/buildRunCharts';
import { ChartRenderError, renderSvg } from '../../src/charts/render';
import { seededRun } from './fixture';

const run = seededRun();
const charts = buildRunCharts(run);
const svgs = new Map<string, string>();
let elapsedMs = 0;

beforeAll(async () => {
  const t0 = performance.now();
  for (const c of charts) svgs.set(c.id, await renderSvg(c.spec));
  elapsedMs = performance.now() - t0;
  // The number the charts helper reports: all charts of one run, rendered one after the other.
  console.info(`renderSvg: ${charts.length} charts of one run in ${Math.round(elapsedMs)} ms`);
});

/** The text of every <text> element, entities decoded (vega escapes &, <, >, quotes). */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1]
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&'),
  );
}

const count = (svg: string, re: RegExp) => (svg.match(re) ?? []).length;
const title = (c: RunChart) => (c.spec as { title: { text: string } }).title.text;

describe('renderSvg on every chart of a seeded run', () => {
  it('renders all charts of a run in well under 10 s', () => {
    expect(svgs.size).toBe(charts.length);
    expect(elapsedMs).toBeLessThan(10_000);
  });

  it.each(charts.map((c) => [c.id, c] as const))('%s: titled, finite, self-contained', async (id, c) => {
    const svg = svgs.get(id) as string;
    expect(svg.startsWith('<svg')).toBe(true);
    expect(texts(svg)).toContain(title(c));
    expect(svg).not.toContain('NaN');
    expect(svg).not.toContain('Infinity');
    expect(svg).not.toMatch(/href\s*=/i);
    expect(svg).not.toMatch(/url\(/i);
    expect(svg).not.toMatch(/<image|<script|<foreignObject/i);
    // The only http strings are the two XML namespace names, which are identifiers, never fetched.
    const http = [...svg.matchAll(/https?:[^"'\s)]*/g)].map((m) => m[0]);
    expect(new Set(http)).toEqual(new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']));
    await expect(svg).toMatchFileSnapshot(`./__snapshots__/svg/${id}.svg.snap`);
  });

  it('gates: one row per gate with its status in words, coloured status marks', () => {
    const svg = svgs.get('gates') as string;
    const t = texts(svg);
    for (const g of run.decision?.gates ?? []) {
      expect(t).toContain(`${g.gate} (${g.severity}): ${g.status.toUpperCase()}`);
    }
    // One status point per measured gate (5 of 6; the sixth has no measurement and says so).
    expect(count(svg, /class="mark-symbol role-mark[^"]*"/g)).toBe(5);
    expect(t).toContain('no measurement of judge_uptime');
    expect(svg).toContain('fill="#009E73"'); // pass
    expect(svg).toContain('fill="#999999"'); // inconclusive
    expect(t).toContain('threshold 3,000 ms');
    expect(t).toContain('threshold +20.0%');
    expect(t).toContain('threshold −2.0 pts');
  });

  it('latency ECDF: two step curves in the arm colours and the percentile key', () => {
    const svg = svgs.get('latency-ecdf') as string;
    const lines = [
      ...svg.matchAll(/<path[^>]*d="M[^"]+"[^>]*stroke="(#[0-9A-Fa-f]{6})"[^>]*stroke-width="2"/g),
    ];
    expect(lines.map((m) => m[1].toUpperCase()).sort()).toEqual(['#0072B2', '#E69F00']);
    const t = texts(svg);
    expect(t.some((s) => /^P95: primary [\d,]+ ms · canary [\d,]+ ms$/.test(s))).toBe(true);
    expect(t).toContain('Latency (ms)');
  });

  it('pairwise: each verdict labelled with its count', () => {
    const t = texts(svgs.get('pairwise') as string);
    expect(t).toEqual(expect.arrayContaining(['canary wins 182', 'tie 131', 'primary wins 187']));
  });
});

describe('renderSvg stays offline', () => {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    res.setHeader('content-type', 'application/json');
    res.end('[{"a":1,"b":2}]');
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/data.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('refuses a spec whose data is a URL, without sending any request', async () => {
    const spec = {
      data: { url },
      mark: 'point',
      encoding: { x: { field: 'a', type: 'quantitative' }, y: { field: 'b', type: 'quantitative' } },
    } as TopLevelSpec;
    const err = await renderSvg(spec).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChartRenderError);
    expect((err as ChartRenderError).code).toBe('CANARYLAB_ERR_CHART_RENDER');
    expect((err as Error).message).toContain(url);
    expect(hits).toBe(0);
  });

  it('refuses an image mark pointing at a URL, without sending any request', async () => {
    const spec = {
      data: { values: [{ u: url }] },
      mark: 'image',
      encoding: { url: { field: 'u', type: 'nominal' } },
      width: 50,
      height: 50,
    } as TopLevelSpec;
    const err = await renderSvg(spec).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChartRenderError);
    expect((err as Error).message).toContain(url);
    expect(hits).toBe(0);
  });
});
