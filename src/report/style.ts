/**
 * The report's stylesheet: system fonts only, light, print-friendly. Status colours are the Okabe–Ito
 * colour-blind-safe set (bluish green #009E73 pass, vermillion #D55E00 fail, orange #E69F00 inconclusive),
 * always paired with an icon and a text label, so colour is never the only cue.
 */
export const REPORT_CSS = `
:root {
  --fg: #1d2330; --muted: #5b6472; --line: #d9dde3; --bg: #ffffff; --panel: #f6f7f9;
  --pass: #00795c; --pass-bg: #e3f4ee; --pass-line: #009e73;
  --fail: #a63f00; --fail-bg: #fbe9de; --fail-line: #d55e00;
  --inc: #7a5200; --inc-bg: #fdf2d9; --inc-line: #e69f00;
  --primary: #0072b2; --canary: #cc79a7;
}
* { box-sizing: border-box; }
html { background: var(--bg); color: var(--fg); }
body {
  margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Liberation Sans", sans-serif;
}
main { max-width: 1120px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 1.35rem; margin: 0 0 4px; }
h2 { font-size: 1.15rem; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin: 20px 0 8px; }
h4 { font-size: 0.9rem; margin: 8px 0 4px; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
.sub { color: var(--muted); margin: 0 0 16px; }
code, pre, .mono { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace; font-size: 0.86em; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; padding: 8px 10px; background: var(--panel);
  border: 1px solid var(--line); border-radius: 4px; max-height: 24em; overflow: auto; }
sup a { color: var(--primary); text-decoration: none; font-size: 0.75rem; }
nav.toc { font-size: 0.9rem; margin: 12px 0 0; }
nav.toc a { color: var(--primary); margin-right: 14px; text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
.verdict { border: 2px solid; border-left-width: 10px; border-radius: 6px; padding: 14px 18px; margin: 16px 0 8px; }
.verdict-promote { border-color: var(--pass-line); background: var(--pass-bg); }
.verdict-hold { border-color: var(--inc-line); background: var(--inc-bg); }
.verdict-rollback { border-color: var(--fail-line); background: var(--fail-bg); }
.verdict-label { font-size: 1.6rem; font-weight: 700; letter-spacing: .04em; margin: 0; }
.verdict-promote .verdict-label { color: var(--pass); }
.verdict-hold .verdict-label { color: var(--inc); }
.verdict-rollback .verdict-label { color: var(--fail); }
.verdict-sentence { font-size: 1.08rem; margin: 6px 0 10px; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
.reasons { margin: 10px 0 0; padding-left: 20px; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; margin: 6px 0 12px; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--line); }
th { background: var(--panel); font-weight: 600; }
th.num { white-space: normal; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.reason { min-width: 14em; }
td code { overflow-wrap: anywhere; }
table.dense { font-size: 0.84rem; }
table.dense th, table.dense td { padding: 4px 6px; }
ol.methods { font-size: 0.8rem; color: var(--muted); margin: 0 0 12px; padding-left: 22px; }
table.narrow, table.meta { width: auto; min-width: 50%; }
table.meta th { background: none; color: var(--muted); font-weight: 400; }
.table-wrap { overflow-x: auto; }
.status { display: inline-block; white-space: nowrap; font-weight: 600; border: 1px solid; border-radius: 3px;
  padding: 0 6px; font-size: 0.85rem; }
.status-pass { color: var(--pass); background: var(--pass-bg); border-color: var(--pass-line); }
.status-fail { color: var(--fail); background: var(--fail-bg); border-color: var(--fail-line); }
.status-inconclusive { color: var(--inc); background: var(--inc-bg); border-color: var(--inc-line); }
.sev-required { font-weight: 600; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 18px; }
figure.chart { margin: 0; padding: 10px 12px; border: 1px solid var(--line); border-radius: 6px; background: #fff;
  break-inside: avoid; page-break-inside: avoid; }
figure.chart figcaption { font-weight: 600; margin-bottom: 6px; }
figure.chart .desc { font-weight: 400; color: var(--muted); font-size: 0.85rem; margin: 4px 0 0; }
.chart-static svg, .chart-live svg { max-width: 100%; height: auto; display: block; }
.chart-live:empty { display: none; }
.arm-primary { color: var(--primary); }
.arm-canary { color: var(--canary); }
.muted { color: var(--muted); }
.empty { color: var(--muted); font-style: italic; }
article.dis { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; margin: 14px 0;
  break-inside: avoid; page-break-inside: avoid; }
article.dis h3 { margin-top: 4px; }
.side { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.side > div { min-width: 0; }
.arm-head { font-weight: 600; text-transform: none; letter-spacing: 0; color: var(--fg); font-size: 0.95rem; }
.arm-head.primary { border-bottom: 3px solid var(--primary); }
.arm-head.canary { border-bottom: 3px solid var(--canary); }
.cut { color: var(--muted); font-size: 0.8rem; }
footer { margin-top: 40px; color: var(--muted); font-size: 0.85rem; border-top: 1px solid var(--line); padding-top: 8px; }
@media (max-width: 720px) { .side { grid-template-columns: 1fr; } .charts { grid-template-columns: 1fr; } }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  nav.toc { display: none; }
  .charts { display: block; }
  figure.chart { margin-bottom: 12px; }
  figure.chart .chart-live { display: none; }
  .chart-static[hidden] { display: block; }
  pre { max-height: none; overflow: visible; }
  .verdict, .status { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; page-break-after: avoid; }
}
`;
