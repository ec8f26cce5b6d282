import type { TopLevelSpec } from 'vega-lite';
import { ChartRenderError, renderSvg } from './render';

/** Options of {@link renderPng}. */
export interface RenderPngOptions {
  /** Pixel density: 2 gives a sharp image on high-DPI screens and slides. Default 2. */
  scale?: number;
  /** Font family used when the chart's font is not installed. Default 'DejaVu Sans'. */
  defaultFontFamily?: string;
}

/**
 * Renders a vega-lite spec to a PNG image: the SVG of {@link renderSvg} rasterised by resvg
 * (@resvg/resvg-js, a prebuilt native module installed by npm; nothing is downloaded at run time). Text uses
 * the system's fonts.
 *
 * @throws {ChartRenderError} when the spec cannot be rendered, or the scale is not a positive number
 * @example
 * const png = await renderPng(gateDashboardSpec({ gates: decision.gates }), { scale: 2 });
 * await writeFile('charts/gates.png', png);
 */
export async function renderPng(spec: TopLevelSpec, opts: RenderPngOptions = {}): Promise<Buffer> {
  const scale = opts.scale ?? 2;
  if (!(Number.isFinite(scale) && scale > 0 && scale <= 8))
    throw new ChartRenderError(`renderPng: scale must be a number in (0, 8], got ${String(opts.scale)}`);
  const svg = await renderSvg(spec);
  const { Resvg } = await import('@resvg/resvg-js');
  try {
    const image = new Resvg(svg, {
      fitTo: { mode: 'zoom', value: scale },
      font: { loadSystemFonts: true, defaultFontFamily: opts.defaultFontFamily ?? 'DejaVu Sans' },
      background: 'white',
    }).render();
    return image.asPng();
  } catch (e) {
    throw new ChartRenderError(`resvg could not rasterise the chart: ${(e as Error).message}`, { cause: e });
  }
}
