import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMetricValue, formatPValue, formatRelative } from '../../src/format';
import { selectDisagreements } from '../../src/report/disagreements';
import { escapeHtml, jsonForScript, ReportError, sanitizeSvg } from '../../src/report/escape';
import { renderReport, verdictSentence } from '../../src/report/renderReport';
import type { ReportInput } from '../../src/report/types';
import { writeReport } from '../../src/report/writeReport';
import type { CallRecord, ScoreRecord } from '../../src/types';
import { INJECTIONS, realisticReportInput, smallReportInput } from './fixtures';

/** Every real tag of the page: user text cannot contain a raw '<', so each match is markup we wrote. */
function tags(html: string): string[] {
  return html.match(/<[a-zA-Z!/][^>]*>/g) ?? [];
}

/** The page without the bodies of its executable <script> elements (the inlined libraries). */
function withoutLibraries(html: string): string {
  return html.replace(/<script>[\s\S]*?<\/script>/g, '<script></script>');
}

describe('escapeHtml', () => {
  it('escapes the five HTML metacharacters and the backtick', () => {
    // Hand-derived: & → &amp; < → &lt; > → &gt; " → &quot; ' → &#39; ` → &#96;
    expect(escapeHtml(`<a href="x" title='y'>&\`</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;',
    );
    expect(escapeHtml(INJECTIONS.script)).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(escapeHtml(INJECTIONS.img)).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(escapeHtml('</textarea>')).toBe('&lt;/textarea&gt;');
    expect(escapeHtml(INJECTIONS.attr)).toBe('&quot; onmouseover=&quot;alert(1)&quot; x=&#39;');
    expect(escapeHtml(null)).toBe('');
    expect(escapeHtml(42)).toBe('42');
  });

  it('leaves no character that can open a tag or end a quoted attribute', () => {
    for (const s of Object.values(INJECTIONS)) expect(escapeHtml(s)).not.toMatch(/[<>"'`]/);
  });
});

describe('jsonForScript', () => {
  it('escapes < > & U+2028 U+2029 and round-trips through JSON.parse', () => {
    const value = { a: '</script><script>alert(1)</script>', b: '<!-- & -->', c: 'x\u2028y\u2029z' };
    const json = jsonForScript(value);
    expect(json).toBe(
      '{"a":"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e","b":"\\u003c!-- \\u0026 --\\u003e","c":"x\\u2028y\\u2029z"}',
    );
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(value);
  });

  it('refuses a value with no JSON form', () => {
    expect(() => jsonForScript(undefined)).toThrow(ReportError);
  });
});

describe('sanitizeSvg', () => {
  it('removes scripts, handlers, foreign content and outside links, keeps #fragment references', () => {
    const dirty =
      '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)">' +
      '<script>alert(2)</script><foreignObject><div>x</div></foreignObject>' +
      '<a href="javascript:alert(3)"><text>t</text></a><a xlink:href="https://evil.example/">u</a>' +
      '<image href="https://evil.example/p.png"/><rect style="fill:url(https://evil.example/f)" clip-path="url(#clip1)"/>' +
      '<use href="#m"/></svg>';
    expect(sanitizeSvg(dirty)).toBe(
      '<svg><a><text>t</text></a><a>u</a><rect style="fill:none" clip-path="url(#clip1)"/></svg>',
    );
  });

  it('rejects markup that is not one svg element', () => {
    expect(() => sanitizeSvg('<div>no</div>')).toThrow(/expected one <svg>/);
  });
});

describe('formatting', () => {
  it('formats values in their units (hand-derived)', () => {
    expect(formatMetricValue(0.9953, 'ratio')).toBe('99.53%');
    expect(formatMetricValue(-0.005, 'ratio', { signed: true })).toBe('−0.50 pts');
    expect(formatMetricValue(2843.2, 'ms')).toBe('2,843 ms');
    expect(formatMetricValue(0.0012, 'USD/1K tokens')).toBe('$0.00120/1K tok');
    expect(formatMetricValue(4800, 'usd')).toBe('$4,800.00');
    expect(formatRelative(-0.8)).toBe('−80.0%');
    expect(formatPValue(0.00002)).toBe('< 0.0001');
    expect(formatPValue(0.0312)).toBe('0.031');
  });
});

