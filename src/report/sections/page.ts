// The page shell: the head with its Content-Security-Policy, the inlined vega scripts and the boot script
// that makes the charts interactive, and the choice of whether to inline them at all.
import { type InlineScript, inlineScript, vegaLibraries } from '../assets';
import { escapeHtml as h, jsonForScript } from '../escape';
import { REPORT_CSS } from '../style';
import type { ReportChart, ReportOptions } from '../types';

/** Default limit of the specs' total JSON size for interactive: 'auto'. */
export const INTERACTIVE_LIMIT_BYTES = 1_000_000;

/**
 * Renders each chart's spec into its figure with vega-embed (expression interpreter, so the CSP needs no
 * 'unsafe-eval'; no action menu, so no link out), then hides the static SVG. On failure the static SVG stays
 * and the error is logged. Constant text: its CSP hash is computed once.
 */
const BOOT_SCRIPT = inlineScript(
  'boot',
  `(function () {
  'use strict';
  var figures = document.querySelectorAll('figure[data-spec]');
  Array.prototype.forEach.call(figures, function (fig) {
    var data = document.getElementById(fig.getAttribute('data-spec'));
    var live = fig.querySelector('.chart-live');
    var still = fig.querySelector('.chart-static');
    if (!data || !live || typeof vegaEmbed !== 'function') return;
    var spec;
    try { spec = JSON.parse(data.textContent); } catch (e) {
      console.error('canarylab report: chart ' + fig.id + ' has an unreadable spec');
      return;
    }
    fig.setAttribute('data-live', 'pending');
    vegaEmbed(live, spec, { mode: 'vega-lite', actions: false, ast: true, renderer: 'svg', tooltip: true })
      .then(function () {
        if (still) still.hidden = true;
        fig.setAttribute('data-live', 'ready');
      })
      .catch(function (err) {
        live.textContent = '';
        fig.setAttribute('data-live', 'failed');
        console.error('canarylab report: chart ' + fig.id + ' failed to render: ' + err);
      });
  });
})();`,
);

/** The spec without its $schema URL (a link the page does not need: the mode is given to vega-embed). */
function withoutSchemaUrl(spec: object): object {
  const { $schema: _schema, ...rest } = spec as { $schema?: unknown };
  return rest;
}

function wantInteractive(
  options: ReportOptions,
  charts: readonly ReportChart[],
  specs: ReadonlyArray<{ json: string }>,
): boolean {
  const mode = options.interactive ?? 'auto';
  if (mode === false || specs.length === 0) return false;
  if (mode === true) return true;
  const limit = options.interactiveLimitBytes ?? INTERACTIVE_LIMIT_BYTES;
  const bytes = specs.reduce((sum, s) => sum + Buffer.byteLength(s.json), 0);
  return specs.length === charts.length && bytes <= limit;
}

/** What the page inlines for its interactive charts: each spec's JSON and the scripts that render them. */
export interface InteractivePart {
  interactive: boolean;
  specs: Array<{ id: string; json: string }>;
  scripts: InlineScript[];
}

/**
 * Decides whether the charts go interactive and gathers what that inlines: 'auto' falls back to the static
 * charts when the specs are too large or the vega builds cannot be read; `interactive: true` reports the
 * missing build.
 */
export function interactivePart(charts: readonly ReportChart[], options: ReportOptions): InteractivePart {
  const specs = charts
    .filter((c) => c.spec !== undefined)
    .map((c) => ({ id: c.id, json: jsonForScript(withoutSchemaUrl(c.spec as object)) }));
  let interactive = wantInteractive(options, charts, specs);
  let libraries: InlineScript[] = [];
  if (interactive) {
    try {
      libraries = vegaLibraries();
    } catch (err) {
      // 'auto' falls back to the static charts; an explicit `interactive: true` reports the missing build.
      if (options.interactive === true) throw err;
      interactive = false;
    }
  }
  const scripts: InlineScript[] = interactive ? [...libraries, BOOT_SCRIPT] : [];
  return { interactive, specs, scripts };
}

/** The Content-Security-Policy: only the inlined scripts (by hash), inline styles and data: images. */
function contentSecurityPolicy(scripts: readonly InlineScript[]): string {
  return [
    "default-src 'none'",
    'img-src data:',
    "style-src 'unsafe-inline'",
    `script-src ${scripts.length ? scripts.map((s) => `'${s.hash}'`).join(' ') : "'none'"}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** The whole HTML document around the rendered sections: head, CSP, style, spec data and scripts. */
export function renderPage(page: {
  title: string;
  generator: string;
  body: string;
  part: InteractivePart;
}): string {
  const { title, generator, body, part } = page;
  const csp = contentSecurityPolicy(part.scripts);
  const specTags = part.interactive
    ? part.specs.map((s) => `<script type="application/json" id="spec-${s.id}">${s.json}</script>`).join('\n')
    : '';
  const scriptTags = part.scripts.map((s) => `<script>${s.text}</script>`).join('\n');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${h(csp)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${h(generator)}">
<title>${h(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
${body}
</main>
${specTags}
${scriptTags}
</body>
</html>
`;
}
