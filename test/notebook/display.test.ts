import { describe, expect, it } from 'vitest';
import {
  chartHtml,
  decisionHtml,
  formatCell,
  notebookProgress,
  progressHtml,
  showChart,
  showTable,
  sideBySideHtml,
  tableHtml,
} from '../../src/notebook/display';
import type { ReportDisagreement } from '../../src/report/types';
import type { Decision } from '../../src/types';

const EVIL = '<script>alert("x")</script>&';
const ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;';

/** Collects what a helper would hand to tslab's display. */
function sink() {
  const out: string[] = [];
  return { out, html: (s: string) => void out.push(s) };
}
const count = (s: string, needle: string) => s.split(needle).length - 1;

describe('tableHtml', () => {
  it('renders one header cell per column and one row per record, escaping headers and cells', () => {
    const html = tableHtml(
      [
        { a: 1, [EVIL]: EVIL },
        { a: 2.123456, b: true },
      ],
      { caption: EVIL },
    );
    expect(html.match(/<th[ >]/g)).toHaveLength(3); // a, EVIL, b in first-seen order
    expect(count(html, '<tr>')).toBe(3); // header + 2 rows
    expect(html).not.toContain('<script>');
    expect(count(html, ESCAPED)).toBe(3); // caption, header, cell
    expect(html).toContain('<td class="num">2.123</td>'); // 4 significant digits
    expect(html).toContain('<td>true</td>');
  });

  it('takes a DataFrame-like value (columns + values) and selects columns', () => {
    const frame = {
      columns: ['arm', 'n', 'mean'],
      values: [
        ['primary', 200, 0.5],
        ['canary', 198, 0.25],
      ],
    };
    const html = tableHtml(frame, { columns: ['mean', 'arm'] });
    expect(html).toMatch(/<th class="num">mean<\/th><th>arm<\/th>/);
    expect(html).toContain('<td class="num">0.25</td><td>canary</td>');
    expect(() => tableHtml(frame, { columns: ['nope'] })).toThrow(
      /column 'nope' is not in the frame \(arm, n, mean\)/,
    );
  });

  it('cuts long tables and says how many rows were left out', () => {
    const rows = Array.from({ length: 7 }, (_, i) => ({ i }));
    const html = tableHtml(rows, { maxRows: 3 });
    expect(count(html, '<tr>')).toBe(4);
    expect(html).toContain('4 more rows not shown (7 in all).');
  });

  it('rejects input that is not rows or a frame, naming the bad row', () => {
    expect(() => tableHtml([{ a: 1 }, 5 as never])).toThrow(/rows\[1\]: expected an object, got number/);
    expect(() => tableHtml('x' as never)).toThrow(/expected an array of row objects or a DataFrame/);
  });

  it('showTable hands the markup to the display', () => {
    const s = sink();
    showTable([{ a: EVIL }], { display: s });
    expect(s.out).toHaveLength(1);
    expect(s.out[0]).toContain(ESCAPED);
  });
});

describe('formatCell', () => {
  it('formats numbers, missing values and objects', () => {
    expect(formatCell(1234567)).toBe('1234567');
    expect(formatCell(0.000123456)).toBe('0.0001235');
    expect(formatCell(null)).toBe('');
    expect(formatCell(undefined)).toBe('');
    expect(formatCell(Number.NaN)).toBe('NaN');
    expect(formatCell({ ci: [0.123456, 2] })).toBe('{"ci":[0.1235,2]}');
  });
});

describe('chartHtml', () => {
  it('wraps SVG in a figure with an escaped caption, dropping an XML prolog', () => {
    const html = chartHtml('<?xml version="1.0"?>\n<svg width="10"><rect/></svg>', EVIL);
    expect(html).toBe(
      `<figure class="canarylab-chart"><svg width="10"><rect/></svg><figcaption>${ESCAPED}</figcaption></figure>`,
    );
  });
  it('rejects markup that is not SVG', () => {
    expect(() => chartHtml('<div>no</div>')).toThrow(/expected SVG markup/);
  });
});

describe('decisionHtml', () => {
  const decision: Decision = {
    verdict: 'hold',
    stage: 'shadow',
    nextStage: 'flag',
    trafficPercent: 5,
    reasons: [`success rate inconclusive ${EVIL}`],
    gates: [
      {
        gate: 'success rate',
        metric: 'success_rate',
        threshold: 0.995,
        observed: 0.985,
        ci: [0.9568, 0.9949],
        status: 'inconclusive',
        severity: 'required',
        reason: 'straddles',
        samplesNeeded: 1200,
      },
      {
        gate: 'P95 latency',
        metric: 'latency_p95_ms',
        threshold: 3000,
        observed: 420,
        ci: [380, 460],
        status: 'pass',
        severity: 'required',
        reason: 'ok',
      },
    ],
  };
  it('shows the verdict, stage, reasons (escaped) and one row per gate', () => {
    const html = decisionHtml(decision);
    expect(html).toContain(
      'Verdict: <b style="color:#b35806">HOLD</b> at stage <b>shadow</b> → stays at <b>flag</b>',
    );
    expect(html).toContain(`<li>success rate inconclusive ${ESCAPED}</li>`);
    expect(html).not.toContain('<script>');
    expect(count(html, '<tr>')).toBe(3);
    expect(html).toContain('? inconclusive');
    expect(html).toContain('[0.9568, 0.9949]');
    expect(html).toContain('<td class="num">1200</td>');
  });
});