describe('renderReport', () => {
  let realistic: ReportInput;
  beforeAll(async () => {
    realistic = await realisticReportInput();
  });

  it('escapes every injected string in text and in attributes', () => {
    const html = renderReport(smallReportInput(), { interactive: false });
    for (const [name, s] of Object.entries(INJECTIONS)) {
      if (name === 'lineSep' || name === 'svg' || name === 'iframe') continue; // not in the small input
      expect(html, name).not.toContain(s);
      expect(html, name).toContain(escapeHtml(s));
    }
    const all = tags(html);
    // No markup came from the data: no event handler, javascript: URL, img/iframe, or script at all.
    expect(all.filter((t) => /\son[a-z]+\s*=/i.test(t))).toEqual([]);
    expect(all.filter((t) => /javascript:/i.test(t))).toEqual([]);
    expect(all.filter((t) => /^<(img|iframe|textarea|script)\b/i.test(t))).toEqual([]);
    // The chart title is used in an attribute: the quote-carrying injection stays inside it.
    expect(html).toContain(`aria-label="P95 latency ${escapeHtml(INJECTIONS.script)}"`);
  });

  it('keeps the realistic input inert too, with interactive charts on', () => {
    const html = renderReport(realistic, { interactive: true });
    const page = withoutLibraries(html);
    for (const [name, s] of Object.entries(INJECTIONS)) {
      if (name !== 'lineSep') expect(page.includes(s), name).toBe(false); // U+2028 is harmless in HTML text
    }
    const all = tags(page);
    expect(all.filter((t) => /\son[a-z]+\s*=/i.test(t))).toEqual([]);
    expect(all.filter((t) => /^<(img|iframe|textarea|object|embed)\b/i.test(t))).toEqual([]);
    // Exactly our scripts: 8 JSON specs + vega, vega-lite, vega-embed and the boot script.
    expect(all.filter((t) => /^<script\b/i.test(t))).toHaveLength(8 + 4);
  });

  it('holds no http(s) URL outside escaped text (tags, style, specs) and no secret from a base URL', () => {
    const input = smallReportInput();
    input.charts[0].spec = {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      mark: 'bar',
      data: { values: [] },
    };
    for (const interactive of [false, true]) {
      const html = renderReport(input, { interactive });
      const page = withoutLibraries(html);
      expect(tags(page).filter((t) => /https?:/i.test(t))).toEqual([]);
      const style = page.match(/<style>([\s\S]*?)<\/style>/)?.[1] ?? '';
      expect(style).not.toMatch(/url\(|@import|https?:/i);
      const specs = [...page.matchAll(/<script type="application\/json"[^>]*>([\s\S]*?)<\/script>/g)];
      expect(specs).toHaveLength(interactive ? 1 : 0);
      for (const m of specs) expect(m[1]).not.toMatch(/https?:/);
      // URLs in text are escaped text only: the base URLs, shown without user:password and query.
      const textUrls = page.replace(/<[^>]*>/g, ' ').match(/https?:\/\/\S+/g) ?? [];
      expect(textUrls.sort()).toEqual(['http://127.0.0.1:8787/v1', 'http://127.0.0.1:8787/v1']);
      expect(html).not.toMatch(/secret|api-key/);
    }
  });

  it('sets a CSP allowing only the inlined scripts, by their sha256 hashes', () => {
    const off = renderReport(realistic, { interactive: false });
    expect(off).toContain(
      `content="default-src &#39;none&#39;; img-src data:; style-src &#39;unsafe-inline&#39;; script-src &#39;none&#39;; base-uri &#39;none&#39;; form-action &#39;none&#39;"`,
    );
    const on = renderReport(realistic, { interactive: true });
    const csp =
      on.match(/http-equiv="Content-Security-Policy" content="([^"]*)"/)?.[1].replace(/&#39;/g, "'") ?? '';
    const bodies = [...on.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    expect(bodies).toHaveLength(4);
    const hashes = bodies.map((b) => `'sha256-${createHash('sha256').update(b, 'utf8').digest('base64')}'`);
    expect(csp).toContain(`script-src ${hashes.join(' ')};`);
    expect(csp).toMatch(/^default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src /);
    const scriptSrc = csp.match(/script-src ([^;]*)/)?.[1].split(' ') ?? [];
    expect(scriptSrc.every((t) => /^'sha256-[A-Za-z0-9+/]+=*'$/.test(t))).toBe(true);
    expect(csp).not.toMatch(/unsafe-eval|https?:/);
  });

  it("inlines the interactive charts on 'auto' only below the size limit", () => {
    const auto = renderReport(realistic);
    const off = renderReport(realistic, { interactive: false });
    const small = renderReport(realistic, { interactiveLimitBytes: 1000 });
    expect(auto).toContain('data-spec="spec-latency-ecdf"');
    expect(auto.length).toBeGreaterThan(800_000); // vega + vega-lite + vega-embed ≈ 0.83 MB
    expect(off).not.toContain('data-spec=');
    expect(off.length).toBeLessThan(300_000);
    expect(small).toBe(off);
    // A chart without a spec keeps 'auto' static; true inlines the others.
    const mixed = {
      ...realistic,
      charts: [...realistic.charts, { id: 'plain', title: 'plain', svg: '<svg></svg>' }],
    };
    expect(renderReport(mixed)).not.toContain('data-spec=');
    expect(renderReport(mixed, { interactive: true })).toContain('data-spec="spec-gates"');
  });

  it('puts the verdict first, then gates, charts, segments, judge, run and disagreements', () => {
    const html = renderReport(realistic, { interactive: false });
    const at = (id: string) => html.indexOf(`<section id="${id}"`);
    const order = ['verdict', 'gates', 'charts', 'metrics', 'segments', 'judge', 'run', 'disagreements'].map(
      at,
    );
    expect(order.every((x) => x > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(html.match(/<figure class="chart"/g)).toHaveLength(8);
    expect(html.match(/<article class="dis"/g)).toHaveLength(20);
    expect(renderReport(realistic, { maxDisagreements: 3 }).match(/<article class="dis"/g)).toHaveLength(3);
  });

  it('shows the judge reliability measures with their intervals, and unknown fields by path', () => {
    const html = renderReport(realistic, { interactive: false });
    const judge = html.slice(html.indexOf('<section id="judge"'), html.indexOf('<section id="run"'));
    // 31 flips of 400 pairs = 7.75%; Wilson interval given in the fixture.
    expect(judge).toContain(
      '<td>Verdict flips when the answer order is swapped</td><td class="num">7.75%</td><td class="num">[5.51%, 10.80%]</td><td class="num">31 of 400</td>',
    );
    expect(judge).toContain(
      '<td>Cohen\'s κ: sim-judge vs numeric (on winner)</td><td class="num">0.710</td>',
    );
    expect(judge).toContain(
      `<td><code>extra.note</code></td><td class="num">${escapeHtml(INJECTIONS.script)}</td>`,
    );
    expect(judge).toContain(`<code>sim-judge ${escapeHtml(INJECTIONS.img)}</code>`);
  });

  it('matches the snapshot of a small fixed input', async () => {
    await expect(renderReport(smallReportInput(), { interactive: false })).toMatchFileSnapshot(
      './__snapshots__/small-report.html',
    );
  });

  it('rejects an unknown verdict or gate status, naming the field', () => {
    const v = smallReportInput();
    (v.decision as { verdict: string }).verdict = 'ship it';
    expect(() => renderReport(v)).toThrow(
      /decision\.verdict must be 'promote', 'hold' or 'rollback', got "ship it"/,
    );
    const g = smallReportInput();
    (g.decision.gates[1] as { status: string }).status = 'ok';
    expect(() => renderReport(g)).toThrow(/decision\.gates\[1\]\.status must be .* got "ok"/);
  });

  it('rejects chart ids that are not file-name safe, and duplicates', () => {
    const bad = smallReportInput();
    bad.charts[0].id = '../../etc/x';
    expect(() => renderReport(bad)).toThrow(expect.objectContaining({ code: 'CANARYLAB_ERR_REPORT_INPUT' }));
    const dup = smallReportInput();
    dup.charts.push({ ...dup.charts[0] });
    expect(() => renderReport(dup)).toThrow(/charts\[1\]\.id 'p95' is used twice/);
  });
});

describe('verdictSentence', () => {
  const base = smallReportInput().decision;
  it('names the next stage and traffic on promote, the fallback on rollback', () => {
    expect(
      verdictSentence(
        {
          ...base,
          verdict: 'promote',
          nextStage: 'flag',
          trafficPercent: 5,
          next: { stage: 'flag', trafficPercent: 5 },
        },
        'c',
      ),
    ).toBe(
      'Promote c to feature flag at 5% of traffic: every required and important gate passed on its whole interval.',
    );
    const failed = base.gates.map((g, i) => (i === 1 ? { ...g, status: 'fail' as const } : g));
    expect(verdictSentence({ ...base, verdict: 'rollback', gates: failed }, 'c')).toBe(
      'Roll back c to shadow (copies of 5% of requests; serves 0% of traffic): 1 required gate failed (P95 latency); all traffic goes to the primary.',
    );
    expect(verdictSentence(base, 'c')).toBe(
      'Hold c at shadow (copies of 5% of requests; serves 0% of traffic): 1 gate not yet decided (success rate).',
    );
  });
});

describe('writeReport', () => {
  const dir = mkdtempSync(join(tmpdir(), 'canarylab-write-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes report.html and charts/<id>.svg (standalone, sanitized)', async () => {
    const out = await writeReport(dir, smallReportInput());
    expect(out.reportFile).toBe(join(dir, 'report.html'));
    expect(out.interactive).toBe(false);
    expect(readFileSync(out.reportFile, 'utf8')).toBe(renderReport(smallReportInput()));
    expect(readdirSync(join(dir, 'charts'))).toEqual(['p95.svg']);
    const svg = readFileSync(join(dir, 'charts', 'p95.svg'), 'utf8');
    expect(svg).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40"><rect width="60" height="20" fill="#0072B2"/><text x="2" y="36">P95 &lt;3s</text></svg>\n',
    );
  });

  it('writes nothing for an unsafe chart id', async () => {
    const bad = smallReportInput();
    bad.charts[0].id = '../escape';
    const target = join(dir, 'bad');
    await expect(writeReport(target, bad)).rejects.toThrow(ReportError);
    expect(existsSync(target)).toBe(false);
  });
});

describe('selectDisagreements', () => {
  const call = (itemId: string, arm: 'primary' | 'canary', content: string, ok = true): CallRecord => ({
    runId: 'r',
    itemId,
    arm,
    model: arm,
    repeat: 0,
    ok,
    attempts: 1,
    latencyMs: 1,
    usage: { promptTokens: 1, completionTokens: 1 },
    costUsd: 0,
    content,
    startedAt: '2026-01-01T00:00:00Z',
    cached: false,
  });
  const score = (itemId: string, arm: 'primary' | 'canary', pass: boolean, error?: string): ScoreRecord => ({
    runId: 'r',
    itemId,
    arm,
    scorer: 'numeric',
    score: error ? null : pass ? 1 : 0,
    pass: error ? undefined : pass,
    error,
  });
  const calls = ['a', 'b', 'c', 'd'].flatMap((id) => [
    call(id, 'primary', `P${id}`),
    call(id, 'canary', `C${id}`),
  ]);
  // a: agree (both pass); b: disagree; c: disagree; d: canary scorer error (not a disagreement).
  const scores = [
    score('a', 'primary', true),
    score('a', 'canary', true),
    score('b', 'primary', true),
    score('b', 'canary', false),
    score('c', 'primary', false),
    score('c', 'canary', true),
    score('d', 'primary', true),
    score('d', 'canary', false, 'judge timeout'),
  ];
  const items = [{ id: 'b', messages: [{ role: 'user' as const, content: 'What is b?' }], reference: 2 }];

  it('keeps only items whose pass/fail differs, with prompt, reference, answers and scores', () => {
    const got = selectDisagreements({ calls, scores, items });
    expect(got.map((d) => d.itemId)).toEqual(['b', 'c']);
    expect(got[0]).toEqual({
      itemId: 'b',
      repeat: 0,
      prompt: 'What is b?',
      reference: 2,
      primary: 'Pb',
      canary: 'Cb',
      scores: [
        {
          scorer: 'numeric',
          primary: { score: 1, pass: true, reason: undefined, error: undefined },
          canary: { score: 0, pass: false, reason: undefined, error: undefined },
        },
      ],
    });
    expect(got[1].prompt).toBe('');
  });

  it('samples with a seed: the same seed gives the same items', () => {
    const one = selectDisagreements({ calls, scores, items, limit: 1, seed: 3 });
    expect(one).toHaveLength(1);
    expect(selectDisagreements({ calls, scores, items, limit: 1, seed: 3 })).toEqual(one);
    const seen = new Set(
      [1, 2, 3, 4, 5, 6, 7, 8].map(
        (seed) => selectDisagreements({ calls, scores, items, limit: 1, seed })[0].itemId,
      ),
    );
    expect([...seen].sort()).toEqual(['b', 'c']);
  });
});

describe('run metadata', () => {
  it('splits the cost of the evaluation between the arms and the judge (its own model)', () => {
    const input = smallReportInput();
    input.manifest = {
      ...input.manifest,
      judge: { model: 'gpt-4.1' },
      evaluationCostUsd: 10.76,
      costs: { callsUsd: 2.3, judgeUsd: 8.46 },
    };
    expect(renderReport(input, { interactive: false })).toContain(
      '$10.76 (model calls $2.30, judge gpt-4.1 $8.46)',
    );
  });
});
