import {
  type Loader,
  parse,
  type Spec as VegaSpec,
  View,
  type ViewOptions,
  loader as vegaLoader,
} from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** A chart that could not be compiled or rendered (or tried to load something from outside). */
export class ChartRenderError extends Error {
  readonly code = 'CANARYLAB_ERR_CHART_RENDER';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ChartRenderError';
  }
}

type Logger = NonNullable<ViewOptions['logger']>;

/** A vega/vega-lite logger that keeps warnings (and errors) instead of printing them. */
function collectingLogger(messages: { warnings: string[]; errors: string[] }): Logger {
  let level = 2; // vega-util's Warn
  const text = (args: readonly unknown[]) =>
    args
      .map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : JSON.stringify(a)))
      .join(' ');
  const logger = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error(...args: readonly unknown[]) {
      messages.errors.push(text(args));
      return logger;
    },
    warn(...args: readonly unknown[]) {
      if (level >= 2) messages.warnings.push(text(args));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger as unknown as Logger;
}

/**
 * Compiles a vega-lite spec to vega, returning the warnings vega-lite logged instead of printing them.
 *
 * @throws {ChartRenderError} when vega-lite rejects the spec
 * @example
 * const { vega, warnings } = compileChart(latencyEcdfSpec({ primary, canary }));
 */
export function compileChart(spec: TopLevelSpec): { vega: VegaSpec; warnings: string[] } {
  const messages = { warnings: [] as string[], errors: [] as string[] };
  try {
    const { spec: vg } = compile(spec, { logger: collectingLogger(messages) });
    return { vega: vg as VegaSpec, warnings: [...messages.warnings, ...messages.errors] };
  } catch (e) {
    throw new ChartRenderError(`vega-lite could not compile the chart: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

/** A vega loader that refuses every URL (and notes it): charts carry their data inline, rendering never reaches out. */
function offlineLoader(refused: string[]): Loader {
  const l = vegaLoader();
  const refuse = (uri: string) => {
    refused.push(String(uri));
    return Promise.reject(new ChartRenderError(`charts render offline: refusing to load '${uri}'`));
  };
  l.sanitize = refuse;
  l.load = refuse;
  l.http = refuse;
  l.file = refuse;
  return l;
}

/**
 * Renders a vega-lite spec to a standalone SVG string, headless (vega's 'none' renderer: no DOM, no canvas;
 * text widths are estimated), with a loader that refuses every URL, so nothing is fetched: a spec that
 * references data or images by URL is an error.
 *
 * @throws {ChartRenderError} when the spec does not compile, references external data, or vega fails
 * @example
 * const svg = await renderSvg(gateDashboardSpec({ gates: decision.gates }));
 * await writeFile('charts/gates.svg', svg);
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const { vega } = compileChart(spec);
  const messages = { warnings: [] as string[], errors: [] as string[] };
  const refused: string[] = [];
  let view: View | undefined;
  try {
    view = new View(parse(vega), {
      renderer: 'none',
      loader: offlineLoader(refused),
      logger: collectingLogger(messages),
    });
    const svg = await view.toSVG();
    if (refused.length > 0) {
      throw new ChartRenderError(
        `charts render offline: the spec references ${refused.map((u) => `'${u}'`).join(', ')}; inline the data instead`,
      );
    }
    if (messages.errors.length > 0) throw new Error(messages.errors.join('; '));
    return svg;
  } catch (e) {
    if (e instanceof ChartRenderError) throw e;
    throw new ChartRenderError(`vega could not render the chart: ${(e as Error).message}`, { cause: e });
  } finally {
    view?.finalize();
  }
}