describe('notebookProgress', () => {
  it('redraws at most every intervalMs, always at done = total, and finish() draws the latest state', () => {
    let t = 0;
    const s = sink();
    const p = notebookProgress({ display: s, intervalMs: 100, now: () => t, label: 'Batch' });
    p({ total: 10, done: 1 }); // first update draws
    t = 50;
    p({ total: 10, done: 2 }); // throttled
    t = 150;
    p({ total: 10, done: 3 }); // draws
    t = 160;
    p({ total: 10, done: 10 }); // done: draws despite the interval
    expect(s.out).toHaveLength(3);
    expect(s.out[2]).toContain('10/10 (100%)');
    t = 170;
    p({ total: 12, done: 11 });
    p.finish();
    expect(s.out).toHaveLength(4);
    expect(s.out[3]).toContain('11/12 (92%)');
    expect(p.latest).toEqual({ total: 12, done: 11 });
  });

  it('renders runBatch progress: per arm, errors by kind, spend, rate and ETA', () => {
    const html = progressHtml(
      {
        total: 400,
        done: 100,
        perArm: { primary: { done: 50, errors: 1, cached: 0 }, canary: { done: 50, errors: 0, cached: 5 } },
        errorsByKind: { rate_limit: 1 },
        spentUsd: 0.1234567,
        callsPerSecond: 40,
        etaSeconds: 7.5,
      },
      EVIL,
    );
    expect(html).toContain(`<b>${ESCAPED}</b>`);
    expect(html).toContain('<progress value="100" max="400"></progress>');
    expect(html).toContain(
      '100/400 (25%) | primary 50, 1 failed · canary 50, 5 cached | errors: rate_limit 1 | $0.1235 | 40.0/s | ETA 8 s',
    );
  });
});

describe('sideBySideHtml', () => {
  const d: ReportDisagreement = {
    itemId: `item-${EVIL}`,
    prompt: `What is 2+2? ${EVIL}`,
    reference: 4,
    primary: `The answer is 4 ${EVIL}`,
    canary: 'x'.repeat(30),
    scores: [
      {
        scorer: 'numeric',
        primary: { score: 1, pass: true },
        canary: { score: 0, pass: false, reason: EVIL },
      },
    ],
    pairwise: { judge: 'judge-1', winner: 'primary', orderConsistent: false, reason: EVIL },
  };
  it('puts both answers in two columns with their verdicts, every string escaped', () => {
    const full = sideBySideHtml([d]);
    expect(full).not.toContain('<script>');
    expect(count(full, ESCAPED)).toBe(5); // item id, prompt, primary answer, canary's scorer reason, judge reason
    const html = sideBySideHtml([d], { maxChars: 20 });
    expect(html).not.toContain('<script>');
    expect(html).toContain('<th>primary</th><th>canary</th>');
    expect(html).toContain('<li>numeric: pass</li>');
    expect(html).toContain(`<li>numeric: fail (${ESCAPED})</li>`);
    expect(html).toContain(`${'x'.repeat(20)}… [10 more characters]`);
    expect(html).toContain('winner primary (flipped with the answer order)');
    expect(html).toContain('<b>Reference:</b> 4');
  });
  it('says so when there is nothing to show', () => {
    expect(sideBySideHtml([])).toContain('No disagreements');
  });
});

describe('showChart', () => {
  it('renders a vega-lite spec to inline SVG with its title as caption', async () => {
    const s = sink();
    const spec = {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      data: {
        values: [
          { arm: 'primary', n: 3 },
          { arm: 'canary', n: 5 },
        ],
      },
      mark: 'bar',
      encoding: { x: { field: 'arm', type: 'nominal' }, y: { field: 'n', type: 'quantitative' } },
    };
    const svg = await showChart({ title: `Calls ${EVIL}`, spec: spec as never }, { display: s });
    expect(svg).toMatch(/^<svg/);
    expect(s.out).toHaveLength(1);
    expect(s.out[0]).toMatch(/^<figure class="canarylab-chart"><svg[\s>]/);
    expect(s.out[0]).toContain(`<figcaption>Calls ${ESCAPED}</figcaption>`);
    expect((s.out[0].match(/<rect|<path/g) ?? []).length).toBeGreaterThan(0);
  });
});
