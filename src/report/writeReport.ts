import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../fileAtomic';
import { sanitizeSvg } from './escape';
import { renderReport } from './renderReport';
import type { ReportInput, ReportOptions } from './types';

/** What `writeReport` wrote. */
export interface WrittenReport {
  /** runDir/report.html */
  reportFile: string;
  /** runDir/charts/<id>.svg, in the input's chart order. */
  chartFiles: string[];
  /** Size of report.html in bytes. */
  bytes: number;
  /** Whether the interactive charts were inlined. */
  interactive: boolean;
}

/** A chart's SVG as a file of its own: sanitized, with the SVG namespace and an XML prolog. */
export function standaloneSvg(svg: string): string {
  const body = sanitizeSvg(svg).replace(/^<svg/i, '<svg xmlns="http://www.w3.org/2000/svg"');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`;
}

/**
 * Writes the run's report: runDir/report.html (see {@link renderReport}) and each chart's SVG as
 * runDir/charts/<id>.svg (sanitized like the inline copy, with its xmlns back). Each file is written to
 * a temporary name and renamed, so a crash never leaves half a report.
 *
 * @throws {ReportError} for a chart id that is not file-name safe or SVG that is not an <svg> element
 * @example
 * const { reportFile } = await writeReport('runs/demo', { decision, analysis, charts, manifest, disagreements });
 */
export async function writeReport(
  runDir: string,
  input: ReportInput,
  options: ReportOptions = {},
): Promise<WrittenReport> {
  const html = renderReport(input, options); // validates chart ids before any file is named after one
  const chartsDir = join(runDir, 'charts');
  await mkdir(chartsDir, { recursive: true });
  const chartFiles: string[] = [];
  for (const c of input.charts) {
    const file = join(chartsDir, `${c.id}.svg`);
    await writeFileAtomic(file, standaloneSvg(c.svg));
    chartFiles.push(file);
  }
  const reportFile = join(runDir, 'report.html');
  await writeFileAtomic(reportFile, html);
  return {
    reportFile,
    chartFiles,
    bytes: Buffer.byteLength(html),
    interactive: html.includes('data-spec="spec-'),
  };
}
